/**
 * The ledger queries a send over the job queue uses, on every backend: the
 * blocks of subscriber ids with open deliveries (numbers, whatever the engine
 * returns for integer division and count), pending deliveries within one
 * block (and how many are left), rows left `sending` put back within one
 * block only, and one message recorded `sent` with the next claimed in one
 * round trip — blocking, and in the send loop's non-blocking form.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { type Backend, BACKENDS, openFresh } from './backends.ts';

const DATE = '2024-07-15';
const NOW = '2024-07-15T00:30:00.000Z';

/** A fresh store with `n` subscribers (ids 1…n) and the issue of DATE planned for them all. */
async function planned(backend: Backend, t: TestContext, n: number): Promise<Store> {
  const { store } = await openFresh(backend, t);
  store.subscribers.batch(() => {
    for (let i = 1; i <= n; i++) store.subscribers.add(`r${i}@example.org`, null, NOW);
  });
  assert.equal(store.deliveries.plan(DATE, 'example.org', NOW), n);
  return store;
}

describe.each(BACKENDS)('$name store', (backend) => {
  test('open blocks, pending within a block, in-doubt rows resumed within a block only', async (t) => {
    const store = await planned(backend, t, 12);
    // Blocks of 5: ids 1–5, 6–10, 11–12.
    assert.deepEqual(store.deliveries.openBlocks(DATE, 5), [
      { block: 0, open: 5 },
      { block: 1, open: 5 },
      { block: 2, open: 2 },
    ]);
    for (const id of [1, 2, 3, 4, 5]) store.deliveries.markDone(DATE, id, 'sent', null, NOW);
    assert.equal(store.deliveries.markSending(DATE, 7, NOW), true);
    assert.equal(store.deliveries.markSending(DATE, 11, NOW), true);
    assert.deepEqual(store.deliveries.openBlocks(DATE, 5), [
      { block: 1, open: 5 },
      { block: 2, open: 2 },
    ]);
    assert.deepEqual(
      store.deliveries.pending(DATE, 5, 100, 10).map((d) => d.subscriberId),
      [6, 8, 9, 10],
      'pending of block 1 only (7 is in flight)',
    );
    assert.equal(store.deliveries.resumeInterrupted(DATE, NOW, { after: 5, upTo: 10 }), 1, 'only block 1 is resumed');
    assert.equal(store.deliveries.get(DATE, 7)?.status, 'pending');
    assert.equal(store.deliveries.get(DATE, 11)?.status, 'sending', "another block's row in flight is left alone");
    assert.deepEqual(
      store.deliveries.pending(DATE, 0, 100).map((d) => d.subscriberId),
      [6, 7, 8, 9, 10, 12],
      'no upper bound by default',
    );
    assert.equal(store.deliveries.pendingCount(DATE, 5, 10), 5, 'what is left of block 1');
    assert.equal(store.deliveries.pendingCount(DATE, 10, 15), 1, 'block 2: 11 is in flight');
    assert.equal(store.deliveries.pendingCount(DATE, 0), 6, 'no upper bound by default');
  });

  test('the non-blocking claims write what the blocking ones do', async (t) => {
    const store = await planned(backend, t, 3);
    assert.equal(await store.deliveries.markSendingAsync(DATE, 1, NOW), true);
    assert.equal(await store.deliveries.markSendingAsync(DATE, 1, NOW), false, 'a row in flight is not claimed twice');
    assert.equal(await store.deliveries.markSentThenSendingAsync(DATE, 1, '250 ok', 2, NOW), true);
    assert.equal(store.deliveries.get(DATE, 1)?.status, 'sent');
    assert.equal(store.deliveries.get(DATE, 2)?.status, 'sending');
    assert.equal(store.deliveries.get(DATE, 2)?.attempts, 1);
    store.deliveries.markDone(DATE, 3, 'sent', null, NOW);
    assert.equal(await store.deliveries.markSentThenSendingAsync(DATE, 2, '250 ok', 3, NOW), false);
    assert.deepEqual(store.deliveries.totals(DATE), { pending: 0, sending: 0, sent: 3, failed: 0, skipped: 0 });
  });

  test('sent and the next claimed in one write; a next that is not pending any more is not claimed', async (t) => {
    const store = await planned(backend, t, 3);
    assert.equal(store.deliveries.markSending(DATE, 1, NOW), true);
    assert.equal(await store.deliveries.markSentThenSendingAsync(DATE, 1, '250 2.0.0 Ok: queued', 2, NOW), true);
    assert.equal(store.deliveries.get(DATE, 1)?.status, 'sent');
    assert.equal(store.deliveries.get(DATE, 2)?.status, 'sending');
    assert.equal(store.deliveries.get(DATE, 2)?.attempts, 1);
    // Another sender took 3 meanwhile: 2 is still recorded, 3 is not claimed.
    store.deliveries.markDone(DATE, 3, 'sent', null, NOW);
    assert.equal(await store.deliveries.markSentThenSendingAsync(DATE, 2, '250 ok', 3, NOW), false);
    assert.equal(store.deliveries.get(DATE, 2)?.status, 'sent');
    assert.deepEqual(store.deliveries.totals(DATE), { pending: 0, sending: 0, sent: 3, failed: 0, skipped: 0 });
  });
});
