/**
 * The ingest stage: read every enabled source (feeds over HTTP or from files,
 * inbox folders of editor items), normalize, dedupe and store. Sources are
 * fetched concurrently (at most `ingest.concurrency` at once) but stored one
 * after another in config order, so which copy of a repeated story is kept
 * does not depend on network timing. One broken source fails alone; its
 * report names it and says why.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, SourceConfig } from '../config/index.ts';
import { errorMessage } from '../errors.ts';
import type { ItemRepository, MergedCopyRepository, SourceRepository } from '../store/index.ts';
import type { Item } from '../types.ts';
import { loadNearDuplicateIndex, storeItems, type StoreCounts } from './dedupe.ts';
import { effectiveState, readFeedSource, type FeedRead, type FeedSourceConfig } from './feed-source.ts';
import { FeedParser } from './parse-pool.ts';
import type { NearDuplicateIndex } from './similar.ts';

// The ingest stage's entry: what other stages may use (besides what this module defines).
export { parsePlainItems, readEditorFile } from './inbox.ts';
export { buildItem, type EntryInput } from './item.ts';
export { corpusItems, headlineKey, labelledSet, splitLabelled, type LabelledItem, type LabelledSet } from './labelled.ts';
export { normalizeTitle } from './normalize/index.ts';
export { startParseWorkersEarly } from './parse-pool.ts';

export { storeItems, type StoreCounts } from './dedupe.ts';

/** What happened to one source in one ingest. */
export interface SourceReport {
  id: string;
  /** fetched: read and stored; not-modified: HTTP 304 or unchanged file (nothing parsed); gone: 410 just now; disabled: after a 410. */
  status: 'fetched' | 'not-modified' | 'failed' | 'disabled' | 'gone';
  new: number;
  duplicate: number;
  merged: number;
  /** Entries dropped because they had no title, link or content. */
  skipped?: number;
  /** The URL fetched, when a permanent redirect moved it away from the configured one. */
  movedTo?: string;
  /** The charset the feed was decoded with. */
  charset?: string;
  error?: string;
}

/** Dependencies of the ingest stage. */
export interface IngestDeps {
  config: Config;
  items: ItemRepository;
  sources: SourceRepository;
  /** Reports merged into another item, kept whole (an editor may split them off again). */
  merged: MergedCopyRepository;
  now: () => Date;
}

const EMPTY = { new: 0, duplicate: 0, merged: 0 };

/** Run `fn` over `list` with at most `limit` calls in flight. */
async function mapLimit<T>(list: T[], limit: number, fn: (t: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      await fn(list[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, list.length)) }, worker));
}

/** Turns in list order: `wait(i)` resolves once `done(i - 1)` was called. */
function inOrder(count: number) {
  const gates = Array.from({ length: count + 1 }, () => {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    return { promise, open };
  });
  gates[0]!.open();
  return { wait: (i: number) => gates[i]!.promise, done: (i: number) => gates[i + 1]!.open() };
}

function sourceLabel(source: SourceConfig): string {
  return `source "${source.id}" (${source.type === 'rss' ? source.url : source.path})`;
}

/** Store what a feed source produced and record its HTTP state. */
function commitFeed(source: FeedSourceConfig, read: FeedRead, deps: IngestDeps, near: () => NearDuplicateIndex): SourceReport {
  const { sources } = deps;
  const nowIso = deps.now().toISOString();
  const base = { configuredUrl: source.url, lastFetchedAt: nowIso, lastError: null, consecutiveFailures: 0 };
  const moved = (url: string) => (url !== source.url ? { movedTo: url } : {});
  switch (read.kind) {
    case 'disabled':
      return { id: source.id, status: 'disabled', ...EMPTY, error: read.reason };
    case 'gone':
      sources.update(source.id, {
        ...base,
        disabled: true,
        disabledReason: `HTTP 410 Gone from ${read.url} on ${nowIso}; the source is disabled until its url changes in the config`,
        lastStatus: 'gone',
      });
      return {
        id: source.id,
        status: 'gone',
        ...EMPTY,
        error: `HTTP 410 Gone from ${read.url}: the source is disabled (change its url in the config to enable it again)`,
      };
    case 'not-modified':
      sources.update(source.id, { ...base, url: read.url, disabled: false, disabledReason: null, lastStatus: 'not-modified' });
      return { id: source.id, status: 'not-modified', ...EMPTY, ...moved(read.url) };
    case 'items': {
      const counts = storeItems(read.items, deps.items, { nearDuplicates: near(), copies: deps.merged });
      // Validators are saved only after the items are: a crash in between refetches rather than loses.
      sources.update(source.id, {
        ...base,
        url: read.url,
        etag: read.etag,
        lastModified: read.lastModified,
        disabled: false,
        disabledReason: null,
        lastStatus: 'ok',
      });
      return {
        id: source.id,
        status: 'fetched',
        ...counts,
        duplicate: counts.duplicate + read.known,
        ...(read.skipped ? { skipped: read.skipped } : {}),
        charset: read.charset,
        ...moved(read.url),
      };
    }
  }
}

/**
 * Read every editor file of an inbox folder; one bad file fails alone. The
 * item-building code (sanitizer, dates) is loaded here on first use: a run
 * of feeds alone builds its items on the parse workers.
 */
