/**
 * Ingest throughput: 50 feeds × 50 items (real Chinese news text from the
 * bundled samples, 10 of the feeds GBK-encoded) served from a local HTTP
 * server with ETag and Last-Modified. A cold run (empty store: fetch, decode,
 * parse, sanitize, normalize, dedupe, store) and a warm run (every feed
 * answers 304), for digest and, in the same run on the same feeds,
 * rss2email (`r2e run --no-send`, which fetches, parses and processes every
 * entry but mails nothing). Each is the real command in its own process
 * (`digest ingest --json`, from the compiled dist/ that bench/run.ts builds
 * first), timed from spawn to exit, so start-up counts and peak RSS is its
 * own. Two scenarios: a server that answers at once (pure CPU), and one that
 * answers after 100 ms, as feeds on the internet do (where digest's bounded
 * concurrency counts and rss2email's one-feed-at-a-time does not).
 *
 * Reports items/s, wall and CPU times, peak memory, and ratios rss2email ÷
 * digest. Targets: cold ≥ 3× faster than rss2email, warm < 0.3 s.
 * Writes out/bench/ingest.json.
 *
 * Run with `npm run bench ingest`.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { median } from './timing.ts';

const FEEDS = 50;
const ITEMS = 50;
const GBK_FEEDS = 10;
const NOW = new Date('2024-07-15T00:30:00Z');
const TARGET_COLD_RATIO = 3;
const TARGET_WARM_MS = 300;
/** Server delay of the second scenario: a modest round trip plus server time for a feed on the internet. */
const LATENCY_MS = 100;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A small deterministic PRNG (mulberry32), so every run ingests the same text. */
function prng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ISSUERS =
  '两部门 多部门 国务院 工信部 证监会 国资委 央行 市监局 药监局 国家能源局 商务部 财政部 北京 上海 广州 深圳 江苏 浙江 四川 重庆 湖南 江西 福建 海南 青岛 济南 厦门 日媒 韩媒 德媒 西媒'.split(
    ' ',
  );
const OUTLETS = '新京报 人民网 新华社 央广网 人民日报 证券日报 中国证券网 中国新闻网 参考消息网 经济日报 第一财经 澎湃新闻'.split(' ');

/**
 * Real Chinese news text to build items from: the sentences of the bundled
 * samples (config/samples). Headlines are made of their clauses, bodies of
 * runs of their sentences, so headline overlap is like real news, not like a
 * small made-up vocabulary where every headline shares words.
 */
function sampleSentences(): string[] {
  const dir = join(ROOT, 'config/samples');
  const files = [
    ...['feeds/policy.rss', 'feeds/regions.atom'].map((f) => readFileSync(join(dir, f), 'utf8')),
    iconv.decode(readFileSync(join(dir, 'feeds/world-gbk.rss')), 'gb18030'),
    ...readdirSync(join(dir, 'inbox')).map((f) => readFileSync(join(dir, 'inbox', f), 'utf8')),
  ];
  const text = files
    .join('\n')
    .replace(/&lt;|&gt;|&amp;|&quot;/g, ' ')
    .replace(/<[^>]*>/g, '\n');
  return [...new Set(text.match(/[^。！？\n]{8,120}[。！？]/gu) ?? [])].map((x) => x.trim()).filter((x) => /\p{Script=Han}{6}/u.test(x));
}

/** Sentences and headline-sized clauses of the samples (read when generating the feeds). */
let corpus: { sentences: string[]; clauses: string[] } | undefined;
function text(): { sentences: string[]; clauses: string[] } {
  if (!corpus) {
    const sentences = sampleSentences();
    const clauses = sentences
      .flatMap((x) => x.split(/[，；：。！？、“”]/u))
      .map((c) => c.trim())
      .filter((c) => [...c].length >= 5 && [...c].length <= 16);
    corpus = { sentences, clauses: [...new Set(clauses)] };
  }
  return corpus;
}

