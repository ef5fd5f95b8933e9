/**
 * The steps of a cycle as the CLI runs them: ingest, build (select → section
 * → render → publish) and send. Each returns a summary object for printing.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { sendIssue, type SendTotals } from '../deliver/index.ts';
import { acquireSendLock } from '../deliver/lock.ts';
import type { Messenger } from '../deliver/messenger.ts';
import { IssueMessage } from '../deliver/mime.ts';
import { signedUnsubscribeUrl, unsubscribeEndpoint } from '../deliver/unsubscribe.ts';
import { DigestError } from '../errors.ts';
import { publishedPage, writeArchiveAndFeeds, writeIssueFiles } from '../publish/index.ts';
import { renderIssue, renderWebPage, type RenderResult } from '../render/index.ts';
import { loadTemplates, type Templates } from '../render/templates.ts';
import { cutAtSentence } from '../render/view.ts';
import { cutoffFor, issueDateAt } from '../schedule/time.ts';
import { buildIssue } from '../section/build.ts';
import { selectItems } from '../section/select.ts';
import type { Issue, RenderedIssue } from '../types.ts';
import { fromDomain, listSettings, requireStrongSecretForSmtp, type Context } from './context.ts';
import { createMessenger } from './messenger.ts';
import { sectioningInput } from './sectioning.ts';

export { ingestStep } from './ingest-step.ts';

/** Seed subscribers listed in config (never resubscribes anyone who left). */
export function seedSubscribers(ctx: Context): void {
  for (const s of ctx.config.subscribers) ctx.store.subscribers.add(s.email, s.name ?? null, ctx.now().toISOString());
}

/** The issue date for a command: `--date` or today in the publication's timezone. */
export function issueDate(ctx: Context, date?: string): string {
  return date ?? issueDateAt(ctx.now(), ctx.config.publication.timezone);
}

