/**
 * What the preview shows: the next issue composed exactly as `digest build`
 * would compose it now (composeIssue in cycle/build.ts), without assigning
 * items or saving it — looking never changes state — plus the desk around it
 * (history, fetch progress, search). The editors' item actions live in
 * editing.ts, fetching in fetching.ts, the render cache in render-cache.ts
 * and the polling for other processes' changes in changes.ts.
 */
import Handlebars from 'handlebars';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { Config } from '../config/index.ts';
import {
  type ApprovalResult,
  approveIssue,
  type BuildSummary,
  buildStep,
  type Context,
  composeIssue,
  issueDate,
  renderStored,
  sendTest,
} from '../cycle/index.ts';
import { signedUnsubscribeUrl, unsubscribeEndpoint } from '../deliver/index.ts';
import { UsageError, errorMessage } from '../errors.ts';
import { ingestAll } from '../ingest/index.ts';
import { loadTemplates, personalize, type RenderResult, type Templates } from '../render/index.ts';
import type { HistoryEntry, ItemHit, ItemRevision, ItemSearch, StoredIssue } from '../store/index.ts';
import type { Issue, IssueItem, Item, Override } from '../types.ts';
import { ExternalChanges } from './changes.ts';
import { allItems, Desk, type ItemAction } from './editing.ts';
import { FetchJob, type FetchState } from './fetching.ts';
import { type Messages, messagesFor } from './messages.ts';
import { RenderCache } from './render-cache.ts';

/** The rendered parts as one sample recipient would get them. */
export interface RenderedPreview {
  rendered: RenderResult;
  emailHtml: string;
  emailText: string;
  /** Size of the email HTML; Gmail clips messages over 102 KB. */
  emailBytes: number;
}

/** Everything one page of the preview shows. */
export interface PreviewSnapshot {
  date: string;
  /** `today`: today's issue; `next`: today's was sent, this is the following one. */
  basis: 'today' | 'next';
  /** The stored issue of `date` when one is built (draft or approved). */
  stored: StoredIssue | undefined;
  issue: Issue;
  overrides: Map<string, Override>;
  sections: { id: string; title: string }[];
  /** The render, or why it failed (a template being edited, say). */
  render: { ok: true; value: RenderedPreview } | { ok: false; error: string };
  /** The stored draft places items differently from this preview. */
  draftDiffers: boolean;
  /** Why a scheduled build would publish nothing today (`skipIfEmpty`, `minItems`), or null. */
  skipReason: string | null;
  recipient: { email: string; name: string | null };
  testRecipients: string[];
  requireApproval: boolean;
  /** Current problems from live reload (config, templates, inbox), by area. */
  problems: [string, string][];
  generation: number;
  /** The page's language. */
  m: Messages;
  zone: string;
  summaryChars: number;
  /** Revisions in force, by item id. */
  revisions: Map<string, ItemRevision>;
  /** Items an editor added to this issue from the store. */
  additions: Set<string>;
  history: HistoryEntry[];
  fetch: FetchState | null;
  sourceIds: string[];
  /** The item whose text is being edited, as the source gave it, with the text shown now. */
  editing: { original: Item; shown: IssueItem } | null;
  /** A search of stored items not in this issue, when one was asked for. */
  search: { query: ItemSearch; hits: ItemHit[] } | null;
}

/** What one page asks for besides the issue. */
export interface SnapshotOptions {
  edit?: string;
  search?: ItemSearch;
}

/** Result of a test send to one address. */
export interface TestSendResult {
  to: string;
  ok: boolean;
  error?: string;
}

/**
 * Item placement only: what the editor changes and what the draft must match.
 * Reasons are left out: a classifier's confidence drifts as it learns without moving anything.
 */
function placementSignature(issue: Issue): string {
  const ids = (items: IssueItem[]) => items.map((i) => [i.id, i.title]);
  return JSON.stringify([issue.sections.map((s) => [s.id, s.title, ids(s.items), ids(s.overflow)]), ids(issue.unplaced)]);
}

