/**
 * What a `kill -9` in the middle of a send leaves in doubt (README "Exactly
 * once"): a real `digest send` (the built CLI, 5 SMTP connections) to a local
 * SMTP server is killed at a random moment, many times. After each kill the
 * ledger's rows left `sending` are compared with the Message-IDs the server
 * had accepted (answered 250) by then: a row in doubt that the server had
 * accepted is a message the resumed send delivers a second time (with the same
 * Message-ID). Then `digest send` resumes and the bench checks that nobody is
 * missed and every repeat carries its first copy's Message-ID.
 *
 * Two servers: one that answers at once (loopback, where the client's own
 * work after the 250 is a large part of each transaction) and one that waits
 * BENCH_DOUBT_LATENCY_MS (50) before every reply to DATA, like a remote relay.
 * These are counts, not timings: the machine's load changes where kills land,
 * not what the ledger promises.
 *
 * Env: BENCH_DOUBT_KILLS (15 per server), BENCH_DOUBT_SUBSCRIBERS (400).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { stringify } from 'yaml';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATE = '2024-07-15';
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const KILLS = env('BENCH_DOUBT_KILLS', 15);
const SUBSCRIBERS = env('BENCH_DOUBT_SUBSCRIBERS', 400);
const LATENCY = env('BENCH_DOUBT_LATENCY_MS', 50);
const CLI_ENV = { ...process.env, DIGEST_NOW: '2024-07-15T00:30:00Z' };

/** A local SMTP server that records every Message-ID it answered 250 to, per recipient. */
async function startServer(latencyMs: number) {
  const accepted = new Map<string, string[]>();
  let total = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const id = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
        const answer = () => {
          // Recorded as the 250 goes out: from here the message is the server's.
          for (const r of session.envelope.rcptTo) accepted.set(r.address, [...(accepted.get(r.address) ?? []), id]);
          total++;
          cb();
        };
        if (latencyMs) setTimeout(answer, latencyMs);
        else answer();
      });
    },
  });
  // A killed client resets its connections: expected here, not a failure.
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as { port: number }).port;
  return { port, accepted, total: () => total, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Run the CLI without blocking: the SMTP server lives in this process. */
function cli(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [`${ROOT}bin/digest.js`, ...args], { env: CLI_ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
}

const dir = mkdtempSync(join(tmpdir(), 'digest-doubt-'));
const builtDb = join(dir, 'built.db');
function config(db: string, port: number): string {
  const file = join(dir, `digest-${port}-${Math.random().toString(36).slice(2)}.yaml`);
  const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => ({ email: `s${i + 1}@example.org` }));
  writeFileSync(
    file,
    stringify({
      publication: { title: '信息摘编', baseUrl: 'https://example.org/digest/', timezone: 'Asia/Shanghai' },
      store: { path: db },
      output: { dir: join(dir, 'out') },
      selection: { maxAgeDays: 3650 },
      sources: [
        { id: 'policy', type: 'rss', name: '政策速递', url: join(ROOT, 'config/samples/feeds/policy.rss') },
        { id: 'inbox', type: 'inbox', path: join(ROOT, 'config/samples/inbox') },
      ],
      subscribers,
      delivery: {
        from: '信息摘编 <digest@example.org>',
        unsubscribeSecret: 'in-doubt-bench-secret-0123456789abcdefghijklmnopqrstuvwxyz',
        smtp: { url: `smtp://127.0.0.1:${port}`, maxConnections: 5 },
      },
    }),
  );
  return file;
}

/** One kill: returns the rows left `sending` and how many of them the server had accepted. */
async function killOnce(server: Awaited<ReturnType<typeof startServer>>, round: number) {
  const db = join(dir, `round-${round}.db`);
  copyFileSync(builtDb, db);
  const file = config(db, server.port);
  server.accepted.clear();
  const startTotal = server.total();
  const child = spawn(process.execPath, [`${ROOT}bin/digest.js`, 'send', '--issue', DATE, '--config', file], {
    env: CLI_ENV,
    stdio: 'ignore',
  });
  // Kill at a random moment once sending is under way (a few messages accepted), before it can finish.
  const after = 3 + Math.floor(Math.random() * (SUBSCRIBERS / 3));
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (server.total() - startTotal >= after) {
        clearInterval(check);
        setTimeout(resolve, Math.random() * 20);
      }
    }, 1);
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  // Replies the server had already started to give are on their way; let them land.
  await new Promise((r) => setTimeout(r, LATENCY * 2 + 50));
  const handle = new Database(db, { readonly: true });
  const sending = handle.prepare("SELECT email, message_id FROM deliveries WHERE issue_date = ? AND status = 'sending'").all(DATE) as {
    email: string;
    message_id: string;
  }[];
  handle.close();
  const acceptedInDoubt = sending.filter((row) =>
    server.accepted.get(row.email)?.includes(`<${row.message_id.replace(/^<|>$/g, '')}>`),
  ).length;
  // Resume and check: nobody missed, repeats carry their first copy's Message-ID.
  const resumed = await cli(['send', '--issue', DATE, '--config', file]);
  if (resumed.status !== 0) throw new Error(`resume failed: ${resumed.stderr}`);
  let missed = 0;
  let repeats = 0;
  let foreignRepeats = 0;
  for (let i = 1; i <= SUBSCRIBERS; i++) {
    const ids = server.accepted.get(`s${i}@example.org`) ?? [];
    if (!ids.length) missed++;
    if (ids.length > 1) {
      repeats += ids.length - 1;
      if (new Set(ids).size > 1) foreignRepeats++;
    }
  }
  rmSync(db, { force: true });
  return { sending: sending.length, acceptedInDoubt, missed, repeats, foreignRepeats };
}

try {
  if ((await cli(['run', '--no-send', '--date', DATE, '--config', config(builtDb, 1)])).status !== 0)
    throw new Error('building the issue failed');
  const report: Record<string, unknown> = {};
  for (const latency of [0, LATENCY]) {
    const server = await startServer(latency);
    const rounds: Awaited<ReturnType<typeof killOnce>>[] = [];
    for (let i = 0; i < KILLS; i++) rounds.push(await killOnce(server, i));
    await server.close();
    const sum = (k: keyof (typeof rounds)[number]) => rounds.reduce((s, r) => s + r[k], 0);
    const figures = {
      kills: KILLS,
      rowsInDoubt: sum('sending'),
      maxInDoubtPerKill: Math.max(...rounds.map((r) => r.sending)),
      inDoubtAlreadyAccepted: sum('acceptedInDoubt'),
      sentTwice: sum('repeats'),
      missed: sum('missed'),
      repeatsWithAnotherMessageId: sum('foreignRepeats'),
    };
    report[latency ? `server answers after ${latency} ms` : 'server answers at once'] = figures;
    console.log(`${latency ? `server answers DATA after ${latency} ms` : 'server answers at once'}:`, figures);
  }
  mkdirSync(join(ROOT, 'out', 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'out', 'bench', 'in-doubt.json'), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
