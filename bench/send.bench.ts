/**
 * Send throughput and memory, against Postfix's smtp-sink on loopback.
 *
 * 1. digest's send loop (sendIssue: ledger writes before and after every
 *    message, the MIME composed once per issue, a pool of N connections fed
 *    by N workers) to 10,000 subscribers of a 60-item issue built from the
 *    bundled samples;
 * 2. smtp-source sending as many messages of the same size over N sessions
 *    (connections reused, -d): the practical ceiling of this machine;
 * 3. plain nodemailer sendMail per recipient, one after the other (MailComposer
 *    per message, a connection per message): the naive baseline.
 * Rounds 1–2 alternate twice (other work on the machine varies); the best of
 * each counts. Then composition alone (IssueMessage vs MailComposer), and peak
 * memory in child processes: a real `digest send` to 1,000 and to 100,000
 * subscribers, and the delivery stage alone (the send loop, nothing else of
 * digest loaded) to 100,000. Targets: ≥ 50% of smtp-source's messages/s,
 * ≥ 3× the naive baseline, peak RSS < 200 MB. Writes out/bench/send.json.
 *
 * Env: BENCH_SEND_SUBSCRIBERS (10000), BENCH_SEND_MEMORY_SUBSCRIBERS (100000),
 * BENCH_SEND_CONNECTIONS (4), BENCH_SEND_NAIVE (1000 messages).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
// Everything else is imported after the child modes below, so that a child
// measures only what it loads itself.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DATE = '2024-07-15';
// As strong as digest requires of any secret used over SMTP (32 bytes or more, not guessable).
const SECRET = 'bench-secret-kQ7vN2xR9pL4wT8zB6mC3hJ5sD1fG0aY';
const ENDPOINT = 'https://example.org/digest/unsubscribe';
const SOURCE = '/usr/sbin/smtp-source';
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

// ── Child modes, reporting their peak memory. ──
/**
 * This process's peak RSS in KB. VmHWM, not getrusage's maxrss: Linux carries
 * maxrss over exec, so a child spawned by a big process would report the
 * parent's size.
 */
function peakRssKb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}
// BENCH_SEND_TRACE=1: the --child-loop process prints its memory every 2 s (where the peak comes from).
if (process.env.BENCH_SEND_TRACE && process.argv[2]?.startsWith('--child')) {
  const mb = (n: number) => Math.round(n / 1048576);
  setInterval(() => {
    const m = process.memoryUsage();
    process.stderr.write(
      `send progress memory: rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} MB\n`,
    );
  }, 2000).unref();
}
// The delivery stage alone: the send loop over a rendered issue, with nothing else loaded.
if (process.argv[2] === '--child-loop') {
  const [db, renderedFile, url] = process.argv.slice(3) as [string, string, string];
  const { openStore } = await import('../src/store/index.ts');
  const { sendIssue } = await import('../src/deliver/index.ts');
  const { IssueMessage } = await import('../src/deliver/mime.ts');
  const { SmtpMessenger } = await import('../src/deliver/smtp.ts');
  const { signedUnsubscribeUrl } = await import('../src/deliver/unsubscribe.ts');
  const { rendered, list, connections } = JSON.parse(readFileSync(renderedFile, 'utf8'));
  const store = openStore(db);
  const messenger = new SmtpMessenger({ url, pool: true, maxConnections: connections });
  const totals = await sendIssue(
    {
      issueDate: DATE,
      message: new IssueMessage(rendered, list),
      messageIdDomain: 'example.org',
      bounceAfter: 3,
      concurrency: connections,
      retries: 3,
      retryDelayMs: 1000,
      unsubscribeUrl: (id, email) => signedUnsubscribeUrl(ENDPOINT, SECRET, id, email),
      transport: messenger.description,
      now: () => new Date(),
    },
    { deliveries: store.deliveries, subscribers: store.subscribers, messenger },
  );
  await messenger.close();
  process.stdout.write(JSON.stringify({ send: totals }));
  process.stderr.write(`PEAK_RSS_KB=${peakRssKb()}\n`);
  process.exit(0);
}

const nodemailer = (await import('nodemailer')).default;
const MailComposer = (await import('nodemailer/lib/mail-composer/index.js')).default;
const { stringify } = await import('yaml');
const { openContext } = await import('../src/cli/context.ts');
const { buildStep, ingestStep, listSettings, renderStored } = await import('../src/cycle/index.ts');
const { sendIssue } = await import('../src/deliver/index.ts');
const { IssueMessage } = await import('../src/deliver/mime.ts');
const { SmtpMessenger } = await import('../src/deliver/smtp.ts');
const { signedUnsubscribeUrl } = await import('../src/deliver/unsubscribe.ts');
const { personalize } = await import('../src/render/personalize.ts');
const { loadTemplates } = await import('../src/render/templates.ts');
const { openStore } = await import('../src/store/index.ts');

