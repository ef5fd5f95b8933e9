/**
 * The send job queue (src/deliver/jobs.ts) on a real PostgreSQL, with pg-boss
 * settings as the configuration gives them: one job per (issue, block) however
 * often it is enqueued; a block whose job ended gets that same job back (never
 * a second one beside it); and a job taken by a worker that never finishes it
 * (killed) is given to another after its expiry.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'vitest';
import { jobId, SendJobQueue, type JobQueueSettings } from '../../src/deliver/jobs.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/wait.ts';

const DATE = '2024-07-15';

async function open(t: TestContext, url: string, settings: Partial<JobQueueSettings> = {}): Promise<SendJobQueue> {
  const queue = await SendJobQueue.open({
    url,
    expireSeconds: 900,
    retryLimit: 10,
    retryDelaySeconds: 0,
    maintenanceSeconds: 1,
    ...settings,
  });
  t.onTestFinished(() => queue.close());
  return queue;
}

test('enqueueing the same blocks again creates nothing; an ended job is given back, not doubled', async (t) => {
  const url = await freshDatabase();
  const queue = await open(t, url, { retryLimit: 0 });
  assert.deepEqual(await queue.enqueue(DATE, [0, 1, 2], 500), { created: 3, requeued: 0 });
  assert.deepEqual(await queue.enqueue(DATE, [0, 1, 2], 500), { created: 0, requeued: 0 });
  // A second process enqueueing at the same time as the first: still one job per block.
  const other = await open(t, url, { retryLimit: 0 });
  assert.deepEqual(await other.enqueue(DATE, [0, 1, 2, 3], 500), { created: 1, requeued: 0 });

  const taken = [await queue.take(), await queue.take(), await queue.take(), await queue.take()];
  assert.deepEqual(taken.map((j) => j?.data.block).sort(), [0, 1, 2, 3]);
  assert.equal(await queue.take(), null, 'nothing else to take');
  const byBlock = new Map(taken.map((j) => [j!.data.block, j!]));
  await queue.complete(byBlock.get(0)!, {});
  await queue.fail(byBlock.get(1)!, 'the relay refused the login');
  assert.equal(await queue.state(jobId({ issueDate: DATE, block: 0, blockSize: 500 })), 'completed');
  assert.equal(await queue.failure(jobId({ issueDate: DATE, block: 1, blockSize: 500 })), 'the relay refused the login');

  // Rows of blocks 0 and 1 open again (--retry-failed; the relay is back): the same jobs come back; block 2 is still taken.
  assert.deepEqual(await queue.enqueue(DATE, [0, 1, 2], 500), { created: 0, requeued: 2 });
  const again = [await queue.take(), await queue.take()];
  assert.deepEqual(again.map((j) => j?.data.block).sort(), [0, 1]);
  assert.equal(await queue.take(), null, 'one job per block: nothing beside them');
});

test('a job whose worker died is given to another after its expiry', async (t) => {
  const url = await freshDatabase();
  const dead = await open(t, url, { expireSeconds: 1 });
  const alive = await open(t, url, { expireSeconds: 1 });
  await dead.enqueue(DATE, [7], 5);
  const first = await dead.take();
  assert.equal(first?.data.block, 7);
  assert.equal(await alive.take(), null, 'taken: nobody else gets it while it runs');
  // The first taker never completes it (killed): after the expiry, pg-boss's maintenance gives it back.
  let second: Awaited<ReturnType<SendJobQueue['take']>> = null;
  await waitFor(async () => {
    second = await alive.take();
    return second !== null;
  }, 'the expired job to be taken again');
  assert.equal(second!.id, first!.id, 'the same job, never a second one');
  assert.equal(second!.retryCount, 1);
});
