/**
 * Feeds parsed on worker threads give exactly what parsing on the main thread
 * gives (items, or the same error), whichever thread takes a feed.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { parseFeedBytes, type FeedParseInput, type FeedParseOutput } from '../../src/ingest/feed-parse.ts';
import { FeedParser, WORKER_QUEUE } from '../../src/ingest/parse-pool.ts';
import { ROOT } from '../helpers/cli.ts';

const CORPUS = join(ROOT, 'tests/fixtures/corpus/feeds');
const SAMPLES = join(ROOT, 'config/samples/feeds');
const SOURCE = { id: 'pool', type: 'rss' as const, url: 'https://feeds.example.org/feed.xml', enabled: true };

/** Every real feed at hand: the corpus in tests/fixtures and the bundled samples (one of them GBK). */
const inputs: { name: string; input: FeedParseInput }[] = [
  ...readdirSync(CORPUS).map((f) => join(CORPUS, f)),
  ...readdirSync(SAMPLES).map((f) => join(SAMPLES, f)),
].map((path) => ({
  name: path,
  input: {
    bytes: readFileSync(path),
    contentType: null,
    source: SOURCE,
    url: SOURCE.url,
    now: '2024-07-15T00:30:00.000Z',
    zone: 'Asia/Shanghai',
  },
}));

type Outcome = { output: FeedParseOutput } | { error: string };
const outcome = (p: Promise<FeedParseOutput>): Promise<Outcome> =>
  p.then(
    (output) => ({ output }),
    (err: Error) => ({ error: err.message }),
  );

test('a worker thread parses every feed exactly as the main thread does', async () => {
  const parser = new FeedParser(1);
  try {
    await parser.start();
    for (const { name, input } of inputs) {
      const expected = await outcome(parseFeedBytes(input));
      assert.deepEqual(await outcome(parser.parse(input)), expected, name);
    }
    // One at a time, the worker always had room: it parsed them all.
    assert.deepEqual(parser.counts, { onWorkers: inputs.length, onMainThread: 0 });
    assert.ok(inputs.some((i) => i.name.endsWith('world-gbk.rss')));
  } finally {
    await parser.close();
  }
});

test('feeds given all at once are shared between the workers and the main thread, results unchanged', async () => {
  const parser = new FeedParser(2);
  try {
    await parser.start();
    const all = await Promise.all(inputs.map(({ input }) => outcome(parser.parse(input))));
    for (const [i, { name, input }] of inputs.entries()) assert.deepEqual(all[i], await outcome(parseFeedBytes(input)), name);
    // The first 2 × WORKER_QUEUE fill the workers and the next is parsed here; after that it depends on
    // how soon the workers answer (parse() takes their finished feeds off the port before it chooses).
    assert.ok(parser.counts.onWorkers >= 2 * WORKER_QUEUE, `each worker took as many as it may hold (${parser.counts.onWorkers})`);
    assert.ok(parser.counts.onMainThread >= 1, 'the main thread parsed once the workers were full');
    assert.equal(parser.counts.onWorkers + parser.counts.onMainThread, inputs.length);
  } finally {
    await parser.close();
  }
});

test('a worker that finished is given the next feed even while the main thread has not yielded since', async () => {
  const parser = new FeedParser(1);
  try {
    await parser.start();
    const { input } = inputs.find((i) => i.name.endsWith('policy.rss'))!;
    const held = Array.from({ length: WORKER_QUEUE }, () => parser.parse(input));
    // Busy, as when feeds that arrived together are parsed here one after another: the worker's
    // answers wait on its port, and the event loop never runs to deliver them.
    // Wait, without yielding, until the worker has finished them all (a generous deadline only guards against a hang).
    for (const deadline = Date.now() + 120_000; parser.finishedOnWorkers() < WORKER_QUEUE; ) {
      if (Date.now() > deadline) throw new Error('the worker did not finish its feeds');
    }
    const next = parser.parse(input);
    assert.deepEqual(parser.counts, { onWorkers: WORKER_QUEUE + 1, onMainThread: 0 });
    await Promise.all([...held, next]);
  } finally {
    await parser.close();
  }
});

test('with no workers everything is parsed on the main thread', async () => {
  const parser = new FeedParser(0);
  await parser.start();
  const { input } = inputs.find((i) => i.name.endsWith('policy.rss'))!;
  assert.ok((await parser.parse(input)).items.length > 0);
  assert.deepEqual(parser.counts, { onWorkers: 0, onMainThread: 1 });
  await parser.close();
});
