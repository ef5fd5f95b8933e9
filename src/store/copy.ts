/**
 * Copying a whole store to another backend (`digest store copy`): every
 * table, row for row, into an empty target in one transaction, read from
 * one consistent snapshot of the source, then the row counts of every table
 * compared. SQLite → PostgreSQL moves an installation to several machines;
 * the reverse brings it back.
 */
import { DigestError } from '../errors.ts';
import { openDb } from './db.ts';
import type { Driver } from './driver.ts';
import { migratePostgres } from './pg-schema.ts';
import { isPostgresUrl, PostgresDriver } from './postgres.ts';
import { SqliteDriver } from './sqlite.ts';

/** One table's rows in the source and, after the copy, in the target. */
export interface TableCount {
  table: string;
  source: number;
  target: number;
}

/** Rows per read from the source and per INSERT into the target. */
const PAGE = 500;

/** Open a store's driver (migrating its schema): a PostgreSQL URL or a SQLite path. */
function openDriver(where: string): Driver {
  if (!isPostgresUrl(where)) return new SqliteDriver(openDb(where));
  const driver = new PostgresDriver(where);
  try {
    migratePostgres(driver);
  } catch (err) {
    driver.close();
    throw err;
  }
  return driver;
}

/** The store's tables (not the migration bookkeeping). */
function tables(db: Driver): string[] {
  const sql =
    db.dialect === 'postgres'
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'"
      : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  return (db.prepare(sql).all() as { name: string }[]).map((r) => r.name).sort();
}

function columns(db: Driver, table: string): string[] {
  const sql =
    db.dialect === 'postgres'
      ? 'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position'
      : 'SELECT name FROM pragma_table_info(?)';
  return (db.prepare(sql).all(table) as { name: string }[]).map((r) => r.name);
}

function count(db: Driver, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/**
 * The rows of `table`, a page at a time, in insertion order where the table
 * keeps one (`rowid`, `id`): SQLite by rowid keyset, PostgreSQL through a
 * cursor of the open (snapshot) transaction.
 */
function* pages(db: Driver, table: string, cols: string[]): Generator<Record<string, unknown>[]> {
  const list = cols.join(', ');
  if (db.dialect === 'sqlite') {
    let after = -Infinity;
    for (;;) {
      const rows = db
        .prepare(`SELECT rowid AS copy_rowid, ${list} FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE}`)
        .all(after) as Record<string, unknown>[];
      if (!rows.length) return;
      after = rows[rows.length - 1]!.copy_rowid as number;
      yield rows;
    }
  }
  const order = columns(db, table).includes('rowid') ? ' ORDER BY rowid' : cols.includes('id') ? ' ORDER BY id' : '';
  db.exec(`DECLARE copy_rows NO SCROLL CURSOR FOR SELECT ${list} FROM ${table}${order}`);
  try {
    for (;;) {
      const rows = db.prepare(`FETCH ${PAGE} FROM copy_rows`).all() as Record<string, unknown>[];
      if (!rows.length) return;
      yield rows;
    }
  } finally {
    db.exec('CLOSE copy_rows');
  }
}

/** A value as the target stores it: feed-scoped guid keys use U+001F on PostgreSQL instead of NUL (items.ts). */
function convert(table: string, column: string, value: unknown, to: Driver): unknown {
  if (table !== 'item_aliases' || column !== 'key' || typeof value !== 'string') return value;
  return to.dialect === 'postgres' ? value.replace('\u0000', '\u001f') : value.replace('\u001f', '\u0000');
}

function insert(to: Driver, table: string, cols: string[], rows: Record<string, unknown>[]): void {
  const tuple = `(${cols.map(() => '?').join(', ')})`;
  const sql = `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${rows.map(() => tuple).join(', ')}`;
  to.prepare(sql).run(...rows.flatMap((r) => cols.map((c) => convert(table, c, r[c], to))));
}

/**
 * Copy every table of the store at `from` into the store at `to` (each a
 * SQLite path or a PostgreSQL URL; created and migrated as needed). Refuses
 * a target that holds any row unless `force` (then its rows are replaced).
 * Returns the row counts per table; throws (the target unchanged) when they
 * differ or the two schemas do not have the same tables.
 */
export function copyStore(from: string, to: string, opts: { force?: boolean } = {}): TableCount[] {
  const source = openDriver(from);
  let target: Driver | undefined;
  try {
    target = openDriver(to);
    const names = tables(source);
    const targetNames = tables(target);
    const odd = [...names.filter((n) => !targetNames.includes(n)), ...targetNames.filter((n) => !names.includes(n))];
    if (odd.length) {
      throw new DigestError(
        `the two stores do not have the same tables (${odd.join(', ')} in only one): ${source.name} and ${target.name} were made by different versions of digest`,
        'run the same digest version against both (each migrates its own schema when opened), then copy again',
      );
    }
    // Issues first: renders refer to them, and their triggers fill section_labels (replaced by the source's rows below).
    const order = ['issues', ...names.filter((n) => n !== 'issues')];
    const dst = target;
    const counts = source.transaction(() => {
      // One snapshot of the source for every table (SQLite's read transaction is one already).
      if (source.dialect === 'postgres') source.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      return dst.transaction((): TableCount[] => {
        const filled = order.filter((t) => count(dst, t) > 0);
        if (filled.length && !opts.force) {
          throw new DigestError(
            `the target store ${dst.name} is not empty (${filled.map((t) => `${t}: ${count(dst, t)}`).join(', ')})`,
            'copy into a new, empty database or file, or add --force to replace everything in it',
          );
        }
        for (const t of [...order].reverse()) dst.exec(`DELETE FROM ${t}`);
        for (const t of order) {
          if (t === 'section_labels') dst.exec('DELETE FROM section_labels');
          const targetCols = columns(dst, t);
          const cols = columns(source, t).filter((c) => c !== 'rowid' && targetCols.includes(c));
          for (const rows of pages(source, t, cols)) insert(dst, t, cols, rows);
        }
        if (dst.dialect === 'postgres') {
          // Identity and serial columns continue after the copied values.
          const generated = dst
            .prepare(
              `SELECT table_name AS t, column_name AS c FROM information_schema.columns
                WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`,
            )
            .all() as { t: string; c: string }[];
          for (const { t, c } of generated) {
            dst.exec(`SELECT setval(pg_get_serial_sequence('${t}', '${c}'), coalesce(max(${c}), 0) + 1, false) FROM ${t}`);
          }
        }
        const result = order.map((t) => ({ table: t, source: count(source, t), target: count(dst, t) }));
        const wrong = result.filter((r) => r.source !== r.target);
        if (wrong.length) {
          throw new DigestError(
            `the copy does not match its source (${wrong.map((r) => `${r.table}: ${r.source} → ${r.target}`).join(', ')}); nothing was written`,
            'stop every digest process writing to the source (schedule, serve, preview), then copy again',
          );
        }
        return result;
      });
    });
    return counts;
  } finally {
    target?.close();
    source.close();
  }
}
