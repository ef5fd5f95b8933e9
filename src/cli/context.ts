/**
 * The wiring point: configuration, store and clock are created here and
 * handed to the cycle and the other entry points. Nothing else reads config.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../config/index.ts';
import type { Context } from '../cycle/index.ts';
import { isPostgresUrl, openStore } from '../store/index.ts';

/** What a command gets: the cycle's context plus the CLI's own flags. */
export interface CommandContext extends Context {
  /** `--json`: print one JSON summary object on stdout. */
  json: boolean;
  /** The config file in force, re-read on demand (the preview reloads it when it changes). */
  reloadConfig: () => Context['config'];
}

/**
 * Where the store lives: `$DIGEST_STORE_URL` (when set, it wins: one
 * configuration file can serve a test or a second machine), else
 * `store.url` (PostgreSQL), else the SQLite file `store.path`.
 */
export function storeLocation(config: Context['config'], env: NodeJS.ProcessEnv = process.env): string {
  return env.DIGEST_STORE_URL || config.store.url || resolve(config.store.path);
}

/** Open config and store. `DIGEST_NOW` (ISO) fixes the clock for tests and back-fills. */
export function openContext(opts: { config?: string; json?: boolean }, log: (line: string) => void): CommandContext {
  const config = loadConfig(opts.config);
  const location = storeLocation(config);
  const store = openStore(location);
  const fixed = process.env.DIGEST_NOW ? new Date(process.env.DIGEST_NOW) : null;
  if (fixed && Number.isNaN(fixed.getTime())) throw new Error(`DIGEST_NOW="${process.env.DIGEST_NOW}" is not an ISO time`);
  const file = config.configPath;
  return {
    config,
    store,
    storeUrl: isPostgresUrl(location) ? location : undefined,
    now: () => fixed ?? new Date(),
    log,
    json: !!opts.json,
    reloadConfig: () => (file ? loadConfig(file) : config),
  };
}
