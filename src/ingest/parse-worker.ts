/**
 * A worker thread of the FeedParser (parse-pool.ts): turns fetched feeds into
 * items (feed-parse.ts) off the main thread, which meanwhile fetches and
 * stores. `{ id, input }` comes in on the parent port; `{ ready: true }` once
 * loaded, then `{ id, output }` or `{ id, error }` per feed, go out on the
 * results port the pool passed in workerData (which it can read synchronously).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import { parseFeedBytes, type FeedParseInput } from './feed-parse.ts';

const { results, posted } = workerData as { results: MessagePort; posted: Int32Array };
parentPort?.on('message', async ({ id, input }: { id: number; input: FeedParseInput }) => {
  try {
    results.postMessage({ id, output: await parseFeedBytes(input) });
  } catch (err) {
    results.postMessage({ id, error: errorMessage(err) });
  }
  // Counted after the post: the pool's finishedOnWorkers() reads it without a message.
  Atomics.add(posted, 0, 1);
});
results.postMessage({ ready: true });
