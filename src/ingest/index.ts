/**
 * The ingest stage: read every enabled source (feeds over HTTP or from files,
 * inbox folders of editor items), normalize, dedupe and store. One broken
 * source fails alone; the report names it and says why.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, SourceConfig } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { ItemStore } from '../store/items.ts';
import type { SourceStore } from '../store/sources.ts';
import type { Item } from '../types.ts';
import { decodeFeed } from './charset.ts';
import { parseFeed, type RawEntry } from './feed.ts';
import { fetchFeed } from './fetch.ts';
import { readEditorFile } from './inbox.ts';
import { buildItem, type EntryInput } from './item.ts';

/** What happened to one source in one ingest. */
export interface SourceReport {
  id: string;
  status: 'fetched' | 'not-modified' | 'failed' | 'disabled' | 'gone';
  new: number;
  duplicate: number;
  merged: number;
  error?: string;
}

/** Dependencies of the ingest stage. */
export interface IngestDeps {
  config: Config;
  items: ItemStore;
  sources: SourceStore;
  now: () => Date;
}

/** Counts of storing a batch of items. */
export interface StoreCounts {
  new: number;
  duplicate: number;
  merged: number;
}

/**
 * Store items with dedupe: guid, then canonical link, then content
 * fingerprint. A fingerprint match from another source is the same news from
 * another outlet: it is merged (listed as an other outlet), not added.
 */
export function storeItems(items: Item[], store: ItemStore): StoreCounts {
  const counts = { new: 0, duplicate: 0, merged: 0 };
  for (const item of items) {
    const dup = store.findDuplicate(item);
    if (!dup) {
      store.insert(item);
      counts.new++;
    } else if (dup.item.sourceId !== item.sourceId && dup.by !== 'guid' && (item.outlet ?? item.sourceId) !== (dup.item.outlet ?? dup.item.sourceId)) {
      store.addOtherOutlet(dup.item.id, { outlet: item.outlet, link: item.link, sourceId: item.sourceId });
      counts.merged++;
    } else {
      counts.duplicate++;
    }
  }
  return counts;
}

function entryFromFeed(sourceId: string, outlet: string | null, e: RawEntry): EntryInput {
  return {
    sourceId,
    guid: e.guid,
    link: e.link,
    title: e.title,
    html: e.html || null,
    text: e.html ? null : e.snippet,
    date: e.date,
    outlet,
    categories: e.categories,
  };
}

async function ingestFeed(source: Extract<SourceConfig, { type: 'rss' }>, deps: IngestDeps): Promise<SourceReport> {
  const { config, sources } = deps;
  const state = sources.get(source.id);
  const report: SourceReport = { id: source.id, status: 'fetched', new: 0, duplicate: 0, merged: 0 };
  if (state?.disabled) return { ...report, status: 'disabled', error: state.disabledReason ?? 'disabled' };
  // A URL moved by a permanent redirect is remembered, unless the config changed it since.
  const url = state?.url && state.url !== source.url && state.lastStatus?.startsWith('moved-from:' + source.url) ? state.url : source.url;
  const nowIso = deps.now().toISOString();
  const result = await fetchFeed(url, { ...config.ingest, etag: state?.etag, lastModified: state?.lastModified });
  if (result.kind === 'not-modified') {
    sources.update(source.id, { lastFetchedAt: nowIso, lastError: null, consecutiveFailures: 0 });
    return { ...report, status: 'not-modified' };
  }
  if (result.kind === 'gone') {
    sources.update(source.id, { disabled: true, disabledReason: `HTTP 410 Gone at ${nowIso}; remove the source or re-enable it`, lastFetchedAt: nowIso });
    return { ...report, status: 'gone', error: 'HTTP 410 Gone: the source is disabled' };
  }
  const { text } = decodeFeed(result.bytes, result.contentType);
  const feed = await parseFeed(text);
  const outlet = source.name ?? feed.title;
  const items = feed.entries.map((e) => buildItem(entryFromFeed(source.id, outlet, e), nowIso, config.publication.timezone));
  const counts = storeItems(items, deps.items);
  sources.update(source.id, {
    url: result.permanentRedirect ?? url,
    lastStatus: result.permanentRedirect ? `moved-from:${source.url}` : state?.lastStatus ?? 'ok',
    etag: result.etag,
    lastModified: result.lastModified,
    lastFetchedAt: nowIso,
    lastError: null,
    consecutiveFailures: 0,
  });
  return { ...report, ...counts };
}

function ingestInbox(source: Extract<SourceConfig, { type: 'inbox' }>, deps: IngestDeps): SourceReport {
  const report: SourceReport = { id: source.id, status: 'fetched', new: 0, duplicate: 0, merged: 0 };
  let files: string[];
  try {
    files = readdirSync(source.path).filter((f) => /\.(md|markdown|txt)$/i.test(f)).sort();
  } catch (err) {
    throw new Error(`cannot read inbox folder ${source.path}: ${errorMessage(err)}`);
  }
  const errors: string[] = [];
  const nowIso = deps.now().toISOString();
  for (const f of files) {
    try {
      const items = readEditorFile(join(source.path, f), source.id).map((e) => buildItem(e, nowIso, deps.config.publication.timezone));
      const c = storeItems(items, deps.items);
      report.new += c.new;
      report.duplicate += c.duplicate;
      report.merged += c.merged;
    } catch (err) {
      // One bad editor file fails alone; the others are still read.
      errors.push(errorMessage(err));
    }
  }
  return errors.length ? { ...report, status: 'failed', error: errors.join('; ') } : report;
}

/** Run `fn` over `list` with at most `limit` in flight. */
async function mapLimit<T, R>(list: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      out[i] = await fn(list[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return out;
}

/** Ingest every enabled source; never throws for a single source's failure. */
export async function ingestAll(deps: IngestDeps): Promise<SourceReport[]> {
  const enabled = deps.config.sources.filter((s) => s.enabled);
  return mapLimit(enabled, deps.config.ingest.concurrency, async (source) => {
    try {
      return source.type === 'rss' ? await ingestFeed(source, deps) : ingestInbox(source, deps);
    } catch (err) {
      const message = errorMessage(err);
      const prev = deps.sources.get(source.id);
      deps.sources.update(source.id, { lastError: message, consecutiveFailures: (prev?.consecutiveFailures ?? 0) + 1, lastFetchedAt: deps.now().toISOString() });
      return { id: source.id, status: 'failed', new: 0, duplicate: 0, merged: 0, error: `source "${source.id}" (${source.type === 'rss' ? source.url : source.path}): ${message}` };
    }
  });
}
