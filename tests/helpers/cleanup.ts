/**
 * Cleanup for helpers (temp folders, servers, stores) that runs after the
 * test file's last test, through the afterAll hook that `tests/setup.ts`
 * registers in every file. Not per test: vitest's global onTestFinished
 * attaches to whichever test is current, which in a concurrent suite may be
 * another test (removing a folder a running test still uses). Tests that want
 * cleanup at their own end use their context's `t.onTestFinished`.
 */
const pending: (() => unknown)[] = [];

/** Run `fn` after the current test file finishes. */
export function afterFile(fn: () => unknown): void {
  pending.push(fn);
}

/** Run (last registered first) every cleanup registered with afterFile. Called by tests/setup.ts. */
export async function runFileCleanups(): Promise<void> {
  while (pending.length) await pending.pop()!();
}