const SUBSCRIBERS = env('BENCH_SEND_SUBSCRIBERS', 10_000);
const MEMORY_SUBSCRIBERS = env('BENCH_SEND_MEMORY_SUBSCRIBERS', 100_000);
const CONNECTIONS = env('BENCH_SEND_CONNECTIONS', 4);
const NAIVE = env('BENCH_SEND_NAIVE', 1000);

const work = mkdtempSync(join(tmpdir(), 'digest-send-bench-'));
let sink: ReturnType<typeof spawn> | undefined;
const cleanup = () => {
  sink?.kill();
  rmSync(work, { recursive: true, force: true });
};
process.on('exit', cleanup);

async function startSink(): Promise<number> {
  const { startSmtpSink } = await import('./smtp-sink.ts');
  const started = await startSmtpSink();
  sink = started.process;
  return started.port;
}

// ── The issue: the bundled samples, ingested and built as `digest run` would. ──
process.env.DIGEST_NOW = '2024-07-15T00:30:00Z';
const configFile = join(work, 'digest.yaml');
const { sampleSources } = await import('../tests/helpers/config.ts');
const config = {
  store: { path: join(work, 'digest.db') },
  output: { dir: join(work, 'out') },
  render: { templates: join(ROOT, 'templates') },
  selection: { maxAgeDays: 3650 },
  sources: sampleSources(join(ROOT, 'config/samples')),
  subscribers: [],
  delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: SECRET },
};
writeFileSync(configFile, stringify(config));
const ctx = openContext({ config: configFile }, () => {});
await ingestStep(ctx);
await buildStep(ctx, DATE, { force: true });
const stored = ctx.store.issues.get(DATE)!;
const items = stored.issue.sections.reduce((n, s) => n + s.items.length, 0);
const rendered = await renderStored(ctx, stored.issue, loadTemplates(join(ROOT, 'templates')));
const list = listSettings(ctx.config);
const message = new IssueMessage(rendered, list);
ctx.store.close();
const builtDb = join(work, 'built.db');
copyFileSync(join(work, 'digest.db'), builtDb);

/** A store (copy of the built one) with `n` subscribers. */
function storeWith(path: string, n: number) {
  copyFileSync(builtDb, path);
  const store = openStore(path);
  const now = new Date().toISOString();
  store.subscribers.batch(() => {
    for (let i = 1; i <= n; i++) store.subscribers.add(`reader${i}@example.org`, i % 3 ? `读者${i}` : null, now);
  });
  return store;
}

const sample = (i: number) => ({
  email: `reader${i}@example.org`,
  name: `读者${i}`,
  messageId: `<digest-${DATE}-${i}-0a1b2c3d@example.org>`,
  unsubscribeUrl: signedUnsubscribeUrl(ENDPOINT, SECRET, i, `reader${i}@example.org`),
});
const sizes = Array.from({ length: 200 }, (_, i) => message.forRecipient(sample(i + 1), new Date()).raw.length);
const messageBytes = Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);

const port = await startSink();
const url = `smtp://127.0.0.1:${port}`;

