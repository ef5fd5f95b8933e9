/**
 * The build step: select → section → render → publish for one date, and the
 * composition the preview shows without saving it.
 */
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { DigestError } from '../errors.ts';
import { loadTemplates } from '../render/index.ts';
import { cutoffFor, issueDateAt } from '../util/time.ts';
import { buildIssue, selectItems } from '../section/index.ts';
import type { Issue } from '../types.ts';
import type { Context } from './context.ts';
import { applyEditorOrder, reviseItems } from './editorial.ts';
import { publishStep } from './publish.ts';
import { renderedParts } from './render.ts';
import { prepareVariants } from './variants.ts';
import { sectioningInput } from './sectioning.ts';

/** Seed subscribers listed in config (never resubscribes anyone who left). */
export function seedSubscribers(ctx: Context): void {
  for (const s of ctx.config.subscribers) ctx.store.subscribers.add(s.email, s.name ?? null, ctx.now().toISOString());
}

/** The issue date for a command: `--date` or today in the publication's timezone. */
export function issueDate(ctx: Context, date?: string): string {
  return date ?? issueDateAt(ctx.now(), ctx.config.publication.timezone);
}

/** Summary of a build. */
export interface BuildSummary {
  date: string;
  status: 'built' | 'rebuilt' | 'exists' | 'empty' | 'too-few';
  numbering?: Issue['numbering'];
  sections: Record<string, number>;
  overflow: number;
  unplaced: number;
  files: string[];
}

/**
 * Compose the issue of `date` as a build run now would: select the candidate
 * items, place them into sections with the editors' overrides. Reads the store
 * but writes nothing (no item is assigned, no issue saved), so the preview can
 * show exactly what `buildStep` would save.
 */
export function composeIssue(ctx: Context, date: string): Issue {
  const { config, store } = ctx;
  const existing = store.issues.get(date);
  const zone = config.publication.timezone;
  // A late run on the issue's own day covers everything collected until it runs.
  const scheduled = cutoffFor(date, config.schedule.cron, zone);
  const now = DateTime.fromJSDate(ctx.now(), { zone });
  const cutoff = issueDateAt(ctx.now(), zone) === date && now > scheduled ? now : scheduled;
  // Editors' revisions replace the source's text wherever the build reads an item.
  const revisions = store.revisions.current();
  const selected = selectItems(reviseItems(store.items.candidates(date), revisions, zone), cutoff, config.selection.maxAgeDays);
  // Stored items an editor added to this issue come in whatever the selection window says.
  const chosen = new Set(selected.map((i) => i.id));
  const added = store.overrides
    .additions(date)
    .filter((id) => !chosen.has(id))
    .flatMap((id) => store.items.get(id) ?? []);
  const before = store.issues.countsBefore(date);
  const overrides = store.overrides.all();
  const issue = buildIssue({
    date,
    title: config.publication.title,
    numbering: {
      year: Number(date.slice(0, 4)),
      number: existing?.issue.numbering.number ?? before.inYear + 1,
      totalNumber: existing?.issue.numbering.totalNumber ?? before.total + 1 + config.publication.totalNumberOffset,
    },
    cutoff: cutoff.toISO()!,
    windowStart: cutoff.minus({ days: config.selection.maxAgeDays }).toISO()!,
    items: [...selected, ...reviseItems(added, revisions, zone)],
    sections: config.sections,
    overrides,
    // Named lists, ordering and the learned classifier (trained here from past issues and overrides).
    ...sectioningInput(ctx, date),
  });
  return applyEditorOrder(issue, store.overrides.ranks(), overrides);
}

/**
 * Build the issue of `date`: select, section, render, publish. An issue that
 * exists is kept as it is unless `rebuild` is set and none of it has gone
 * out: once any delivery is sent (or in doubt, `sending`), its content is
 * frozen, so the rest of the list gets what the first readers got under the
 * same number and subject. Test copies are not deliveries and never freeze it.
 */
export async function buildStep(ctx: Context, date: string, opts: { rebuild?: boolean; force?: boolean } = {}): Promise<BuildSummary> {
  const { config, store } = ctx;
  const existing = store.issues.get(date);
  const counts = (issue: Issue) => Object.fromEntries(issue.sections.map((s) => [s.title, s.items.length]));
  if (existing && opts.rebuild) {
    const gone = store.deliveries.totals(date);
    if (existing.status === 'sent' || gone.sent + gone.sending > 0)
      throw new DigestError(
        `the issue of ${date} has already gone to ${gone.sent + gone.sending} subscriber(s); its content is frozen and cannot be rebuilt`,
        `corrections go into the next issue; digest send --issue ${date} finishes sending this one unchanged`,
      );
  }
  if (existing && !opts.rebuild) {
    return {
      date,
      status: 'exists',
      numbering: existing.issue.numbering,
      sections: counts(existing.issue),
      overflow: 0,
      unplaced: 0,
      files: [],
    };
  }
  const issue = composeIssue(ctx, date);
  const placed = issue.sections.flatMap((s) => s.items);
  if (!placed.length && config.schedule.skipIfEmpty && !opts.force) {
    return { date, status: 'empty', sections: {}, overflow: 0, unplaced: issue.unplaced.length, files: [] };
  }
  // schedule.minItems: a thin day is skipped (its items stay for the next issue) unless forced.
  if (placed.length < config.schedule.minItems && !opts.force) {
    return { date, status: 'too-few', sections: counts(issue), overflow: 0, unplaced: issue.unplaced.length, files: [] };
  }
  store.transaction(() => {
    store.items.assignToIssue(
      date,
      placed.map((i) => i.id),
    );
    store.issues.save(issue, ctx.now().toISOString());
  });
  // Rendered now in any case: a template error shows at build, and the send reuses this render.
  const templates = loadTemplates(resolve(config.render.templates));
  const rendered = await renderedParts(ctx, issue, templates);
  // Subscribers' choices of sections too, so the send renders nothing.
  await prepareVariants(ctx, issue, templates);
  // With approval required, a draft stays private (only the preview shows it);
  // it is published when it is sent, so feeds never announce an unapproved issue.
  const files = config.schedule.requireApproval ? [] : publishStep(ctx, issue, rendered, templates);
  return {
    date,
    status: existing ? 'rebuilt' : 'built',
    numbering: issue.numbering,
    sections: counts(issue),
    overflow: issue.sections.reduce((n, s) => n + s.overflow.length, 0),
    unplaced: issue.unplaced.length,
    files,
  };
}
