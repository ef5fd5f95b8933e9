/**
 * `digest run [--date D] [--no-send] [--force]`: one full cycle, holding the
 * cycle lock (so it never builds or sends alongside `digest schedule` or
 * another run) and recorded in the run log. `--force` publishes even when the
 * issue would be empty or under `schedule.minItems`. SIGTERM/SIGINT stop a
 * send after the recipient in flight; `digest send` finishes it later.
 */
import { DigestError } from '../../errors.ts';
import { createLogger } from '../../log.ts';
import { onShutdownSignals } from '../../schedule/signals.ts';
import { parseIssueDate } from '../../schedule/time.ts';
import { trackRun, withCycleLock } from '../../schedule/track.ts';
import { RunStore } from '../../store/runs.ts';
import type { Command } from '../command.ts';
import { requireStrongSecretForSmtp } from '../context.ts';
import { buildStep, ingestStep, issueDate, seedSubscribers, sendStep, type SendSummary } from '../cycle.ts';
import { formatBuild, formatIngest, formatSend } from '../format.ts';
import { progressReporter } from '../progress.ts';

export const command: Command = {
  usage: ['digest run [--date D] [--no-send] [--force] [--json]     one full cycle: ingest, build, publish, send'],
  options: { date: { type: 'string' }, 'no-send': { type: 'boolean' }, force: { type: 'boolean' } },
  async run(ctx, _args, values) {
    const date = issueDate(ctx, values.date ? parseIssueDate(String(values.date)) : undefined);
    const force = !!values.force;
    // Before ingesting and building: a weak secret would only stop the send at the end.
    if (!values['no-send']) requireStrongSecretForSmtp(ctx.config, 'digest run sends over SMTP');
    const log = createLogger();
    const stop = new AbortController();
    const removeSignals = onShutdownSignals(() => stop.abort(), log);
    try {
      return await withCycleLock(ctx.store.db, ctx.now, async (lock) => {
        const signal = AbortSignal.any([stop.signal, lock.lost]);
        let lines: string[] = [];
        let runId = '';
        const meta = {
          kind: 'run' as const,
          issueDate: date,
          summary: { force, noSend: !!values['no-send'] },
          now: ctx.now,
          log,
          message: `digest run for ${date}`,
        };
        const outcome = await trackRun(new RunStore(ctx.store.db), meta, async (id) => {
          runId = id;
          seedSubscribers(ctx);
          const sources = await ingestStep(ctx);
          const build = await buildStep(ctx, date, { force });
          lines = ['ingest:', ...formatIngest(sources), ...formatBuild(build)];
          const skipped = build.status === 'empty' || build.status === 'too-few';
          let send: SendSummary | null = null;
          if (!skipped && !values['no-send'] && !signal.aborted) {
            send = await sendStep(ctx, date, progressReporter(ctx.json), signal);
            lines.push(...formatSend(send));
          }
          const t = ctx.store.deliveries.totals(date);
          const interrupted = signal.aborted && !skipped && !values['no-send'] && (send === null || t.pending + t.sending > 0);
          return { status: skipped ? 'skipped' : interrupted ? 'interrupted' : 'ok', summary: { sources, build, send } } as const;
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
