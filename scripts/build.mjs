#!/usr/bin/env node
/**
 * Bundle src/ into plain JavaScript in dist/ with esbuild (run by
 * `npm install` as the `prepare` script, and by `npm run build`; < 1 s).
 *
 * Why: through tsx the CLI starts in about 1.1 s and 120 MB, from tsc's
 * one-file-per-module output in 0.6 s, bundled in 0.35 s and 85 MB (Node 20's
 * ES module loader pays per file, and tsx per file again). That start-up is
 * most of a warm `digest ingest` and a third of a send's memory.
 *
 * Each command stays its own entry (dist/cli/commands/<name>.js, found by file
 * name like the sources), sharing chunks, so a command loads only what it
 * uses. Three packages stay in node_modules: better-sqlite3 (native), mjml
 * (large, loaded only to render) and iconv-lite (its charset tables load one
 * by one when needed; bundled, every start would parse all 550 KB of them). Files of src/ that are not TypeScript (rule data, preview
 * assets) are copied to the same paths, the rule data also as JSON; bin/digest.js tells the bundle where
 * (src/assets.ts). The CLI runs dist/ only while it is current with src/ and
 * the sources through tsx otherwise (bin/digest.js), so an edit is never
 * shadowed by an old build. Written to dist.tmp/ and swapped in whole.
 */
import { build } from 'esbuild';
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');
const tmp = join(root, 'dist.tmp');

/** Every file under `dir`, relative to it. */
function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

const started = Date.now();
const files = walk(src);
rmSync(tmp, { recursive: true, force: true });
try {
  await build({
    // The CLI, each command, and the feed-parsing worker (src/ingest/parse-pool.ts starts it by path).
    entryPoints: [
      join(src, 'cli.ts'),
      join(src, 'ingest', 'parse-worker.ts'),
      ...files.filter((f) => f.startsWith(join('cli', 'commands')) && f.endsWith('.ts')).map((f) => join(src, f)),
    ],
    outdir: tmp,
    outbase: src,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', 'mjml', 'iconv-lite'],
    // Bundled CommonJS packages call require() for Node's own modules.
    banner: { js: "import { createRequire as __digestRequire } from 'node:module'; const require = __digestRequire(import.meta.url);" },
    logLevel: 'warning',
  });
} catch {
  rmSync(tmp, { recursive: true, force: true });
  console.error('digest build failed (above); the CLI runs from src/ through tsx until a build succeeds');
  process.exit(1);
}
for (const file of files.filter((f) => !f.endsWith('.ts'))) cpSync(join(src, file), join(tmp, file));
// The section rule data pre-parsed: JSON.parse is ~1 ms, the YAML parser ~35 ms of every start (src/section/defaults.ts).
const { parse: parseYaml } = await import('yaml');
const ruleData = join('section', 'rule-data');
writeFileSync(join(tmp, `${ruleData}.json`), JSON.stringify(parseYaml(readFileSync(join(src, `${ruleData}.yaml`), 'utf8'))));
// What bin/digest.js compares src/ with: when the build started, and how many files it had.
writeFileSync(join(tmp, 'build.json'), `${JSON.stringify({ startedAt: started, sourceFiles: files.length })}\n`);
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
console.log(`digest build: src/ → dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
