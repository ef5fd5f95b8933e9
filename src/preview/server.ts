/**
 * The preview's HTTP server on 127.0.0.1: the UI page, the rendered email and
 * web page (for sandboxed frames), static assets, Server-Sent Events for live
 * reload, and the editors' POST actions (CSRF-checked, then 303 back).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { assetUrl } from '../assets.ts';
import { DigestError, errorMessage } from '../errors.ts';
import { ITEM_ACTIONS, type ItemAction } from './editing.ts';
import type { Preview } from './model.ts';
import { errorPage, previewPage, type Flash } from './page.ts';
import { csrfTokenMatches, FRAME_HEADERS, hostAllowed, newCsrfToken, originAllowed, UI_HEADERS } from './security.ts';

const ASSETS = {
  '/static/preview.css': { type: 'text/css; charset=utf-8', body: readFileSync(assetUrl('preview/assets/preview.css')) },
  '/static/preview.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(assetUrl('preview/assets/preview.js')) },
} as const;

/** Largest form body accepted (an edited summary or a new item's body is the largest field). */
const MAX_BODY = 256 * 1024;

/** A running preview server. */
export interface PreviewServer {
  url: string;
  port: number;
  /** Stop accepting requests and end open event streams. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = UI_HEADERS,
): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded'))
      return reject(new HttpError(415, 'forms only (application/x-www-form-urlencoded)'));
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'request too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Keeps the last few one-time messages shown after a redirect (ids, so no text travels in URLs). */
class Flashes {
  private readonly map = new Map<string, Flash>();
  put(flash: Flash): string {
    const id = randomBytes(8).toString('hex');
    this.map.set(id, flash);
    if (this.map.size > 50) this.map.delete(this.map.keys().next().value!);
    return id;
  }
  take(id: string | null): Flash | undefined {
    if (!id) return undefined;
    const f = this.map.get(id);
    this.map.delete(id);
    return f;
  }
}

/**
 * Start serving `preview` on 127.0.0.1:`port` (0: any free port). Polls the
 * database's data_version so changes made by other processes (a CLI build,
 * the scheduler) reach open pages too.
 */
export async function startPreviewServer(preview: Preview, port: number, opts: { pollMs?: number } = {}): Promise<PreviewServer> {
  const csrf = newCsrfToken();
  const flashes = new Flashes();
  const streams = new Set<ServerResponse>();
  let boundPort = port;

  const back = (flash: Flash, hash = '') => `/?flash=${flashes.put(flash)}${hash}`;

  const at = (item: string, did = '') =>
    `&focus=${encodeURIComponent(item)}${did ? `&did=${encodeURIComponent(did)}` : ''}#item-${encodeURIComponent(item)}`;

  async function post(path: string, form: URLSearchParams): Promise<string> {
    const m = preview.m;
    const field = (name: string) => form.get(name) ?? '';
    const item = field('item');
    switch (path) {
      case '/items': {
        const action = form.get('action') as ItemAction;
        if (!ITEM_ACTIONS.includes(action)) throw new HttpError(400, `unknown action "${action}"`);
        preview.applyItemAction(item, action, form.get('section') ?? undefined);
        const text = action === 'up' || action === 'down' ? m.flash.ordered : m.flash.saved(m.history.actions[action] ?? action);
        return back({ kind: 'ok', text }, at(item, action));
      }
      case '/edit': {
        const fields = {
          title: field('title'),
          issuer: field('issuer'),
          outlet: field('outlet'),
          date: field('date'),
          text: field('text'),
          attachments: field('attachments'),
        };
        const changed = preview.desk().revise(item, fields);
        preview.changed();
        return back({ kind: 'ok', text: changed ? m.flash.edited : m.flash.unchanged }, at(item));
      }
      case '/undo': {
        const undone = preview.desk().undo(item);
        preview.changed();
        return back({ kind: undone ? 'ok' : 'error', text: undone ? m.flash.undone : m.flash.nothingToUndo }, at(item));
      }
      case '/write': {
        const r = preview.desk().write({
          title: field('title'),
          outlet: field('outlet'),
          date: field('date'),
          link: field('link'),
          section: field('section'),
          attachments: field('attachments'),
          body: field('body'),
        });
        preview.changed();
        return back(
          { kind: r.created ? 'ok' : 'error', text: r.created ? m.flash.written(r.title) : m.flash.duplicate(r.title) },
          at(r.id),
        );
      }
      case '/write-book': {
        const r = preview.desk().writeBook({
          title: field('title'),
          author: field('author'),
          publisher: field('publisher'),
          published: field('published'),
          summary: field('summary'),
          reason: field('reason'),
          cover: field('cover'),
          link: field('link'),
          section: field('section'),
        });
        preview.changed();
        return back(
          { kind: r.created ? 'ok' : 'error', text: r.created ? m.flash.bookWritten(r.title) : m.flash.duplicate(r.title) },
          at(r.id),
        );
      }
      case '/add': {
        const title = preview.desk().add(item);
        preview.changed();
        return back({ kind: 'ok', text: m.flash.added(title) }, at(item));
      }
      case '/remove-addition': {
        preview.desk().removeAddition(item);
        preview.changed();
        return back({ kind: 'ok', text: m.flash.removed });
      }
      case '/split': {
        const outlet = preview.desk().split(item, Number(field('index')));
        preview.changed();
        return back({ kind: 'ok', text: m.flash.split(outlet) }, at(item));
      }
      case '/fetch': {
        const started = preview.startFetch(field('source'));
        return back({ kind: started ? 'ok' : 'error', text: started ? m.flash.fetchStarted : m.flash.fetchBusy }, '#fetch');
      }
      case '/send-test': {
        const results = await preview.sendTests();
        const failed = results.filter((r) => !r.ok);
        const sent = results.filter((r) => r.ok).map((r) => r.to);
        const text = [sent.length ? m.flash.testSent(sent.join(', ')) : '', ...failed.map((r) => m.flash.testFailed(r.to, r.error ?? ''))]
          .filter(Boolean)
          .join(' ');
        return back({ kind: failed.length ? 'error' : 'ok', text });
      }
      case '/approve': {
        const r = await preview.approve();
        return back({ kind: 'ok', text: m.flash.approved(r.date) });
      }
      case '/draft': {
        const r = await preview.updateDraft();
        return back({ kind: 'ok', text: m.flash.draft(r.date) });
      }
      default:
        throw new HttpError(404, 'no such action');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, boundPort)) throw new HttpError(403, `wrong Host header: open the preview at http://127.0.0.1:${boundPort}/`);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${boundPort}`);
    if (req.method === 'POST') {
      if (!originAllowed(req, boundPort)) throw new HttpError(403, 'cross-site request refused');
      const form = await readForm(req);
      if (!csrfTokenMatches(csrf, form.get('csrf')))
        throw new HttpError(403, 'missing or stale form token: reload the preview and try again');
      let location: string;
      try {
        location = await post(url.pathname, form);
      } catch (err) {
        if (err instanceof HttpError && err.status !== 400) throw err;
        const hint = err instanceof DigestError && err.hint ? ` (${err.hint})` : '';
        location = back({ kind: 'error', text: `${errorMessage(err)}${hint}` });
      }
      res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' }).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'GET or POST only');
    const asset = ASSETS[url.pathname as keyof typeof ASSETS];
    if (asset) return send(res, 200, asset.type, asset.body);
    switch (url.pathname) {
      case '/favicon.ico':
        res.writeHead(204, { 'Cache-Control': 'max-age=86400' }).end();
        return;
      case '/': {
        const q = url.searchParams;
        const search = q.has('find')
          ? { words: q.get('q')?.trim() || undefined, sourceId: q.get('source') || undefined, date: q.get('date') || undefined }
          : undefined;
        const snap = await preview.snapshot({ edit: q.get('edit') ?? undefined, search });
        const page = previewPage(snap, csrf, {
          flash: flashes.take(q.get('flash')),
          focus: q.get('focus') ?? q.get('edit') ?? undefined,
          did: q.get('did') ?? (q.has('edit') ? 'edit' : undefined),
        });
        return send(res, 200, 'text/html; charset=utf-8', page);
      }
      case '/frame/email':
      case '/frame/web': {
        const snap = await preview.snapshot();
        if (!snap.render.ok) return send(res, 500, 'text/plain; charset=utf-8', snap.render.error, FRAME_HEADERS);
        const body = url.pathname === '/frame/email' ? snap.render.value.emailHtml : snap.render.value.rendered.webHtml;
        return send(res, 200, 'text/html; charset=utf-8', body, FRAME_HEADERS);
      }
      case '/frame/text': {
        const snap = await preview.snapshot();
        if (!snap.render.ok) return send(res, 500, 'text/plain; charset=utf-8', snap.render.error, FRAME_HEADERS);
        return send(res, 200, 'text/plain; charset=utf-8', snap.render.value.emailText, FRAME_HEADERS);
      }
      case '/events': {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
        res.write(`retry: 1000\ndata: ${preview.generation}\n\n`);
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      default:
        throw new HttpError(404, 'not found');
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent)
        send(res, status, 'text/html; charset=utf-8', errorPage(status, errorMessage(err), preview.config.publication.language));
      else res.destroy();
    });
  });

  const unsubscribe = preview.onChange((generation) => {
    for (const s of streams) s.write(`data: ${generation}\n\n`);
  });
  // Changes by other processes, and a heartbeat that keeps idle streams open.
  preview.checkExternalChanges();
  let beat = 0;
  const timer = setInterval(() => {
    try {
      preview.checkExternalChanges();
    } catch {
      // The store is closing; the server is about to stop.
    }
    if (++beat % 15 === 0) for (const s of streams) s.write(': keep-alive\n\n');
  }, opts.pollMs ?? 2000);
  timer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new DigestError(`port ${port} on 127.0.0.1 is in use`, 'pick another with --port N (0 picks a free one)')
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  boundPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${boundPort}/`,
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        unsubscribe();
        for (const s of streams) s.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
