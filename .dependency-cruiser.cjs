/**
 * The layering of ../GUIDE (README "Layers"): a module imports only from its
 * own layer or lower. Lowest first:
 *   1  src/types.ts, src/errors.ts, src/log.ts, src/assets.ts (shared basics)
 *   2  src/config/, src/store/
 *   3  src/section/, src/render/ (pure stages)
 *   4  src/ingest/, src/publish/, src/deliver/ (effects)
 *   5  src/cycle/ (the cycle, once)
 *   6  src/schedule/, src/serve/, src/preview/, src/cli/, src/cli.ts (entry points)
 * `npm run lint` runs `depcruise src`; CI runs it through `npm test`.
 */
const LAYERS = [
  ['^src/(types|errors|log|assets)\\.ts$'],
  ['^src/config/', '^src/store/'],
  ['^src/section/', '^src/render/'],
  ['^src/ingest/', '^src/publish/', '^src/deliver/'],
  ['^src/cycle/'],
  ['^src/schedule/', '^src/serve/', '^src/preview/', '^src/cli/', '^src/cli\\.ts$'],
];

/**
 * Wrong-way imports that existed when this check was introduced; the
 * architecture issue removes them. Add none: a new one fails CI.
 */
const KNOWN_EXCEPTIONS = [
  { layer: 2, from: '^src/config/schema\\.ts$', to: ['^src/schedule/time\\.ts$'] },
  { layer: 2, from: '^src/config/load\\.ts$', to: ['^src/section/(rules|defaults)\\.ts$'] },
  { layer: 2, from: '^src/store/training\\.ts$', to: ['^src/section/learned\\.ts$'] },
  { layer: 3, from: '^src/section/labelled\\.ts$', to: ['^src/ingest/(item|inbox)\\.ts$'] },
  { layer: 3, from: '^src/render/personalize\\.ts$', to: ['^src/ingest/normalize\\.ts$'] },
  { layer: 4, from: '^src/deliver/lock\\.ts$', to: ['^src/schedule/lock\\.ts$'] },
];

const higher = (i) => LAYERS.slice(i + 1).flat();

module.exports = {
  forbidden: [
    ...LAYERS.flatMap((paths, i) =>
      i === LAYERS.length - 1
        ? []
        : [
            {
              name: `layer-${i + 1}-imports-higher`,
              comment: `layer ${i + 1} (${paths.join(', ')}) may import only its own layer or lower`,
              severity: 'error',
              from: { path: paths, pathNot: KNOWN_EXCEPTIONS.map((e) => e.from) },
              to: { path: higher(i) },
            },
          ],
    ),
    ...KNOWN_EXCEPTIONS.map((e, n) => ({
      name: `known-exception-${n + 1}`,
      comment: 'a known wrong-way import: only the targets it had may stay',
      severity: 'error',
      from: { path: e.from },
      to: { path: higher(e.layer - 1), pathNot: e.to },
    })),
    {
      name: 'no-circular',
      severity: 'warn',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^src/preview/assets/' },
  },
};