function renderOptions(ctx: Context, date: string) {
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
  const selected = selectItems(store.items.candidates(date), cutoff, config.selection.maxAgeDays);
  const before = store.issues.countsBefore(date);
  return buildIssue({
    date,
    title: config.publication.title,
    numbering: {
      year: Number(date.slice(0, 4)),
      number: existing?.issue.numbering.number ?? before.inYear + 1,
      totalNumber: existing?.issue.numbering.totalNumber ?? before.total + 1 + config.publication.totalNumberOffset,
    },
    cutoff: cutoff.toISO()!,
    windowStart: cutoff.minus({ days: config.selection.maxAgeDays }).toISO()!,
    items: selected,
    sections: config.sections,
    overrides: store.overrides.all(),
    // Named lists, ordering and the learned classifier (trained here from past issues and overrides).
    ...sectioningInput(ctx, date),
  });
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
  store.db.transaction(() => {
    store.items.assignToIssue(
      date,
      placed.map((i) => i.id),
    );
    store.issues.save(issue, ctx.now().toISOString());
  })();
  // Rendered now in any case: a template error shows at build, and the send reuses this render.
  const templates = loadTemplates(resolve(config.render.templates));
  const rendered = await renderedParts(ctx, issue, templates);
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

/** The files of an issue's web version that a mailed link points to (written atomically: present means complete). */
const ISSUE_FILES = ['index.html', 'email.html', 'email.txt', 'issue.json'];

/** The issue's published files that are missing on disk (a disk filled up while publishing). */
function missingIssueFiles(ctx: Context, date: string): string[] {
  const dir = join(resolve(ctx.config.output.dir), 'issues', date);
  return ISSUE_FILES.map((f) => join(dir, f)).filter((f) => !existsSync(f));
}

/**
 * Write the issue's files (from its render), then the archive and feeds
 * (`templates` renders older issues' pages missing on disk). Returns the paths
 * written. A write failure (disk full, no permission) becomes an error naming
 * the path and what to do; nothing is mailed until a later run has published.
 */
export function publishStep(ctx: Context, issue: Issue, rendered: RenderedIssue, templates: Templates): string[] {
  try {
    return publishFiles(ctx, issue, rendered, templates);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (!e.code) throw err;
    const where = e.path ?? resolve(ctx.config.output.dir);
    throw new DigestError(
      `cannot publish the issue of ${issue.date}: ${e.code} writing ${where}`,
      `${e.code === 'ENOSPC' ? 'free disk space' : 'fix the path or its permissions'} under ${resolve(ctx.config.output.dir)}, then run digest send --issue ${issue.date} (or digest run) again: it publishes the missing files before anyone is mailed`,
    );
  }
}

function publishFiles(ctx: Context, issue: Issue, rendered: RenderedIssue, templates: Templates): string[] {
  const { config, store } = ctx;
  const summaries = new Map(
    issue.sections.flatMap((s) => s.items.map((i) => [i.id, cutAtSentence(i.text, config.render.summaryChars).text] as const)),
  );
  const outDir = resolve(config.output.dir);
  const files = writeIssueFiles(outDir, issue, rendered, summaries, config.publication.baseUrl);
  // Older issues' pages are never rewritten: their feed entries carry the page as published
  // (rendered in memory only when it is missing from disk).
  const latest = store.issues.latest(config.output.feedIssues).map(({ issue: i }) => ({
    issue: i,
    webHtml:
      i.date === issue.date ? rendered.webHtml : (publishedPage(outDir, i.date) ?? renderWebPage(i, templates, renderOptions(ctx, i.date))),
  }));
  const settings = { publication: config.publication, summaryChars: config.render.summaryChars, itemFeed: config.output.itemFeed };
  files.push(...writeArchiveAndFeeds(outDir, store.issues.archiveEntries(), latest, settings));
  return files.map((f) => join(config.output.dir, f.slice(outDir.length + 1)));
}

/** Summary of a send. */
export interface SendSummary extends SendTotals {
  date: string;
  transport: string;
}

/**
 * Send the issue of `date` to every active subscriber that has not had it.
 * `signal` stops it after the recipients in flight, which are recorded; a
 * transport that cannot send at all (login refused, server unreachable) ends
 * it with an error, the rest left pending for the next `digest send`.
 */
export async function sendStep(
  ctx: Context,
  date: string,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<SendSummary> {
  const { config, store } = ctx;
  requireStrongSecretForSmtp(config, 'sending over SMTP');
  const stored = store.issues.get(date);
  if (!stored) throw new DigestError(`no issue for ${date}`, `build it first: digest build --date ${date}`);
  const templates = loadTemplates(resolve(config.render.templates));
  const rendered = await renderedParts(ctx, stored.issue, templates);
  // Mail links to the web version: never send while its files are missing (publishing failed, e.g. a full
  // disk); publishing again here is what makes a later run recover. With approval the send is what publishes.
  if (stored.status !== 'sent' && (config.schedule.requireApproval || missingIssueFiles(ctx, date).length))
    publishStep(ctx, stored.issue, rendered, templates);
  const lock = acquireSendLock(store.db, date);
  let messenger: Messenger | undefined;
  try {
    messenger = createMessenger(config);
    const d = config.delivery;
    const endpoint = unsubscribeEndpoint(config.publication.baseUrl, d.unsubscribeUrl);
    const totals = await sendIssue(
      {
        issueDate: date,
        message: new IssueMessage(rendered, listSettings(config)),
        unsubscribeUrl: (id, email) => signedUnsubscribeUrl(endpoint, d.unsubscribeSecret, id, email),
        messageIdDomain: fromDomain(config),
        bounceAfter: d.bounceAfter,
        concurrency: messenger.concurrency,
        retries: d.retries,
        retryDelayMs: d.retryDelaySeconds * 1000,
        ratePerSecond: d.smtp?.ratePerSecond,
        ratePerHour: d.smtp?.ratePerHour,
        transport: messenger.description,
        now: ctx.now,
        signal: signal ? AbortSignal.any([signal, lock.lost]) : lock.lost,
        onProgress,
      },
      { deliveries: store.deliveries, subscribers: store.subscribers, messenger },
    );
    if (totals.status === 'completed') store.issues.setStatus(date, 'sent', ctx.now().toISOString());
    if (totals.status === 'aborted') {
      throw new DigestError(
        `sending the issue of ${date} via ${messenger.description} stopped: ${totals.error}`,
        `${totals.submitted} submitted, ${totals.remaining} left pending (nobody was marked failed for this); fix the cause, then digest send --issue ${date} resumes`,
      );
    }
    return { date, transport: messenger.description, ...totals };
  } finally {
    await messenger?.close();
    lock.release();
  }
}
