/**
 * The two stores the CLI end-to-end tests run on (issue 20): the SQLite file
 * the sample configuration names, or a fresh PostgreSQL database of this test
 * file's throwaway cluster (tests/helpers/postgres.ts), given to the CLI as
 * `$DIGEST_STORE_URL` (which wins over `store.path`). Use it with
 * `describe.each(CLI_STORES)('$store store', …)` and read what the CLI wrote
 * through `openStore(where)` and the repositories, never SQL on the file.
 */
import { join } from 'node:path';
import { freshDatabase } from './postgres.ts';

/** Where one test's CLI keeps its store. */
export interface CliStoreLocation {
  /** What `openStore` opens: the SQLite file, or the PostgreSQL URL. */
  where: string;
  /** The environment for `runCli`: the given one, plus `DIGEST_STORE_URL` on PostgreSQL. */
  env: Record<string, string>;
}

/** One backend of the CLI tests. */
export interface CliStore {
  store: 'sqlite' | 'postgres';
  /**
   * The store of a test whose configuration is in `dir` (sampleConfig's
   * `store.path` is `dir/digest.db`), with `env` (e.g. DIGEST_NOW) added to.
   * On PostgreSQL each call creates a new database.
   */
  location(dir: string, env?: Record<string, string>): Promise<CliStoreLocation>;
}

/** Both backends: the configured SQLite file, and a fresh PostgreSQL database per call. */
export const CLI_STORES: CliStore[] = [
  { store: 'sqlite', location: async (dir, env = {}) => ({ where: join(dir, 'digest.db'), env: { ...env } }) },
  {
    store: 'postgres',
    location: async (_dir, env = {}) => {
      const url = await freshDatabase();
      return { where: url, env: { ...env, DIGEST_STORE_URL: url } };
    },
  },
];
