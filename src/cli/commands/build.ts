/** `digest build [--date D] [--force]`: (re)build and publish the issue of D. */
import { parseIssueDate } from '../../util/time.ts';
import type { Command } from '../command.ts';
import { buildStep, issueDate } from '../../cycle/index.ts';
import { formatBuild } from '../format.ts';

export const command: Command = {
  usage: ['digest build [--date D] [--force] [--json]                (re)build and publish the issue of D (default today)'],
  options: { date: { type: 'string' }, force: { type: 'boolean' } },
  async run(ctx, _args, values) {
    const date = issueDate(ctx, values.date ? parseIssueDate(String(values.date)) : undefined);
    const build = await buildStep(ctx, date, { rebuild: true, force: !!values.force });
    return { summary: { build }, lines: formatBuild(build) };
  },
};
