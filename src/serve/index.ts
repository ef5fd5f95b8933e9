/**
 * `digest serve`: the small public HTTP service mail needs — the one-click
 * unsubscribe endpoint and its confirmation page (unsubscribe.ts), sign-up
 * with double opt-in (subscription.ts), the preference centre
 * (preferences.ts), and a health check. Every path works behind a prefix
 * (`/digest/subscribe`). It binds 127.0.0.1 by default; publish it through a reverse
 * proxy with TLS at the address the emails link to (`delivery.unsubscribeUrl`,
 * default `<publication.baseUrl>unsubscribe`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../errors.ts';
import type { SubscriptionDeps } from './pages.ts';
import { handlePreferences } from './preferences.ts';
import { handleConfirm, handleSubscribe } from './subscription.ts';
import { handleUnsubscribe, isUnsubscribePath, PAGE_HEADERS, type UnsubscribeDeps } from './unsubscribe.ts';

export { formSnippet } from './snippet.ts';
export { SlidingLimit } from './limits.ts';
export type { SubscriptionDeps } from './pages.ts';

/** What the server needs: the unsubscribe endpoint's dependencies, and the subscription pages' when they are served. */
export type ServeDeps = UnsubscribeDeps & { subscription?: SubscriptionDeps };

const PAGES = { subscribe: handleSubscribe, confirm: handleConfirm, preferences: handlePreferences };
/** `…/subscribe`, `…/confirm`, `…/preferences` under any prefix (`unsubscribe` is not `…/subscribe`: the slash is required). */
const PAGE_PATH = /(?:^|\/)(subscribe|confirm|preferences)\/?$/;

/** A running server. */
export interface RunningServer {
  /** `http://host:port` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Start serving on `host:port` (port 0: any free port). */
export async function startServer(opts: { host: string; port: number }, deps: ServeDeps): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      res.writeHead(400, PAGE_HEADERS).end();
      return;
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', ...PAGE_HEADERS }).end('ok\n');
      return;
    }
    const page = PAGE_PATH.exec(url.pathname)?.[1] as keyof typeof PAGES | undefined;
    if (page && deps.subscription) {
      PAGES[page](req, res, url, deps.subscription).catch((err: unknown) => {
        deps.log?.(`${page}: error: ${errorMessage(err)}`);
        if (!res.headersSent) res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '60', ...PAGE_HEADERS });
        res.end('temporarily unavailable, please try again\n');
      });
      return;
    }
    if (!isUnsubscribePath(url.pathname)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...PAGE_HEADERS }).end('not found\n');
      return;
    }
    handleUnsubscribe(req, res, url, deps).catch((err: unknown) => {
      // The store was busy or failed: say so, and let the mail client retry.
      deps.log?.(`unsubscribe: error: ${errorMessage(err)}`);
      if (!res.headersSent) res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '60', ...PAGE_HEADERS });
      res.end('temporarily unavailable, please try again\n');
    });
  });
  // Slow or stuck clients cannot hold connections open.
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
