// Whether the bundle in dist/ is current with src/ (bin/digest.js runs it only then).
import { readFileSync, readdirSync, statSync } from 'node:fs';

/**
 * True when `dist` holds a build (build.json, written by scripts/build.mjs)
 * made from `src` as it is now: no source file modified since the build
 * started, none added or removed. Both are directory URLs ending in `/`.
 */
export function buildIsCurrent(src, dist) {
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
