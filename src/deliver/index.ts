/**
 * The deliver stage: send an issue to every active subscriber exactly once.
 * The ledger row of each (issue, subscriber) is written before the SMTP
 * transaction and after it; subscribers are streamed from SQLite in batches.
 */
import type { DeliveryStore } from '../store/deliveries.ts';
import type { SubscriberStore } from '../store/subscribers.ts';
import type { RenderedIssue } from '../types.ts';
import { buildMessage, type ListSettings } from './message.ts';
import type { Messenger } from './messenger.ts';
import { unsubscribeUrl } from './unsubscribe.ts';

/** Settings of one send. */
export interface SendOptions {
  issueDate: string;
  rendered: RenderedIssue;
  list: ListSettings;
  baseUrl: string;
  unsubscribeSecret: string;
  messageIdDomain: string;
  bounceAfter: number;
  concurrency: number;
  /** Temporary failures are retried this many times, with backoff. */
  retries: number;
  retryBaseMs?: number;
  now: () => Date;
  onProgress?: (done: number, total: number) => void;
}

/** Totals of one send run. */
export interface SendTotals {
  planned: number;
  submitted: number;
  retried: number;
  failed: number;
  alreadySent: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Send (or resume sending) an issue. Never sends a `sent` delivery again. */
export async function sendIssue(
  opts: SendOptions,
  deps: { deliveries: DeliveryStore; subscribers: SubscriberStore; messenger: Messenger },
): Promise<SendTotals> {
  const { deliveries, subscribers, messenger } = deps;
  const iso = () => opts.now().toISOString();
  const planned = deliveries.plan(opts.issueDate, opts.messageIdDomain, iso());
  const before = deliveries.totals(opts.issueDate);
  const totals: SendTotals = { planned, submitted: 0, retried: 0, failed: 0, alreadySent: before.sent };
  const toDo = before.pending + before.sending;
  let done = 0;
  let after = 0;
  for (;;) {
    const batch = deliveries.pending(opts.issueDate, after, 200);
    if (!batch.length) break;
    after = batch[batch.length - 1]!.subscriberId;
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const d = batch[next++]!;
        const sub = subscribers.byId(d.subscriberId);
        // Unsubscribed since planning: never mail them.
        if (!sub || sub.status !== 'active') {
          deliveries.markDone(opts.issueDate, d.subscriberId, 'failed', `not sent: subscriber is ${sub?.status ?? 'deleted'}`, iso());
          done++;
          continue;
        }
        const mail = buildMessage(
          opts.rendered,
          { email: sub.email, name: sub.name, messageId: d.messageId, unsubscribeUrl: unsubscribeUrl(opts.baseUrl, opts.unsubscribeSecret, sub.id, sub.email) },
          opts.list,
        );
        for (let attempt = 0; ; attempt++) {
          deliveries.markSending(opts.issueDate, d.subscriberId, iso());
          const outcome = await messenger.send(mail, { issueDate: opts.issueDate, subscriberId: d.subscriberId });
          if (outcome.ok) {
            deliveries.markDone(opts.issueDate, d.subscriberId, 'sent', null, iso());
            totals.submitted++;
            break;
          }
          if (outcome.permanent || attempt >= opts.retries) {
            deliveries.markDone(opts.issueDate, d.subscriberId, 'failed', outcome.error, iso());
            if (outcome.permanent) subscribers.recordFailure(sub.id, opts.bounceAfter, iso());
            totals.failed++;
            break;
          }
          totals.retried++;
          // Back to pending while we wait, so a crash here resumes with a retry, not a loss.
          deliveries.markDone(opts.issueDate, d.subscriberId, 'pending', outcome.error, iso());
          await sleep((opts.retryBaseMs ?? 1000) * 2 ** attempt);
        }
        done++;
        opts.onProgress?.(done, toDo);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  }
  return totals;
}
