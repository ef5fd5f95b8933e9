/**
 * The `digest` command line: finds the command module (src/cli/commands/<name>.ts),
 * parses its options, opens the context, runs it and prints its summary (text,
 * or one JSON object with --json). Exit codes: 0 success (also "nothing new"),
 * 1 failure, 2 bad usage/config.
 */
import { existsSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DigestError, errorMessage } from './errors.ts';
import type { Command, OptionValues } from './cli/command.ts';
import type { CommandContext as Context } from './cli/context.ts';
import { startParseWorkersEarly } from './ingest/index.ts';

const COMMANDS_DIR = new URL('./cli/commands/', import.meta.url);
// .ts when running the sources (tsx), .js when running the build in dist/.
const EXT = import.meta.url.slice(import.meta.url.lastIndexOf('.'));

/**
 * Commands that parse feeds. Their parse workers start before anything else
 * is loaded (the context — config, validation, store — is imported only after),
 * so that a worker's ~0.2 s of loading passes beside the CLI's own.
 */
const INGESTING_COMMANDS = ['ingest', 'run'];

const GLOBAL_OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!/^[a-z-]+$/.test(name) || !existsSync(new URL(`${name}${EXT}`, COMMANDS_DIR))) return undefined;
  return ((await import(new URL(`${name}${EXT}`, COMMANDS_DIR).href)) as { command: Command }).command;
}

async function usage(): Promise<string> {
  const names = readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith(EXT))
    .map((f) => f.slice(0, -EXT.length))
    .sort();
  const lines: string[] = [];
  for (const name of names) lines.push(...((await loadCommand(name))?.usage ?? []).map((u) => `  ${u}`));
  return `digest — daily digest newsletter generator

Usage:
${lines.join('\n')}

Global options:
  --config FILE   configuration (default config/digest.yaml, or $DIGEST_CONFIG)
  --json          print one JSON summary object on stdout
  -h, --help      this help
`;
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // The command is the first word that is not an option or the value of --config.
  const name = argv.find((a, i) => !a.startsWith('-') && argv[i - 1] !== '--config');
  if (!name || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(await usage());
    return name || argv.length ? 0 : 2;
  }
  if (INGESTING_COMMANDS.includes(name)) startParseWorkersEarly();
  const command = await loadCommand(name);
  if (!command) {
    process.stderr.write(`digest: unknown command "${name}"\nRun digest --help for the list of commands.\n`);
    return 2;
  }
  let values: OptionValues;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`digest ${name}: ${errorMessage(err)}\nUsage: ${command.usage.join('\n       ')}\n`);
    return 2;
  }
  const args = positionals.slice(positionals.indexOf(name) + 1);
  const json = !!values.json;
  let ctx: Context | undefined;
  try {
    const { openContext } = await import('./cli/context.ts');
    ctx = openContext({ config: values.config as string | undefined, json }, (line) => process.stderr.write(`${line}\n`));
    const { summary, lines } = await command.run(ctx, args, values);
    if (json) process.stdout.write(`${JSON.stringify({ command: name, ok: true, ...summary })}\n`);
    else process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (err) {
    const code = err instanceof DigestError ? err.exitCode : 1;
    const hint = err instanceof DigestError ? err.hint : undefined;
    if (json) process.stdout.write(`${JSON.stringify({ command: name, ok: false, error: errorMessage(err), hint })}\n`);
    process.stderr.write(`digest ${name}: ${errorMessage(err)}${hint ? `\n  → ${hint}` : ''}\n`);
    if (!(err instanceof DigestError) && process.env.DIGEST_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return code;
  } finally {
    if (!command.longRunning) ctx?.store.close();
  }
}
