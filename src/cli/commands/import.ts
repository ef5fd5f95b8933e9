/** `digest import FILE…`: editor items into the store. */
import { UsageError } from '../../errors.ts';
import type { Command } from '../command.ts';
import { importFiles } from '../import.ts';

export const command: Command = {
  usage: ['digest import FILE… [--json]                             import editor items (.md with front matter, or plain text)'],
  async run(ctx, args) {
    if (!args.length) throw new UsageError('digest import needs at least one FILE', 'e.g. digest import config/samples/inbox/*.md');
    const result = importFiles(ctx, args);
    return {
      summary: { import: result },
      lines: result.map((r) => (r.error ? `  ✗ ${r.file}: ${r.error}` : `  ✓ ${r.file}: ${r.new} new, ${r.duplicate} duplicate`)),
    };
  },
};
