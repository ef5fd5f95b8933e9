/** `digest approve [--issue D]`: approve a draft; the scheduler sends it at its next tick or check. */
import { approveIssue } from '../../cycle/index.ts';
import { parseIssueDate } from '../../util/time.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  usage: ['digest approve [--issue D] [--json]                      approve a draft for sending (the only draft, or the issue of D)'],
  options: { issue: { type: 'string' }, date: { type: 'string' } },
  async run(ctx, _args, values) {
    const given = (values.issue ?? values.date) as string | undefined;
    const approval = approveIssue(ctx.store, given ? parseIssueDate(given) : undefined, ctx.now());
    const line = approval.alreadyApproved
      ? `the issue of ${approval.date} was already approved (${approval.approvedAt})`
      : `approved the issue of ${approval.date}; digest schedule sends it at its next check`;
    return { summary: { approval }, lines: [line] };
  },
};
