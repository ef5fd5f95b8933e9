/**
 * The steps of a cycle as the CLI runs them: ingest, build (select → section
 * → render → publish) and send. Each returns a summary object for printing.
 */
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { sendIssue, type SendTotals } from '../deliver/index.ts';
import { DigestError } from '../errors.ts';
import { ingestAll, type SourceReport } from '../ingest/index.ts';
import { writeArchiveAndFeeds, writeIssueFiles } from '../publish/index.ts';
import { renderIssue, renderWebPage } from '../render/index.ts';
import { loadTemplates, type Templates } from '../render/templates.ts';
import { cutAtSentence } from '../render/view.ts';
import { cutoffFor, issueDateAt } from '../schedule/time.ts';
import { buildIssue } from '../section/build.ts';
import { selectItems } from '../section/select.ts';
import type { Issue, RenderedIssue } from '../types.ts';
import { createMessenger, fromDomain, listSettings, type Context } from './context.ts';

/** Seed subscribers listed in config (never resubscribes anyone who left). */
export function seedSubscribers(ctx: Context): void {
  for (const s of ctx.config.subscribers) ctx.store.subscribers.add(s.email, s.name ?? null, ctx.now().toISOString());
}

/** Run the ingest stage over all sources. */
export async function ingestStep(ctx: Context): Promise<SourceReport[]> {
  return ingestAll({ config: ctx.config, items: ctx.store.items, sources: ctx.store.sources, now: ctx.now });
}

/** The issue date for a command: `--date` or today in the publication's timezone. */
export function issueDate(ctx: Context, date?: string): string {
  return date ?? issueDateAt(ctx.now(), ctx.config.publication.timezone);
}

function renderOptions(ctx: Context, date: string) {
  const p = ctx.config.publication;
  const all = ctx.store.issues.latest(100000).map((s) => s.issue.date);
  const i = all.indexOf(date);
  return {
    publication: { ...p, language: p.language },
    summaryChars: ctx.config.render.summaryChars,
    // `all` is newest first: the previous issue is the next entry.
    previous: i >= 0 ? (all[i + 1] ?? null) : (all.find((d) => d < date) ?? null),
    next: i > 0 ? all[i - 1]! : null,
  };
}

/** Render a stored issue. */
export async function renderStored(ctx: Context, issue: Issue, templates: Templates): Promise<RenderedIssue> {
  return renderIssue(issue, templates, renderOptions(ctx, issue.date));
}

/** Summary of a build. */
export interface BuildSummary {
  date: string;
  status: 'built' | 'rebuilt' | 'exists' | 'empty';
  numbering?: Issue['numbering'];
  sections: Record<string, number>;
  overflow: number;
  unplaced: number;
  files: string[];
}

/**
 * Build the issue of `date`: select, section, render, publish. An issue that
 * exists is kept as it is unless `rebuild` is set and it has not been sent.
 */
