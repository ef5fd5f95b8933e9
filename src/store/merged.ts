/**
 * Merged copies: when ingest merges another outlet's report of the same news
 * into a stored item (the item lists it among its other outlets), the report
 * itself is kept here whole, so an editor's split can restore it as the item
 * it was — its own source, link, outlet, headline, date and text — instead of
 * a copy of the item it was merged into.
 *
 * The SQL is plain on purpose (`?` placeholders, `ON CONFLICT … DO NOTHING`,
 * no SQLite functions): the PostgreSQL backend runs the same statements.
 */
import type { Item, OtherOutlet } from '../types.ts';
import { fromRow, type ItemRow } from './items.ts';
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

/** Does this stored copy stand behind that entry of an item's other outlets? */
export function copyMatches(copy: Item, other: OtherOutlet): boolean {
  return copy.sourceId === other.sourceId && copy.link === other.link && copy.outlet === other.outlet;
}

/** Repository of the reports merged into other items. */
export class MergedCopyStore {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  /** Keep the report `copy` (as ingest built it) merged into item `itemId`; a copy kept already stays as it is. */
  keep(itemId: string, copy: Item): void {
    this.db
      .prepare(
        `INSERT INTO merged_copies (item_id, copy_id, source_id, guid, link, title, issuer, outlet, published_at, first_seen_at,
           text, html, attachments, fingerprint, categories)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (item_id, copy_id) DO NOTHING`,
      )
      .run(
        itemId,
        copy.id,
        copy.sourceId,
        copy.guid,
        copy.link,
        copy.title,
        copy.issuer,
        copy.outlet,
        copy.publishedAt,
        copy.firstSeenAt,
        copy.text,
        copy.html,
        JSON.stringify(copy.attachments),
        copy.fingerprint,
        JSON.stringify(copy.categories),
      );
  }

  /** The reports merged into `itemId`, first merged first, as items of their own (their own ids). */
  list(itemId: string): Item[] {
    // Read as an items row: a kept copy is an item of its own, not yet merged with others or placed.
    const rows = this.db
      .prepare(
        `SELECT copy_id AS id, source_id, guid, link, title, issuer, outlet, published_at, first_seen_at, text, html, attachments,
                fingerprint, '[]' AS other_outlets, NULL AS pinned_section, categories, NULL AS issue_date
         FROM merged_copies WHERE item_id = ? ORDER BY first_seen_at, copy_id`,
      )
      .all(itemId) as ItemRow[];
    return rows.map(fromRow);
  }

  /** The kept report behind one of the item's other outlets, if it was kept (merges before schema 8 were not). */
  find(itemId: string, other: OtherOutlet): Item | undefined {
    return this.list(itemId).find((c) => copyMatches(c, other));
  }

  /** Forget a kept report (it was split off and is an item again). */
  remove(itemId: string, copyId: string): void {
    this.db.prepare('DELETE FROM merged_copies WHERE item_id = ? AND copy_id = ?').run(itemId, copyId);
  }
}
