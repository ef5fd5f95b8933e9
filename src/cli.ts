/**
 * The `digest` command line: parses arguments, opens the context, runs a
 * command and prints its summary (text, or one JSON object with --json).
 * Exit codes: 0 success (also "nothing new"), 1 failure, 2 bad usage/config.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DigestError, UsageError, errorMessage } from './errors.ts';
import { openContext, type Context } from './cli/context.ts';
import { buildStep, ingestStep, issueDate, seedSubscribers, sendStep, type BuildSummary, type SendSummary } from './cli/cycle.ts';
import { importFiles } from './cli/import.ts';
import { progressReporter } from './cli/progress.ts';
import type { SourceReport } from './ingest/index.ts';
import { parseIssueDate } from './schedule/time.ts';

const USAGE = `digest — daily digest newsletter generator

Usage:
  digest run [--date YYYY-MM-DD] [--no-send] [--force] [--json]   one full cycle: ingest, build, publish, send
  digest ingest [--json]                                          fetch feeds and inbox items into the store
  digest build [--date D] [--json]                                (re)build and publish the issue of D (default today)
  digest send [--issue D] [--to ADDRESS] [--json]                 send the issue of D; --to sends one test copy only
  digest import FILE… [--json]                                    import editor items (.md with front matter, or plain text)
  digest subscribers add EMAIL [NAME] | remove EMAIL | list | import FILE.csv

Global options:
  --config FILE   configuration (default config/digest.yaml, or $DIGEST_CONFIG)
  --json          print one JSON summary object on stdout
  -h, --help      this help
`;

const OPTIONS = {
  config: { type: 'string' },
  date: { type: 'string' },
  issue: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  'no-send': { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function formatIngest(reports: SourceReport[]): string[] {
  return reports.map((r) =>
    r.status === 'failed' || r.status === 'gone' || r.status === 'disabled'
      ? `  ✗ ${r.id}: ${r.status} — ${r.error}`
      : `  ✓ ${r.id}: ${r.status}, ${r.new} new, ${r.duplicate} duplicate${r.merged ? `, ${r.merged} merged` : ''}`,
  );
}

function formatBuild(b: BuildSummary): string[] {
  if (b.status === 'empty') return [`issue ${b.date}: nothing new to publish (skipped; use --force to publish an empty issue)`];
  const head = b.status === 'exists' ? `issue ${b.date} exists already (not rebuilt)` : `issue ${b.date} ${b.status}`;
  const lines = [`${head}: 第${b.numbering?.number}期（总第${b.numbering?.totalNumber}期）`];
  lines.push(...Object.entries(b.sections).map(([title, n]) => `  ${title}: ${n}`));
  if (b.overflow) lines.push(`  overflow (over section caps, kept for the next issue): ${b.overflow}`);
  if (b.unplaced) lines.push(`  unplaced (no section matched): ${b.unplaced}`);
  if (b.files.length) lines.push(`files written: ${b.files.length}`, ...b.files.map((f) => `  ${f}`));
  return lines;
}

function formatSend(s: SendSummary): string[] {
  return [
    `send ${s.date} via ${s.transport}: ${s.submitted} submitted, ${s.retried} retried, ${s.failed} failed` +
      (s.alreadySent ? `, ${s.alreadySent} already sent earlier (not sent again)` : ''),
  ];
}

async function runCommand(command: string, args: string[], values: Values, ctx: Context): Promise<{ summary: unknown; lines: string[] }> {
  const date = values.date ? parseIssueDate(values.date) : undefined;
  switch (command) {
    case 'ingest': {
      const sources = await ingestStep(ctx);
      return { summary: { sources }, lines: ['ingest:', ...formatIngest(sources)] };
    }
    case 'build': {
      const build = await buildStep(ctx, issueDate(ctx, date), { rebuild: true, force: values.force });
      return { summary: { build }, lines: formatBuild(build) };
    }
    case 'send': {
      if (values.to) {
        const { sendTest } = await import('./cli/send-test.ts');
        const result = await sendTest(ctx, issueDate(ctx, values.issue ? parseIssueDate(values.issue) : undefined), values.to);
        return { summary: { test: result }, lines: [`test copy of ${result.date} sent to ${result.to} via ${result.transport} (delivery records untouched)`] };
      }
      seedSubscribers(ctx);
      const d = issueDate(ctx, values.issue ? parseIssueDate(values.issue) : date);
      const send = await sendStep(ctx, d, progressReporter(ctx.json));
      return { summary: { send }, lines: formatSend(send) };
    }
    case 'run': {
      seedSubscribers(ctx);
      const sources = await ingestStep(ctx);
      const d = issueDate(ctx, date);
      const build = await buildStep(ctx, d, { force: values.force });
      const lines = ['ingest:', ...formatIngest(sources), ...formatBuild(build)];
      let send: SendSummary | null = null;
      if (build.status !== 'empty' && !values['no-send']) {
        send = await sendStep(ctx, d, progressReporter(ctx.json));
        lines.push(...formatSend(send));
      }
      return { summary: { sources, build, send }, lines };
    }
    case 'import': {
      if (!args.length) throw new UsageError('digest import needs at least one FILE', 'e.g. digest import config/samples/inbox/*.md');
      const result = importFiles(ctx, args);
      return { summary: { import: result }, lines: result.map((r) => (r.error ? `  ✗ ${r.file}: ${r.error}` : `  ✓ ${r.file}: ${r.new} new, ${r.duplicate} duplicate`)) };
    }
    case 'subscribers': {
      const { subscribersCommand } = await import('./cli/subscribers.ts');
      return subscribersCommand(ctx, args);
    }
    default:
      throw new UsageError(`unknown command "${command}"`, 'run digest --help for the list of commands');
  }
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (err) {
    process.stderr.write(`digest: ${errorMessage(err)}\nRun digest --help for usage.\n`);
    return 2;
  }
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const log = (line: string) => process.stderr.write(line + '\n');
  let ctx: Context | undefined;
  try {
    ctx = openContext({ config: values.config, json: values.json }, log);
    const { summary, lines } = await runCommand(command, args, values, ctx);
    if (values.json) process.stdout.write(JSON.stringify({ command, ok: true, ...(summary as object) }) + '\n');
    else process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } catch (err) {
    const code = err instanceof DigestError ? err.exitCode : 1;
    const hint = err instanceof DigestError && err.hint ? `\n  → ${err.hint}` : '';
    if (values.json) process.stdout.write(JSON.stringify({ command, ok: false, error: errorMessage(err), hint: (err as DigestError).hint }) + '\n');
    process.stderr.write(`digest ${command}: ${errorMessage(err)}${hint}\n`);
    if (!(err instanceof DigestError) && process.env.DIGEST_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return code;
  } finally {
    ctx?.store.close();
  }
}

/** The package version (for --version and User-Agent defaults). */
export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
