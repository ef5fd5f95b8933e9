import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { openSqliteStore } from '../../src/store/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * Open the store at `path` in a process of its own once `go` exists; it writes `ready` when loaded.
 * Resolves with its exit code and stderr.
 */
function openInChild(path: string, ready: string, go: string): Promise<{ code: number | null; stderr: string }> {
  const script = `const { openSqliteStore } = await import(${JSON.stringify(join(ROOT, 'src/store/index.ts'))});
    const { existsSync, writeFileSync } = await import('node:fs');
    writeFileSync(${JSON.stringify(ready)}, '');
    while (!existsSync(${JSON.stringify(go)}));
    openSqliteStore(${JSON.stringify(path)}).close();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('processes opening a new store at the same moment each migrate it once, without errors', async () => {
  const dir = tempDir();
  for (let round = 0; round < 3; round++) {
    const path = join(dir, `race-${round}.db`);
    // Loaded first (each says so), then all open at the same instant (when the go file appears).
    const go = join(dir, `go-${round}`);
    const ready = Array.from({ length: 4 }, (_, i) => join(dir, `ready-${round}-${i}`));
    const children = ready.map((r) => openInChild(path, r, go));
    await waitFor(() => ready.every((r) => existsSync(r)), 'every child loaded');
    writeFileSync(go, '');
    const results = await Promise.all(children);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const store = openSqliteStore(path);
    const tables = store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'issue_renders'").get() as {
      n: number;
    };
    assert.equal(tables.n, 1);
    store.close();
  }
});
