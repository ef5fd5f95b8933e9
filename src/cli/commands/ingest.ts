/** `digest ingest [--json]`: fetch feeds and inbox items into the store. */
import type { Command } from '../command.ts';
import { ingestStep } from '../cycle.ts';
import { formatIngest } from '../format.ts';

export const command: Command = {
  usage: ['digest ingest [--json]                                   fetch feeds and inbox items into the store'],
  async run(ctx) {
    const sources = await ingestStep(ctx);
    return { summary: { sources }, lines: ['ingest:', ...formatIngest(sources)] };
  },
};
