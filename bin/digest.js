#!/usr/bin/env node
// The `digest` command. It runs the bundle in dist/ (made by `npm install` or
// `npm run build`, see scripts/build.mjs) when that is current with src/, and
// the TypeScript sources through tsx otherwise: a fresh clone works right
// after `npm install`, an edited source is never shadowed by an old build,
// and the usual case starts fast (tsx costs about 0.7 s and 35 MB).
import { buildIsCurrent } from './build-state.js';

const src = new URL('../src/', import.meta.url);
const dist = new URL('../dist/', import.meta.url);

let entry = new URL('cli.js', dist);
// DIGEST_FROM_SOURCE=1 runs the sources even when the build is current.
if (process.env.DIGEST_FROM_SOURCE || !buildIsCurrent(src, dist)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('cli.ts', src);
} else {
  // The bundle's copies of rule data and preview assets (src/assets.ts).
  globalThis.digestAssetRoot = dist;
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
