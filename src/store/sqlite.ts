/**
 * The SQLite driver: better-sqlite3's own statements already have the
 * driver's shape (`run` reports `changes`), so they are handed out as they
 * are, cached per text — the SQLite path pays nothing for the abstraction.
 */
import type { Db } from './db.ts';
import type { Driver, Statement } from './driver.ts';

/** The SQLite driver over an open better-sqlite3 handle. */
export class SqliteDriver implements Driver {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  get name(): string {
    return this.db.name;
  }

  prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  transaction<T>(fn: () => T, immediate = false): T {
    const tx = this.db.transaction(fn);
    return immediate ? tx.immediate() : tx();
  }

  /** The synchronous `all`, already done when the promise is returned (see Driver). */
  allAsync(statement: Statement, ...args: unknown[]): Promise<unknown[]> {
    return settled(() => statement.all(...args));
  }

  close(): void {
    this.db.close();
  }
}

/** A driver for what a repository is given: a driver as it is, a better-sqlite3 handle wrapped (tests open repositories on a bare handle). */
export function toDriver(handle: Db | Driver): Driver {
  return 'dialect' in handle ? handle : new SqliteDriver(handle);
}

/** A synchronous write as a promise, already settled (its failure a rejection): SQLite's side of the non-blocking store calls. */
export function settled<T>(write: () => T): Promise<T> {
  try {
    return Promise.resolve(write());
  } catch (err) {
    return Promise.reject(err);
  }
}
