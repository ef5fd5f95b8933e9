/**
 * The work of one send run: the ledger's pending deliveries streamed from
 * SQLite in batches (keyset pagination, never the whole list in memory), plus
 * deliveries waiting for a retry. A temporary failure does not stall a worker
 * for the backoff: the delivery waits here (and `pending` in the ledger, so a
 * crash loses nothing) while the workers go on with other recipients.
 */
import type { DeliveryRepository, PendingDelivery, SubscriberRange } from '../store/index.ts';
import { abortableSleep } from './rate.ts';

/** A delivery in this run, with its temporary failures so far. */
export interface QueuedDelivery extends PendingDelivery {
  failures: number;
}

interface Retry {
  item: QueuedDelivery;
  dueAt: number;
}

/** Pending deliveries of one issue, in subscriber order, then retries when due. */
export class DeliveryQueue {
  private batch: QueuedDelivery[] = [];
  private index = 0;
  private after = 0;
  private exhausted = false;
  private readonly retries: Retry[] = [];
  private readonly wake = new Set<() => void>();

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly issueDate: string,
    private readonly batchSize = 500,
    private readonly clock: () => number = () => performance.now(),
    /** Called whenever a new batch is read (the run saves its counters then). */
    private readonly onBatch: () => void = () => {},
    /** Only these subscribers (one job's block of a send over the job queue); default all. */
    private readonly range?: SubscriberRange,
  ) {
    this.after = range?.after ?? 0;
  }

  /** Deliveries waiting for a retry. */
  get waiting(): number {
    return this.retries.length;
  }

  /** Take the delivery up again after `delayMs`. */
  retryLater(item: QueuedDelivery, delayMs: number): void {
    this.retries.push({ item, dueAt: this.clock() + delayMs });
    this.retries.sort((a, b) => a.dueAt - b.dueAt);
    for (const wake of this.wake) wake();
  }

  /**
   * The next delivery: a retry that is due, else the next pending one, else
   * (waiting for it) the next retry. Null when all is done or `signal` aborts.
   */
  async next(signal?: AbortSignal): Promise<QueuedDelivery | null> {
    for (;;) {
      if (signal?.aborted) return null;
      const now = this.clock();
      if (this.retries.length && this.retries[0]!.dueAt <= now) return this.retries.shift()!.item;
      const fresh = this.nextFresh();
      if (fresh) return fresh;
      if (!this.retries.length) return null;
      // Sleep until the earliest retry is due, or a new retry arrives, or the run stops.
      const stop = new AbortController();
      const onStop = () => stop.abort();
      this.wake.add(onStop);
      signal?.addEventListener('abort', onStop, { once: true });
      await abortableSleep(this.retries[0]!.dueAt - now, stop.signal);
      this.wake.delete(onStop);
      signal?.removeEventListener('abort', onStop);
    }
  }

  /** Can `next` answer without waiting: a due retry, or a pending delivery (reading the next batch if needed)? */
  ready(): boolean {
    if (this.retries.length && this.retries[0]!.dueAt <= this.clock()) return true;
    if (this.index < this.batch.length) return true;
    if (this.exhausted) return false;
    this.fill();
    return this.index < this.batch.length;
  }

  private nextFresh(): QueuedDelivery | null {
    if (this.index >= this.batch.length) {
      if (this.exhausted) return null;
      this.fill();
      if (this.exhausted) return null;
    }
    return this.batch[this.index++]!;
  }

  /** Read the next batch of pending deliveries (none left: exhausted). */
  private fill(): void {
    this.batch = this.deliveries.pending(this.issueDate, this.after, this.batchSize, this.range?.upTo).map((d) => ({ ...d, failures: 0 }));
    this.index = 0;
    this.onBatch();
    if (!this.batch.length) this.exhausted = true;
    else this.after = this.batch[this.batch.length - 1]!.subscriberId;
  }
}
