import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { buildIsCurrent } from '../../bin/build-state.js';
import { tempDir } from '../helpers/tmp.ts';

const dirUrl = (path: string) => pathToFileURL(`${path}/`);

test('the bundle is current only while no source file is newer, added or removed', () => {
  const root = tempDir();
  const src = join(root, 'src');
  const dist = join(root, 'dist');
  mkdirSync(join(src, 'cli'), { recursive: true });
  mkdirSync(dist);
  const past = new Date(Date.now() - 60_000);
  for (const f of ['cli.ts', 'cli/run.ts']) {
    writeFileSync(join(src, f), '//');
    utimesSync(join(src, f), past, past);
  }
  assert.equal(buildIsCurrent(dirUrl(src), dirUrl(dist)), false, 'no build yet');
  writeFileSync(join(dist, 'build.json'), JSON.stringify({ startedAt: Date.now() - 1000, sourceFiles: 2 }));
  assert.equal(buildIsCurrent(dirUrl(src), dirUrl(dist)), true);

  writeFileSync(join(src, 'cli/run.ts'), '// edited');
  assert.equal(buildIsCurrent(dirUrl(src), dirUrl(dist)), false, 'a source edited after the build');
  utimesSync(join(src, 'cli/run.ts'), past, past);
  assert.equal(buildIsCurrent(dirUrl(src), dirUrl(dist)), true);

  writeFileSync(join(src, 'cli/new.ts'), '//');
  utimesSync(join(src, 'cli/new.ts'), past, past);
  assert.equal(buildIsCurrent(dirUrl(src), dirUrl(dist)), false, 'a source added (even with an old date)');
});

test('the bundle ships the section rule data pre-parsed, equal to the YAML it was made from', (t) => {
  const root = new URL('../../', import.meta.url);
  if (!buildIsCurrent(new URL('src/', root), new URL('dist/', root))) return t.skip('no current build (npm run build)');
  const shipped: unknown = JSON.parse(readFileSync(new URL('dist/section/rule-data.json', root), 'utf8'));
  assert.deepEqual(shipped, parseYaml(readFileSync(new URL('src/section/rule-data.yaml', root), 'utf8')));
});
