/**
 * The deliver stage: send an issue to every active subscriber exactly once.
 *
 * Each (issue, subscriber) has a ledger row, planned with a fixed Message-ID.
 * A worker marks its row `sending` immediately before the SMTP transaction and
 * `sent`/`failed` immediately after the server's reply, so a crash leaves at
 * most `concurrency` rows in doubt; the next run sends those again with the
 * same Message-ID (README "Exactly once" explains the trade-off). N workers
 * feed a pool of N connections; the message is composed once per issue.
 */
import type { DeliveryRepository, SendRunCounts, SubscriberRange, SubscriberRepository } from '../store/index.ts';
import type { MessageRecipient } from './message.ts';
import type { OutgoingMessage } from './mime.ts';
import type { Messenger, SendOutcome } from './messenger.ts';
import { DeliveryQueue, type QueuedDelivery } from './queue.ts';
import { RateLimiter } from './rate.ts';

/** Settings of one send. */
export interface SendOptions {
  issueDate: string;
  /**
   * The issue's message, composed once (see mime.ts) — or once per set of
   * chosen sections (variants.ts), which answers null for a subscriber whose
   * sections have nothing in this issue (skipped).
   */
  message: { forRecipient(r: MessageRecipient & { sections?: string | null }, date: Date): OutgoingMessage | null };
  /** The signed unsubscribe link of a subscriber. */
  unsubscribeUrl: (subscriberId: number, email: string) => string;
  /** The signed preference centre link of a subscriber. */
  preferencesUrl?: (subscriberId: number, email: string) => string;
  /** The envelope sender (VERP) of a subscriber. */
  returnPath?: (subscriberId: number) => string;
  messageIdDomain: string;
  bounceAfter: number;
  concurrency: number;
  /** Temporary failures are retried this many times, with exponential backoff from `retryDelayMs`. */
  retries: number;
  retryDelayMs: number;
  /** Messages per second and per sliding hour (0 or absent: no limit). */
  ratePerSecond?: number;
  ratePerHour?: number;
  /** Description of the transport, recorded with the run. */
  transport: string;
  now: () => Date;
  /** Stop taking new recipients; the ones in flight finish and are recorded. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  batchSize?: number;
  /** The rate limiter's clock and sleep (default: real time); tests pass a virtual one. */
  rateClock?: { now: () => number; sleep: (ms: number, signal?: AbortSignal) => Promise<void> };
}

/** Totals of one send run (also recorded in `send_runs`). */
export interface SendTotals extends SendRunCounts {
  runId: number;
  /** Sent by earlier runs (never sent again). */
  alreadySent: number;
  /** `completed`: nothing left to do; `stopped`: the signal stopped it; `aborted`: the transport cannot send (see `error`). */
  status: 'completed' | 'stopped' | 'aborted';
  error: string | null;
}

const HOUR = 3_600_000;

/** One connection's sender in the send loop: a `sent` outcome it holds to write with its next claim. */
interface Lane {
  held: { item: QueuedDelivery; response: string | null } | null;
}

/** What paces the sends: the one-process sliding windows (rate.ts) or the limiter shared through the database (shared-rate.ts). */
export interface SendPacer {
  /** Wait for the next send slot; false when `signal` aborted first (the slot is given up). */
  take(signal?: AbortSignal): Promise<boolean>;
  /** Is there a limit (so `take` may wait)? */
  readonly limited?: boolean;
}

