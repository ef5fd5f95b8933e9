/**
 * Helpers for ingest tests: a real HTTP server on a free loopback port,
 * feed documents built from a few fields, and ingest dependencies over a
 * fresh SQLite store.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterFile } from '../helpers/cleanup.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { IngestDeps } from '../../src/ingest/index.ts';
import { openSqliteStore, type SqliteStore as Store } from '../../src/store/index.ts';
import { FIXED_NOW, tempDir } from '../helpers/tmp.ts';

/** A request handler for one path. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A running feed server. */
export interface FeedServer {
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** Requests seen, in order. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  /** Requests in flight now. */
  inFlight: number;
  /** Most requests that were in flight at once. */
  maxInFlight: number;
  /** Replace or add a route. */
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

/** Start an HTTP server on 127.0.0.1:0; unknown paths answer 404. Closed after the test file. */
export async function startFeedServer(routes: Record<string, Handler> = {}): Promise<FeedServer> {
  const table = new Map(Object.entries(routes));
  const state: FeedServer = {
    url: () => '',
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    route: (path, handler) => void table.set(path, handler),
    close: () => Promise.resolve(),
  };
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    state.requests.push({ path, headers: req.headers });
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    res.on('close', () => state.inFlight--);
    const handler = table.get(path);
    if (!handler) {
      res.writeHead(404).end('not found');
      return;
    }
    try {
      await handler(req, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = (path) => `http://127.0.0.1:${port}${path}`;
  let closed = false;
  state.close = () => {
    if (closed) return Promise.resolve();
    closed = true;
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  afterFile(() => state.close());
  return state;
}

/** Serve a body with validators: answers 304 when the request's If-None-Match / If-Modified-Since match. */
export function withValidators(
  body: Buffer | string,
  contentType: string,
  etag = '"v1"',
  lastModified = 'Mon, 15 Jul 2024 00:00:00 GMT',
): Handler {
  return (req, res) => {
    if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === lastModified) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': contentType, etag, 'last-modified': lastModified }).end(body);
  };
}

/** One entry of a test feed. */
export interface TestEntry {
  title: string;
  link?: string;
  guid?: string;
  date?: string;
  body?: string;
  source?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An RSS 2.0 document (`encoding` goes into the XML declaration only; encode the bytes yourself). */
export function rss(title: string, entries: TestEntry[], encoding = 'UTF-8'): string {
  const items = entries
    .map(
      (e) =>
        `<item><title>${esc(e.title)}</title>` +
        (e.link ? `<link>${esc(e.link)}</link>` : '') +
        (e.guid ? `<guid isPermaLink="false">${esc(e.guid)}</guid>` : '') +
        (e.date ? `<pubDate>${e.date}</pubDate>` : '') +
        (e.source ? `<source url="https://example.org/">${esc(e.source)}</source>` : '') +
        `<description><![CDATA[${e.body ?? `<p>${e.title}</p>`}]]></description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="${encoding}"?>\n<rss version="2.0"><channel><title>${esc(title)}</title><link>https://example.org/</link>\n${items}\n</channel></rss>\n`;
}

/** Ingest dependencies over a fresh store in a temp dir; `config` is merged into a minimal valid config. */
export function ingestDeps(config: Record<string, unknown>, now: Date = FIXED_NOW): IngestDeps & { store: Store } {
  const dir = tempDir('digest-ingest-');
  const store = openSqliteStore(join(dir, 'digest.db'));
  afterFile(() => store.close());
  const parsed = parseConfig(
    {
      store: { path: join(dir, 'digest.db') },
      output: { dir: join(dir, 'out') },
      ...config,
      ingest: { timeoutMs: 60_000, retries: 0, ...(config.ingest as object | undefined) },
    },
    'test config',
  );
  return { config: parsed, items: store.items, sources: store.sources, merged: store.merged, now: () => now, store };
}
