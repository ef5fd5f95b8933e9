/**
 * Graceful shutdown: the first SIGTERM/SIGINT asks the work to stop at a safe
 * point (a send finishes the recipient in flight); a second one exits at once —
 * safe too, since the delivery ledger marks a message `sending` before it goes
 * out, and the next start resumes from there.
 */
import type { Logger } from '../log.ts';

/** Call `onStop` on the first SIGTERM or SIGINT. Returns a function that removes the handlers. */
export function onShutdownSignals(onStop: (signal: NodeJS.Signals) => void, log: Logger): () => void {
  let seen = false;
  const handler = (signal: NodeJS.Signals) => {
    if (seen) {
      log.warn(`${signal} again: exiting now; the next start resumes from the delivery ledger`);
      process.exit(1);
    }
    seen = true;
    log.info(`${signal} received: finishing the current step, then exiting`);
    onStop(signal);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