/** digest's send loop to `SUBSCRIBERS` subscribers (a fresh ledger each round). */
async function digestRound(round: number): Promise<{ perSecond: number; seconds: number; cpuSeconds: number }> {
  const store = storeWith(join(work, `round${round}.db`), SUBSCRIBERS);
  const messenger = new SmtpMessenger({ url, pool: true, maxConnections: CONNECTIONS });
  const cpu = process.cpuUsage();
  const t = performance.now();
  const totals = await sendIssue(
    {
      issueDate: DATE,
      message,
      unsubscribeUrl: (id, email) => signedUnsubscribeUrl(ENDPOINT, SECRET, id, email),
      messageIdDomain: 'example.org',
      bounceAfter: 3,
      concurrency: CONNECTIONS,
      retries: 3,
      retryDelayMs: 1000,
      transport: messenger.description,
      now: () => new Date(),
    },
    { deliveries: store.deliveries, subscribers: store.subscribers, messenger },
  );
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  await messenger.close();
  store.close();
  if (totals.submitted !== SUBSCRIBERS || totals.failed) throw new Error(`digest round ${round}: ${JSON.stringify(totals)}`);
  return { perSecond: SUBSCRIBERS / seconds, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** smtp-source: the same number of messages of the same size over as many reused sessions. */
function sourceRound(): { perSecond: number; seconds: number } {
  const t = performance.now();
  const r = spawnSync(
    SOURCE,
    [
      '-d',
      '-s',
      String(CONNECTIONS),
      '-m',
      String(SUBSCRIBERS),
      '-l',
      String(messageBytes),
      '-f',
      'digest@example.org',
      '-t',
      'reader@example.org',
      `127.0.0.1:${port}`,
    ],
    { stdio: 'inherit' },
  );
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`smtp-source exited with ${r.status}`);
  return { perSecond: SUBSCRIBERS / seconds, seconds };
}

/** The naive way: MailComposer and a new connection per message, one after the other. */
async function naiveRound(): Promise<{ perSecond: number; seconds: number; bytes: number }> {
  const transport = nodemailer.createTransport(url);
  let bytes = 0;
  const t = performance.now();
  for (let i = 1; i <= NAIVE; i++) {
    const r = sample(i);
    const parts = personalize(rendered, { name: r.name, unsubscribeUrl: r.unsubscribeUrl });
    const info = await transport.sendMail({
      from: list.from,
      to: { name: r.name, address: r.email },
      subject: rendered.subject,
      messageId: r.messageId,
      text: parts.text,
      html: parts.html,
      headers: {
        'List-Unsubscribe': `<${r.unsubscribeUrl}>, <mailto:${list.unsubscribeMailto}?subject=unsubscribe>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    bytes = (info as { messageSize?: number }).messageSize ?? bytes;
  }
  const seconds = (performance.now() - t) / 1000;
  transport.close();
  return { perSecond: NAIVE / seconds, seconds, bytes };
}

/** Milliseconds of CPU per composed message: IssueMessage vs nodemailer's MailComposer. */
async function composeCost(): Promise<{ issueMessageMs: number; mailComposerMs: number }> {
  const n = 300;
  let t = performance.now();
  for (let i = 1; i <= n; i++) message.forRecipient(sample(i), new Date());
  const issueMessageMs = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 1; i <= n; i++) {
    const r = sample(i);
    const parts = personalize(rendered, { name: r.name, unsubscribeUrl: r.unsubscribeUrl });
    await new MailComposer({
      from: list.from,
      to: r.email,
      subject: rendered.subject,
      messageId: r.messageId,
      text: parts.text,
      html: parts.html,
    })
      .compile()
      .build();
  }
  return { issueMessageMs, mailComposerMs: (performance.now() - t) / n };
}

/**
 * Peak RSS of a child process sending to `subscribers`: the real `digest send`
 * (`cli`), or the delivery stage alone (`loop`: the send loop over the
 * rendered issue, without the rest of digest loaded).
 */
async function memoryRound(
  subscribers: number,
  mode: 'cli' | 'loop',
): Promise<{ subscribers: number; mode: string; peakMb: number; seconds: number; submitted: number }> {
  const db = join(work, `memory-${mode}-${subscribers}.db`);
  storeWith(db, subscribers).close();
  const file = join(work, `memory-${mode}-${subscribers}.${mode === 'cli' ? 'yaml' : 'json'}`);
  if (mode === 'cli')
    writeFileSync(
      file,
      stringify({ ...config, store: { path: db }, delivery: { ...config.delivery, smtp: { url, maxConnections: CONNECTIONS } } }),
    );
  else writeFileSync(file, JSON.stringify({ rendered, list, connections: CONNECTIONS }));
  const t = performance.now();
  // The real command as users run it (bin/digest.js: the bundle, which bench/run.ts builds first), under
  // /usr/bin/time for its peak RSS; or this file's --child-loop mode, which reports its own.
  const command =
    mode === 'cli'
      ? [
          '/usr/bin/time',
          ['-f', 'PEAK_RSS_KB=%M', process.execPath, join(ROOT, 'bin/digest.js'), 'send', '--issue', DATE, '--config', file, '--json'],
        ]
      : [process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child-loop', db, file, url]];
  const child = spawn(command[0] as string, command[1] as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const line of d.toString().split('\n')) if (line.startsWith('send progress')) process.stdout.write(`    ${line}\n`);
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`memory round (${mode}, ${subscribers}) exited with ${code}: ${stderr.slice(-2000)}`);
  const peakKb = Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1]);
  return {
    subscribers,
    mode,
    peakMb: peakKb / 1024,
    seconds: (performance.now() - t) / 1000,
    submitted: JSON.parse(stdout).send.submitted,
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(
  `send: ${fmt(SUBSCRIBERS)} subscribers, ${items}-item issue, ${fmt(messageBytes)}-byte messages, ${CONNECTIONS} connections, smtp-sink on 127.0.0.1:${port}`,
);

const sources: { perSecond: number; seconds: number }[] = [];
const ours: { perSecond: number; seconds: number; cpuSeconds: number }[] = [];
for (let round = 1; round <= 2; round++) {
  sources.push(sourceRound());
  console.log(`  round ${round}: smtp-source ${fmt(sources.at(-1)!.perSecond)} msg/s`);
  ours.push(await digestRound(round));
  console.log(
    `  round ${round}: digest      ${fmt(ours.at(-1)!.perSecond)} msg/s (${fmt((ours.at(-1)!.cpuSeconds * 1000) / SUBSCRIBERS, 2)} ms CPU per message)`,
  );
}
const naive = await naiveRound();
console.log(`  naive nodemailer sendMail: ${fmt(naive.perSecond)} msg/s over ${fmt(NAIVE)} messages of ${fmt(naive.bytes)} bytes`);
const compose = await composeCost();
const small = await memoryRound(1000, 'cli');
const memory = await memoryRound(MEMORY_SUBSCRIBERS, 'cli');
const loop = await memoryRound(MEMORY_SUBSCRIBERS, 'loop');

const best = (xs: { perSecond: number }[]) => Math.max(...xs.map((x) => x.perSecond));
const ceiling = best(sources);
const digest = best(ours);
const ofCeiling = digest / ceiling;
const overNaive = digest / naive.perSecond;
const checks = [
  { name: '≥ 50% of smtp-source', ok: ofCeiling >= 0.5 },
  { name: '≥ 3× the naive baseline', ok: overNaive >= 3 },
  { name: 'peak RSS of digest send < 200 MB at 100,000 subscribers', ok: memory.peakMb < 200 && MEMORY_SUBSCRIBERS >= 100_000 },
  { name: 'peak RSS of the delivery stage < 200 MB at 100,000 subscribers', ok: loop.peakMb < 200 && MEMORY_SUBSCRIBERS >= 100_000 },
];
const mark = (ok: boolean) => (ok ? '✓' : '✗');
console.log(`
  smtp-source (ceiling)        ${fmt(ceiling).padStart(7)} msg/s
  digest send                  ${fmt(digest).padStart(7)} msg/s  = ${fmt(ofCeiling * 100)}% of smtp-source  ${mark(checks[0]!.ok)} (target ≥ 50%)
  naive nodemailer sendMail    ${fmt(naive.perSecond).padStart(7)} msg/s  → digest is ${fmt(overNaive, 1)}×  ${mark(checks[1]!.ok)} (target ≥ 3×)
  composing one message        IssueMessage ${fmt(compose.issueMessageMs, 3)} ms, MailComposer ${fmt(compose.mailComposerMs, 2)} ms (${fmt(compose.mailComposerMs / compose.issueMessageMs)}× less CPU)
  digest send to ${fmt(MEMORY_SUBSCRIBERS)}: peak RSS ${fmt(memory.peakMb)} MB in ${fmt(memory.seconds)} s  ${mark(checks[2]!.ok)} (target < 200 MB)
  digest send to ${fmt(small.subscribers)}: peak RSS ${fmt(small.peakMb)} MB (start-up and the stored render, before the list matters)
  delivery stage alone to ${fmt(MEMORY_SUBSCRIBERS)}: peak RSS ${fmt(loop.peakMb)} MB in ${fmt(loop.seconds)} s  ${mark(checks[3]!.ok)} (target < 200 MB)`);

mkdirSync(join(ROOT, 'out/bench'), { recursive: true });
writeFileSync(
  join(ROOT, 'out/bench/send.json'),
  `${JSON.stringify(
    {
      subscribers: SUBSCRIBERS,
      items,
      messageBytes,
      connections: CONNECTIONS,
      smtpSource: sources,
      digest: ours,
      naive,
      compose,
      memory: [small, memory, loop],
      ratios: { ofSmtpSource: ofCeiling, overNaive },
      checks,
    },
    null,
    2,
  )}\n`,
);
if (checks.some((c) => !c.ok)) process.exitCode = 1;
sink?.kill();
