/**
 * Send progress: a bar on a terminal, plain lines (every 10%) otherwise.
 * Written to stderr so `--json` output stays one object on stdout.
 */

/** A progress callback for the send loop, or undefined when nothing should be shown. */
export function progressReporter(json: boolean): ((done: number, total: number) => void) | undefined {
  const tty = process.stderr.isTTY;
  let lastStep = -1;
  return (done, total) => {
    if (total <= 0) return;
    if (tty && !json) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      if (done >= total) process.stderr.write('\n');
      return;
    }
    const step = Math.floor((done / total) * 10);
    if (step !== lastStep) {
      lastStep = step;
      process.stderr.write(`send progress: ${done}/${total}\n`);
    }
  };
}