async function readInbox(
  source: Extract<SourceConfig, { type: 'inbox' }>,
  deps: IngestDeps,
): Promise<{ items: Item[][]; errors: string[] }> {
  let files: string[];
  try {
    files = readdirSync(source.path)
      .filter((f) => /\.(md|markdown|txt)$/i.test(f))
      .sort();
  } catch (err) {
    throw new Error(`cannot read inbox folder ${source.path}: ${errorMessage(err)}`);
  }
  const [{ readEditorFile }, { buildItem }] = await Promise.all([import('./inbox.ts'), import('./item.ts')]);
  const nowIso = deps.now().toISOString();
  const items: Item[][] = [];
  const errors: string[] = [];
  for (const f of files) {
    try {
      items.push(
        readEditorFile(
          join(source.path, f),
          source.id,
          deps.config.sections.map((s) => s.title),
        ).map((e) => buildItem(e, nowIso, deps.config.publication.timezone)),
      );
    } catch (err) {
      errors.push(errorMessage(err));
    }
  }
  return { items, errors };
}

function commitInbox(
  source: SourceConfig,
  read: { items: Item[][]; errors: string[] },
  deps: IngestDeps,
  near: () => NearDuplicateIndex,
): SourceReport {
  const total: StoreCounts = { ...EMPTY };
  for (const batch of read.items) {
    // Editor items are never merged away into a feed's copy; feed items may merge into them.
    const c = storeItems(batch, deps.items, { nearDuplicates: near(), mergeable: false, copies: deps.merged });
    total.new += c.new;
    total.duplicate += c.duplicate;
    total.merged += c.merged;
  }
  deps.sources.update(source.id, {
    lastFetchedAt: deps.now().toISOString(),
    lastError: read.errors.join('; ') || null,
    lastStatus: read.errors.length ? 'failed' : 'ok',
  });
  const report: SourceReport = { id: source.id, status: 'fetched', ...total };
  return read.errors.length ? { ...report, status: 'failed', error: read.errors.join('; ') } : report;
}

function failure(source: SourceConfig, err: unknown, deps: IngestDeps): SourceReport {
  const message = errorMessage(err);
  const prev = deps.sources.get(source.id);
  deps.sources.update(source.id, {
    lastError: message,
    lastStatus: 'failed',
    consecutiveFailures: (prev?.consecutiveFailures ?? 0) + 1,
    lastFetchedAt: deps.now().toISOString(),
  });
  return { id: source.id, status: 'failed', ...EMPTY, error: `${sourceLabel(source)}: ${message}` };
}

type SourceRead = { feed: FeedRead } | { inbox: Awaited<ReturnType<typeof readInbox>> } | { error: unknown };

/** The reading half of a source (network, parsing, building items); never throws. */
async function readSource(source: SourceConfig, deps: IngestDeps, parser: FeedParser): Promise<SourceRead> {
  try {
    if (source.type === 'inbox') return { inbox: await readInbox(source, deps) };
    const state = effectiveState(source, deps.sources.get(source.id));
    const isKnown = (guid: string) => deps.items.hasGuid(source.id, guid);
    return { feed: await readFeedSource(source, state, deps.config, deps.now().toISOString(), (input) => parser.parse(input), isKnown) };
  } catch (err) {
    return { error: err };
  }
}

/** A feed with no validators cannot answer 304, and one not disabled is fetched: it will be parsed. */
function willBeParsed(state: { etag: string | null; lastModified: string | null; disabledReason: string | null }): boolean {
  return state.etag === null && state.lastModified === null && state.disabledReason === null;
}

/** Ingest every enabled source; never throws for a single source's failure. */
export async function ingestAll(deps: IngestDeps): Promise<SourceReport[]> {
  const enabled = deps.config.sources.filter((s) => s.enabled);
  const turns = inOrder(enabled.length);
  // Loaded when the first source has items to store (a run of 304s never needs it).
  let index: NearDuplicateIndex | undefined;
  const near = () => (index ??= loadNearDuplicateIndex(deps.items, deps.now()));
  const reports: Promise<SourceReport>[] = new Array(enabled.length);
  const parser = new FeedParser(deps.config.ingest.parseWorkers);
  // Start the workers now, beside the first fetches, if a feed will certainly be parsed,
  // rather than when the first one arrives (they take ~0.2 s to load).
  if (enabled.some((s) => s.type === 'rss' && willBeParsed(effectiveState(s, deps.sources.get(s.id))))) void parser.start();
  try {
    await mapLimit(enabled, deps.config.ingest.concurrency, async (source, i) => {
      const read = await readSource(source, deps, parser);
      // Stored in config order, once every earlier source is; meanwhile this slot fetches the next source.
      reports[i] = turns.wait(i).then(() => {
        try {
          if ('error' in read) return failure(source, read.error, deps);
          return 'feed' in read
            ? commitFeed(source as FeedSourceConfig, read.feed, deps, near)
            : commitInbox(source, read.inbox, deps, near);
        } catch (err) {
          return failure(source, err, deps);
        } finally {
          turns.done(i);
        }
      });
    });
    return await Promise.all(reports);
  } finally {
    await parser.close();
  }
}
