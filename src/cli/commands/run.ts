/**
 * `digest run [--date D] [--no-send] [--force]`: one full cycle, holding the
 * cycle lock (so it never builds or sends alongside `digest schedule` or
 * another run) and recorded in the run log. `--force` publishes even when the
 * issue would be empty or under `schedule.minItems`. SIGTERM/SIGINT stop a
 * send after the recipient in flight; `digest send` finishes it later.
 */
import { issueDate, requireStrongSecretForSmtp, runCycle } from '../../cycle/index.ts';
import { DigestError } from '../../errors.ts';
import { createLogger } from '../../log.ts';
import { onShutdownSignals, trackRun, withCycleLock } from '../../schedule/index.ts';
import { parseIssueDate } from '../../util/time.ts';
import type { Command } from '../command.ts';
import { formatBuild, formatIngest, formatSend } from '../format.ts';
import { progressReporter } from '../progress.ts';

export const command: Command = {
  usage: ['digest run [--date D] [--no-send] [--force] [--json]     one full cycle: ingest, build, publish, send'],
  options: { date: { type: 'string' }, 'no-send': { type: 'boolean' }, force: { type: 'boolean' } },
  async run(ctx, _args, values) {
    const date = issueDate(ctx, values.date ? parseIssueDate(String(values.date)) : undefined);
    const force = !!values.force;
    const noSend = !!values['no-send'];
    // Before ingesting and building: a weak secret would only stop the send at the end.
    if (!noSend) requireStrongSecretForSmtp(ctx.config, 'digest run sends over SMTP');
    const log = createLogger();
    const stop = new AbortController();
    const removeSignals = onShutdownSignals(() => stop.abort(), log);
    try {
      return await withCycleLock(ctx.store, ctx.now, async (lock) => {
        const signal = AbortSignal.any([stop.signal, lock.lost]);
        let lines: string[] = [];
        let runId = '';
        const meta = {
          kind: 'run' as const,
          issueDate: date,
          summary: { force, noSend },
          now: ctx.now,
          log,
          message: `digest run for ${date}`,
        };
        const outcome = await trackRun(ctx.store.runs, meta, async (id) => {
          runId = id;
          const cycle = await runCycle(ctx, date, { send: !noSend, force, signal, onProgress: progressReporter(ctx.json) });
          const { sources, build, send } = cycle;
          lines = ['ingest:', ...formatIngest(sources), ...(build ? formatBuild(build) : []), ...(send ? formatSend(send) : [])];
          // --no-send asked for a build only: done as asked, recorded `ok` (the scheduler's `waiting` means awaiting approval).
          const status = cycle.status === 'waiting' ? 'ok' : cycle.status;
          return { status, summary: { sources, build, send } } as const;
        });
        if (outcome.status === 'interrupted') {
          throw new DigestError(
            `stopped before the issue of ${date} reached every subscriber`,
            `digest send --issue ${date} finishes it (nobody gets it twice)`,
          );
        }
        return { summary: { runId, ...outcome.summary }, lines };
      });
    } finally {
      removeSignals();
    }
  },
};
