/**
 * A running `digest serve` (in-process) with the subscription pages, mailing
 * through a real SMTP server, over a store in a temp folder; a movable clock.
 */
import type { TestContext } from 'vitest';
import { subscriptionDeps } from '../../src/cli/commands/serve.ts';
import { loadConfig } from '../../src/config/index.ts';
import { preferencesUrl } from '../../src/deliver/index.ts';
import { startServer } from '../../src/serve/index.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/index.ts';
import { sampleConfig } from '../helpers/config.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

export const PUBLIC = 'https://example.org/digest/';

export interface Serving {
  store: SqliteStore;
  smtp: TestSmtp;
  /** The local server's address of the public base (`http://127.0.0.1:PORT/digest/`). */
  base: string;
  clock: { now: Date };
  logs: string[];
  /** A link from a mail, pointed at the local server. */
  local(url: string): string;
  /** The text of the n-th mail to `to` (waits for it). */
  mail(to: string, n?: number): Promise<{ subject: string; text: string; html: string; headers: Map<string, unknown>; raw: string }>;
}

/** Start the service; `extra` is merged into the configuration. */
export async function serving(t: TestContext, extra: Record<string, unknown> = {}): Promise<Serving> {
  const smtp = await startSmtp();
  const { file } = sampleConfig({
    delivery: {
      from: '信息摘编 <digest@example.org>',
      unsubscribeSecret: 'test-secret-subscriptions',
      smtp: { url: smtp.url, pool: false },
    },
    subscribers: [],
    ...extra,
  });
  const config = loadConfig(file, {});
  const store = openSqliteStore(config.store.path);
  const clock = { now: new Date('2024-07-15T00:30:00.000Z') };
  const logs: string[] = [];
  const ctx = { config, store, now: () => clock.now, log: (l: string) => logs.push(l), json: false, reloadConfig: () => config };
  const subscription = await subscriptionDeps(ctx, `${PUBLIC}unsubscribe`, (l) => logs.push(l));
  const server = await startServer(
    { host: '127.0.0.1', port: 0 },
    {
      subscribers: store.subscribers,
      secret: config.delivery.unsubscribeSecret,
      title: config.publication.title,
      templates: subscription.templates,
      mailto: 'digest@example.org',
      now: () => clock.now,
      preferencesHref: (id, email) => preferencesUrl('', config.delivery.unsubscribeSecret, id, email),
      subscription,
    },
  );
  t.onTestFinished(async () => {
    await server.close();
    await subscription.close();
    await smtp.close();
    store.close();
  });
  const base = `${server.url}/digest/`;
  return {
    store,
    smtp,
    base,
    clock,
    logs,
    local: (url) => url.replace(PUBLIC, base),
    async mail(to, n = 1) {
      const mine = () => smtp.received.filter((m) => m.envelopeTo.includes(to));
      await smtp.waitFor(() => mine().length >= n);
      const m = mine()[n - 1]!;
      return {
        subject: m.parsed.subject ?? '',
        text: m.parsed.text ?? '',
        html: String(m.parsed.html),
        headers: m.parsed.headers,
        raw: m.raw,
      };
    },
  };
}

/** The first link in `text` to `path` (confirm, preferences). */
export function linkTo(text: string, path: string): string {
  const m = new RegExp(`https://example\\.org/digest/${path}\\?[^\\s"<>]+`).exec(text);
  if (!m) throw new Error(`no ${path} link in:\n${text}`);
  return m[0].replace(/&amp;/g, '&');
}

/** POST a form like a browser would. */
export function postForm(url: string, fields: [string, string][]): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
