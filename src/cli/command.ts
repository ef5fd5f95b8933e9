/**
 * The shape of a CLI command module (src/cli/commands/<name>.ts). The CLI
 * finds a command by its file name, so adding a command is adding one file.
 */
import type { ParseArgsConfig } from 'node:util';
import type { CommandContext as Context } from './context.ts';

/** Parsed option values (global options plus the command's own). */
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** What a command returns: a JSON summary and the lines printed without --json. */
export interface CommandResult {
  summary: Record<string, unknown>;
  lines: string[];
}

/** A command module. */
export interface Command {
  /** One usage line per form, shown by --help. */
  usage: string[];
  /** Options of this command besides the global ones. */
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Commands that serve or wait forever (schedule, preview) set this to keep the store open themselves. */
  longRunning?: boolean;
  run(ctx: Context, args: string[], values: OptionValues): Promise<CommandResult>;
}