/** Syntax errors of the Handlebars files in `dir` and `dir/partials`, as `file: message`. */
function templateSyntaxErrors(dir: string): string[] {
  const files = [dir, join(dir, 'partials')].flatMap((d) =>
    existsSync(d)
      ? readdirSync(d)
          .filter((f) => f.endsWith('.hbs'))
          .map((f) => join(d, f))
      : [],
  );
  return files.flatMap((file) => {
    try {
      Handlebars.parse(readFileSync(file, 'utf8'));
      return [];
    } catch (err) {
      return [`${file}: ${errorMessage(err)}`];
    }
  });
}

function skipReason(issue: Issue, config: Config, m: Messages): string | null {
  const placed = issue.sections.reduce((n, s) => n + s.items.length, 0);
  if (!placed && config.schedule.skipIfEmpty) return m.skipEmpty;
  if (placed < config.schedule.minItems) return m.skipFew(placed, config.schedule.minItems);
  return null;
}

/** The state of one preview server: current config, templates, and a render cache. */
export class Preview {
  private ctx: Context;
  private templates: Templates | null = null;
  private readonly problems = new Map<string, string>();
  private readonly cache = new RenderCache<RenderedPreview>();
  private readonly external: ExternalChanges;
  private readonly fetchJob = new FetchJob();
  private readonly listeners = new Set<(generation: number) => void>();
  /** Bumped on every change the browser should see; pages reload when it moves. */
  generation = 1;

  /**
   * `reload` re-reads the configuration (the CLI's, which alone reads config
   * files); without it, config changes are not picked up.
   */
  constructor(
    ctx: Context,
    private readonly reload?: () => Config,
  ) {
    this.ctx = ctx;
    this.reloadTemplates();
    this.external = new ExternalChanges(
      () => this.ctx.store.dataVersion(),
      () => this.shownSignature(),
      () => this.changed(),
    );
  }

  /** The messages in the publication's language. */
  get m(): Messages {
    return messagesFor(this.config.publication.language);
  }

  /** The editor's actions on the next issue. */
  desk(): Desk {
    return new Desk(this.ctx, this.m, this.nextDate().date);
  }

  /** The configuration in force (the last one that loaded without errors). */
  get config(): Config {
    return this.ctx.config;
  }

  /** The config file to watch, when there is one. */
  get configFile(): string | null {
    const path = this.ctx.config.configPath;
    return path && existsSync(resolve(path)) ? resolve(path) : null;
  }

