/**
 * A synchronous PostgreSQL connection. The whole code base calls the store
 * synchronously (as better-sqlite3 is), so `pg` (the npm client, asynchronous)
 * runs on a worker thread and the calling thread blocks on each result with
 * `Atomics.wait` on a shared counter, then takes the reply with
 * `receiveMessageOnPort` — the pattern synckit uses. One connection per
 * bridge; its errors cross as { code, message, detail }. The store's
 * non-blocking statements (the send loop's claims) do not cross: they run on
 * a connection of their own in the calling thread (pg-async.ts).
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** How long opening waits for the connection (pg's own connect timeout is 20 s). */
const CONNECT_WAIT_MS = 30_000;

/** A PostgreSQL error as it crossed the thread boundary. */
export interface PgFailure {
  /** SQLSTATE (`23505`) or a Node error code (`ECONNREFUSED`). */
  code: string | undefined;
  message: string;
  detail: string | undefined;
  /** The violated constraint's name, if any. */
  constraint?: string | undefined;
}

/** One result set. */
export interface PgResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

// The worker is plain CommonJS (no TypeScript, no bundling): it only needs
// `pg`, whose path the calling thread resolves, so the same code runs from
// src/ (tsx) and from dist/. int8 (count, sum) and numeric come back as JS
// numbers, so rows equal SQLite's; bytea columns are named so the calling
// thread can turn their Uint8Arrays back into Buffers.
const WORKER = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pg);
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);
const { port, signal, url } = workerData;
const client = new pg.Client({ connectionString: url, application_name: 'digest', connectionTimeoutMillis: 20000 });
let broken = null;
client.on('error', (e) => { broken = e; });
// The reply wakes the waiting thread.
const reply = (m) => { port.postMessage(m); Atomics.add(signal, 0, 1); Atomics.notify(signal, 0); };
const failure = (e) => ({ error: { code: e.code, message: e.message, detail: e.detail, constraint: e.constraint } });
port.on('message', async (m) => {
  try {
    if (broken) throw broken;
    if (m.op === 'connect') { await client.connect(); reply({ ok: true }); return; }
    if (m.op === 'end') { await client.end().catch(() => {}); reply({ ok: true }); port.close(); return; }
    const r = await client.query(m.name ? { name: m.name, text: m.text, values: m.values } : m.values ? { text: m.text, values: m.values } : m.text);
    const last = Array.isArray(r) ? r[r.length - 1] : r;
    const binary = (last.fields || []).filter((f) => f.dataTypeID === 17).map((f) => f.name);
    reply({ rows: last.rows || [], rowCount: last.rowCount || 0, binary });
  } catch (e) {
    reply(failure(e));
  }
});
`;

/** Thrown for a failed query: carries the PostgreSQL failure. */
export class PgQueryError extends Error {
  constructor(readonly failure: PgFailure) {
    super(failure.message);
  }
}

/** A reply as it crosses from the thread. */
interface Reply {
  error?: PgFailure;
  rows?: Record<string, unknown>[];
  rowCount?: number;
  binary?: string[];
}

/** The result of a reply, or its failure thrown; bytea values become Buffers again. */
function resultOf(reply: Reply | undefined): PgResult {
  if (!reply) throw new PgQueryError({ code: 'NOREPLY', message: 'the PostgreSQL thread gave no reply', detail: undefined });
  if (reply.error) throw new PgQueryError(reply.error);
  if (reply.binary?.length && reply.rows) {
    for (const row of reply.rows) {
      for (const name of reply.binary) {
        const v = row[name];
        if (v instanceof Uint8Array) row[name] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      }
    }
  }
  return reply as PgResult;
}

/** A blocking connection to one PostgreSQL database. */
export class SyncPg {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;
  /** Round trips so far (what a benchmark counts). */
  roundTrips = 0;

  constructor(url: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, {
      eval: true,
      // Not the parent's loader flags (`--import tsx`): this plain script needs none, and they break an eval worker.
      execArgv: [],
      workerData: {
        pg: createRequire(import.meta.url).resolve('pg'),
        port: port2,
        signal: this.signal,
        url,
      },
      transferList: [port2],
    });
    // The worker must never keep a finished process alive.
    this.worker.unref();
    this.call({ op: 'connect' }, CONNECT_WAIT_MS);
  }

  /** Run one statement (`text` with `$n` placeholders); `name` makes it a prepared statement of this connection. */
  query(text: string, values?: unknown[], name?: string): PgResult {
    return this.call({ op: 'query', text, values, name });
  }

  private call(message: Record<string, unknown>, waitMs = Number.POSITIVE_INFINITY): PgResult {
    if (this.closed) throw new PgQueryError({ code: 'CLOSED', message: 'the store is closed', detail: undefined });
    const seen = Atomics.load(this.signal, 0);
    this.port.postMessage(message);
    this.roundTrips++;
    // A query may rightly take long (planning a million deliveries), so only connecting has a bound: a thread that never starts must not hang the process.
    if (Atomics.load(this.signal, 0) === seen && Atomics.wait(this.signal, 0, seen, waitMs) === 'timed-out') {
      void this.worker.terminate();
      this.closed = true;
      throw new PgQueryError({ code: 'ETIMEDOUT', message: `no answer within ${waitMs / 1000} s`, detail: undefined });
    }
    while (Atomics.load(this.signal, 0) === seen) Atomics.wait(this.signal, 0, seen);
    return resultOf(receiveMessageOnPort(this.port)?.message as Reply | undefined);
  }

  /** Close the connection and stop the thread. */
  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'end' });
    } finally {
      this.closed = true;
      this.port.close();
      void this.worker.terminate();
    }
  }
}
