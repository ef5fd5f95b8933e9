/**
 * Sends over the job queue, with a PostgreSQL store (README "Running on
 * several machines"). `digest send`/`run` plan the issue's recipients in the
 * ledger and enqueue one job per block of subscriber ids (send-prepare.ts
 * composes the message; src/deliver/jobs.ts is the queue); every
 * `digest worker` — and the `digest send` itself while it waits — takes jobs
 * and sends their block with the ledger (`sendBatch`). Progress and totals
 * are read from the ledger, whoever sent. The rate limits are reserved in the
 * database, so they hold for all senders together.
 */
import {
  abortableSleep,
  loadJobs,
  loadMail,
  sendBatch,
  SharedRateLimiter,
  acquireSendLock,
  type BatchTotals,
  type Messenger,
  type SendJobQueue,
  type SendPacer,
  type TakenJob,
} from '../deliver/index.ts';
import { DigestError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { loadSendRate, type PostgresStore, type RateRule, type SendRateRepository, type SendRunCounts } from '../store/index.ts';
import type { Context } from './context.ts';
import { prepareSend, sendAborted, type PreparedSend, type SendSummary } from './send-prepare.ts';

/** Do sends go through the job queue? Yes with a PostgreSQL store (`store.url` or `$DIGEST_STORE_URL`). */
export function usesJobQueue(ctx: Context): boolean {
  return ctx.store.dialect === 'postgres';
}

/** A worker stops taking recipients of a job at this share of its expiry, so it never holds a block pg-boss gave to another. */
const DEADLINE_SHARE = 0.8;

/** The sending side of one process: the queue, its share of the rate, its SMTP connections, the issues it has composed. */
export interface QueueSender {
  readonly jobs: SendJobQueue;
  readonly pacer: SendPacer;
  readonly messenger: Messenger;
  /** Statements sent to PostgreSQL by this process: the store's, the job queue's and the shared rate's. */
  roundTrips(): number;
  /** The composed issue of `date` (once per process). */
  prepared(date: string): Promise<PreparedSend>;
  close(): Promise<void>;
}

/** The rate rules of the configuration. */
function rateRules(ctx: Context): RateRule[] {
  const smtp = ctx.config.delivery.smtp;
  return [
    { limit: smtp?.ratePerSecond ?? 0, windowMs: 1000 },
    { limit: smtp?.ratePerHour ?? 0, windowMs: 3_600_000 },
  ].filter((r) => r.limit > 0);
}

/**
 * Connect this process to the queue and the shared rate, and open its
 * transport. `concurrency`: messages in flight (SMTP connections), default
 * `delivery.smtp.maxConnections`.
 */
export async function openQueueSender(ctx: Context, opts: { concurrency?: number; log?: Logger } = {}): Promise<QueueSender> {
  const url = ctx.storeUrl;
  if (!url || !usesJobQueue(ctx))
    throw new DigestError('sending through the job queue needs a PostgreSQL store', 'set store.url to postgres://user:pass@host:5432/db');
  const { SendJobQueue } = await loadJobs();
  const onError = (err: Error) => opts.log?.warn('job queue: database error', { error: err.message });
  const jobs = await SendJobQueue.open({ url, ...ctx.config.delivery.queue }, onError);
  let rate: SendRateRepository | null = null;
  let messenger: Messenger | undefined;
  try {
    const rules = rateRules(ctx);
    if (rules.length) rate = await (await loadSendRate()).openSendRate(url);
    const pacer: SendPacer = rate ? new SharedRateLimiter(rate, rules) : { take: async (signal) => !signal?.aborted };
    const { createMessenger } = await loadMail();
    const d = ctx.config.delivery;
    messenger = createMessenger(
      d.smtp && opts.concurrency ? { ...d, smtp: { ...d.smtp, maxConnections: opts.concurrency } } : d,
      ctx.config.output.dir,
    );
    const issues = new Map<string, Promise<PreparedSend>>();
    const m = messenger;
    const r = rate;
    return {
      jobs,
      pacer,
      messenger: m,
      roundTrips: () => jobs.roundTrips + (r?.roundTrips ?? 0) + storeRoundTrips(ctx),
      prepared(date) {
        let p = issues.get(date);
        if (!p) {
          p = prepareSend(ctx, date, { publish: false });
          // A failure (the issue is not there yet) is not remembered: the next job tries again.
          p.catch(() => issues.delete(date));
          issues.set(date, p);
        }
        return p;
      },
      async close() {
        await m.close();
        await r?.close();
        await jobs.close();
      },
    };
  } catch (err) {
    await messenger?.close();
    await rate?.close();
    await jobs.close();
    throw err;
  }
}

/** Statements the store has sent to PostgreSQL so far (its driver counts them). */
function storeRoundTrips(ctx: Context): number {
  return ctx.store.dialect === 'postgres' ? (ctx.store as PostgresStore).driver.roundTrips : 0;
}

/** Make sure every block of the issue with open deliveries has its job; how many were created and given back. */
async function enqueueOpenBlocks(ctx: Context, sender: QueueSender, date: string): Promise<{ created: number; requeued: number }> {
  const size = ctx.config.delivery.queue.batchSize;
  const blocks = ctx.store.deliveries.openBlocks(date, size).map((b) => b.block);
  return sender.jobs.enqueue(date, blocks, size);
}

/**
 * Send one job's block with the ledger, then complete the job, or fail it so
 * that pg-boss gives it to a worker again (stopped by a signal or the
 * deadline, the transport down, the store failing).
 */
export async function workJob(ctx: Context, sender: QueueSender, job: TakenJob, signal?: AbortSignal, log?: Logger): Promise<BatchTotals> {
  const { issueDate, block, blockSize } = job.data;
  const takenAt = performance.now();
  const expiresInMs = job.expireInSeconds * 1000;
  const deadline = AbortSignal.timeout(Math.max(1, expiresInMs * DEADLINE_SHARE));
  const still = () => performance.now() - takenAt < expiresInMs;
  let totals: BatchTotals;
  try {
    const prepared = await sender.prepared(issueDate);
    totals = await sendBatch(
      {
        ...prepared.options,
        range: { after: block * blockSize, upTo: (block + 1) * blockSize },
        pacer: sender.pacer,
        concurrency: sender.messenger.concurrency,
        transport: sender.messenger.description,
        now: ctx.now,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      },
      { deliveries: ctx.store.deliveries, subscribers: ctx.store.subscribers, messenger: sender.messenger },
    );
  } catch (err) {
    log?.error('job failed', { issue: issueDate, block, error: errorMessage(err) });
    if (still()) await sender.jobs.fail(job, errorMessage(err));
    throw err;
  }
  const fields = {
    issue: issueDate,
    block,
    status: totals.status,
    submitted: totals.submitted,
    failed: totals.failed,
    skipped: totals.skipped,
    retried: totals.retried,
    resumed: totals.resumed,
    remaining: totals.remaining,
    ...(totals.error ? { error: totals.error } : {}),
  };
  // Past its expiry the job may be another worker's already: leave it to pg-boss.
  if (!still()) log?.warn('job outlived its expiry; pg-boss gives it to another worker', fields);
  else if (totals.status === 'completed') await sender.jobs.complete(job, fields);
  else await sender.jobs.fail(job, totals.error ?? 'stopped before the end of the block (shutdown or deadline); the rest is pending');
  log?.info(totals.status === 'completed' ? 'block sent' : 'block not finished', fields);
  if (totals.status === 'completed') markSentWhenDone(ctx, issueDate);
  return totals;
}

/** The issue is `sent` once nothing of it is open in the ledger, whoever sent the last block. */
function markSentWhenDone(ctx: Context, date: string): void {
  const t = ctx.store.deliveries.totals(date);
  if (t.pending + t.sending > 0) return;
  if (ctx.store.issues.get(date)?.status !== 'sent') ctx.store.issues.setStatus(date, 'sent', ctx.now().toISOString());
}

/**
 * Take and send jobs until `signal` aborts (`digest worker`): one job at a
 * time, its messages `concurrency` at once. After a job the transport could
 * not send (server down), waits `retryDelaySeconds` before taking another.
 */
export async function workQueue(
  ctx: Context,
  sender: QueueSender,
  signal: AbortSignal,
  log?: Logger,
): Promise<{ jobs: number; submitted: number }> {
  const q = ctx.config.delivery.queue;
  let jobs = 0;
  let submitted = 0;
  while (!signal.aborted) {
    let job: TakenJob | null;
    try {
      job = await sender.jobs.take();
    } catch (err) {
      log?.warn('cannot reach the job queue; trying again', { error: errorMessage(err) });
      await abortableSleep(q.pollSeconds * 1000, signal);
      continue;
    }
    if (!job) {
      await abortableSleep(q.pollSeconds * 1000, signal);
      continue;
    }
    jobs++;
    try {
      const totals = await workJob(ctx, sender, job, signal, log);
      submitted += totals.submitted;
      if (totals.status === 'aborted') await abortableSleep(q.retryDelaySeconds * 1000, signal);
    } catch {
      // Logged by workJob; the job is failed and will be retried. The store may recover; the next job will tell.
      await abortableSleep(q.pollSeconds * 1000, signal);
    }
  }
  return { jobs, submitted };
}

/**
 * `digest send` with a PostgreSQL store: plan, enqueue, and (unless `wait` is
 * false) work the queue beside the workers until nothing of the issue is
 * open. The run's totals come from the ledger (sent, failed, skipped before
 * and after); `retried` and `resumed` count this process's blocks only.
 */
export async function sendThroughQueue(
  ctx: Context,
  date: string,
  opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal; wait: boolean; log?: Logger },
): Promise<SendSummary> {
  const { store } = ctx;
  const { deliveries } = store;
  const iso = () => ctx.now().toISOString();
  const prepared = await prepareSend(ctx, date, { publish: true });
  const sender = await openQueueSender(ctx, { log: opts.log });
  try {
    const transport = `${sender.messenger.description} (job queue)`;
    const counts: SendRunCounts = { planned: 0, submitted: 0, retried: 0, failed: 0, skipped: 0, resumed: 0, remaining: 0 };
    // Planning and enqueueing one process at a time; the sending itself is shared block by block.
    const lock = acquireSendLock(store.locks, date);
    let runId: number;
    let before: ReturnType<typeof deliveries.totals>;
    let queued: { created: number; requeued: number };
    try {
      runId = deliveries.startRun(date, transport, iso());
      counts.planned = deliveries.plan(date, prepared.options.messageIdDomain, iso());
      before = deliveries.totals(date);
      queued = await enqueueOpenBlocks(ctx, sender, date);
    } finally {
      lock.release();
    }
    const total = before.pending + before.sending;
    const doneSoFar = () => {
      const t = deliveries.totals(date);
      return { t, done: t.sent + t.failed + t.skipped - (before.sent + before.failed + before.skipped) };
    };
    let error: string | null = null;
    if (opts.wait) {
      opts.onProgress?.(0, total);
      const poll = ctx.config.delivery.queue.pollSeconds * 1000;
      for (;;) {
        if (opts.signal?.aborted) break;
        const job = await sender.jobs.take();
        if (job) {
          const r = await workJob(ctx, sender, job, opts.signal, opts.log);
          counts.retried += r.retried;
          counts.resumed += r.resumed;
          opts.onProgress?.(doneSoFar().done, total);
          if (r.status === 'aborted' && job.data.issueDate === date) {
            error = r.error;
            break;
          }
          continue;
        }
        const { t, done } = doneSoFar();
        opts.onProgress?.(done, total);
        if (t.pending + t.sending === 0) break;
        // Nothing to take: the open blocks are with workers, waiting for a retry, or their jobs ended.
        error = await blockTrouble(ctx, sender, date);
        if (error) break;
        await abortableSleep(poll, opts.signal);
      }
    }
    const after = deliveries.totals(date);
    counts.submitted = after.sent - before.sent;
    counts.failed = after.failed - before.failed;
    counts.skipped = after.skipped - before.skipped;
    counts.remaining = after.pending + after.sending;
    const status = error ? 'aborted' : counts.remaining ? 'stopped' : 'completed';
    deliveries.finishRun(runId, status, counts, iso(), error);
    if (status === 'completed') markSentWhenDone(ctx, date);
    const summary: SendSummary = {
      date,
      transport,
      ...counts,
      runId,
      alreadySent: before.sent,
      status,
      error,
      variants: prepared.variants,
      queue: { ...queued, waited: opts.wait },
    };
    if (status === 'aborted') throw sendAborted(date, transport, summary);
    return summary;
  } finally {
    await sender.close();
  }
}

/**
 * Why the open blocks of an issue are not moving, if they are stuck: a job
 * whose retries ran out (its error), or none at all (archived, or completed
 * while rows were opened again: re-created here). Null while every open block
 * is with a worker or waits for a retry.
 */
async function blockTrouble(ctx: Context, sender: QueueSender, date: string): Promise<string | null> {
  const { jobId } = await loadJobs();
  const size = ctx.config.delivery.queue.batchSize;
  const lost: number[] = [];
  for (const { block } of ctx.store.deliveries.openBlocks(date, size)) {
    const id = jobId({ issueDate: date, block, blockSize: size });
    const state = await sender.jobs.state(id);
    if (state === 'failed') return `a job of the issue failed after its retries: ${await sender.jobs.failure(id)}`;
    if (state === null || state === 'completed' || state === 'cancelled') lost.push(block);
  }
  if (lost.length) await sender.jobs.enqueue(date, lost, size);
  return null;
}
