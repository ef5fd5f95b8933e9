/**
 * Sliding-window counters for the sign-up form: per client IP (bots) and per
 * address (mail-bombing someone else's mailbox). In memory: `digest serve` is
 * one process, and a restart forgetting the counts only lets a few more
 * requests through.
 */

/** Counts events per key within a sliding window. */
export class SlidingLimit {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => Date,
    /** Keys kept at most (the oldest are dropped first), so a flood of addresses cannot exhaust memory. */
    private readonly maxKeys = 100_000,
  ) {}

  /** Count an event for `key`; false when it is over the limit (then it is not counted). */
  take(key: string): boolean {
    const t = this.now().getTime();
    const recent = (this.hits.get(key) ?? []).filter((at) => at > t - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(t);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return true;
  }
}
