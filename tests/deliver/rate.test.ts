/**
 * The sliding-window rate limiter, on a fake clock: per second and per hour at
 * once, no burst at a window's edge, counts carried over a restart, and an
 * abort while waiting.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { RateLimiter } from '../../src/deliver/rate.ts';

/** A fake clock whose sleeps advance time (and record what was slept). */
function fakeTime() {
  let now = 0;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => (now += ms),
    slept,
  };
}

/** The most events in any span of `window` ms. */
function maxInWindow(times: number[], window: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= window) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

test('per second and per hour at once: never more than either limit in any window', async () => {
  const time = fakeTime();
  const limiter = new RateLimiter(
    [
      { limit: 5, windowMs: 1000 },
      { limit: 12, windowMs: 3_600_000 },
    ],
    time.clock,
    time.sleep,
  );
  const at: number[] = [];
  for (let i = 0; i < 30; i++) {
    assert.equal(await limiter.take(), true);
    at.push(time.clock());
    time.advance(7); // each send takes a little time
  }
  assert.equal(maxInWindow(at, 1000), 5);
  assert.equal(maxInWindow(at, 3_600_000), 12);
  // The 13th waits for the 1st to leave the hour: a sliding window, not the next clock hour.
  assert.equal(at[12]! - at[0]!, 3_600_000);
  assert.equal(at[5]! - at[0]!, 1000);
});

test('a sliding second allows no burst across a window edge (a fixed window would allow 2×)', async () => {
  const time = fakeTime();
  const limiter = new RateLimiter([{ limit: 10, windowMs: 1000 }], time.clock, time.sleep);
  time.advance(990);
  const at: number[] = [];
  for (let i = 0; i < 40; i++) {
    await limiter.take();
    at.push(time.clock());
  }
  assert.equal(maxInWindow(at, 1000), 10);
});

test('no limit: never waits', async () => {
  const time = fakeTime();
  const limiter = new RateLimiter([{ limit: 0, windowMs: 1000 }], time.clock, time.sleep);
  for (let i = 0; i < 100; i++) await limiter.take();
  assert.deepEqual(time.slept, []);
  assert.equal(limiter.limited, false);
});

test('messages sent before a restart count against the hour', async () => {
  const time = fakeTime();
  time.advance(10_000_000);
  const limiter = new RateLimiter([{ limit: 3, windowMs: 3_600_000 }], time.clock, time.sleep);
  limiter.seed([3_000_000, 1_000_000]); // two sent 50 and 17 minutes ago
  await limiter.take(); // the third fits now
  assert.deepEqual(time.slept, []);
  await limiter.take(); // the fourth waits until the first is an hour old: 10 minutes
  assert.deepEqual(time.slept, [600_000]);
});

test('an abort while waiting gives the slot up', async () => {
  const limiter = new RateLimiter([{ limit: 1, windowMs: 60_000 }]);
  const stop = new AbortController();
  assert.equal(await limiter.take(stop.signal), true);
  // The second take would wait a minute; the abort (once it is waiting) must end it at once: a hang fails the test's timeout.
  const second = limiter.take(stop.signal);
  stop.abort();
  assert.equal(await second, false);
});
