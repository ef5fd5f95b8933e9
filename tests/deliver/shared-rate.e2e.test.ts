/**
 * The send rate shared through PostgreSQL (src/store/send-rate.ts,
 * src/deliver/shared-rate.ts): three workers, each with its own database
 * connections, its own limiter and its own SMTP connection, send blocks of one
 * issue at once; the test SMTP server counts the messages it accepted in every
 * window. Time is virtual and discrete-event: it moves on only when every
 * worker is waiting for a send slot, and jumps to the earliest slot — so a
 * message is accepted at the very time its slot was reserved for, whatever
 * the machine's speed, and the count per window is exact.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'vitest';
import { sendBatch } from '../../src/deliver/index.ts';
import { IssueMessage } from '../../src/deliver/mime.ts';
import { RateLimiter } from '../../src/deliver/rate.ts';
import { type PacerClock, SharedRateLimiter } from '../../src/deliver/shared-rate.ts';
import type { SendPacer } from '../../src/deliver/send.ts';
import { signedUnsubscribeUrl } from '../../src/deliver/unsubscribe.ts';
import { loadSendRate, openStore, type RateRule } from '../../src/store/index.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { startSmtp } from '../helpers/smtp.ts';
import { fixedClock } from '../helpers/tmp.ts';
import { ENDPOINT, ISSUE, LIST, RENDERED, SECRET, smtp } from './helpers.ts';

/** Virtual time for `participants` workers: it advances only when all of them sleep, to the earliest wake-up. */
class VirtualTime {
  now = 0;
  private readonly sleepers: { at: number; wake: () => void }[] = [];
  constructor(private running: number) {}

  readonly clock: PacerClock = {
    now: () => this.now,
    sleep: (ms) =>
      new Promise<void>((wake) => {
        this.sleepers.push({ at: this.now + ms, wake });
        this.running--;
        this.advance();
      }),
  };

  /** A worker is done: it no longer holds time back. */
  leave(): void {
    this.running--;
    this.advance();
  }

  private advance(): void {
    if (this.running > 0 || !this.sleepers.length) return;
    this.sleepers.sort((a, b) => a.at - b.at);
    const next = this.sleepers.shift()!;
    this.now = Math.max(this.now, next.at);
    this.running++;
    next.wake();
  }
}

/** The most events in any span of `window` (sorted times). */
function maxInWindow(times: number[], window: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= window) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

const WORKERS = 3;
const BLOCK = 30;
const RULES: RateRule[] = [
  { limit: 20, windowMs: 1000 },
  { limit: 50, windowMs: 3_600_000 },
];

/** Three workers send one block each of a 90-subscriber issue, each paced by `pacerFor(i)`; the accept times at the server. */
async function sendWithThreeWorkers(
  t: TestContext,
  time: VirtualTime,
  url: string,
  pacerFor: (i: number) => Promise<SendPacer>,
): Promise<{ accepted: number[]; perRecipient: Map<string, string[]> }> {
  const accepted: number[] = [];
  const server = await startSmtp({ parse: false, onAccepted: () => accepted.push(time.now) });
  t.onTestFinished(() => server.close());
  // The ledger on PostgreSQL too, as on several machines (each worker here shares this process's store).
  const store = openStore(url);
  t.onTestFinished(() => store.close());
  const now = new Date().toISOString();
  store.subscribers.batch(() => {
    for (let i = 1; i <= WORKERS * BLOCK; i++) store.subscribers.add(`r${i}@example.org`, null, now);
  });
  store.deliveries.plan(ISSUE, 'example.org', new Date().toISOString());
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, i) => {
      const pacer = await pacerFor(i);
      const messenger = smtp(server.url, { maxConnections: 1 });
      try {
        const totals = await sendBatch(
          {
            issueDate: ISSUE,
            message: new IssueMessage(RENDERED, LIST),
            unsubscribeUrl: (id, email) => signedUnsubscribeUrl(ENDPOINT, SECRET, id, email),
            messageIdDomain: 'example.org',
            bounceAfter: 3,
            concurrency: 1,
            retries: 3,
            retryDelayMs: 5,
            transport: messenger.description,
            now: fixedClock(),
            range: { after: i * BLOCK, upTo: (i + 1) * BLOCK },
            pacer,
          },
          { deliveries: store.deliveries, subscribers: store.subscribers, messenger },
        );
        assert.equal(totals.status, 'completed');
      } finally {
        time.leave();
        await messenger.close();
      }
    }),
  );
  return { accepted, perRecipient: server.messageIdsByRecipient() };
}

test('three workers sharing the limit through the database never exceed it in any window', async (t) => {
  const url = await freshDatabase();
  const time = new VirtualTime(WORKERS);
  const { openSendRate } = await loadSendRate();
  const { accepted, perRecipient } = await sendWithThreeWorkers(t, time, url, async () => {
    const rate = await openSendRate(url);
    t.onTestFinished(() => rate.close());
    return new SharedRateLimiter(rate, RULES, time.clock, true);
  });
  assert.equal(accepted.length, WORKERS * BLOCK);
  assert.equal(perRecipient.size, WORKERS * BLOCK, 'everyone got it');
  for (const [to, ids] of perRecipient) assert.equal(ids.length, 1, `${to} got ${ids.length}`);
  assert.equal(maxInWindow(accepted, 1000), 20, 'per second, all workers together');
  assert.equal(maxInWindow(accepted, 3_600_000), 50, 'per sliding hour, all workers together');
  // The 51st message waits for the first to be an hour old (a sliding hour), not for the next clock hour.
  const sorted = [...accepted].sort((a, b) => a - b);
  assert.equal(sorted[50]! - sorted[0]!, 3_600_000);
});

test('the same workers with one limiter each (no shared rate) send three times the limit: what the shared limiter prevents', async (t) => {
  const time = new VirtualTime(WORKERS);
  const { accepted } = await sendWithThreeWorkers(
    t,
    time,
    await freshDatabase(),
    async () => new RateLimiter(RULES, time.clock.now, time.clock.sleep),
  );
  assert.equal(maxInWindow(accepted, 1000), 3 * 20);
});
