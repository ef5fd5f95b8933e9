/**
 * Send rate limits as sliding windows (listmonk's "sliding window" setting):
 * at most `limit` messages in any `windowMs` span, e.g. 10 per second and
 * 2,000 per hour. A provider's hourly quota holds for any 60 minutes, not per
 * clock hour, so a fixed window (nodemailer's rateDelta) would burst to twice
 * the quota around the turn of the hour.
 */

/** One limit: at most `limit` events in any span of `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** The last `limit` event times of one window (a ring buffer), oldest first. */
class Window {
  private readonly times: number[] = [];
  private head = 0;

  constructor(readonly rule: RateWindow) {}

  /** The earliest time a new event may happen: when the oldest of the last `limit` leaves the window. */
  earliest(): number {
    return this.times.length < this.rule.limit ? -Infinity : this.times[this.head]! + this.rule.windowMs;
  }

  record(t: number): void {
    if (this.times.length < this.rule.limit) this.times.push(t);
    else {
      this.times[this.head] = t;
      this.head = (this.head + 1) % this.rule.limit;
    }
  }
}

/**
 * Reserves send times under every window at once. Reservations never go back
 * in time, so each new one only has to clear the oldest of the last `limit`
 * in each window; the caller then waits until its time comes.
 */
export class RateLimiter {
  private readonly windows: Window[];
  private last = -Infinity;

  constructor(
    rules: RateWindow[],
    private readonly clock: () => number = () => performance.now(),
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
  ) {
    this.windows = rules
      .filter((r) => r.limit > 0 && r.windowMs > 0)
      .map((r) => new Window({ limit: Math.max(1, Math.floor(r.limit)), windowMs: r.windowMs }));
  }

  /** Is there any limit at all? */
  get limited(): boolean {
    return this.windows.length > 0;
  }

  /** Count events that happened `agoMs` before now (e.g. messages sent before a restart); oldest first. */
  seed(agoMs: number[]): void {
    const now = this.clock();
    for (const ago of agoMs) this.reserveAt(now - Math.max(0, ago));
  }

  private reserveAt(t: number): number {
    const at = Math.max(t, this.last, ...this.windows.map((w) => w.earliest()));
    for (const w of this.windows) w.record(at);
    this.last = at;
    return at;
  }

  /** How long the next message would have to wait, without reserving (for progress messages). */
  delay(): number {
    if (!this.windows.length) return 0;
    return Math.max(0, Math.max(this.last, ...this.windows.map((w) => w.earliest())) - this.clock());
  }

  /**
   * Reserve the next send time and wait for it. Resolves false (the slot is
   * given up) if `signal` aborts while waiting.
   */
  async take(signal?: AbortSignal): Promise<boolean> {
    if (!this.windows.length) return !signal?.aborted;
    const now = this.clock();
    const wait = this.reserveAt(now) - now;
    if (wait > 0) await this.sleep(wait, signal);
    return !signal?.aborted;
  }
}

/** setTimeout as a promise that also ends when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
