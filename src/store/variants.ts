/**
 * Renders of an issue for a set of sections (subscribers who chose some
 * sections get an issue of only those). Like `issue_renders`, saved at build
 * so a send never needs MJML; one row per (issue, set of sections), replaced
 * when what it was rendered from (`render_key`) changes.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { IsoDate, RenderedIssue } from '../types.ts';
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

/** Repository of per-section-set renders. */
export class VariantStore {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  /** The render of `date` for `sectionsKey` if it was rendered from `renderKey`. */
  rendered(date: IsoDate, sectionsKey: string, renderKey: string): RenderedIssue | undefined {
    const row = this.db
      .prepare('SELECT rendered FROM issue_variant_renders WHERE date = ? AND sections_key = ? AND render_key = ?')
      .get(date, sectionsKey, renderKey) as { rendered: Buffer } | undefined;
    return row && (JSON.parse(gunzipSync(row.rendered).toString('utf8')) as RenderedIssue);
  }

  /** Keep a variant's render (the issue of `date` must be stored). */
  save(date: IsoDate, sectionsKey: string, renderKey: string, rendered: RenderedIssue, now: string): void {
    const { subject, preheader, emailHtml, emailText, webHtml } = rendered;
    const blob = gzipSync(JSON.stringify({ subject, preheader, emailHtml, emailText, webHtml }));
    this.db
      .prepare(
        `INSERT INTO issue_variant_renders (date, sections_key, render_key, rendered, rendered_at)
         SELECT date, ?, ?, ?, ? FROM issues WHERE date = ?
         ON CONFLICT(date, sections_key) DO UPDATE SET render_key = excluded.render_key, rendered = excluded.rendered, rendered_at = excluded.rendered_at`,
      )
      .run(sectionsKey, renderKey, blob, now, date);
  }
}
