/**
 * `digest send [--issue D] [--to ADDRESS] [--retry-failed]`: send an issue
 * (resuming where an earlier send stopped), or one test copy. SIGINT/SIGTERM
 * stop it after the messages in flight, which are recorded.
 */
import { DigestError, UsageError } from '../../errors.ts';
import { createLogger, parseLogLevel } from '../../log.ts';
import { onShutdownSignals } from '../../schedule/index.ts';
import { parseIssueDate } from '../../util/time.ts';
import type { Command } from '../command.ts';
import { issueDate, seedSubscribers, sendStep, usesJobQueue } from '../../cycle/index.ts';
import { formatSend } from '../format.ts';
import { progressReporter } from '../progress.ts';
import { sendTest } from '../../cycle/index.ts';

export const command: Command = {
  usage: [
    'digest send [--issue D] [--to ADDRESS] [--retry-failed] [--no-wait] [--json]',
    '                                           send the issue of D; --to sends one test copy only;',
    '                                           --retry-failed tries failed recipients again;',
    '                                           --no-wait (PostgreSQL store) returns once the jobs are enqueued',
  ],
  options: {
    issue: { type: 'string' },
    date: { type: 'string' },
    to: { type: 'string' },
    'retry-failed': { type: 'boolean' },
    'no-wait': { type: 'boolean' },
  },
  async run(ctx, _args, values) {
    const given = (values.issue ?? values.date) as string | undefined;
    const date = issueDate(ctx, given ? parseIssueDate(given) : undefined);
    if (values.to) {
      const test = await sendTest(ctx, date, String(values.to));
      return {
        summary: { test },
        lines: [`test copy of ${test.date} sent to ${test.to} via ${test.transport} (delivery records untouched)`],
      };
    }
    if (values['no-wait'] && !usesJobQueue(ctx)) {
      throw new UsageError(
        '--no-wait needs the PostgreSQL store: with the SQLite store this process is the only sender',
        'set store.url to postgres://… and run digest worker on the sending machines, or leave out --no-wait',
      );
    }
    seedSubscribers(ctx);
    const requeued = values['retry-failed'] ? ctx.store.deliveries.requeueFailed(date, ctx.now().toISOString()) : 0;
    const stop = new AbortController();
    const removeSignals = onShutdownSignals(() => stop.abort(), createLogger());
    try {
      // With the job queue, what befalls its jobs (one failed, one outlived its expiry while this process was
      // stopped) is logged; the per-block info lines only when DIGEST_LOG_LEVEL asks, beside the progress lines.
      const log = createLogger({ level: parseLogLevel(process.env.DIGEST_LOG_LEVEL, 'warn') });
      const send = await sendStep(ctx, date, progressReporter(ctx.json), stop.signal, { wait: !values['no-wait'], log });
      if (stop.signal.aborted && send.remaining) {
        throw new DigestError(
          `stopped: ${send.submitted} submitted, ${send.remaining} left pending for the issue of ${date}`,
          `digest send --issue ${date} resumes (nobody gets it twice)`,
        );
      }
      const lines = [...(requeued ? [`${requeued} failed recipient(s) tried again`] : []), ...formatSend(send)];
      return { summary: { send: { ...send, requeued } }, lines };
    } finally {
      removeSignals();
    }
  },
};
