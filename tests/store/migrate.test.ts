import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Open the store at `path` at the instant `at` (ms since epoch) in a process of its own; resolves with its exit code and stderr. */
function openInChild(path: string, at: number): Promise<{ code: number | null; stderr: string }> {
  const script = `const { openStore } = await import(${JSON.stringify(join(ROOT, 'src/store/index.ts'))});
    while (Date.now() < ${at});
    openStore(${JSON.stringify(path)}).close();`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('processes opening a new store at the same moment each migrate it once, without errors', async () => {
  const dir = tempDir();
  for (let round = 0; round < 3; round++) {
    const path = join(dir, `race-${round}.db`);
    // Loaded first, then all open at the same instant.
    const at = Date.now() + 2500;
    const results = await Promise.all(Array.from({ length: 4 }, () => openInChild(path, at)));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const store = openStore(path);
    const tables = store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'issue_renders'").get() as { n: number };
    assert.equal(tables.n, 1);
    store.close();
  }
});
