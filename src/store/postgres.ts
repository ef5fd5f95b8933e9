/**
 * The PostgreSQL driver: the repositories' SQL (`?` or `@name`
 * placeholders) numbered for PostgreSQL (`$1` …) once per text and run as a
 * named prepared statement of the store's connection (pg-sync.ts, blocking;
 * the non-blocking statements of allAsync on a second one, pg-async.ts).
 * Errors become the shapes the SQLite code raises: a `code` callers already
 * test (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY` …) plus the SQLSTATE, and a
 * DigestError naming the database when it cannot be reached.
 */
import { DigestError } from '../errors.ts';
import type { Driver, RunResult, Statement } from './driver.ts';
import { AsyncPg } from './pg-async.ts';
import { PgQueryError, SyncPg, type PgFailure } from './pg-sync.ts';

/** The URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/** Is `pathOrUrl` a PostgreSQL URL (`postgres://` or `postgresql://`)? */
export function isPostgresUrl(pathOrUrl: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(pathOrUrl);
}

/** SQL with `?` / `@name` placeholders turned into `$n`, and the order of the named ones. */
export function numberPlaceholders(sql: string): { text: string; names: string[] | null } {
  let out = '';
  let n = 0;
  const names: string[] = [];
  const slots = new Map<string, number>();
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      // Copy a quoted string or identifier whole ('' and "" are escaped quotes inside).
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop + 1);
      i = stop;
      continue;
    }
    if (c === '?') {
      out += `$${++n}`;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let slot = slots.get(name);
      if (slot === undefined) {
        slot = ++n;
        slots.set(name, slot);
        names.push(name);
      }
      out += `$${slot}`;
      i += name.length;
    } else {
      out += c;
    }
  }
  return { text: out, names: names.length ? names : null };
}

/** The SQLite-style code callers test for a PostgreSQL failure (the SQLSTATE is kept beside it). */
function sqliteCode(f: PgFailure): string {
  const code = f.code ?? '';
  if (code === '23505') return f.constraint?.endsWith('_pkey') ? 'SQLITE_CONSTRAINT_PRIMARYKEY' : 'SQLITE_CONSTRAINT_UNIQUE';
  if (code === '23503') return 'SQLITE_CONSTRAINT_FOREIGNKEY';
  if (code === '23502') return 'SQLITE_CONSTRAINT_NOTNULL';
  if (code.startsWith('23')) return 'SQLITE_CONSTRAINT';
  // Deadlock, lock or statement timeout, serialization failure: try again later, as SQLITE_BUSY says.
  if (code === '40P01' || code === '55P03' || code === '57014' || code === '40001') return 'SQLITE_BUSY';
  if (code === '53100') return 'SQLITE_FULL';
  if (code === '25006') return 'SQLITE_READONLY';
  return code.startsWith('08') || code.startsWith('57P') || code.startsWith('E') ? 'SQLITE_CANTOPEN' : 'SQLITE_ERROR';
}

/** An error from the PostgreSQL store, shaped like better-sqlite3's (`code`), with the SQLSTATE. */
export class PgStoreError extends Error {
  readonly code: string;
  readonly sqlState: string | undefined;
  readonly detail: string | undefined;
  constructor(f: PgFailure) {
    super(f.detail ? `${f.message} (${f.detail})` : f.message);
    this.name = 'PgStoreError';
    this.code = sqliteCode(f);
    this.sqlState = f.code;
    this.detail = f.detail;
  }
}

class PgStatement implements Statement {
  private readonly text: string;
  private readonly names: string[] | null;

  constructor(
    private readonly driver: PostgresDriver,
    sql: string,
    private readonly name: string,
  ) {
    ({ text: this.text, names: this.names } = numberPlaceholders(sql));
  }

  private values(args: unknown[]): unknown[] {
    if (!this.names) return args;
    const obj = (args[0] ?? {}) as Record<string, unknown>;
    return this.names.map((n) => obj[n]);
  }

