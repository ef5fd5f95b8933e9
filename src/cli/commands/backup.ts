/**
 * `digest backup FILE`: a consistent copy of the store (subscribers, ledger,
 * issues) made with SQLite's online backup API, safe while a send, the
 * scheduler or an import is running. README "Schedule and operations" says
 * how to restore it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DigestError, UsageError, errorMessage } from '../../errors.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  usage: ['digest backup FILE                                       copy the database (safe while other commands run)'],
  async run(ctx, args) {
    const file = args[0];
    if (!file) throw new UsageError('backup needs a FILE', 'digest backup backups/digest-$(date +%F).db');
    // Never overwrite the live database, nor silently an older backup.
    if (resolve(file) === resolve(ctx.config.store.path)) throw new UsageError(`${file} is the database itself`, 'name another file');
    if (existsSync(file)) throw new UsageError(`${file} exists already`, 'name a new file, or remove the old one first');
    try {
      await ctx.store.backup(file);
    } catch (err) {
      throw new DigestError(
        `cannot back up ${ctx.config.store.path} to ${file}: ${errorMessage(err)}`,
        'check that the folder exists and has space',
      );
    }
    return { summary: { backup: { file } }, lines: [`${ctx.config.store.path} → ${file}`] };
  },
};