function pick<T>(rand: () => number, list: T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** One feed's XML: 50 items, each a headline `发布机构：标题`, an outlet, a date, ~600 characters of HTML. */
function feedXml(f: number, encoding: string): string {
  const rand = prng(f + 1);
  const { sentences: SENTENCES, clauses: CLAUSES } = text();
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const title = `${pick(rand, ISSUERS)}：${pick(rand, CLAUSES)}${rand() < 0.6 ? ` ${pick(rand, CLAUSES)}` : ''}`;
    const date = new Date(NOW.getTime() - Math.floor(rand() * 3 * 86_400_000)).toUTCString();
    const paragraphs = Array.from({ length: 4 }, () => {
      const at = Math.floor(rand() * (SENTENCES.length - 3));
      return `<p>${SENTENCES.slice(at, at + 2).join('')}</p>`;
    }).join('');
    const url = `https://news${f}.example.org/2024/07/${i}.html`;
    return (
      `<item><title>${title}</title><link>${url}?utm_source=rss</link><guid isPermaLink="true">${url}</guid><pubDate>${date}</pubDate>` +
      `<source url="https://news${f}.example.org/">${OUTLETS[f % OUTLETS.length]}</source>` +
      `<description><![CDATA[${paragraphs}<p><img src="/img/${i}.jpg" alt="配图"><a href="${url}?from=timeline">阅读原文</a></p><p>附：《${pick(rand, CLAUSES)}实施方案》</p>]]></description></item>`
    );
  }).join('\n');
  return `<?xml version="1.0" encoding="${encoding}"?>\n<rss version="2.0"><channel><title>基准源 ${f}</title><link>https://news${f}.example.org/</link><description>bench</description>\n${items}\n</channel></rss>\n`;
}

/** One `digest ingest` process. */
interface DigestResult {
  /** Wall time of the process, start-up included. */
  wallMs: number;
  /** Time in the ingest itself (the summary's `ms`). */
  ms: number;
  /** CPU time (user + system) of the whole process. */
  processCpuMs: number;
  maxRssKb: number;
  statuses: Record<string, number>;
  stored: number;
  failed: string[];
}

/** Run a command asynchronously (the feed server lives in this process); resolves with output and wall time. */
function run(cmd: string, args: string[]): Promise<{ stdout: string; stderr: string; ms: number; code: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DIGEST_NOW: NOW.toISOString() } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout, stderr, ms: performance.now() - started, code: code ?? -1 }));
  });
}

