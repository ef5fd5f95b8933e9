/** `digest ingest [--json]`: fetch feeds and inbox items into the store. */
import type { Command } from '../command.ts';
import { ingestStep } from '../../cycle/index.ts';
import { formatIngest } from '../format.ts';

export const command: Command = {
  usage: ['digest ingest [--json]                                   fetch feeds and inbox items into the store'],
  async run(ctx) {
    const started = performance.now();
    const sources = await ingestStep(ctx);
    // How long the ingest itself took (start-up excluded), for monitoring and the benchmark.
    const ms = Math.round(performance.now() - started);
    return { summary: { sources, ms }, lines: ['ingest:', ...formatIngest(sources)] };
  },
};
