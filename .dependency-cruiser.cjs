/**
 * The layering of ../GUIDE (README "Layers"): a module imports only from its
 * own layer or lower. Lowest first:
 *   1  src/types.ts, src/errors.ts, src/log.ts, src/assets.ts, src/util/ (shared basics)
 *   2  src/config/, src/store/
 *   3  src/section/, src/render/, the feed writers of src/publish/ (pure stages)
 *   4  src/ingest/, src/publish/, src/deliver/ (effects)
 *   5  src/cycle/ (the cycle, once)
 *   6  src/schedule/, src/serve/, src/preview/, src/cli/, src/cli.ts (entry points)
 * Each stage (a folder of src/ but util/) is entered through its index.ts:
 * another stage imports only that module. Inside a stage, modules import each
 * other freely. `npm run lint` runs `depcruise src`; CI runs it through `npm test`.
 */
const LAYERS = [
  ['^src/(types|errors|log|assets)\\.ts$', '^src/util/'],
  ['^src/config/', '^src/store/'],
  ['^src/section/', '^src/render/', '^src/publish/(rss|atom|json-feed|feeds|xml|links|model)\\.ts$'],
  ['^src/ingest/', '^src/publish/', '^src/deliver/'],
  ['^src/cycle/'],
  ['^src/schedule/', '^src/serve/', '^src/preview/', '^src/cli/', '^src/cli\\.ts$'],
];

const STAGES = ['config', 'store', 'section', 'render', 'ingest', 'publish', 'deliver', 'cycle', 'schedule', 'serve', 'preview', 'cli'];

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
              from: { path: paths },
              // A pure feed writer sits below the rest of publish/, which it never imports.
              to: { path: higher(i), pathNot: i === 2 ? LAYERS[2] : undefined },
            },
          ],
    ),
    ...STAGES.map((stage) => ({
      name: `enter-${stage}-through-index`,
      comment: `other stages import src/${stage}/ only through src/${stage}/index.ts`,
      severity: 'error',
      // src/cli.ts is the CLI's own entry point, part of the cli stage.
      from: { pathNot: [`^src/${stage}/`, ...(stage === 'cli' ? ['^src/cli\\.ts$'] : [])] },
      to: { path: `^src/${stage}/`, pathNot: `^src/${stage}/index\\.ts$` },
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
