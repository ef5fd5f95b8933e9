/**
 * Parsing feeds on worker threads. Decoding, XML parsing, sanitizing and
 * normalizing are most of a cold ingest's CPU; on worker threads they run
 * beside the main thread's fetching and storing (SQLite, dedupe), on the
 * machine's other cores.
 *
 * A feed goes to the least busy worker, which may hold several (so it never
 * idles while the main thread stores); when every worker holds WORKER_QUEUE,
 * or none has started yet, the main thread parses it itself, so a run with
 * few feeds never waits for a worker to start. Workers start when the CLI
 * starts an ingesting command (startParseWorkersEarly), when ingestAll sees a
 * feed that will certainly be parsed, or else with the first feed to parse.
 * A worker that dies fails only the feed it had, and is replaced; if one
 * cannot even start, the run parses on the main thread.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { assetUrl } from '../assets.ts';
// Types only: the parsing code is loaded here only if this thread parses (most runs leave it all to workers).
import type { FeedParseInput, FeedParseOutput } from './feed-parse.ts';

/** Worker threads by default: one per core beyond the main thread's, at most 3. */
export function defaultParseWorkers(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

// Running the sources (tsx), the worker is a .ts file and registers tsx itself:
// Node 20 does not pass loader hooks registered by the API on to workers.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_FILE = assetUrl(`ingest/parse-worker${FROM_SOURCE ? '.ts' : '.js'}`).href;
const BOOT = `const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  globalThis.digestAssetRoot = workerData.assetRoot && new URL(workerData.assetRoot);
  await import(workerData.entry);
})();`;

/**
 * Feeds a worker may hold (one parsing, the rest waiting) before the main
 * thread parses one itself. Deep on purpose: the main thread also fetches,
 * stores and hands out feeds, and every feed it parses delays those and warms
 * up a second copy of the parsing code. Measured on 2 cores, 50 feeds fetched
 * 6 at a time: 2 → 1.36 s, 6 → 1.28 s and 12% less CPU, never → 1.31 s.
 */
export const WORKER_QUEUE = 6;

type WorkerMessage = { ready?: true; id: number; output?: FeedParseOutput; error?: string };

interface Job {
  resolve: (output: FeedParseOutput) => void;
  reject: (err: Error) => void;
}

class ParseWorker {
  private readonly worker: Worker;
  private readonly results: MessagePort;
  private readonly jobs = new Map<number, Job>();
  private nextId = 0;
  /** Results the worker has posted so far, taken or not (it adds one after each post). */
  readonly posted = new Int32Array(new SharedArrayBuffer(4));
  ready = false;
  dead = false;
  /** It died before it could parse anything (it cannot load): do not start more. */
  failedToStart = false;
  /** Settles once it can take work, or has died. */
  readonly started: Promise<void>;
  private onStarted!: () => void;

  constructor() {
    this.started = new Promise((resolve) => (this.onStarted = resolve));
    // Results come back on a port of their own, so that drain() can take them synchronously.
    const { port1, port2 } = new MessageChannel();
    this.results = port1;
    this.worker = new Worker(BOOT, {
      eval: true,
      workerData: {
        entry: WORKER_FILE,
        tsx: FROM_SOURCE ? import.meta.resolve('tsx/esm/api') : null,
        assetRoot: assetUrl('').href,
        results: port2,
        posted: this.posted,
      },
      transferList: [port2],
    });
    port1.on('message', (m: WorkerMessage) => this.receive(m));
    const die = (err: Error) => {
      if (!this.ready && !this.dead) this.failedToStart = true;
      this.dead = true;
      this.onStarted();
      for (const job of this.jobs.values()) job.reject(new Error(`the parsing worker failed: ${err.message}`));
      this.jobs.clear();
      port1.close();
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`it exited with code ${code}`)));
  }

  private receive(m: WorkerMessage): void {
    if (m.ready) {
      this.ready = true;
      this.onStarted();
      return;
    }
    const job = this.jobs.get(m.id);
    this.jobs.delete(m.id);
    if (m.error !== undefined) job?.reject(new Error(m.error));
    else job?.resolve(m.output!);
  }

  /**
   * Take the messages waiting on the results port now. They would be handled
   * only when the event loop polls again, and a main thread busy parsing feeds
   * that arrived together would meanwhile see the worker as still busy.
   */
  drain(): void {
    if (this.dead) return;
    for (let m = receiveMessageOnPort(this.results); m; m = receiveMessageOnPort(this.results)) this.receive(m.message as WorkerMessage);
  }

  /** Whether it can take a feed now: started, alive, and holding fewer than WORKER_QUEUE. */
  get available(): boolean {
    return this.ready && !this.dead && this.jobs.size < WORKER_QUEUE;
  }

  get load(): number {
    return this.jobs.size;
  }

  parse(input: FeedParseInput): Promise<FeedParseOutput> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, input });
    });
  }

  /** Whether it keeps the process alive (a worker started early does not until a FeedParser takes it). */
  hold(on: boolean): void {
    if (on) {
      this.worker.ref();
      this.results.ref();
    } else {
      this.worker.unref();
      this.results.unref();
    }
  }

  async stop(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

/** Workers started by {@link startParseWorkersEarly}, until a FeedParser takes them. */
const early: ParseWorker[] = [];

/**
 * Start parse workers now, for a FeedParser created later to take over. The
 * CLI calls this first thing for commands that ingest: a worker takes ~0.2 s
 * to load, which then passes beside the CLI's own start-up (config, store)
 * instead of after it. Workers nobody takes do not keep the process alive
 * and are stopped with the next FeedParser.
 */
export function startParseWorkersEarly(count: number = defaultParseWorkers()): void {
  while (early.length < count) {
    const worker = new ParseWorker();
    worker.hold(false);
    early.push(worker);
  }
}

/** Parses fetched feeds on up to `workers` worker threads, and on the calling thread. */
export class FeedParser {
  private pool: ParseWorker[] = [];
  /** Feeds parsed where. */
  readonly counts = { onWorkers: 0, onMainThread: 0 };

  /**
   * Feeds the workers have finished, whether or not their results were taken
   * off the ports yet. Read without yielding (shared memory), so a test can
   * wait for finished work while keeping the event loop busy, as a busy main
   * thread does.
   */
  finishedOnWorkers(): number {
    return this.pool.reduce((n, w) => n + Atomics.load(w.posted, 0), 0);
  }

  constructor(private workers: number = defaultParseWorkers()) {}

  /** Start the workers (parse() does on first use); resolves once they can take work. */
  async start(): Promise<void> {
    this.fill();
    await Promise.all(this.pool.map((w) => w.started));
  }

  private fill(): void {
    if (this.pool.some((w) => w.failedToStart)) this.workers = 0;
    this.pool = this.pool.filter((w) => !w.dead);
    while (this.pool.length < this.workers) {
      const worker = early.shift() ?? new ParseWorker();
      worker.hold(true);
      this.pool.push(worker);
    }
  }

  /** Decode, parse and build the items of a fetched feed (see feed-parse.ts). */
  async parse(input: FeedParseInput): Promise<FeedParseOutput> {
    this.fill();
    for (const w of this.pool) w.drain();
    const worker = this.pool.filter((w) => w.available).sort((a, b) => a.load - b.load)[0];
    // The bytes are copied to the worker (structured clone), never transferred: the fetch's buffer may share a pool.
    if (worker) {
      this.counts.onWorkers++;
      return worker.parse(input);
    }
    this.counts.onMainThread++;
    const { parseFeedBytes } = await import('./feed-parse.ts');
    return parseFeedBytes(input);
  }

  /** Stop the workers, and any started early that no FeedParser took. */
  async close(): Promise<void> {
    await Promise.all([...this.pool.splice(0), ...early.splice(0)].map((w) => w.stop()));
  }
}
