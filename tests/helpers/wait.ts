/**
 * Waiting for a condition instead of for a time: tests poll until what they
 * expect holds, with a deadline generous enough for a loaded machine that
 * only guards against a hang (150 s: a 2-core machine under heavy load
 * can take a minute for what takes seconds when quiet; the e2e test timeout is 180 s).
 */

/** Resolve once `condition()` is true (polled every `everyMs`); reject naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 150_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Assert that every one of `parts` occurs in `text`, in this order (a missing part fails, unlike comparing indexOf). */
export function assertInOrder(text: string, parts: string[], message = 'in order'): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    if (at < 0) throw new Error(`${message}: "${part}" not found${from ? ' after the previous part' : ''}`);
    from = at + part.length;
  }
}
