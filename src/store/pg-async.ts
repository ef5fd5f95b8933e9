/**
 * The PostgreSQL store's non-blocking statements (Driver.allAsync: the send
 * loop's claims) on a connection of their own, owned by the calling thread.
 *
 * Why not the blocking bridge's connection (pg-sync.ts): there each statement
 * crossed to the `pg` thread and its reply back (two thread hops and two
 * structured clones per claim), and a claim's round trip is what every SMTP
 * connection of a sender waits for before its next message (the claim commits
 * before the message goes). `pg` is asynchronous by nature, so here it runs
 * where the reply is awaited: the reply is read by this thread's event loop.
 *
 * The price: the two connections are not ordered with each other. A blocking
 * statement sees a non-blocking write once its promise has resolved (the send
 * loop always awaits its claims before anything depends on them), not merely
 * once it was posted. `pg` is loaded, and the connection opened, on the first
 * statement: most commands never run one.
 */
import type { Client, ClientConfig, QueryResult } from 'pg';
import { PgQueryError, type PgResult } from './pg-sync.ts';

/** A statement waiting for its reply. */
interface Waiter {
  resolve: (r: PgResult) => void;
  reject: (err: unknown) => void;
}

/** A `pg` error as the bridge's failure (the shape PostgresDriver turns into a PgStoreError). */
function failureOf(err: unknown): PgQueryError {
  if (err instanceof PgQueryError) return err;
  const e = err as { code?: string; message?: string; detail?: string; constraint?: string };
  return new PgQueryError({ code: e.code, message: e.message ?? String(err), detail: e.detail, constraint: e.constraint });
}

/** Failure of a statement that can no longer be answered (the store closed). */
const closedError = (message: string) => new PgQueryError({ code: 'CLOSED', message, detail: undefined });

/** One non-blocking connection to a PostgreSQL database, opened on its first statement. */
export class AsyncPg {
  private client: Promise<Client> | null = null;
  /** The first connection-level error: every later statement fails with it, as on the blocking bridge. */
  private broken: unknown = null;
  private closed = false;
  private readonly waiting = new Set<Waiter>();
  /** The socket, to let the process exit while no statement waits (the blocking bridge's thread is unref'd too). */
  private socket: { ref(): void; unref(): void } | null = null;
  /** Round trips so far (what a benchmark counts). */
  roundTrips = 0;

  constructor(private readonly url: string) {}

  /** Run one statement (`text` with `$n` placeholders; `name`: a prepared statement of this connection); settles on its reply. */
  query(text: string, values?: unknown[], name?: string): Promise<PgResult> {
    if (this.closed) return Promise.reject(closedError('the store is closed'));
    this.roundTrips++;
    return new Promise<PgResult>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      if (this.waiting.size === 0) this.socket?.ref();
      this.waiting.add(waiter);
      const done = () => {
        this.waiting.delete(waiter);
        if (this.waiting.size === 0) this.socket?.unref();
      };
      this.connection()
        .then((client) => client.query(name ? { name, text, values } : { text, values }))
        .then(
          (r: QueryResult) => {
            done();
            resolve({ rows: r.rows, rowCount: r.rowCount ?? 0 });
          },
          (err: unknown) => {
            done();
            reject(failureOf(this.broken ?? err));
          },
        );
    });
  }

  /** The connection, opened on first use. */
  private connection(): Promise<Client> {
    if (this.broken) return Promise.reject(this.broken);
    this.client ??= this.open();
    return this.client;
  }

  private async open(): Promise<Client> {
    const { default: pg } = await import('pg');
    // int8 (count, sum) and numeric as JS numbers, as on the blocking bridge, without changing `pg`'s
    // process-wide parsers (pg-boss shares this process).
    const types: ClientConfig['types'] = {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format)) as never,
    };
    const client = new pg.Client({ connectionString: this.url, application_name: 'digest', connectionTimeoutMillis: 20_000, types });
    client.on('error', (err) => {
      this.broken ??= err;
    });
    await client.connect();
    if (this.closed) {
      void client.end().catch(() => {});
      throw closedError('the store is closed');
    }
    // Not in @types/pg: the client's socket. Only a statement waiting for its reply keeps the process alive.
    this.socket = (client as unknown as { connection?: { stream?: { ref(): void; unref(): void } } }).connection?.stream ?? null;
    if (this.waiting.size === 0) this.socket?.unref();
    return client;
  }

  /** Close the connection; statements still without a reply fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiting) waiter.reject(closedError('the store was closed before the statement answered'));
    this.waiting.clear();
    this.client?.then(
      (client) => client.end().catch(() => {}),
      () => {},
    );
  }
}