/** The feed server; `latency.ms` delays every answer (a feed on the internet is not 0 ms away). */
function startServer(bodies: { body: Buffer; contentType: string }[], latency: { ms: number }): Promise<Server> {
  const server = createServer((req, res) => {
    const i = Number(/^\/feed(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? -1);
    const feed = bodies[i];
    const answer = () => {
      if (!feed) return void res.writeHead(404).end();
      const etag = `"feed${i}-v1"`;
      const lastModified = 'Mon, 15 Jul 2024 00:00:00 GMT';
      if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === lastModified)
        return void res.writeHead(304, { etag }).end();
      res
        .writeHead(200, { 'content-type': feed.contentType, 'content-length': feed.body.length, etag, 'last-modified': lastModified })
        .end(feed.body);
    };
    if (latency.ms) setTimeout(answer, latency.ms);
    else answer();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const DIGEST = join(ROOT, 'bin/digest.js');

/** The real `digest ingest --json`, as a user runs it (compiled dist/ when current: bench/run.ts builds it first). */
async function digestRun(configFile: string): Promise<DigestResult> {
  // BENCH_INGEST_PROFILE=DIR: write a CPU profile of every digest run there (for chrome://inspect or speedscope).
  const profile = process.env.BENCH_INGEST_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_INGEST_PROFILE] : [];
  const r = await run('/usr/bin/time', [
    '-f',
    '%M %U %S',
    process.execPath,
    ...profile,
    DIGEST,
    'ingest',
    '--config',
    configFile,
    '--json',
  ]);
  if (r.code !== 0) throw new Error(`digest ingest failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const [maxRssKb, user, system] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
    ms: number;
    sources: { id: string; status: string; new: number; error?: string }[];
  };
  const statuses: Record<string, number> = {};
  for (const s of summary.sources) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const failed = summary.sources.filter((s) => s.status === 'failed').map((s) => s.error ?? s.id);
  if (failed.length) throw new Error(`digest sources failed: ${failed.join('; ')}`);
  return {
    wallMs: r.ms,
    ms: summary.ms,
    processCpuMs: (user + system) * 1000,
    maxRssKb,
    statuses,
    stored: summary.sources.reduce((n, s) => n + s.new, 0),
    failed,
  };
}

type R2eResult = { wallMs: number; cpuMs: number; maxRssKb: number; seen: number };

async function r2eRun(dir: string): Promise<R2eResult> {
  const r = await run('/usr/bin/time', [
    '-f',
    '%M %U %S',
    'r2e',
    '-c',
    join(dir, 'r2e.cfg'),
    '-d',
    join(dir, 'r2e.json'),
    'run',
    '--no-send',
  ]);
  if (r.code !== 0) throw new Error(`r2e failed (${r.code}): ${r.stderr.slice(-500)}`);
  const [maxRssKb, user, system] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  const data = JSON.parse(readFileSync(join(dir, 'r2e.json'), 'utf8')) as { feeds: { seen: Record<string, unknown> }[] };
  return { wallMs: r.ms, cpuMs: (user + system) * 1000, maxRssKb, seen: data.feeds.reduce((n, f) => n + Object.keys(f.seen).length, 0) };
}

/** digest (median of `rounds` fresh stores) and rss2email, each cold then warm, at one server latency. */
async function scenario(name: string, urls: string[], work: string, rounds: number, hasR2e: boolean) {
  const cold: DigestResult[] = [];
  const warm: DigestResult[] = [];
  for (let round = 0; round < rounds; round++) {
    const dir = join(work, `${name}-digest-${round}`);
    mkdirSync(dir);
    const configFile = join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        store: { path: join(dir, 'digest.db') },
        output: { dir: join(dir, 'out') },
        ingest: { concurrency: 6, retries: 0 },
        sources: urls.map((url, i) => ({ id: `feed${i}`, type: 'rss', url })),
      }),
    );
    cold.push(await digestRun(configFile));
    warm.push(await digestRun(configFile));
  }
  let r2e: { cold: R2eResult; warm: R2eResult } | null = null;
  if (hasR2e) {
    const dir = join(work, `${name}-r2e`);
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'r2e.cfg'),
      [
        '[DEFAULT]',
        'to = bench@example.org',
        'same-server-fetch-interval = 0',
        'feed-timeout = 60',
        '',
        ...urls.flatMap((url, i) => [`[feed.feed${i}]`, `url = ${url}`, '']),
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'r2e.json'),
      JSON.stringify({ version: 2, feeds: urls.map((_, i) => ({ name: `feed${i}`, etag: null, modified: null, seen: {} })) }),
    );
    r2e = { cold: await r2eRun(dir), warm: await r2eRun(dir) };
  }
  const pickMedian = (runs: DigestResult[]) => ({
    ms: median(runs.map((r) => r.ms)),
    wallMs: median(runs.map((r) => r.wallMs)),
    processCpuMs: median(runs.map((r) => r.processCpuMs)),
    maxRssKb: median(runs.map((r) => r.maxRssKb)),
    stored: runs[0]!.stored,
    statuses: runs[0]!.statuses,
  });
  const digest = { cold: pickMedian(cold), warm: pickMedian(warm), runs: { cold, warm } };
  const ratios = r2e
    ? {
        coldWall: r2e.cold.wallMs / digest.cold.wallMs,
        coldCpu: r2e.cold.cpuMs / digest.cold.processCpuMs,
        coldIngest: r2e.cold.wallMs / digest.cold.ms,
        warmWall: r2e.warm.wallMs / digest.warm.wallMs,
        warmIngest: r2e.warm.wallMs / digest.warm.ms,
      }
    : null;
  return { name, digest, r2e, ratios };
}

async function main(): Promise<void> {
  const hasR2e = await new Promise<boolean>((resolve) => execFile('r2e', ['--version'], (err) => resolve(!err)));
  const bodies = Array.from({ length: FEEDS }, (_, f) =>
    f < GBK_FEEDS
      ? { body: iconv.encode(feedXml(f, 'GBK'), 'gbk'), contentType: 'application/rss+xml; charset=GBK' }
      : { body: Buffer.from(feedXml(f, 'UTF-8')), contentType: 'application/rss+xml; charset=utf-8' },
  );
  const totalItems = FEEDS * ITEMS;
  const latency = { ms: 0 };
  const server = await startServer(bodies, latency);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const urls = bodies.map((_, i) => `${base}/feed${i}.xml`);
  const work = mkdtempSync(join(tmpdir(), 'digest-bench-ingest-'));
  try {
    const local = await scenario('local', urls, work, 3, hasR2e);
    latency.ms = LATENCY_MS;
    const remote = await scenario('latency', urls, work, 1, hasR2e);

    const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
    const f0 = (n: number) => n.toFixed(0);
    const lines = [
      `ingest: ${FEEDS} feeds × ${ITEMS} items (${GBK_FEEDS} GBK), local HTTP server; digest runs in its own process, median of 3`,
    ];
    for (const s of [local, remote]) {
      const d = s.digest;
      lines.push(
        s.name === 'local' ? '  server answers at once:' : `  server answers after ${LATENCY_MS} ms (like a feed on the internet):`,
        `    digest    cold ${f0(d.cold.ms)} ms in ingestAll (${f0((totalItems / d.cold.ms) * 1000)} items/s), ${f0(d.cold.wallMs)} ms as a process (CPU ${f0(d.cold.processCpuMs)} ms), ${d.cold.stored} stored (others merged as near-duplicates), peak RSS ${mb(d.cold.maxRssKb)}`,
        `              warm ${f0(d.warm.ms)} ms in ingestAll, ${f0(d.warm.wallMs)} ms as a process (${JSON.stringify(d.warm.statuses)}), peak RSS ${mb(d.warm.maxRssKb)}`,
      );
      if (s.r2e && s.ratios) {
        lines.push(
          `    rss2email cold ${f0(s.r2e.cold.wallMs)} ms (${f0((totalItems / s.r2e.cold.wallMs) * 1000)} items/s, CPU ${f0(s.r2e.cold.cpuMs)} ms), ${s.r2e.cold.seen} entries, peak RSS ${mb(s.r2e.cold.maxRssKb)}`,
          `              warm ${f0(s.r2e.warm.wallMs)} ms, peak RSS ${mb(s.r2e.warm.maxRssKb)}`,
          `    ratio rss2email ÷ digest: cold ${s.ratios.coldWall.toFixed(1)}× (process wall), ${s.ratios.coldCpu.toFixed(1)}× (process CPU), ${s.ratios.coldIngest.toFixed(1)}× (vs ingestAll); warm ${s.ratios.warmWall.toFixed(1)}× (process wall), ${s.ratios.warmIngest.toFixed(1)}× (vs ingestAll)`,
        );
      }
    }
    const warmMet = local.digest.warm.ms < TARGET_WARM_MS;
    lines.push(`  target warm < ${TARGET_WARM_MS} ms (ingestAll, local): ${f0(local.digest.warm.ms)} ms — ${warmMet ? 'met' : 'NOT met'}`);
    if (local.ratios && remote.ratios) {
      const met = (r: number) => (r >= TARGET_COLD_RATIO ? 'met' : 'NOT met');
      lines.push(
        `  target cold ≥ ${TARGET_COLD_RATIO}× rss2email (process wall): local ${local.ratios.coldWall.toFixed(1)}× — ${met(local.ratios.coldWall)}; with ${LATENCY_MS} ms latency ${remote.ratios.coldWall.toFixed(1)}× — ${met(remote.ratios.coldWall)}`,
      );
    } else {
      lines.push('  rss2email (r2e) not installed: no baseline (scripts/install-system-deps.sh installs it)');
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    const out = join(ROOT, 'out/bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'ingest.json'),
      `${JSON.stringify(
        {
          feeds: FEEDS,
          itemsPerFeed: ITEMS,
          gbkFeeds: GBK_FEEDS,
          latencyMs: LATENCY_MS,
          targets: { coldRatio: TARGET_COLD_RATIO, warmMs: TARGET_WARM_MS },
          scenarios: [local, remote],
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
