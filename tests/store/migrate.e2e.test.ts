import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { buildSync } from 'esbuild';
import { rmSync } from 'node:fs';
import { openStore, type PostgresStore, type SqliteStore } from '../../src/store/index.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/db.ts';
import { PG_MIGRATIONS } from '../../src/store/pg-schema.ts';
import { ROOT } from '../helpers/cli.ts';
import { BACKENDS } from './backends.ts';

// The store's code bundled once (plain JS loads in a fifth of the time tsx takes for the sources, and 24 processes load it).
// Inside the repository, so that the bundle finds node_modules (better-sqlite3, pg).
const bundle = join(ROOT, 'out/test-bundles', `store-${process.pid}.mjs`);
beforeAll(() => {
  buildSync({
    entryPoints: [join(ROOT, 'src/store/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: bundle,
    logLevel: 'error',
  });
});
afterAll(() => rmSync(bundle, { force: true }));

/** A process that has loaded the store's code and opens the store at `where` (a file or a database URL) on `go()`. */
interface Opener {
  /** Resolves once the process has loaded the code. */
  loaded: Promise<void>;
  /** Let it open the store now (it blocks reading stdin until then: no busy wait). */
  go(): void;
  /** Resolves with its exit code and stderr. */
  done: Promise<{ code: number | null; stderr: string }>;
}

function openInChild(where: string): Opener {
  const script = `const { openStore } = await import(${JSON.stringify(bundle)});
    const { readFileSync } = await import('node:fs');
    process.stdout.write('loaded\\n');
    readFileSync(0);
    openStore(${JSON.stringify(where)}).close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  const loaded = new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    void done.then((r) => reject(new Error(`the child exited (${r.code}) before loading: ${r.stderr}`)));
  });
  return { loaded, go: () => child.stdin.end(), done };
}

describe.each(BACKENDS)('$name store', (backend) => {
  test('processes opening a new store at the same moment each migrate it once, without errors', async () => {
    for (let round = 0; round < 3; round++) {
      const where = await backend.location();
      // Loaded first (each says so), then all open at the same instant (their stdin closes together).
      const children = Array.from({ length: 4 }, () => openInChild(where));
      await Promise.all(children.map((c) => c.loaded));
      for (const c of children) c.go();
      const results = await Promise.all(children.map((c) => c.done));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const store = openStore(where);
      if (store.dialect === 'sqlite') {
        const { db } = store as SqliteStore;
        assert.equal(db.pragma('user_version', { simple: true }), SQLITE_MIGRATIONS);
        const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'issue_renders'").get() as {
          n: number;
        };
        assert.equal(tables.n, 1);
      } else {
        const rows = (store as PostgresStore).driver.query('SELECT version FROM schema_migrations ORDER BY version').rows;
        assert.deepEqual(
          rows.map((r) => r.version),
          PG_MIGRATIONS.map((_, i) => i + 1),
        );
      }
      // The schema works: a write and a read through the repositories.
      store.subscribers.add('a@example.org', null, 't');
      assert.equal(store.subscribers.counts().active, 1);
      store.close();
    }
  });
});
