/**
 * The send rate limits held by all senders together (several `digest worker`s
 * on several machines): each process reserves its send times in the database
 * (src/store/send-rate.ts), a few at a time to save round trips, and waits for
 * each. The windows are the same sliding windows as the one-process limiter
 * (rate.ts), counted over every worker's reservations.
 *
 * A reserved time that passes unused by more than one slot spacing (this
 * process was busy, e.g. a slow SMTP reply) is given up rather than used
 * late: late slots would bunch up with the next ones and overrun a window.
 */
import type { RateRule, SendRateRepository } from '../store/index.ts';
import { abortableSleep } from './rate.ts';
import type { SendPacer } from './send.ts';

/** The clock a limiter waits on (tests pass a virtual one). */
export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: PacerClock = { now: () => performance.now(), sleep: abortableSleep };

/** A process's share of the database-wide send rate. */
export class SharedRateLimiter implements SendPacer {
  private readonly rules: RateRule[];
  /** Reserved send times on this process's clock, earliest first. */
  private slots: number[] = [];
  private refilling: Promise<void> | null = null;
  private readonly chunk: number;
  private readonly spacing: number;

  constructor(
    private readonly rate: SendRateRepository,
    rules: RateRule[],
    private readonly clock: PacerClock = realClock,
    /** Pass the clock's time to the database (virtual clocks in tests); by default the database's own clock decides. */
    private readonly sendNow = false,
  ) {
    this.rules = rules.filter((r) => r.limit >= 1 && r.windowMs > 0);
    // About a tenth of the tightest limit per round trip (1–50): 10/s → 1, 200/s → 20.
    const tightest = Math.min(...this.rules.map((r) => r.limit));
    this.chunk = Math.max(1, Math.min(50, Math.floor(tightest / 10)));
    this.spacing = Math.min(...this.rules.map((r) => r.windowMs / r.limit));
  }

  /** Is there any limit at all? */
  get limited(): boolean {
    return this.rules.length > 0;
  }

  /** Wait for the next send time reserved for this process; false when `signal` aborted first. */
  async take(signal?: AbortSignal): Promise<boolean> {
    if (!this.limited) return !signal?.aborted;
    for (;;) {
      if (signal?.aborted) return false;
      const at = this.slots.shift();
      if (at === undefined) {
        // One reservation at a time per process; concurrent senders wait for it.
        this.refilling ??= this.refill().finally(() => {
          this.refilling = null;
        });
        await this.refilling;
        continue;
      }
      const now = this.clock.now();
      if (now > at + this.spacing) continue; // passed unused: given up, never used late
      if (at > now) await this.clock.sleep(at - now, signal);
      return !signal?.aborted;
    }
  }

  private async refill(): Promise<void> {
    const waits = await this.rate.reserve(this.rules, this.chunk, this.sendNow ? this.clock.now() : undefined);
    const now = this.clock.now();
    this.slots.push(...waits.map((w) => now + w));
  }
}
