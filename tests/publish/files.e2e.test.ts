/**
 * Atomic writes: a reader polling a feed while another process rewrites it
 * only ever sees a whole old or a whole new file; a failed write leaves the
 * old file and no temp file; unchanged content is not rewritten.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { test } from 'vitest';
import { sweepStaleTemps, writeAtomic, writeIfChanged } from '../../src/util/fs.ts';
import { ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

test('a reader never sees a half-written file while another process rewrites it', async () => {
  const dir = tempDir();
  const target = join(dir, 'feed.xml');
  // Two large, distinct contents: a torn read would be neither.
  const size = 2 * 1024 * 1024;
  writeFileSync(target, 'A'.repeat(size));
  const writer = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `
      import { writeAtomic } from ${JSON.stringify(join(ROOT, 'src/util/fs.ts'))};
      for (let i = 0; i < 60; i++) writeAtomic(${JSON.stringify(target)}, (i % 2 ? 'A' : 'B').repeat(${size}));
    `,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  writer.stderr.on('data', (d: Buffer) => (stderr += d));
  let exited: number | null | undefined;
  writer.on('exit', (code) => (exited = code));
  let reads = 0;
  const seen = new Set<string>();
  while (exited === undefined) {
    const text = readFileSync(target, 'latin1');
    assert.equal(text.length, size, `read ${reads}: a torn file of ${text.length} bytes`);
    assert.ok(text[0] === text[size - 1] && (text[0] === 'A' || text[0] === 'B'), `read ${reads}: mixed content`);
    seen.add(text[0]!);
    reads++;
    await tick();
  }
  assert.equal(exited, 0, stderr);
  assert.ok(reads > 10, `only ${reads} reads happened`);
  assert.deepEqual(readdirSync(dir), ['feed.xml'], 'no temp file left behind');
});

test('a write that fails leaves what was there and no temp file', () => {
  const dir = tempDir();
  const target = join(dir, 'issues');
  mkdirSync(join(target, '2024-07-15'), { recursive: true });
  // Renaming a file over a non-empty directory fails.
  assert.throws(() => writeAtomic(target, 'x'));
  assert.ok(statSync(target).isDirectory());
  assert.deepEqual(readdirSync(dir), ['issues']);
});

test('writeIfChanged: same content keeps the file (and its mtime); new content replaces it', () => {
  const dir = tempDir();
  const path = join(dir, 'atom.xml');
  assert.equal(writeIfChanged(path, 'one'), true);
  const old = new Date('2024-01-01T00:00:00Z');
  utimesSync(path, old, old);
  assert.equal(writeIfChanged(path, 'one'), false);
  assert.equal(statSync(path).mtimeMs, old.getTime());
  assert.equal(writeIfChanged(path, 'two'), true);
  assert.equal(readFileSync(path, 'utf8'), 'two');
  assert.notEqual(statSync(path).mtimeMs, old.getTime());
});

test('sweepStaleTemps removes only old temp files of a crashed writer', () => {
  const dir = tempDir();
  const stale = '.feed.xml.4242.1720000000000.tmp';
  const fresh = '.atom.xml.4243.1720000001000.tmp';
  for (const f of [stale, fresh, 'feed.xml', '.htaccess']) writeFileSync(join(dir, f), 'x');
  const now = Date.now();
  const old = new Date(now - 2 * 60 * 60 * 1000);
  utimesSync(join(dir, stale), old, old);
  assert.deepEqual(sweepStaleTemps(dir, now), [stale]);
  assert.ok(!existsSync(join(dir, stale)));
  assert.deepEqual(readdirSync(dir).sort(), [fresh, '.htaccess', 'feed.xml'].sort());
  assert.deepEqual(sweepStaleTemps(join(dir, 'missing'), now), []);
});