export async function buildStep(ctx: Context, date: string, opts: { rebuild?: boolean; force?: boolean } = {}): Promise<BuildSummary> {
  const { config, store } = ctx;
  const existing = store.issues.get(date);
  const counts = (issue: Issue) => Object.fromEntries(issue.sections.map((s) => [s.title, s.items.length]));
  if (existing && (!opts.rebuild || existing.status === 'sent')) {
    if (opts.rebuild) throw new DigestError(`the issue of ${date} was already sent; it cannot be rebuilt`, 'build another date with --date');
    return { date, status: 'exists', numbering: existing.issue.numbering, sections: counts(existing.issue), overflow: 0, unplaced: 0, files: [] };
  }
  const zone = config.publication.timezone;
  // A late run on the issue's own day covers everything collected until it runs.
  const scheduled = cutoffFor(date, config.schedule.cron, zone);
  const now = DateTime.fromJSDate(ctx.now(), { zone });
  const cutoff = issueDateAt(ctx.now(), zone) === date && now > scheduled ? now : scheduled;
  const selected = selectItems(store.items.candidates(date), cutoff, config.selection.maxAgeDays);
  const before = store.issues.countsBefore(date);
  const issue = buildIssue({
    date,
    title: config.publication.title,
    numbering: {
      year: Number(date.slice(0, 4)),
      number: (existing?.issue.numbering.number ?? before.inYear + 1),
      totalNumber: existing?.issue.numbering.totalNumber ?? before.total + 1 + config.publication.totalNumberOffset,
    },
    cutoff: cutoff.toISO()!,
    windowStart: cutoff.minus({ days: config.selection.maxAgeDays }).toISO()!,
    items: selected,
    sections: config.sections,
    overrides: store.overrides.all(),
  });
  const placed = issue.sections.flatMap((s) => s.items);
  if (!placed.length && config.schedule.skipIfEmpty && !opts.force) {
    return { date, status: 'empty', sections: {}, overflow: 0, unplaced: issue.unplaced.length, files: [] };
  }
  store.db.transaction(() => {
    store.items.assignToIssue(date, placed.map((i) => i.id));
    store.issues.save(issue, ctx.now().toISOString());
  })();
  const files = await publishStep(ctx, issue);
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

/** Write the issue's files, then the archive and feeds. Returns the paths written. */
export async function publishStep(ctx: Context, issue: Issue): Promise<string[]> {
  const { config, store } = ctx;
  const templates = loadTemplates(resolve(config.render.templates));
  const rendered = await renderStored(ctx, issue, templates);
  const summaries = new Map(issue.sections.flatMap((s) => s.items.map((i) => [i.id, cutAtSentence(i.text, config.render.summaryChars).text] as const)));
  const outDir = resolve(config.output.dir);
  const files = writeIssueFiles(outDir, issue, rendered, summaries, config.publication.baseUrl);
  const all = store.issues.latest(100000).map((s) => s.issue);
  const latest = all.slice(0, config.output.feedIssues).map((i) => ({
      issue: i,
      webHtml: i.date === issue.date ? rendered.webHtml : renderWebPage(i, templates, renderOptions(ctx, i.date)),
  }));
  const p = config.publication;
  files.push(...writeArchiveAndFeeds(outDir, all, latest, { title: p.title, description: p.description, baseUrl: p.baseUrl, language: p.language, timezone: p.timezone }));
  return files.map((f) => join(config.output.dir, f.slice(outDir.length + 1)));
}

/** Summary of a send. */
export interface SendSummary extends SendTotals {
  date: string;
  transport: string;
}

/** Send the issue of `date` to every active subscriber that has not had it. */
export async function sendStep(ctx: Context, date: string, onProgress?: (done: number, total: number) => void): Promise<SendSummary> {
  const { config, store } = ctx;
  const stored = store.issues.get(date);
  if (!stored) throw new DigestError(`no issue for ${date}`, `build it first: digest build --date ${date}`);
  const templates = loadTemplates(resolve(config.render.templates));
  const rendered = await renderStored(ctx, stored.issue, templates);
  const messenger = createMessenger(config);
  try {
    const totals = await sendIssue(
      {
        issueDate: date,
        rendered,
        list: listSettings(config),
        baseUrl: config.publication.baseUrl,
        unsubscribeSecret: config.delivery.unsubscribeSecret,
        messageIdDomain: fromDomain(config),
        bounceAfter: config.delivery.bounceAfter,
        concurrency: config.delivery.smtp?.maxConnections ?? 1,
        retries: 3,
        now: ctx.now,
        onProgress,
      },
      { deliveries: store.deliveries, subscribers: store.subscribers, messenger },
    );
    const t = store.deliveries.totals(date);
    if (t.pending === 0 && t.sending === 0) store.issues.setStatus(date, 'sent', ctx.now().toISOString());
    return { date, transport: messenger.description, ...totals };
  } finally {
    await messenger.close();
  }
}
