/**
 * Rendering within the cycle: the render settings of an issue (its
 * neighbours for the prev/next links) and the stored render, reused while
 * what it was made from is unchanged.
 */
import { createHash } from 'node:crypto';
import { renderIssue, type RenderResult, type Templates } from '../render/index.ts';
import type { Issue, RenderedIssue } from '../types.ts';
import type { Context } from './context.ts';

/** The render settings of the issue of `date`: publication, sizes, and the neighbouring issues. */
export function renderOptions(ctx: Context, date: string) {
  const p = ctx.config.publication;
  const all = ctx.store.issues.dates();
  const i = all.indexOf(date);
  return {
    publication: { ...p, language: p.language },
    summaryChars: ctx.config.render.summaryChars,
    emailMaxBytes: ctx.config.render.emailMaxBytes,
    // `all` is newest first: the previous issue is the next entry.
    previous: i >= 0 ? (all[i + 1] ?? null) : (all.find((d) => d < date) ?? null),
    next: i > 0 ? all[i - 1]! : null,
  };
}

/** Render a stored issue. */
export async function renderStored(ctx: Context, issue: Issue, templates: Templates): Promise<RenderResult> {
  return renderIssue(issue, templates, renderOptions(ctx, issue.date));
}

/**
 * The issue's rendered parts (subject, email HTML, text part, web page). A
 * build stores them; later commands reuse them while the issue, the
 * templates and the render settings are unchanged, so `digest send` of a
 * built issue never loads MJML (about 80 MB of a send's memory). When any of
 * them changed it renders again, and stores the result if `issue` is the
 * stored one (not a preview's unsaved composition).
 */
export async function renderedParts(ctx: Context, issue: Issue, templates: Templates): Promise<RenderedIssue> {
  const opts = renderOptions(ctx, issue.date);
  const issueJson = JSON.stringify(issue);
  const key = createHash('sha256')
    .update(issueJson)
    .update('\0')
    .update(templates.fingerprint)
    .update('\0')
    .update(JSON.stringify(opts))
    .digest('hex');
  const kept = ctx.store.issues.rendered(issue.date, key);
  if (kept) return kept;
  const rendered = await renderIssue(issue, templates, opts);
  ctx.store.issues.saveRendered(issue.date, issueJson, key, rendered, ctx.now().toISOString());
  return rendered;
}
