#!/usr/bin/env node
// The `digest` command. It runs the bundle in dist/ (made by `npm install` or
// `npm run build`, see scripts/build.mjs) when that is current with src/, and
// the TypeScript sources through tsx otherwise: a fresh clone works right
// after `npm install`, an edited source is never shadowed by an old build,
// and the usual case starts fast (tsx costs about 0.7 s and 35 MB).
import { readFileSync, readdirSync, statSync } from 'node:fs';

const src = new URL('../src/', import.meta.url);
const dist = new URL('../dist/', import.meta.url);

/** Whether dist/ was built from src/ as it is now: no source file newer than the build, none added or removed. */
function buildIsCurrent() {
  let build;
  try {
    build = JSON.parse(readFileSync(new URL('build.json', dist), 'utf8'));
  } catch {
    return false;
  }
  let count = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const url = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
      if (entry.isDirectory()) {
        if (!walk(url)) return false;
        continue;
      }
      count++;
      if (statSync(url).mtimeMs >= build.startedAt) return false;
    }
    return true;
  };
  return walk(src) && count === build.sourceFiles;
}

let entry = new URL('cli.js', dist);
// DIGEST_FROM_SOURCE=1 runs the sources even when the build is current.
if (process.env.DIGEST_FROM_SOURCE || !buildIsCurrent()) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('cli.ts', src);
} else {
  // The bundle's copies of rule data and preview assets (src/assets.ts).
  globalThis.digestAssetRoot = dist;
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