/** Send (or resume sending) an issue. Never sends a `sent` delivery again. */
export async function sendIssue(
  opts: SendOptions,
  deps: { deliveries: DeliveryRepository; subscribers: SubscriberRepository; messenger: Messenger },
): Promise<SendTotals> {
  const { deliveries } = deps;
  const iso = () => opts.now().toISOString();
  const { issueDate } = opts;

  const runId = deliveries.startRun(issueDate, opts.transport, iso());
  const counts: SendRunCounts = { planned: 0, submitted: 0, retried: 0, failed: 0, skipped: 0, resumed: 0, remaining: 0 };
  counts.planned = deliveries.plan(issueDate, opts.messageIdDomain, iso());
  counts.resumed = deliveries.resumeInterrupted(issueDate, iso());
  const before = deliveries.totals(issueDate);
  const limiter = new RateLimiter(
    [
      { limit: opts.ratePerSecond ?? 0, windowMs: 1000 },
      { limit: opts.ratePerHour ?? 0, windowMs: HOUR },
    ],
    opts.rateClock?.now,
    opts.rateClock?.sleep,
  );
  if (opts.ratePerHour) {
    // The hourly quota spans restarts: count what went out in the last hour.
    const now = opts.now().getTime();
    limiter.seed(
      deliveries
        .sentSince(new Date(now - HOUR).toISOString(), opts.ratePerHour)
        .reverse()
        .map((at) => now - Date.parse(at)),
    );
  }
  const queue = new DeliveryQueue(deliveries, issueDate, opts.batchSize ?? 500, undefined, () => deliveries.updateRun(runId, counts));
  const outcome = await deliverQueued(opts, deps, queue, limiter, counts, runId, before.pending);
  // The store failing (locked for long, disk full) stops the run: record what
  // the server accepted and end the run if the store lets us now; if it still
  // does not, the next run's start marks this one interrupted.
  let crashed = outcome.crashed;
  let status: SendTotals['status'] = 'aborted';
  let error: string | null = outcome.fatal;
  try {
    outcome.recordUnrecorded();
    const after = deliveries.totals(issueDate);
    counts.remaining = after.pending + after.sending;
    error = outcome.fatal ?? (crashed ? String((crashed as Error)?.message ?? crashed) : null);
    status = error ? 'aborted' : counts.remaining ? 'stopped' : 'completed';
    deliveries.finishRun(runId, status, counts, iso(), error);
  } catch (err) {
    crashed ??= err;
  }
  if (crashed) throw crashed;
  return { ...counts, runId, alreadySent: before.sent, status, error };
}

/** How one job's block of an issue ended (a send over the job queue, src/deliver/jobs.ts). */
export interface BatchTotals extends SendRunCounts {
  /** `completed`: nothing left in the block; `stopped`: the signal stopped it, the rest is pending; `aborted`: the transport cannot send (see `error`). */
  status: SendTotals['status'];
  error: string | null;
}

/**
 * Send the deliveries of one block of subscribers (`range`) of an issue
 * already planned: one job of a send over the job queue. The same ledger
 * steps as `sendIssue`; rows of the block left `sending` are in doubt (the
 * worker that had the job died, or stopped at its deadline) and are sent again
 * with their Message-ID — the job queue gives a block to one worker at a time,
 * as the send lock gives an issue to one process. `pacer` is the process's
 * rate limiter, shared by its blocks (and, on PostgreSQL, with every worker).
 */
export async function sendBatch(
  opts: SendOptions & { range: SubscriberRange; pacer: SendPacer },
  deps: { deliveries: DeliveryRepository; subscribers: SubscriberRepository; messenger: Messenger },
): Promise<BatchTotals> {
  const { deliveries } = deps;
  const counts: SendRunCounts = { planned: 0, submitted: 0, retried: 0, failed: 0, skipped: 0, resumed: 0, remaining: 0 };
  counts.resumed = deliveries.resumeInterrupted(opts.issueDate, opts.now().toISOString(), opts.range);
  const queue = new DeliveryQueue(deliveries, opts.issueDate, opts.batchSize ?? 500, undefined, undefined, opts.range);
  const outcome = await deliverQueued(opts, deps, queue, opts.pacer, counts, null, Number.NaN, true);
  outcome.recordUnrecorded();
  if (outcome.crashed) throw outcome.crashed;
  counts.remaining = deliveries.pendingCount(opts.issueDate, opts.range.after, opts.range.upTo);
  const status = outcome.fatal ? 'aborted' : counts.remaining ? 'stopped' : 'completed';
  return { ...counts, status, error: outcome.fatal };
}

/**
 * The send loop proper, shared by a whole issue and by one block: N workers
 * take deliveries from `queue` and send each with the ledger written before
 * and after. Resolves once all have finished what they had in flight.
 */
