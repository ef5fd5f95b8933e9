/**
 * One feed source, read but not yet stored: the URL in force (the configured
 * one, or where a permanent redirect moved it, until the config changes it),
 * fetch, decode, parse, and build items. Storing happens in index.ts, in
 * config order, so that runs are deterministic whatever the network does.
 */
import type { Config } from '../config/index.ts';
import type { SourceState } from '../store/index.ts';
import type { Item } from '../types.ts';
import type { FeedParseInput, FeedParseOutput, FeedSourceConfig } from './feed-parse.ts';
import { fetchFeed } from './fetch.ts';

export type { FeedSourceConfig } from './feed-parse.ts';

/** The stored state that applies to a source under its current configuration. */
export interface EffectiveState {
  /** The URL to fetch. */
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** Why the source is disabled (410 Gone), if it is. */
  disabledReason: string | null;
}

/**
 * What applies of the stored state: all of it while the configured URL is
 * the one it was recorded for; nothing once the config names another URL (a
 * new URL resets a redirect, the validators and a 410).
 */
export function effectiveState(source: FeedSourceConfig, state: SourceState | undefined): EffectiveState {
  const recordedFor = state?.configuredUrl ?? state?.url ?? null;
  if (!state || recordedFor !== source.url) return { url: source.url, etag: null, lastModified: null, disabledReason: null };
  return {
    url: state.url ?? source.url,
    etag: state.etag,
    lastModified: state.lastModified,
    disabledReason: state.disabled ? (state.disabledReason ?? 'disabled') : null,
  };
}

/** What reading a feed source produced. */
export type FeedRead =
  | { kind: 'disabled'; reason: string }
  | { kind: 'gone'; url: string }
  | { kind: 'not-modified'; url: string }
  | {
      kind: 'items';
      items: Item[];
      /** Entries not built because their guid is stored already (duplicates). */
      known: number;
      /** Entries with nothing to show (no title, link or body). */
      skipped: number;
      /** The URL to remember (moved by permanent redirects). */
      url: string;
      etag: string | null;
      lastModified: string | null;
      charset: string;
    };

/**
 * Fetch, decode, parse and build the items of one feed source. `parse` turns
 * the bytes into items (feed-parse.ts; a FeedParser runs it on worker
 * threads). Entries whose guid `isKnown` are reported as duplicates. Throws
 * with the reason on failure.
 */
export async function readFeedSource(
  source: FeedSourceConfig,
  state: EffectiveState,
  config: Config,
  now: string,
  parse: (input: FeedParseInput) => Promise<FeedParseOutput>,
  isKnown: (guid: string) => boolean = () => false,
): Promise<FeedRead> {
  if (state.disabledReason) return { kind: 'disabled', reason: state.disabledReason };
  const result = await fetchFeed(state.url, { ...config.ingest, etag: state.etag, lastModified: state.lastModified });
  if (result.kind === 'gone') return { kind: 'gone', url: result.url };
  if (result.kind === 'not-modified') return { kind: 'not-modified', url: result.permanentRedirect ?? state.url };
  const parsed = await parse({
    bytes: result.bytes,
    contentType: result.contentType,
    source,
    url: result.url,
    now,
    zone: config.publication.timezone,
  });
  const fresh = parsed.items.filter((item) => !item.guid || !isKnown(item.guid));
  return {
    kind: 'items',
    items: fresh,
    known: parsed.items.length - fresh.length,
    skipped: parsed.skipped,
    url: result.permanentRedirect ?? state.url,
    etag: result.etag,
    lastModified: result.lastModified,
    charset: parsed.charset,
  };
}
