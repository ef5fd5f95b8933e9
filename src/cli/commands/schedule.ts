/**
 * `digest schedule`: the long-running scheduler. Runs the cycle at
 * `schedule.cron` in `publication.timezone`, catches up today's issue at start,
 * sends approved drafts, resumes interrupted sends; SIGTERM/SIGINT finish the
 * current step (a send: the recipient in flight) and exit 0.
 */
import { createLogger, type Logger } from '../../log.ts';
import { Scheduler, schedulerSettings, type CycleActions } from '../../schedule/runner.ts';
import { onShutdownSignals } from '../../schedule/signals.ts';
import { issueDateAt } from '../../schedule/time.ts';
import type { RunOutcome } from '../../schedule/track.ts';
import type { Command } from '../command.ts';
import { requireStrongSecretForSmtp, type Context } from '../context.ts';
import { buildStep, ingestStep, seedSubscribers, sendStep } from '../cycle.ts';

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
      db: ctx.store.db,
      settings: schedulerSettings(ctx.config),
      actions: cycleActions(ctx),
      now: ctx.now,
      log,
    });
    let removeSignals = () => {};
    const stopped = new Promise<void>((resolve) => {
      removeSignals = onShutdownSignals(() => void scheduler.stop().then(resolve), log);
    });
    try {
      await scheduler.start();
      await stopped;
    } finally {
      removeSignals();
      await scheduler.stop();
      ctx.store.close();
    }
    log.info('scheduler stopped', { runs: scheduler.actionsRun });
    return { summary: { runs: scheduler.actionsRun }, lines: [`schedule stopped after ${scheduler.actionsRun} run(s)`] };
  },
};

/** The scheduler's actions, carried out with the cycle steps. */
function cycleActions(ctx: Context): CycleActions {
  const send = async (date: string, signal: AbortSignal, log: Logger): Promise<RunOutcome> => {
    const result = await sendStep(ctx, date, progressLog(log), signal);
    const t = ctx.store.deliveries.totals(date);
    const unfinished = t.pending + t.sending;
    if (unfinished) log.info(`send stopped early: ${unfinished} recipient(s) left for the next start`);
    return { status: unfinished || result.status !== 'completed' ? 'interrupted' : 'ok', summary: { send: result } };
  };
  return {
    async build(date, { send: andSend, signal, log }) {
      seedSubscribers(ctx);
      const sources = await ingestStep(ctx);
      for (const s of sources) {
        if (s.status === 'failed' || s.status === 'gone' || s.status === 'disabled')
          log.warn(`source ${s.id}: ${s.status}`, { error: s.error });
      }
      const ingested = { sources: sources.length, new: sources.reduce((n, s) => n + s.new, 0) };
      if (signal.aborted) return { status: 'interrupted', summary: { ingest: ingested } };
      const build = await buildStep(ctx, date);
      if (build.status === 'empty' || build.status === 'too-few') return { status: 'skipped', summary: { ingest: ingested, build } };
      log.info(`issue ${build.status}`, { number: build.numbering?.number, sections: build.sections });
      if (!andSend) return { status: 'waiting', summary: { ingest: ingested, build } };
      if (signal.aborted) return { status: 'interrupted', summary: { ingest: ingested, build } };
      const sent = await send(date, signal, log);
      return { status: sent.status, summary: { ingest: ingested, build, ...sent.summary } };
    },
    send: (date, { signal, log }) => send(date, signal, log),
  };
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
