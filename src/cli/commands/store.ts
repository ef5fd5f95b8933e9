/**
 * `digest store copy --from A --to B [--force]`: move an installation
 * between the SQLite file and a PostgreSQL database (either way): every
 * table in one transaction on the target, then row counts per table
 * compared and printed (exit 1 on a mismatch). README "The store: SQLite or
 * PostgreSQL".
 */
import { resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { copyStore, isPostgresUrl, redactUrl } from '../../store/index.ts';
import type { Command } from '../command.ts';

/** A store named on the command line: a PostgreSQL URL, `sqlite:PATH`, or a plain path. */
function location(value: unknown, flag: string): string {
  if (typeof value !== 'string' || !value) {
    throw new UsageError(
      `store copy needs --${flag}`,
      'digest store copy --from sqlite:data/digest.db --to postgres://user:pass@host:5432/digest',
    );
  }
  if (isPostgresUrl(value)) return value;
  return resolve(value.replace(/^sqlite:/i, ''));
}

export const command: Command = {
  usage: ['digest store copy --from sqlite:FILE --to postgres://… [--force]  copy every table to another store (either way)'],
  options: { from: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean' } },
  async run(_ctx, args, values) {
    if (args[0] !== 'copy') {
      throw new UsageError(`unknown store action "${args[0] ?? ''}"`, 'digest store copy --from sqlite:data/digest.db --to postgres://…');
    }
    const from = location(values.from, 'from');
    const to = location(values.to, 'to');
    if (from === to) throw new UsageError('--from and --to name the same store', 'copy into another database or file');
    const counts = copyStore(from, to, { force: !!values.force });
    const name = (where: string) => (isPostgresUrl(where) ? redactUrl(where) : where);
    const width = Math.max(...counts.map((c) => c.table.length));
    return {
      summary: { copy: { from: name(from), to: name(to), tables: counts } },
      lines: [
        `${name(from)} → ${name(to)}`,
        ...counts.map((c) => `  ${c.table.padEnd(width)}  ${c.source} → ${c.target}`),
        'row counts match',
      ],
    };
  },
};
