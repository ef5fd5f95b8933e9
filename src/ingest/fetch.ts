/**
 * Getting a feed's bytes: local files, or HTTP with a timeout (for the whole
 * answer, body included), a size cap (on the decompressed body), gzip/
 * deflate/brotli, redirects, conditional GET, and retries with backoff on
 * 5xx, 429 and network errors. Returns bytes, never text: decoding is
 * charset.ts's job (rss-parser's own `parseURL` decodes GBK as mojibake and
 * has no size cap).
 *
 * On node:http(s) rather than fetch(): undici cost ~2 ms of main-thread CPU
 * per request plus ~30 ms to load, a tenth of a cold ingest of 50 feeds.
 */
import { readFile, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

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
  constructor(
    message: string,
    readonly waitMs?: number,
  ) {
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

/** Discard an answer's body (and free its connection). */
function discard(res: IncomingMessage): void {
  res.resume();
  res.on('error', () => {});
}

/** The body as sent, decompressed per its Content-Encoding. */
function decodedBody(res: IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decompress =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : null;
  if (!decompress) return res;
  res.on('error', (err) => decompress.destroy(err));
  return res.pipe(decompress);
}

function cutOff(res: IncomingMessage, size: number, declared: number): string {
  const of = declared > 0 && !res.headers['content-encoding'] ? ` of the ${declared} announced` : '';
  return `the answer was cut off after ${size} bytes${of} (connection closed before the end)`;
}

async function readCapped(res: IncomingMessage, url: string, opts: FetchOptions, signal: AbortSignal): Promise<Uint8Array> {
  const declared = Number(res.headers['content-length'] ?? 0);
  if (declared > opts.maxBytes) {
    res.destroy();
    throw new Error(`the feed is ${declared} bytes, over ingest.maxBytes (${opts.maxBytes}); raise the limit if the feed is legitimate`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const body = decodedBody(res);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      // Counted after decompression: a small gzip bomb is refused like a big feed.
      if (size > opts.maxBytes) {
        res.destroy();
        body.destroy();
        throw new Error(
          `the feed exceeds ingest.maxBytes (${opts.maxBytes} bytes) and was cut off; raise the limit if the feed is legitimate`,
        );
      }
      chunks.push(chunk);
    }
  } catch (err) {
    // The timeout's abort reaches a body being read as a plain "aborted" connection error.
    const timedOut = timeoutMessage(signal.aborted ? signal.reason : err, opts);
    if (timedOut) throw new TransientError(`cannot fetch ${url}: ${timedOut}`);
    if (err instanceof Error && err.message.includes('ingest.maxBytes')) throw err;
    throw new TransientError(`cannot fetch ${url}: ${cutOff(res, size, declared)} (${(err as Error).message})`);
  }
  // A body can "end" without being whole: the timeout destroying a
  // close-delimited answer (no length, no chunks), or the server hanging up
  // early. Parsing such a prefix gives "malformed XML", or worse a feed that
  // parses with items missing: report the timeout or the cut instead.
  const timedOut = signal.aborted ? timeoutMessage(signal.reason, opts) : null;
  if (timedOut) throw new TransientError(`cannot fetch ${url}: ${timedOut}`);
  const identity = !res.headers['content-encoding'] || res.headers['content-encoding'] === 'identity';
  if (!res.complete || (declared > 0 && identity && size !== declared)) {
    throw new TransientError(`cannot fetch ${url}: ${cutOff(res, size, declared)}`);
  }
  return Buffer.concat(chunks, size);
}

/** Send a GET and resolve with the answer's head (status, headers); the body is still to be read. */
function get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { headers, signal }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** A header's value (the first, if repeated). */
function header(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function retryAfterMs(res: IncomingMessage): number | undefined {
  const v = header(res, 'retry-after');
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
    'accept-encoding': 'gzip, deflate, br',
  };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const seen = new Set<string>([url]);
  let current = url;
  let permanentRedirect: string | null = null;
  let allPermanent = true;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let res: IncomingMessage;
    try {
      res = await get(current, headers, signal);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = timeoutMessage(err, opts) ?? e.code ?? e.message;
      throw new TransientError(`cannot fetch ${current}: ${why}`);
    }
    const status = res.statusCode ?? 0;
    const statusText = res.statusMessage ?? '';
    if ([301, 302, 303, 307, 308].includes(status)) {
      const location = header(res, 'location');
      discard(res);
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
      discard(res);
      return { kind: 'not-modified', permanentRedirect };
    }
    if (status === 410) {
      discard(res);
      return { kind: 'gone', url: current };
    }
    if (status >= 500 || status === 429 || status === 408) {
      discard(res);
      throw new TransientError(`HTTP ${status} ${statusText} from ${current}`, retryAfterMs(res));
    }
    if (status < 200 || status >= 300) {
      discard(res);
      const hint =
        status === 404 ? ': the feed is not there; check the source URL' : status === 401 || status === 403 ? ': access denied' : '';
      throw new Error(`HTTP ${status} ${statusText} from ${current}${hint}`);
    }
    const bytes = await readCapped(res, current, opts, signal);
    return {
      kind: 'body',
      bytes,
      contentType: header(res, 'content-type'),
      etag: header(res, 'etag'),
      lastModified: header(res, 'last-modified'),
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
