/**
 * The send job queue on PostgreSQL (pg-boss 10): a send plans the issue's
 * recipients in the ledger and enqueues one job per block of subscriber ids;
 * any `digest worker` (or the waiting `digest send`) takes a job and sends
 * that block with the ledger (send.ts `sendBatch`).
 *
 * Why pg-boss (README "Running on several machines"): maintained, plain SQL on
 * the database we already run (SKIP LOCKED fetch), no daemon of its own; 10.x
 * is the last line for Node 20 (11+ needs Node 22). graphile-worker stops at
 * 0.16 on Node 20. Expiry and retry: a job taken (`active`) and not completed
 * within `expireSeconds` is failed by pg-boss's maintenance (every
 * `maintenanceSeconds`, run by one of the connected processes) and retried
 * after `retryDelaySeconds`, up to `retryLimit` times — so a worker killed
 * mid-block has its block taken over by another.
 *
 * One job per (issue, block) ever: its id is derived from both, so enqueueing
 * again (a second `digest send`, a restart) creates nothing twice. A block
 * whose job has ended while rows are open again (`--retry-failed`, or its
 * retries ran out) gets that same job back (retried, or re-created when it
 * had completed), never a second one beside it: one worker per block at a time.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';

/** The queue every sender works. */
export const SEND_QUEUE = 'digest-send';

/** One job: the open deliveries of subscribers `block·blockSize+1 … (block+1)·blockSize` of the issue. */
export interface SendJob {
  issueDate: string;
  block: number;
  blockSize: number;
}

/** A job taken by this process. */
export interface TakenJob {
  id: string;
  data: SendJob;
  /** Seconds from being taken until pg-boss gives it to someone else. */
  expireInSeconds: number;
  /** How often it was taken before (a retry after an expiry or a failure). */
  retryCount: number;
}

/** The state of a block's job as pg-boss keeps it (null: none, or archived). */
export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/** How the queue behaves (config `queue`). */
export interface JobQueueSettings {
  /** postgres://… (the store's database). */
  url: string;
  expireSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
  maintenanceSeconds: number;
}

/** The subscriber id range of a block. */
export function blockRange(job: Pick<SendJob, 'block' | 'blockSize'>): { after: number; upTo: number } {
  return { after: job.block * job.blockSize, upTo: (job.block + 1) * job.blockSize };
}

/** The fixed job id of a block of an issue (a UUID made from a hash, so every process derives the same). */
export function jobId(job: SendJob): string {
  const h = createHash('sha256').update(`${SEND_QUEUE}:${job.issueDate}:${job.blockSize}:${job.block}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The send queue of one process. */
export class SendJobQueue {
  private calls = 0;

  private constructor(
    private readonly boss: PgBoss,
    private readonly pool: pg.Pool,
    private readonly settings: JobQueueSettings,
  ) {}

  /** Connect, install or migrate pg-boss's schema if needed (safe when several processes start at once), create the queue. */
  static async open(settings: JobQueueSettings, onError: (err: Error) => void = () => {}): Promise<SendJobQueue> {
    const pool = new pg.Pool({ connectionString: settings.url, max: 3 });
    pool.on('error', onError);
    // pg-boss's statements go through this adapter, so their round trips are counted (the scale benchmark).
    let queue: SendJobQueue | undefined;
    const db = {
      executeSql: (text: string, values: unknown[]) => {
        if (queue) queue.calls++;
        return pool.query(text, values);
      },
    };
    const boss = new PgBoss({
      db,
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: settings.maintenanceSeconds,
    });
    boss.on('error', onError);
    await boss.start();
    queue = new SendJobQueue(boss, pool, settings);
    await boss.createQueue(SEND_QUEUE, { name: SEND_QUEUE, policy: 'standard', ...queue.jobOptions() });
    return queue;
  }

  /** Statements sent to the database by the queue so far. */
  get roundTrips(): number {
    return this.calls;
  }

  private jobOptions() {
    return {
      expireInSeconds: this.settings.expireSeconds,
      retryLimit: this.settings.retryLimit,
      retryDelay: this.settings.retryDelaySeconds,
      retryBackoff: false,
    };
  }

  /**
   * Make sure every block in `blocks` has its job waiting or running: create
   * the missing ones, give back ended ones. Returns how many were created and
   * how many given back. Idempotent.
   */
  async enqueue(issueDate: string, blocks: number[], blockSize: number): Promise<{ created: number; requeued: number }> {
    if (!blocks.length) return { created: 0, requeued: 0 };
    const jobs = blocks.map((block) => ({ issueDate, block, blockSize }));
    const before = new Map<string, JobState | null>();
    for (const job of jobs) before.set(jobId(job), await this.state(jobId(job)));
    const missing = jobs.filter((j) => before.get(jobId(j)) === null);
    if (missing.length) {
      // One statement for all of them; an id that exists already is skipped (ON CONFLICT DO NOTHING).
      await this.boss.insert(missing.map((data) => ({ id: jobId(data), name: SEND_QUEUE, data, ...this.jobOptions() })));
    }
    let requeued = 0;
    for (const job of jobs) {
      const id = jobId(job);
      const state = before.get(id);
      if (state === 'failed') {
        await this.boss.retry(SEND_QUEUE, id);
        requeued++;
      } else if (state === 'completed' || state === 'cancelled') {
        // Completed with rows open again (--retry-failed): the same job, created anew.
        await this.boss.deleteJob(SEND_QUEUE, id);
        await this.boss.insert([{ id, name: SEND_QUEUE, data: job, ...this.jobOptions() }]);
        requeued++;
      }
    }
    return { created: missing.length, requeued };
  }

  /** The state of a job (null: there is none). */
  async state(id: string): Promise<JobState | null> {
    const job = await this.boss.getJobById<SendJob>(SEND_QUEUE, id);
    return (job?.state as JobState | undefined) ?? null;
  }

  /** The error a failed job ended with, if any. */
  async failure(id: string): Promise<string | null> {
    const job = await this.boss.getJobById<SendJob>(SEND_QUEUE, id);
    if (job?.state !== 'failed') return null;
    const out = job.output as { message?: string; value?: { message?: string } } | null;
    return out?.message ?? out?.value?.message ?? 'failed';
  }

  /** Take the next waiting job, if any. */
  async take(): Promise<TakenJob | null> {
    const [job] = await this.boss.fetch<SendJob>(SEND_QUEUE, { batchSize: 1, includeMetadata: true });
    if (!job) return null;
    return { id: job.id, data: job.data, expireInSeconds: job.expireInSeconds, retryCount: job.retryCount };
  }

  /** The block is done. */
  async complete(job: TakenJob, output: object): Promise<void> {
    await this.boss.complete(SEND_QUEUE, job.id, output);
  }

  /** The block is not done (stopped, or the transport failed): pg-boss retries it after `retryDelaySeconds`. */
  async fail(job: TakenJob, error: string): Promise<void> {
    await this.boss.fail(SEND_QUEUE, job.id, { message: error });
  }

  /** Stop pg-boss's maintenance and close the connections. */
  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true });
    await this.pool.end();
  }
}
