/**
 * Sections of one's choice: render variants and send throughput when every
 * subscriber chose a random subset of the 8 shipped sections
 * (config/digest.yaml), against the same list with all sections, in the same
 * run, to Postfix's smtp-sink on loopback (as send.bench.ts).
 *
 * 1. Build the issue of the bundled samples (8 sections) once.
 * 2. All sections: N subscribers, no choice → 1 variant; time the send.
 * 3. Random choices: the same N subscribers each choose a random non-empty
 *    subset; time preparing the variants (what a build does: MJML per
 *    distinct effective set), then the send (which renders none).
 * Rounds 2–3 alternate twice; the best send of each counts. Writes
 * out/bench/variants.json. Env: BENCH_VARIANTS_SUBSCRIBERS (5000), BENCH_SEND_CONNECTIONS (4).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../src/config/index.ts';
import { runCycle, sendStep, type Context } from '../src/cycle/index.ts';
import { prepareVariants } from '../src/cycle/variants.ts';
import { loadTemplates } from '../src/render/index.ts';
import { openStore } from '../src/store/index.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATE = '2024-07-15';
const N = Number(process.env.BENCH_VARIANTS_SUBSCRIBERS ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_SEND_CONNECTIONS ?? 4);
let sink: ChildProcess | undefined;
process.on('exit', () => sink?.kill('SIGKILL'));

async function startSink(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  const user = process.getuid?.() === 0 ? ['-u', 'postfix'] : [];
  sink = spawn('/usr/sbin/smtp-sink', [...user, `127.0.0.1:${port}`, '1024'], { stdio: 'ignore' });
  sink.unref();
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(!!s.end()));
      s.on('error', () => resolve(false));
    });
    if (ok) return port;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('smtp-sink did not start');
}

const dir = mkdtempSync(join(tmpdir(), 'digest-bench-variants-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const port = await startSink();
const shipped = parse(readFileSync(join(ROOT, 'config/digest.yaml'), 'utf8'));
const file = join(dir, 'digest.yaml');
writeFileSync(
  file,
  stringify({
    ...shipped,
    store: { path: join(dir, 'digest.db') },
    output: { dir: join(dir, 'out') },
    render: { ...shipped.render, templates: join(ROOT, 'templates') },
    selection: { maxAgeDays: 3650 },
    sources: shipped.sources.map((s: { type: string; url?: string; path?: string }) =>
      s.type === 'rss' && s.url && !/^https?:/.test(s.url)
        ? { ...s, url: join(ROOT, s.url) }
        : s.path
          ? { ...s, path: join(ROOT, s.path) }
          : s,
    ),
    subscribers: [],
    delivery: {
      from: '信息摘编 <digest@example.org>',
      unsubscribeSecret: 'bench-secret-kQ7vN2xR9pL4wT8zB6mC3hJ5sD1fG0aY',
      smtp: { url: `smtp://127.0.0.1:${port}`, maxConnections: CONNECTIONS, maxMessages: 1000 },
    },
  }),
);
const config = loadConfig(file, {});
const store = openStore(config.store.path);
const now = new Date('2024-07-15T00:30:00Z');
const ctx: Context = { config, store, now: () => now, log: () => {} };
await runCycle(ctx, DATE, { send: false });
const issue = store.issues.get(DATE)!.issue;
const sectionIds = config.sections.map((s) => s.id);
const withItems = issue.sections.filter((s) => s.items.length).length;
store.subscribers.batch(() => {
  for (let i = 0; i < N; i++) store.subscribers.add(`reader${i}@example.net`, null, now.toISOString());
});
const ids = store.subscribers.page(0, N + 1).map((s) => s.id);

// A deterministic random subset (xorshift), never empty.
let seed = 0x2545f491;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
function choose(random: boolean): void {
  store.subscribers.batch(() => {
    for (const id of ids) {
      let chosen: string[] | null = null;
      if (random) {
        chosen = sectionIds.filter(() => rand() < 0.5);
        if (!chosen.length) chosen = [sectionIds[Math.floor(rand() * sectionIds.length)]!];
      }
      store.subscribers.setPreferences(id, { sections: chosen, pausedIssues: 0 }, now.toISOString());
    }
  });
}

const results: Record<
  string,
  { variants: number; renderMs: number; sendMs: number; perSecond: number; submitted: number; skipped: number }[]
> = {
  all: [],
  random: [],
};
const templates = loadTemplates(join(ROOT, 'templates'));
for (let round = 0; round < 2; round++) {
  for (const mode of ['all', 'random'] as const) {
    choose(mode === 'random');
    // The variants a build would render (fresh each round: the choices changed).
    (store as unknown as { db: { exec(sql: string): void } }).db.exec(
      'DELETE FROM issue_variant_renders; DELETE FROM deliveries; DELETE FROM send_runs',
    );
    const r0 = performance.now();
    const prepared = await prepareVariants(ctx, issue, templates);
    const renderMs = performance.now() - r0;
    const s0 = performance.now();
    const sent = await sendStep(ctx, DATE);
    const sendMs = performance.now() - s0;
    results[mode]!.push({
      variants: prepared.variants,
      renderMs: Math.round(renderMs),
      sendMs: Math.round(sendMs),
      perSecond: Math.round((sent.submitted / sendMs) * 1000),
      submitted: sent.submitted,
      skipped: sent.skipped,
    });
    if (sent.variants.rendered !== 0) throw new Error('the send rendered variants: the stored renders were not reused');
    process.stdout.write(`round ${round + 1} ${mode}: ${JSON.stringify(results[mode]!.at(-1))}\n`);
  }
}
const best = (mode: string) => results[mode]!.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
const all = best('all');
const random = best('random');
const summary = {
  subscribers: N,
  sections: sectionIds.length,
  sectionsWithItems: withItems,
  connections: CONNECTIONS,
  all,
  random,
  ratio: { throughput: +(random.perSecond / all.perSecond).toFixed(2), variants: random.variants },
};
process.stdout.write(
  `\n${N} subscribers, ${sectionIds.length} sections (${withItems} with items): all-sections ${all.perSecond} msg/s (1 variant); ` +
    `random choices ${random.perSecond} msg/s (${random.variants} variants rendered in ${random.renderMs} ms at build, 0 at send) → ${summary.ratio.throughput}× \n`,
);
mkdirSync(join(ROOT, 'out/bench'), { recursive: true });
writeFileSync(join(ROOT, 'out/bench/variants.json'), `${JSON.stringify(summary, null, 2)}\n`);
store.close();
