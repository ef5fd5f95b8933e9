/**
 * Getting a feed's bytes: local files, or HTTP with a timeout (for the whole
 * answer, body included), a size cap, redirects, conditional GET, and
 * retries with backoff on 5xx, 429 and network errors. Returns bytes, never
 * text: decoding is charset.ts's job (rss-parser's own `parseURL` decodes
 * GBK as mojibake and has no size cap).
 */
import { readFile, stat } from 'node:fs/promises';

/** HTTP settings from `ingest` config, plus the stored validators. */
export interface FetchOptions {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  retries: number;
  /** First retry delay; doubles per retry, with jitter. */
  backoffMs?: number;
  etag?: string | null;
  lastModified?: string | null;
}

/** What a fetch produced. */
export type FetchResult =
  | {
      kind: 'body';
      bytes: Uint8Array;
      contentType: string | null;
      etag: string | null;
      lastModified: string | null;
      /** Where the bytes finally came from. */
      url: string;
      /** Where a chain of permanent redirects (301/308 only) leads; null if none. */
      permanentRedirect: string | null;
    }
  | { kind: 'not-modified'; permanentRedirect: string | null }
  | { kind: 'gone'; url: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MAX_REDIRECTS = 8;
/** A server asking us to come back later than this is not waited for (the next run will retry). */
const MAX_RETRY_AFTER_MS = 10_000;

/** A retryable failure (5xx, 429, timeout or network); `waitMs` is the server's Retry-After. */
class TransientError extends Error {
  constructor(message: string, readonly waitMs?: number) {
    super(message);
  }
}

/** Is this a URL we fetch over HTTP (as opposed to a local file)? */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function timeoutMessage(err: unknown, opts: FetchOptions): string | null {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no complete answer within ingest.timeoutMs (${opts.timeoutMs} ms)`;
  return null;
}

async function readCapped(res: Response, url: string, opts: FetchOptions): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > opts.maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new Error(`the feed is ${declared} bytes, over ingest.maxBytes (${opts.maxBytes}); raise the limit if the feed is legitimate`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > opts.maxBytes) {
        await reader.cancel().catch(() => {});
        throw new Error(`the feed exceeds ingest.maxBytes (${opts.maxBytes} bytes) and was cut off; raise the limit if the feed is legitimate`);
      }
      chunks.push(value);
    }
  } catch (err) {
    const timedOut = timeoutMessage(err, opts);
    if (timedOut) throw new TransientError(`cannot fetch ${url}: ${timedOut}`);
    if (err instanceof Error && err.message.includes('ingest.maxBytes')) throw err;
    throw new TransientError(`cannot fetch ${url}: connection broke while reading (${(err as Error).message})`);
  }
  return Buffer.concat(chunks, size);
}

function retryAfterMs(res: Response): number | undefined {
  const v = res.headers.get('retry-after');
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function fetchOnce(url: string, opts: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = {
    'user-agent': opts.userAgent,
    accept: 'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const seen = new Set<string>([url]);
  let current = url;
  let permanentRedirect: string | null = null;
  let allPermanent = true;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: 'manual', signal });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = timeoutMessage(err, opts) ?? e.cause?.code ?? e.cause?.message ?? e.message;
      throw new TransientError(`cannot fetch ${current}: ${why}`);
    }
    const status = res.status;
    if ([301, 302, 303, 307, 308].includes(status)) {
      const location = res.headers.get('location');
      await res.body?.cancel().catch(() => {});
      if (!location) throw new Error(`HTTP ${status} from ${current} without a Location header`);
      const next = new URL(location, current).toString();
      if (seen.has(next)) throw new Error(`redirect loop: ${current} sends us back to ${next}`);
      seen.add(next);
      allPermanent &&= status === 301 || status === 308;
      // Only an unbroken chain of permanent redirects moves the stored URL (as rss2email does).
      if (allPermanent) permanentRedirect = next;
      current = next;
      continue;
    }
    if (status === 304) {
      await res.body?.cancel().catch(() => {});
      return { kind: 'not-modified', permanentRedirect };
    }
    if (status === 410) {
      await res.body?.cancel().catch(() => {});
      return { kind: 'gone', url: current };
    }
    if (status >= 500 || status === 429 || status === 408) {
      await res.body?.cancel().catch(() => {});
      throw new TransientError(`HTTP ${status} ${res.statusText} from ${current}`, retryAfterMs(res));
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      const hint = status === 404 ? ': the feed is not there; check the source URL' : status === 401 || status === 403 ? ': access denied' : '';
      throw new Error(`HTTP ${status} ${res.statusText} from ${current}${hint}`);
    }
    const bytes = await readCapped(res, current, opts);
    return {
      kind: 'body',
      bytes,
      contentType: res.headers.get('content-type'),
      etag: res.headers.get('etag'),
      lastModified: res.headers.get('last-modified'),
      url: current,
      permanentRedirect,
    };
  }
  throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
}

/** Validators for a local file: its size and modification time stand in for an ETag. */
function fileTag(size: number, mtimeMs: number): string {
  return `file:${size}-${Math.round(mtimeMs)}`;
}

async function fetchFile(url: string, opts: FetchOptions): Promise<FetchResult> {
  const path = url.replace(/^file:\/\//, '');
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${err.message}`);
  });
  if (info.size > opts.maxBytes) throw new Error(`file is ${info.size} bytes, over ingest.maxBytes (${opts.maxBytes})`);
  const tag = fileTag(info.size, info.mtimeMs);
  if (opts.etag === tag) return { kind: 'not-modified', permanentRedirect: null };
  const bytes = await readFile(path);
  return { kind: 'body', bytes, contentType: null, etag: tag, lastModified: null, url, permanentRedirect: null };
}

/**
 * Fetch a feed: a local path (unchanged size and mtime count as "not
 * modified"), or HTTP with retries and exponential backoff on transient
 * failures. Throws an Error whose message names the URL and the reason.
 */
export async function fetchFeed(url: string, opts: FetchOptions): Promise<FetchResult> {
  if (!isHttpUrl(url)) return fetchFile(url, opts);
  const base = opts.backoffMs ?? 300;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(url, opts);
    } catch (err) {
      if (!(err instanceof TransientError) || attempt >= opts.retries) {
        if (err instanceof TransientError && opts.retries > 0) throw new Error(`${err.message} (after ${attempt + 1} attempts)`);
        throw err;
      }
      if (err.waitMs !== undefined && err.waitMs > MAX_RETRY_AFTER_MS) {
        throw new Error(`${err.message}; the server asks to retry after ${Math.round(err.waitMs / 1000)} s, so the next run will`);
      }
      const backoff = Math.min(base * 2 ** attempt, 5000) * (0.5 + Math.random());
      await sleep(Math.max(backoff, err.waitMs ?? 0));
    }
  }
}
