import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { openStore, type PostgresStore, type SqliteStore } from '../../src/store/index.ts';
import { SQLITE_MIGRATIONS } from '../../src/store/db.ts';
import { PG_MIGRATIONS } from '../../src/store/pg-schema.ts';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { BACKENDS } from './backends.ts';

/**
 * Open the store at `where` (a file or a database URL) in a process of its own once `go` exists; it writes `ready` when loaded.
 * Resolves with its exit code and stderr.
 */
function openInChild(where: string, ready: string, go: string): Promise<{ code: number | null; stderr: string }> {
  const script = `const { openStore } = await import(${JSON.stringify(join(ROOT, 'src/store/index.ts'))});
    const { existsSync, writeFileSync } = await import('node:fs');
    writeFileSync(${JSON.stringify(ready)}, '');
    while (!existsSync(${JSON.stringify(go)}));
    openStore(${JSON.stringify(where)}).close();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe.each(BACKENDS)('$name store', (backend) => {
  test('processes opening a new store at the same moment each migrate it once, without errors', async () => {
    const dir = tempDir();
    for (let round = 0; round < 3; round++) {
      const where = await backend.location();
      // Loaded first (each says so), then all open at the same instant (when the go file appears).
      const go = join(dir, `go-${round}`);
      const ready = Array.from({ length: 4 }, (_, i) => join(dir, `ready-${round}-${i}`));
      const children = ready.map((r) => openInChild(where, r, go));
      await waitFor(() => ready.every((r) => existsSync(r)), 'every child loaded');
      writeFileSync(go, '');
      const results = await Promise.all(children);
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