  run(...args: unknown[]): RunResult {
    return { changes: this.driver.query(this.text, this.values(args), this.name).rowCount };
  }

  /** `all` without blocking (PostgresDriver.allAsync). */
  async allAsync(args: unknown[]): Promise<unknown[]> {
    return (await this.driver.queryAsync(this.text, this.values(args), this.name)).rows;
  }

  get(...args: unknown[]): unknown {
    return this.driver.query(this.text, this.values(args), this.name).rows[0];
  }

  all(...args: unknown[]): unknown[] {
    return this.driver.query(this.text, this.values(args), this.name).rows;
  }
}

/**
 * A transaction-level advisory lock every `immediate` transaction takes, so
 * they run one at a time across processes, as SQLite's BEGIN IMMEDIATE does
 * (a check and the write that depends on it never interleave with another's).
 */
const WRITE_LOCK_KEY = 0x64696765; // 'dige'

/** The PostgreSQL driver over one connection. */
export class PostgresDriver implements Driver {
  readonly dialect = 'postgres' as const;
  readonly name: string;
  private readonly pg: SyncPg;
  /** The non-blocking statements' own connection (allAsync), opened on the first. */
  private readonly asyncPg: AsyncPg;
  private readonly statements = new Map<string, PgStatement>();
  private depth = 0;

  constructor(url: string) {
    this.name = redactUrl(url);
    try {
      this.pg = new SyncPg(url);
      this.asyncPg = new AsyncPg(url);
    } catch (err) {
      const f = err instanceof PgQueryError ? err.failure : { code: undefined, message: String(err), detail: undefined };
      throw new DigestError(
        `cannot open the store ${this.name}: ${f.message}`,
        'check store.url (or DIGEST_STORE_URL): host, port, user, password and database name, and that the server is running',
      );
    }
  }

  /** Round trips to the server so far (both connections). */
  get roundTrips(): number {
    return this.pg.roundTrips + this.asyncPg.roundTrips;
  }

  /** Run one statement with `$n` placeholders. */
  query(text: string, values?: unknown[], name?: string): { rows: Record<string, unknown>[]; rowCount: number } {
    try {
      return this.pg.query(text, values, name);
    } catch (err) {
      throw err instanceof PgQueryError ? new PgStoreError(err.failure) : err;
    }
  }

  /** Run one statement with `$n` placeholders without blocking (see Driver.allAsync). */
  async queryAsync(text: string, values?: unknown[], name?: string): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
    try {
      return await this.asyncPg.query(text, values, name);
    } catch (err) {
      throw err instanceof PgQueryError ? new PgStoreError(err.failure) : err;
    }
  }

  allAsync(statement: Statement, ...args: unknown[]): Promise<unknown[]> {
    // It runs on a connection of its own (pg-async.ts): inside a transaction it would not be part of it, nor rolled back with it.
    if (this.depth > 0) return Promise.reject(new Error('allAsync inside a transaction: use all'));
    if (!(statement instanceof PgStatement)) return Promise.reject(new Error('allAsync takes a statement of this driver (prepare)'));
    return statement.allAsync(args);
  }

  prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = new PgStatement(this, sql, `d${this.statements.size + 1}`);
      this.statements.set(sql, s);
    }
    return s;
  }

  exec(sql: string): void {
    this.query(sql);
  }

  transaction<T>(fn: () => T, immediate = false): T {
    const savepoint = `s${this.depth}`;
    if (this.depth === 0) this.query(immediate ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY})` : 'BEGIN');
    else this.query(`SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = fn();
      this.depth--;
      this.query(this.depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (err) {
      this.depth--;
      try {
        this.query(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`);
      } catch {
        // The connection is gone; the server rolled back.
      }
      throw err;
    }
  }

  close(): void {
    this.asyncPg.close();
    this.pg.close();
  }
}
