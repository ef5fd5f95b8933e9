/**
 * `digest schedule`: the long-running scheduler. Runs the cycle at
 * `schedule.cron` in `publication.timezone`, catches up today's issue at start,
 * sends approved drafts, resumes interrupted sends; SIGTERM/SIGINT finish the
 * current step (a send: the recipient in flight) and exit 0.
 */
import { type Context, requireStrongSecretForSmtp, runCycle, sendCycle } from '../../cycle/index.ts';
import { createLogger, type Logger } from '../../log.ts';
import { type CycleActions, onShutdownSignals, Scheduler, schedulerSettings } from '../../schedule/index.ts';
import { issueDateAt } from '../../util/time.ts';
import type { Command } from '../command.ts';
import { readBounceMailbox } from './bounces.ts';

export const command: Command = {
  usage: [
    'digest schedule [--json]                                 run the cycle at schedule.cron (publication.timezone) until SIGTERM/SIGINT',
  ],
  longRunning: true,
  async run(ctx) {
    // An unknown timezone is a configuration error (exit 2) before anything starts.
    issueDateAt(ctx.now(), ctx.config.publication.timezone);
    // A weak secret would stop the first send hours from now: refuse it before anything starts.
    requireStrongSecretForSmtp(ctx.config, 'digest schedule sends over SMTP');
    const log = createLogger();
    const scheduler = new Scheduler({
      store: ctx.store,
      settings: schedulerSettings(ctx.config),
      actions: cycleActions(ctx),
      now: ctx.now,
      log,
    });
    let removeSignals = () => {};
    const stopped = new Promise<void>((resolve) => {
      removeSignals = onShutdownSignals(() => void scheduler.stop().then(resolve), log);
    });
    const stopBounces = bounceTimer(ctx, log);
    try {
      await scheduler.start();
      await stopped;
    } finally {
      stopBounces();
      removeSignals();
      await scheduler.stop();
      ctx.store.close();
    }
    log.info('scheduler stopped', { runs: scheduler.actionsRun });
    return { summary: { runs: scheduler.actionsRun }, lines: [`schedule stopped after ${scheduler.actionsRun} run(s)`] };
  },
};

/** The scheduler's actions: the cycle (src/cycle/), with its results shaped for the run log. */
function cycleActions(ctx: Context): CycleActions {
  return {
    async build(date, { send, signal, log }) {
      const r = await runCycle(ctx, date, { send, signal, log, onProgress: progressLog(log) });
      const ingest = { sources: r.sources.length, new: r.sources.reduce((n, s) => n + s.new, 0) };
      return { status: r.status, summary: { ingest, ...(r.build ? { build: r.build } : {}), ...(r.send ? { send: r.send } : {}) } };
    },
    async send(date, { signal, log }) {
      const r = await sendCycle(ctx, date, { signal, log, onProgress: progressLog(log) });
      return { status: r.status, summary: { send: r.send } };
    },
  };
}
/**
 * Read the bounce mailbox every `delivery.bounces.everyMinutes` (when
 * `delivery.bounces.imap` is set), never two reads at once; a failure is
 * logged and tried again at the next tick. Returns the stop function.
 */
function bounceTimer(ctx: Context, log: Logger): () => void {
  const { imap, everyMinutes } = ctx.config.delivery.bounces;
  if (!imap || !everyMinutes) return () => {};
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    readBounceMailbox(ctx.config, ctx.store, ctx.now, (line) => log.info(line))
      .then((totals) => log.info('bounce mailbox read', { ...totals }))
      .catch((err: unknown) => log.warn('bounce mailbox: cannot read it', { error: (err as Error).message }))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, everyMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Send progress as log records, every 10%. */
function progressLog(log: Logger): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const step = total > 0 ? Math.floor((done / total) * 10) : 10;
    if (step === last) return;
    last = step;
    log.info('send progress', { done, total });
  };
}
