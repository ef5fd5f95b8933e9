/**
 * A worker thread of the FeedParser (parse-pool.ts): turns fetched feeds into
 * items (feed-parse.ts) off the main thread, which meanwhile fetches and
 * stores. `{ ready: true }` once loaded, then one message per feed:
 * `{ id, input }` in, `{ id, output }` or `{ id, error }` out.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors.ts';
import { parseFeedBytes, type FeedParseInput } from './feed-parse.ts';

parentPort?.on('message', async ({ id, input }: { id: number; input: FeedParseInput }) => {
  try {
    parentPort!.postMessage({ id, output: await parseFeedBytes(input) });
  } catch (err) {
    parentPort!.postMessage({ id, error: errorMessage(err) });
  }
});
parentPort?.postMessage({ ready: true });