async function deliverQueued(
  opts: SendOptions,
  deps: { deliveries: DeliveryRepository; subscribers: SubscriberRepository; messenger: Messenger },
  queue: DeliveryQueue,
  pacer: SendPacer,
  counts: SendRunCounts,
  /** The run whose counters are saved with each outcome (null: a job's block) and how many it has to do. */
  runId: number | null,
  total: number,
  /**
   * Write a message's `sent` together with the claim of the connection's
   * next message (one round trip instead of two: the queue's workers on
   * PostgreSQL). The one-process send keeps two writes, exactly as before.
   */
  combineWrites = false,
): Promise<{ fatal: string | null; crashed: unknown; recordUnrecorded: () => void }> {
  const { deliveries, subscribers, messenger } = deps;
  const iso = () => opts.now().toISOString();
  const { issueDate } = opts;
  let done = 0;
  let fatal: string | null = null;
  // The transport is down: this many connection-level failures in a row (no answer, refused, dropped; never a
  // 4xx reply about one recipient, which greylisting gives a whole domain) stop the run. README "Failures" says ten.
  const streakLimit = Math.max(10, 3 * opts.concurrency);
  let streak = 0;
  let lastError = '';

  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;

  opts.onProgress?.(0, total);
  const finish = () => {
    done++;
    opts.onProgress?.(done, total);
  };
  // Accepted by the server but not yet recorded `sent` (the ledger write failed):
  // written again before the run ends, so the next run does not send them twice.
  const unrecorded: { item: QueuedDelivery; response: string | null }[] = [];
  /** Record an outcome in the ledger together with the run's counters (one transaction; a job's block has no run of its own). */
  const record = (
    item: QueuedDelivery,
    status: 'sent' | 'failed' | 'pending' | 'skipped',
    error: string | null,
    count?: 'submitted' | 'failed' | 'skipped' | 'retried',
    response: string | null = null,
  ) => {
    if (count) counts[count]++;
    if (runId !== null) counts.remaining = Math.max(0, total - done - (count && count !== 'retried' ? 1 : 0));
    try {
      deliveries.markDone(issueDate, item.subscriberId, status, error, iso(), response, runId === null ? undefined : { id: runId, counts });
    } catch (err) {
      if (count) counts[count]--;
      throw err;
    }
  };
  /**
   * Write a lane's held `sent` outcome now (before anything else it records,
   * and before it may wait). Accepted but not recorded if the store fails.
   */
  const flush = (lane: Lane) => {
    const held = lane.held;
    if (!held) return;
    lane.held = null;
    try {
      record(held.item, 'sent', null, 'submitted', held.response);
    } catch (err) {
      unrecorded.push(held);
      throw err;
    }
  };
  const handle = (item: QueuedDelivery, outcome: SendOutcome, response: string | null, lane: Lane) => {
    if (outcome.ok && combineWrites) {
      // Written with this lane's next claim, one round trip for both (markSentThenSendingAsync).
      lane.held = { item, response };
      streak = 0;
      return finish();
    }
    if (outcome.ok) {
      try {
        record(item, 'sent', null, 'submitted', response);
      } catch (err) {
        unrecorded.push({ item, response });
        throw err;
      }
      streak = 0;
      return finish();
    }
    if (outcome.kind === 'fatal') {
      // Nothing can go out: the recipient stays pending for the next run.
      record(item, 'pending', outcome.error);
      fatal ??= outcome.error;
      return stop.abort();
    }
    // Only a failure with no answer about this recipient counts towards "the server is down".
    if (outcome.connection) streak++;
    lastError = outcome.error;
    if (outcome.kind === 'temporary' && item.failures < opts.retries) {
      item.failures++;
      // Pending again while it waits, so a crash now resumes with a retry, not a loss.
      record(item, 'pending', outcome.error, 'retried');
      const jitter = 0.75 + Math.random() * 0.5;
      queue.retryLater(item, opts.retryDelayMs * 2 ** (item.failures - 1) * jitter);
    } else {
      record(item, 'failed', outcome.error, 'failed');
      if (outcome.bounce) subscribers.recordFailure(item.subscriberId, opts.bounceAfter, iso());
      finish();
    }
    if (streak >= streakLimit) {
      fatal ??= `${streak} connection failures in a row, none accepted (last: ${lastError})`;
      stop.abort();
    }
  };

  const deliver = async (item: QueuedDelivery, lane: Lane) => {
    // A retry may come minutes later: look at the subscriber again.
    const status = item.failures ? (subscribers.byId(item.subscriberId)?.status ?? null) : item.subscriberStatus;
    if (status !== 'active') {
      flush(lane);
      record(item, 'skipped', `not sent: the subscriber is ${status ?? 'deleted'}`, 'skipped');
      return finish();
    }
    if (pacer.limited) flush(lane); // a rate limit may keep it waiting: record the last one first
    if (!(await pacer.take(signal))) return; // stopped while waiting for a slot: stays pending
    let message: OutgoingMessage | null;
    try {
      message = opts.message.forRecipient(
        {
          email: item.email,
          name: item.name,
          messageId: item.messageId,
          unsubscribeUrl: opts.unsubscribeUrl(item.subscriberId, item.email),
          preferencesUrl: opts.preferencesUrl?.(item.subscriberId, item.email),
          returnPath: opts.returnPath?.(item.subscriberId),
          sections: item.sections,
        },
        opts.now(),
      );
    } catch (err) {
      flush(lane);
      return handle(item, { ok: false, kind: 'permanent', error: `cannot compose the message: ${(err as Error).message}` }, null, lane);
    }
    if (!message) {
      flush(lane);
      record(item, 'skipped', 'not sent: nothing in the chosen sections', 'skipped');
      return finish();
    }
    // The ledger says `sending` from here until the reply is recorded: the only window a crash leaves in doubt.
    // Taken by another sender since this one read it (this process was stopped past its lease): not ours to send.
    if (!(await claim(item, lane))) return finish();
    const outcome = await messenger.send(message, { issueDate, name: String(item.subscriberId).padStart(6, '0') });
    handle(item, outcome, outcome.ok ? outcome.response.slice(0, 500) : null, lane);
  };
  /**
   * Mark `item` in flight, writing the lane's held outcome in the same round
   * trip; false if another sender has it. Resolves once the claim is
   * committed; the other lanes go on sending meanwhile (the non-blocking
   * writes: on PostgreSQL a blocking one would stop them all).
   */
  const claim = async (item: QueuedDelivery, lane: Lane): Promise<boolean> => {
    const held = lane.held;
    if (!held) return deliveries.markSendingAsync(issueDate, item.subscriberId, iso());
    lane.held = null;
    let claimed: boolean;
    try {
      claimed = await deliveries.markSentThenSendingAsync(issueDate, held.item.subscriberId, held.response, item.subscriberId, iso());
    } catch (err) {
      unrecorded.push(held);
      throw err;
    }
    counts.submitted++;
    return claimed;
  };

  const worker = async () => {
    const lane: Lane = { held: null };
    try {
      for (;;) {
        // The next recipient is not at hand (the rest wait for a retry): record the last one before waiting.
        if (lane.held && !queue.ready()) flush(lane);
        const item = await queue.next(signal);
        if (!item) break;
        await deliver(item, lane);
      }
    } catch (err) {
      try {
        flush(lane);
      } catch {
        // kept in `unrecorded`, written by recordUnrecorded if the store allows
      }
      throw err;
    }
    flush(lane);
  };
  // A worker that throws (the store failing) stops the others at their next
  // recipient; all finish what they have in flight before the run is recorded.
  const results = await Promise.allSettled(
    Array.from({ length: Math.max(1, opts.concurrency) }, () =>
      worker().catch((err: unknown) => {
        stop.abort();
        throw err;
      }),
    ),
  );
  const crashed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  return {
    fatal,
    crashed: crashed?.reason,
    recordUnrecorded() {
      for (const { item, response } of unrecorded.splice(0)) record(item, 'sent', null, 'submitted', response);
    },
  };
}