  /** Be told when the preview changed; returns the unsubscribe function. */
  onChange(listener: (generation: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tell open pages to reload. */
  changed(): void {
    this.generation++;
    for (const l of this.listeners) l(this.generation);
  }

  private problem(area: string, message: string | null): void {
    if (message) this.problems.set(area, message);
    else this.problems.delete(area);
  }

  /** Recompile the templates; on error keep showing the error until they compile again. */
  reloadTemplates(): void {
    const dir = resolve(this.config.render.templates);
    try {
      this.templates = loadTemplates(dir);
      // Handlebars compiles lazily: parse every file now, so a syntax error names its file and line.
      const broken = templateSyntaxErrors(dir);
      this.problem('templates', broken.length ? broken.join('\n') : null);
    } catch (err) {
      this.templates = null;
      this.problem('templates', errorMessage(err));
    }
    this.cache.clear();
  }

  /** Reload the config file; a broken file leaves the last good configuration in force. */
  reloadConfig(): void {
    if (!this.reload) return;
    try {
      const next = this.reload();
      if (resolve(next.store.path) !== resolve(this.config.store.path)) {
        this.problem('config', `store.path changed to ${next.store.path}; restart digest preview to use the new database`);
        return;
      }
      this.ctx = { ...this.ctx, config: next };
      this.problem('config', null);
      this.reloadTemplates();
    } catch (err) {
      this.problem('config', `${errorMessage(err)} (showing the last configuration that loaded)`);
    }
  }

  /** Ingest the inbox folders (an editor saved an item there). */
  async ingestInbox(): Promise<void> {
    const inboxes = this.config.sources.filter((s) => s.type === 'inbox' && s.enabled);
    if (!inboxes.length) return;
    const reports = await ingestAll({
      config: { ...this.config, sources: inboxes },
      items: this.ctx.store.items,
      sources: this.ctx.store.sources,
      merged: this.ctx.store.merged,
      now: this.ctx.now,
    });
    const failed = reports.filter((r) => r.error).map((r) => r.error!);
    this.problem('inbox', failed.length ? failed.join('; ') : null);
  }

  /** Inbox folders to watch. */
  inboxFolders(): string[] {
    return this.config.sources.flatMap((s) => (s.type === 'inbox' && s.enabled ? [resolve(s.path)] : []));
  }

  /** The date of the next issue: today's, or tomorrow's once today's was sent. */
  nextDate(): { date: string; basis: 'today' | 'next' } {
    const today = issueDate(this.ctx);
    if (this.ctx.store.issues.get(today)?.status !== 'sent') return { date: today, basis: 'today' };
    return { date: DateTime.fromISO(today).plus({ days: 1 }).toISODate()!, basis: 'next' };
  }

  /** The sample recipient the email is personalized for: the first test recipient, else the first subscriber. */
  private sampleRecipient(): { email: string; name: string | null; unsubscribeUrl: string } {
    const { config, store } = this.ctx;
    const email = config.delivery.testRecipients[0] ?? store.subscribers.page(0, 1, 'active')[0]?.email ?? 'reader@example.org';
    const known = store.subscribers.find(email);
    // As a test send does it: a subscriber's own signed link, else the bare endpoint.
    const endpoint = unsubscribeEndpoint(config.publication.baseUrl, config.delivery.unsubscribeUrl);
    const url = known ? signedUnsubscribeUrl(endpoint, config.delivery.unsubscribeSecret, known.id, known.email) : endpoint;
    return { email, name: known?.name ?? null, unsubscribeUrl: url };
  }

  private render(issue: Issue): Promise<RenderedPreview> {
    const templates = this.templates;
    if (!templates) return Promise.reject(new Error(this.problems.get('templates') ?? 'templates did not load'));
    const recipient = this.sampleRecipient();
    // `cutoff` moves with the clock on a late day; it is not shown, so it does not force a re-render.
    const key = JSON.stringify([{ ...issue, cutoff: null }, recipient, this.config.publication, this.config.render]);
    return this.cache.get(key, () =>
      renderStored(this.ctx, issue, templates).then((rendered) => {
        const parts = personalize(rendered, recipient);
        return { rendered, emailHtml: parts.html, emailText: parts.text, emailBytes: Buffer.byteLength(parts.html) };
      }),
    );
  }

  /** Compose and render the next issue, with what the page asked for. */
  async snapshot(opts: SnapshotOptions = {}): Promise<PreviewSnapshot> {
    const { config, store } = this.ctx;
    const { date, basis } = this.nextDate();
    const issue = composeIssue(this.ctx, date);
    const stored = store.issues.get(date);
    let render: PreviewSnapshot['render'];
    try {
      render = { ok: true, value: await this.render(issue) };
    } catch (err) {
      render = { ok: false, error: errorMessage(err) };
    }
    const recipient = this.sampleRecipient();
    const items = allItems(issue);
    const shown = opts.edit ? items.find((i) => i.id === opts.edit) : undefined;
    const original = shown && store.items.get(shown.id);
    const inIssue = new Set(items.map((i) => i.id));
    const m = this.m;
    return {
      date,
      basis,
      stored,
      issue,
      overrides: store.overrides.all(),
      sections: config.sections.map((s) => ({ id: s.id, title: s.title })),
      render,
      draftDiffers: !!stored && placementSignature(stored.issue) !== placementSignature(issue),
      skipReason: skipReason(issue, config, m),
      recipient: { email: recipient.email, name: recipient.name },
      testRecipients: config.delivery.testRecipients,
      requireApproval: config.schedule.requireApproval,
      problems: [...this.problems],
      generation: this.generation,
      m,
      zone: config.publication.timezone,
      summaryChars: config.render.summaryChars,
      revisions: store.revisions.current(),
      additions: new Set(store.overrides.additions(date)),
      history: store.history.recent(30),
      fetch: this.fetchJob.state,
      sourceIds: config.sources.filter((s) => s.enabled).map((s) => s.id),
      editing: shown && original ? { original, shown } : null,
      search: opts.search
        ? {
            query: opts.search,
            hits: store.overrides
              .search(opts.search, 60)
              .filter((h) => !inIssue.has(h.id))
              .slice(0, 30),
          }
        : null,
    };
  }

  /** Apply an editor's placement action to one item of the next issue; stored at once. */
  applyItemAction(itemId: string, action: ItemAction, sectionId?: string): void {
    this.desk().itemAction(itemId, action, sectionId);
    this.changed();
  }

  /** Run the ingest of one source (or all, `''`) in the background; false when a fetch is running. */
  startFetch(sourceId: string): boolean {
    return this.fetchJob.start(this.ctx, sourceId, () => this.changed());
  }

  /** Resolves once the running fetch (if any) is done. */
  fetchSettled(): Promise<void> {
    return this.fetchJob.settled();
  }

  /**
   * Send the previewed issue to every `delivery.testRecipients` address through
   * the configured transport, with a [TEST] subject and no delivery records.
   */
  async sendTests(): Promise<TestSendResult[]> {
    const recipients = this.config.delivery.testRecipients;
    if (!recipients.length) throw new UsageError(this.m.errors.noTests, this.m.errors.noTestsHint);
    const { date } = this.nextDate();
    const issue = composeIssue(this.ctx, date);
    const results: TestSendResult[] = [];
    for (const to of recipients) {
      try {
        await sendTest(this.ctx, date, to, issue);
        results.push({ to, ok: true });
      } catch (err) {
        // One bad address does not stop the others.
        results.push({ to, ok: false, error: errorMessage(err) });
      }
    }
    return results;
  }

  /** Save the composition as the issue's draft (what `digest build` does). */
  async updateDraft(): Promise<BuildSummary> {
    const summary = await buildStep(this.ctx, this.nextDate().date, { rebuild: true, force: true });
    this.changed();
    return summary;
  }

  /**
   * Approve the next issue as previewed, as `digest approve` does: the draft is
   * saved first when there is none or it differs, so the scheduler sends what was seen.
   */
  async approve(): Promise<ApprovalResult> {
    const { date } = this.nextDate();
    const stored = this.ctx.store.issues.get(date);
    if (!stored || placementSignature(stored.issue) !== placementSignature(composeIssue(this.ctx, date))) await this.updateDraft();
    const result = approveIssue(this.ctx.store, date, this.ctx.now());
    this.changed();
    return result;
  }

  /** Called periodically: tell open pages when another process changed what they show. */
  checkExternalChanges(): void {
    this.external.check();
  }

  /** What the page shows, as far as other processes can change it: statuses, placements, editors' history. */
  private shownSignature(): string {
    const { date } = this.nextDate();
    const stored = this.ctx.store.issues.get(date);
    return JSON.stringify([
      date,
      stored?.status,
      stored?.createdAt,
      stored && placementSignature(stored.issue),
      placementSignature(composeIssue(this.ctx, date)),
      this.ctx.store.history.recent(1)[0]?.id,
    ]);
  }
}
