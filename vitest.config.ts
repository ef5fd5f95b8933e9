/**
 * Two projects, run one after the other (sequence.groupOrder):
 *  - unit: pure code and in-memory SQLite, many files in parallel;
 *  - e2e (`*.e2e.test.ts`): tests that start processes, servers (HTTP, SMTP),
 *    worker threads or Chromium. They run after the unit tests with fewer
 *    files at once, so that a 2-core machine is not asked to start several
 *    CLIs and browsers together; none of them depends on how fast it runs.
 * `tests/setup.ts` runs cleanups registered outside a test after each file;
 * `tests/global-setup.ts` brings dist/ up to date first (the CLI tests run it).
 */
import { defineConfig } from 'vitest/config';

const E2E = 'tests/**/*.e2e.test.ts';

export default defineConfig({
  test: {
    setupFiles: ['tests/setup.ts'],
    globalSetup: ['tests/global-setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'out/coverage',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: [E2E],
          // Files share a worker's module cache instead of importing everything again per file: 3× faster
          // (about 44 s → 14 s on 2 cores). Tests keep no state in modules; helpers that do (tests/helpers/
          // postgres.ts) reset it in their per-file cleanup.
          isolate: false,
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [E2E],
          // As for unit tests: the servers, processes and browsers a file starts are its own and end with it.
          isolate: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
