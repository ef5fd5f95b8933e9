/**
 * Shared setup for the delivery tests: a store with subscribers, a small
 * rendered issue, and sendIssue wired to a real SMTP server.
 */
import { join } from 'node:path';
import { sendIssue, type SendOptions, type SendTotals } from '../../src/deliver/index.ts';
import type { Messenger } from '../../src/deliver/messenger.ts';
import { IssueMessage } from '../../src/deliver/mime.ts';
import { SmtpMessenger, type SmtpSettings } from '../../src/deliver/smtp.ts';
import { signedUnsubscribeUrl } from '../../src/deliver/unsubscribe.ts';
import { TOKENS } from '../../src/render/view.ts';
import { openSqliteStore, type SqliteStore as Store } from '../../src/store/index.ts';
import type { RenderedIssue } from '../../src/types.ts';
import { fixedClock } from '../helpers/tmp.ts';
import { tempDir } from '../helpers/tmp.ts';

export const ISSUE = '2024-07-15';
export const SECRET = 'test-secret-for-delivery';
export const ENDPOINT = 'https://example.org/digest/unsubscribe';

/** A small issue with both tokens in both parts. */
export const RENDERED: RenderedIssue = {
  subject: '信息摘编 2024年 第一期（总第一期）',
  preheader: '',
  emailHtml: `<html><body><p>${TOKENS.greetingName}，您好</p>${'<p>国际视野：正文。</p>'.repeat(50)}<a href="${TOKENS.unsubscribeUrl}">退订</a></body></html>`,
  emailText: `${TOKENS.greetingName}，您好\n${'国际视野：正文。\n'.repeat(50)}退订：${TOKENS.unsubscribeUrl}\n`,
  webHtml: '',
};

export const LIST = {
  from: '信息摘编 <digest@example.org>',
  listId: '信息摘编 <digest.example.org>',
  unsubscribeMailto: 'digest@example.org',
};

/** A fresh store (in a temp dir, removed after the file) with `n` subscribers r1@… rn@…. */
export function storeWith(n: number): { store: Store; path: string } {
  const path = join(tempDir(), 'digest.db');
  const store = openSqliteStore(path);
  const now = new Date().toISOString();
  store.subscribers.batch(() => {
    for (let i = 1; i <= n; i++) store.subscribers.add(`r${i}@example.org`, i % 2 ? `读者${i}` : null, now);
  });
  return { store, path };
}

/** Send the test issue with sensible test defaults (fast retries). */
export function send(store: Store, messenger: Messenger, opts: Partial<SendOptions> = {}): Promise<SendTotals> {
  return sendIssue(
    {
      issueDate: ISSUE,
      message: new IssueMessage(RENDERED, LIST),
      unsubscribeUrl: (id, email) => signedUnsubscribeUrl(ENDPOINT, SECRET, id, email),
      messageIdDomain: 'example.org',
      bounceAfter: 3,
      concurrency: messenger.concurrency,
      retries: 3,
      retryDelayMs: 5,
      transport: messenger.description,
      now: fixedClock(),
      ...opts,
    },
    { deliveries: store.deliveries, subscribers: store.subscribers, messenger },
  );
}

/** A pooled SMTP messenger for `url`. */
export function smtp(url: string, settings: Partial<SmtpSettings> = {}): SmtpMessenger {
  return new SmtpMessenger({ url, pool: true, maxConnections: 3, ...settings });
}
