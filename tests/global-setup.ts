/**
 * Before any test: bring the bundle (dist/) up to date with src/, as
 * `npm install` does, so the tests that start the real CLI run what users run
 * (bin/digest.js would otherwise fall back to the sources through tsx, about
 * a second slower per start, after any edit).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** vitest globalSetup: build dist/ once per test run (under a second). */
export default function buildBundle(): void {
  const script = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('npm run build failed: the CLI tests need a current dist/');
}
