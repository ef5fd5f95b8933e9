/**
 * The scheduler: wakes on the cron expression (node-cron, in the publication's
 * timezone) and on a periodic check (every `checkSeconds`, and once at start),
 * asks `decide` what to do, and does it under the cycle lock, recording each
 * action as a run. node-cron is in-process and forgets everything on restart;
 * durability comes from the store (issues, the delivery ledger, runs) and
 * cross-process exclusion from the lock.
 *
 * No overlap: one cycle at a time in this process (a tick that arrives while a
 * run is going is skipped and logged; node-cron's `noOverlap` says the same),
 * and one process at a time through the lock.
 *
 * `stop()` (wired to SIGTERM/SIGINT by the command) aborts the running action:
 * a send finishes the recipient in flight and stops; the run is recorded as
 * interrupted and the next start resumes it.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config/index.ts';
import { DigestError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { acquireLock, lockOwner, type HeldLock, type LockRepository, type RunRepository, type Store } from '../store/index.ts';
import type { IsoDate } from '../types.ts';
import { decide, describeDecision, type DecideSettings, type Decision, type Trigger } from './decide.ts';
import { loadScheduleState } from './state.ts';
import { issueDateAt, nextScheduledAt } from '../util/time.ts';
import { trackRun, type RunOutcome } from './track.ts';

/** What an action gets: a signal to stop early, and a logger carrying the run id. */
export interface ActionContext {
  signal: AbortSignal;
  log: Logger;
}

/** The cycle steps the scheduler drives (wired to src/cycle/ by `digest schedule`). */
export interface CycleActions {
  /** Ingest, build the issue of `date` (skip rules apply) and, if `send`, send it. */
  build(date: IsoDate, opts: ActionContext & { send: boolean }): Promise<RunOutcome>;
  /** Send (or finish sending) the stored issue of `date`. */
  send(date: IsoDate, opts: ActionContext): Promise<RunOutcome>;
}

/** Scheduler settings. */
export interface SchedulerSettings extends DecideSettings {
  /** Seconds between checks for missed ticks, approvals and resumable sends. */
  checkSeconds: number;
}

/** The scheduler settings of a configuration. */
export function schedulerSettings(config: Pick<Config, 'schedule' | 'publication'>): SchedulerSettings {
  const s = config.schedule;
  return {
    cron: s.cron,
    timezone: config.publication.timezone,
    catchUp: s.catchUp,
    requireApproval: s.requireApproval,
    retryMinutes: s.retryMinutes,
    maxRetries: s.maxRetries,
    checkSeconds: s.checkSeconds,
  };
}

/** What the scheduler needs. */
export interface SchedulerOptions {
  /** The store: the run log, the cycle lock and the issues' progress. */
  store: Pick<Store, 'issues' | 'runs' | 'locks'>;
  settings: SchedulerSettings;
  actions: CycleActions;
  now: () => Date;
  log: Logger;
  /** Lock owner id; default: host, pid and a random part. */
  owner?: string;
  /** Lock lease length (tests shorten it). */
  lockTtlMs?: number;
}

// Safety stop for one wake-up's loop of actions (a few issues at most are ever due at once).
const MAX_ACTIONS_PER_WAKE = 20;

/** A running scheduler. */
export class Scheduler {
  readonly runs: RunRepository;
  readonly locks: LockRepository;
  readonly owner: string;
  /** Runs this scheduler carried out. */
  actionsRun = 0;
  private startedAt = new Date(0);
  private task: ScheduledTask | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private lastIdle: string | null = null;

  constructor(private readonly opts: SchedulerOptions) {
    this.runs = opts.store.runs;
    this.locks = opts.store.locks;
    this.owner = opts.owner ?? lockOwner();
  }

  /** Start the cron task and the periodic check; the first check (catch-up) runs at once. */
  start(): Promise<void> {
    const { settings, log } = this.opts;
    this.startedAt = this.opts.now();
    this.task = cron.createTask(settings.cron, () => this.wake('tick'), {
      timezone: settings.timezone,
      noOverlap: true,
      name: 'digest',
      logger: {
        info: (m) => log.debug(`node-cron: ${m}`),
        warn: (m) => log.warn(`node-cron: ${m}`),
        error: (m) => log.error(`node-cron: ${errorMessage(m)}`),
        debug: (m) => log.debug(`node-cron: ${errorMessage(m)}`),
      },
    });
    this.task.on('execution:overlap', () => log.info('tick skipped: the previous run is still going'));
    void this.task.start();
    this.checkTimer = setInterval(() => void this.wake('check'), settings.checkSeconds * 1000);
    log.info('scheduler started', { cron: settings.cron, timezone: settings.timezone, owner: this.owner, next: this.nextRun() });
    return this.wake('check');
  }

