/**
 * Issues of chosen sections (variants): a subscriber who chose some sections
 * gets an issue of only those, numbered and counted as they receive it.
 * Rendered once per distinct effective set (the chosen sections that have
 * items in this issue), stored at build like the whole issue's render, so a
 * send reuses them without MJML.
 */
import { createHash } from 'node:crypto';
import { renderIssue, type Templates } from '../render/index.ts';
import type { Issue, RenderedIssue } from '../types.ts';
import type { Context } from './context.ts';
import { renderOptions } from './render.ts';

/** The key of the whole issue (no choice, or a choice covering every section with items). */
export const FULL = 'all';

/** The effective key of a choice in this issue: the chosen sections with items, in issue order; FULL, or '' for none. */
export function effectiveKey(issue: Issue, chosen: readonly string[]): string {
  const withItems = issue.sections.filter((s) => s.items.length);
  const ids = withItems.filter((s) => chosen.includes(s.id)).map((s) => s.id);
  return ids.length === withItems.length ? FULL : ids.join(',');
}

/** The issue of only the sections in `key` (an effective key), renumbered from 1; anchors keep the whole issue's numbers. */
export function variantIssue(issue: Issue, key: string): Issue {
  const ids = new Set(key.split(','));
  let n = 0;
  const sections = issue.sections
    .filter((s) => ids.has(s.id) && s.items.length)
    .map((s) => ({ ...s, items: s.items.map((item) => ({ ...item, position: ++n, webPosition: item.position })) }));
  return { ...issue, sections, unplaced: [] };
}

/** What preparing the variants of an issue did. */
export interface PreparedVariants {
  /** Effective key by stored choice (the subscriber's `sections` JSON); '' when nothing chosen is in the issue. */
  byChoice: Map<string, string>;
  /** Renders by effective key (FULL excluded: that is the issue's own render). */
  renders: Map<string, RenderedIssue>;
  /** Distinct issues subscribers get (the whole one included when anybody gets it). */
  variants: number;
  /** Variants rendered now (MJML); the others came from the store. */
  rendered: number;
}

/** Render (or take from the store) the variant of every choice active subscribers made. */
export async function prepareVariants(ctx: Context, issue: Issue, templates: Templates): Promise<PreparedVariants> {
  const byChoice = new Map<string, string>();
  const renders = new Map<string, RenderedIssue>();
  let full = false;
  let rendered = 0;
  const opts = renderOptions(ctx, issue.date);
  for (const choice of ctx.store.subscribers.activeSectionSets()) {
    if (!choice) {
      full = true;
      continue;
    }
    const key = effectiveKey(issue, choice);
    byChoice.set(JSON.stringify(choice), key);
    if (key === FULL) full = true;
    if (!key || key === FULL || renders.has(key)) continue;
    const variant = variantIssue(issue, key);
    const renderKey = createHash('sha256')
      .update(JSON.stringify(variant))
      .update('\0')
      .update(templates.fingerprint)
      .update('\0')
      .update(JSON.stringify(opts))
      .digest('hex');
    let parts = ctx.store.variants.rendered(issue.date, key, renderKey);
    if (!parts) {
      parts = await renderIssue(variant, templates, opts);
      ctx.store.variants.save(issue.date, key, renderKey, parts, ctx.now().toISOString());
      rendered++;
    }
    renders.set(key, parts);
  }
  return { byChoice, renders, variants: renders.size + (full ? 1 : 0), rendered };
}
