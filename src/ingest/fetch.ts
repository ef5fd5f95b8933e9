/**
 * Getting a feed's bytes: local files, or HTTP with a timeout, a size cap and
 * conditional GET. Returns bytes (never text: decoding is charset.ts's job).
 */
import { readFile } from 'node:fs/promises';

/** HTTP settings from `ingest` config. */
export interface FetchOptions {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  retries: number;
  etag?: string | null;
  lastModified?: string | null;
}

/** What a fetch produced. */
export type FetchResult =
  | { kind: 'body'; bytes: Uint8Array; contentType: string | null; etag: string | null; lastModified: string | null; url: string; permanentRedirect: string | null }
  | { kind: 'not-modified' }
  | { kind: 'gone' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A retryable failure (5xx or network); other errors fail at once. */
class TransientError extends Error {}

/** Is this a URL we fetch over HTTP (as opposed to a local file)? */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new Error(`response is ${declared} bytes, over ingest.maxBytes (${maxBytes})`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`response exceeds ingest.maxBytes (${maxBytes} bytes)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function fetchOnce(url: string, opts: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = { 'user-agent': opts.userAgent, accept: 'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml, text/xml, */*;q=0.5' };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  let current = url;
  let permanentRedirect: string | null = null;
  let allPermanent = true;
  for (let hop = 0; hop < 6; hop++) {
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: 'manual', signal: AbortSignal.timeout(opts.timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : (e.cause?.code ?? e.message);
      throw new TransientError(`cannot fetch ${current}: ${why}`);
    }
    if ([301, 302, 303, 307, 308].includes(res.status)) {
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (!location) throw new Error(`HTTP ${res.status} without a Location header`);
      const next = new URL(location, current).toString();
      allPermanent &&= res.status === 301 || res.status === 308;
      // Only a chain of permanent redirects moves the stored URL.
      if (allPermanent) permanentRedirect = next;
      current = next;
      continue;
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { kind: 'not-modified' };
    }
    if (res.status === 410) {
      await res.body?.cancel();
      return { kind: 'gone' };
    }
    if (res.status >= 500 || res.status === 429) {
      await res.body?.cancel();
      throw new TransientError(`HTTP ${res.status} from ${current}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status} from ${current}`);
    }
    const bytes = await readCapped(res, opts.maxBytes);
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
  throw new Error(`too many redirects from ${url}`);
}

/** Fetch a feed: local path or HTTP with retries and backoff on 5xx/network errors. */
export async function fetchFeed(url: string, opts: FetchOptions): Promise<FetchResult> {
  if (!isHttpUrl(url)) {
    const path = url.replace(/^file:\/\//, '');
    const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${err.message}`);
    });
    if (bytes.byteLength > opts.maxBytes) throw new Error(`file is ${bytes.byteLength} bytes, over ingest.maxBytes (${opts.maxBytes})`);
    return { kind: 'body', bytes, contentType: null, etag: null, lastModified: null, url, permanentRedirect: null };
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(url, opts);
    } catch (err) {
      if (!(err instanceof TransientError) || attempt >= opts.retries) throw err;
      await sleep(Math.min(200 * 2 ** attempt, 5000) * (0.5 + Math.random()));
    }
  }
}
