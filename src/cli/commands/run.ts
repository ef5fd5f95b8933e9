/** `digest run [--date D] [--no-send] [--force]`: one full cycle. */
import { parseIssueDate } from '../../schedule/time.ts';
import type { Command } from '../command.ts';
import { buildStep, ingestStep, issueDate, seedSubscribers, sendStep, type SendSummary } from '../cycle.ts';
import { formatBuild, formatIngest, formatSend } from '../format.ts';
import { progressReporter } from '../progress.ts';

export const command: Command = {
  usage: ['digest run [--date D] [--no-send] [--force] [--json]     one full cycle: ingest, build, publish, send'],
  options: { date: { type: 'string' }, 'no-send': { type: 'boolean' }, force: { type: 'boolean' } },
  async run(ctx, _args, values) {
    seedSubscribers(ctx);
    const sources = await ingestStep(ctx);
    const date = issueDate(ctx, values.date ? parseIssueDate(String(values.date)) : undefined);
    const build = await buildStep(ctx, date, { force: !!values.force });
    const lines = ['ingest:', ...formatIngest(sources), ...formatBuild(build)];
    let send: SendSummary | null = null;
    if (build.status !== 'empty' && !values['no-send']) {
      send = await sendStep(ctx, date, progressReporter(ctx.json));
      lines.push(...formatSend(send));
    }
    return { summary: { sources, build, send }, lines };
  },
};
