/** `digest send [--issue D] [--to ADDRESS]`: send an issue, or one test copy. */
import { parseIssueDate } from '../../schedule/time.ts';
import type { Command } from '../command.ts';
import { issueDate, seedSubscribers, sendStep } from '../cycle.ts';
import { formatSend } from '../format.ts';
import { progressReporter } from '../progress.ts';
import { sendTest } from '../send-test.ts';

export const command: Command = {
  usage: ['digest send [--issue D] [--to ADDRESS] [--json]          send the issue of D; --to sends one test copy only'],
  options: { issue: { type: 'string' }, date: { type: 'string' }, to: { type: 'string' } },
  async run(ctx, _args, values) {
    const given = (values.issue ?? values.date) as string | undefined;
    const date = issueDate(ctx, given ? parseIssueDate(given) : undefined);
    if (values.to) {
      const test = await sendTest(ctx, date, String(values.to));
      return { summary: { test }, lines: [`test copy of ${test.date} sent to ${test.to} via ${test.transport} (delivery records untouched)`] };
    }
    seedSubscribers(ctx);
    const send = await sendStep(ctx, date, progressReporter(ctx.json));
    return { summary: { send }, lines: formatSend(send) };
  },
};