  /** The next scheduled instant (ISO, in the publication's timezone). */
  nextRun(): string | null {
    return nextScheduledAt(this.opts.now(), this.opts.settings.cron, this.opts.settings.timezone)?.toISO() ?? null;
  }

  /**
   * Handle one wake-up. While a cycle is running another wake-up does nothing
   * (a tick says so in the log); resolves when this wake-up's work is done.
   */
  wake(trigger: Trigger): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    if (this.busy) {
      if (trigger === 'tick') this.opts.log.info('tick skipped: the previous run is still going');
      return this.busy;
    }
    this.busy = this.cycle(trigger)
      .catch((err) => this.opts.log.error('scheduler cycle failed', { error: errorMessage(err) }))
      .finally(() => (this.busy = null));
    return this.busy;
  }

  /** Stop: no new wake-ups; the running action (if any) stops early and is recorded. Resolves when idle. */
  async stop(): Promise<void> {
    if (!this.stopping.signal.aborted) {
      this.stopping.abort(new DigestError('the scheduler is stopping'));
      this.opts.log.info(this.busy ? 'stopping: finishing the current step' : 'stopping');
    }
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.checkTimer = null;
    if (this.task) await this.task.destroy();
    this.task = null;
    await this.busy;
  }

  private decideNow(trigger: Trigger): Decision {
    const { settings, now } = this.opts;
    const at = now();
    const state = loadScheduleState(this.opts.store, { trigger, startedAt: this.startedAt, today: issueDateAt(at, settings.timezone) });
    return decide(at, state, settings);
  }

  private async cycle(trigger: Trigger): Promise<void> {
    const { log } = this.opts;
    // Decide without the lock first: most wake-ups have nothing to do and should not write.
    const first = this.decideNow(trigger);
    if (first.action === 'idle' || first.action === 'wait-approval') {
      // A tick that finds nothing to do is worth one line, not one per second under a fast cron.
      const line = describeDecision(first);
      (trigger === 'tick' && line !== this.lastIdle ? log.info : log.debug)(line, { trigger });
      if (trigger === 'tick') this.lastIdle = line;
      return;
    }
    this.lastIdle = null;
    const got = acquireLock(this.locks, {
      owner: this.owner,
      ttlMs: this.opts.lockTtlMs,
      onLost: (holder) => log.error('the cycle lock was taken over by another process; stopping this run', { holder: holder?.owner }),
    });
    if (!got.ok) {
      log.info('another digest process is running the cycle; this wake-up is skipped', {
        trigger,
        holder: got.holder.owner,
        until: got.holder.expiresAt,
      });
      return;
    }
    const lock = got.lock;
    try {
      if (lock.stolenFrom)
        log.warn('took over the cycle lock of a process that stopped without releasing it', { from: lock.stolenFrom.owner });
      const abandoned = this.runs.markAbandoned(this.opts.now().toISOString());
      if (abandoned) log.warn(`${abandoned} run(s) left unfinished by a stopped process are marked interrupted`);
      let current = trigger;
      for (let i = 0; i < MAX_ACTIONS_PER_WAKE; i++) {
        if (this.stopping.signal.aborted || lock.lost.aborted) break;
        const d = this.decideNow(current);
        if (d.action === 'idle' || d.action === 'wait-approval') {
          log.debug(describeDecision(d), { trigger: current });
          break;
        }
        await this.execute(d, current, lock);
        // A tick asks for one build; later decisions in this wake-up are plain checks.
        if (d.action !== 'send') current = 'check';
      }
    } finally {
      lock.release();
    }
    if (!this.stopping.signal.aborted) log.info('waiting for the next run', { next: this.nextRun() });
  }

  private async execute(d: Exclude<Decision, { action: 'idle' | 'wait-approval' }>, trigger: Trigger, lock: HeldLock): Promise<void> {
    const { actions } = this.opts;
    const signal = AbortSignal.any([this.stopping.signal, lock.lost]);
    this.actionsRun++;
    const meta = {
      kind: 'schedule' as const,
      issueDate: d.date,
      summary: { trigger, action: d.action, reason: d.reason },
      now: this.opts.now,
      log: this.opts.log,
      message: describeDecision(d),
    };
    try {
      await trackRun(this.runs, meta, (_id, log) =>
        d.action === 'send'
          ? actions.send(d.date, { signal, log })
          : actions.build(d.date, { signal, log, send: d.action === 'build-and-send' }),
      );
    } catch {
      // Recorded and logged by trackRun; decide backs off before the next attempt.
    }
  }
}
