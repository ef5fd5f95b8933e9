/**
 * The small driver interface the repositories are written against, so one
 * set of repositories runs on SQLite (better-sqlite3) and on PostgreSQL (`pg`
 * behind a synchronous bridge, pg-sync.ts). SQL is written once in the subset
 * both engines accept: `?` (or `@name` with an object) placeholders, `ON
 * CONFLICT … DO NOTHING / DO UPDATE SET x = excluded.x`, `RETURNING id`,
 * quoted camelCase aliases. Repositories branch on `dialect` only where the
 * engines truly differ (JSON functions, case-insensitive email matching).
 */

/** Which engine a driver talks to. */
export type Dialect = 'sqlite' | 'postgres';

/** What a write statement reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** A prepared statement: arguments are positional values, or one object for `@name` placeholders. */
export interface Statement {
  run(...args: unknown[]): RunResult;
  get(...args: unknown[]): unknown;
  all(...args: unknown[]): unknown[];
}

/** One database connection as the repositories use it. */
export interface Driver {
  readonly dialect: Dialect;
  /** What error messages name: the SQLite file, or the PostgreSQL URL without its password. */
  readonly name: string;
  /** A statement, compiled once per text and connection (call it freely in loops). */
  prepare(sql: string): Statement;
  /** Run one or more statements without parameters (schema changes). */
  exec(sql: string): void;
  /**
   * Run `fn` in one transaction. `immediate` takes the write lock at the start
   * (SQLite BEGIN IMMEDIATE); on PostgreSQL every transaction already waits
   * for the row locks it needs. Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T, immediate?: boolean): T;
  /**
   * `statement.all(...args)` (a write with RETURNING, say) without blocking
   * the calling thread while it waits for the database. Why it exists: on
   * PostgreSQL each blocking statement stops the whole event loop for a round
   * trip, so a sender's other SMTP connections would stand still while one
   * writes its ledger row; the send loop's per-message writes use this
   * instead. On SQLite a statement is a few microseconds in process: this is
   * the synchronous `all`, done before the promise is returned. Not inside
   * `transaction`: on PostgreSQL it runs on a connection of its own, so it
   * would be neither part of the transaction nor rolled back with it.
   */
  allAsync(statement: Statement, ...args: unknown[]): Promise<unknown[]>;
  close(): void;
}
