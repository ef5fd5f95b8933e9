/**
 * Shared by `digest run` and the scheduler: hold the cycle lock around work,
 * and record each run (start, end, outcome) in the `runs` table.
 */
import { errorMessage, DigestError } from '../errors.ts';
import { newRunId, type Logger } from '../log.ts';
import {
  acquireLock,
  lockedError,
  lockOwner,
  type HeldLock,
  type RunKind,
  type RunRepository,
  type RunStatus,
  type Store,
} from '../store/index.ts';
import type { IsoDate } from '../types.ts';

/** How a piece of work ended (a throw records `failed`). */
export interface RunOutcome {
  status: Exclude<RunStatus, 'running' | 'failed'>;
  /** What it did, stored with the run and logged. */
  summary: Record<string, unknown>;
}

/**
 * Run `fn` holding the cycle lock, or throw an error naming the process that
 * holds it. Runs left `running` by a dead process are marked interrupted first.
 */
export async function withCycleLock<T>(
  store: Pick<Store, 'locks' | 'runs'>,
  now: () => Date,
  fn: (lock: HeldLock) => Promise<T>,
  owner: string = lockOwner(),
): Promise<T> {
  const got = acquireLock(store.locks, { owner });
  if (!got.ok) throw lockedError(got.holder);
  try {
    store.runs.markAbandoned(now().toISOString());
    return await fn(got.lock);
  } finally {
    got.lock.release();
  }
}

/**
 * Record a run around `fn`: a `running` row first, then its outcome (or
 * `failed` with the error, which is rethrown). Logs the start and end with
 * the run id.
 */
export async function trackRun<T extends RunOutcome>(
  runs: RunRepository,
  run: { kind: RunKind; issueDate: IsoDate | null; summary?: Record<string, unknown>; now: () => Date; log: Logger; message: string },
  fn: (runId: string, log: Logger) => Promise<T>,
): Promise<T> {
  const id = newRunId();
  const log = run.log.child({ runId: id, ...(run.issueDate ? { date: run.issueDate } : {}) });
  runs.start({ id, kind: run.kind, issueDate: run.issueDate, startedAt: run.now().toISOString(), summary: run.summary });
  log.info(run.message, run.summary);
  try {
    const outcome = await fn(id, log);
    runs.finish(id, outcome.status, run.now().toISOString(), outcome.summary);
    log.info(`run ${outcome.status}`, brief(outcome.summary));
    return outcome;
  } catch (err) {
    const hint = err instanceof DigestError ? err.hint : undefined;
    runs.finish(id, 'failed', run.now().toISOString(), { error: errorMessage(err), hint });
    log.error('run failed', { error: errorMessage(err), hint });
    throw err;
  }
}

/** The scalar parts of a summary, and short forms of build and send summaries, for one log line. */
function brief(summary: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(summary)) {
    if (v === null || typeof v !== 'object') out[k] = v;
  }
  const build = summary.build as { status?: string; numbering?: { number?: number } } | undefined;
  if (build) out.build = build.status;
  const send = summary.send as { submitted?: number; failed?: number; alreadySent?: number } | null | undefined;
  if (send) Object.assign(out, { submitted: send.submitted, failed: send.failed, alreadySent: send.alreadySent });
  return out;
}
