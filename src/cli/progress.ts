/**
 * Send progress on stderr (stdout keeps the one summary): a bar redrawn in
 * place on a terminal, plain lines otherwise (every 10%, and at least every
 * 30 s on a long send) for logs and CI.
 */

/** Format seconds as `1:05` or `1:02:05`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return (hms[0] ? [hms[0], String(hms[1]).padStart(2, '0')] : [hms[1]]).concat(String(hms[2]).padStart(2, '0')).join(':');
}

/** One progress line: counts, percentage, rate and time left. */
export function progressText(done: number, total: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const eta = rate > 0 ? formatDuration((total - done) / rate) : '?';
  return `${done}/${total} (${Math.floor((done / total) * 100)}%), ${rate.toFixed(rate < 10 ? 1 : 0)} msg/s, ${done >= total ? 'done' : `${eta} left`}`;
}

/** A progress callback for the send loop. */
export function progressReporter(
  json: boolean,
  out: { write(s: string): unknown; isTTY?: boolean } = process.stderr,
  clock: () => number = () => performance.now(),
): (done: number, total: number) => void {
  const bar = !!out.isTTY && !json;
  // The clock starts at the first report (the send loop reports 0 when it starts).
  let start = -1;
  let lastStep = -1;
  let lastDraw = -Infinity;
  return (done, total) => {
    if (total <= 0) return;
    const now = clock();
    if (start < 0) start = now;
    const finished = done >= total;
    if (bar) {
      // Redraw at most 10 times a second: a fast send reports hundreds of messages a second.
      if (!finished && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((done / total) * width);
      out.write(
        `\r\x1b[2K  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressText(done, total, now - start)}${finished ? '\n' : ''}`,
      );
      return;
    }
    const step = Math.floor((done / total) * 10);
    if (step !== lastStep || now - lastDraw >= 30_000) {
      lastStep = step;
      lastDraw = now;
      out.write(`send progress: ${progressText(done, total, now - start)}\n`);
    }
  };
}
