/**
 * Feeds over real HTTP (node:http on a free port): conditional GET,
 * redirects, 410, retries, timeouts, size caps, User-Agent and bounded
 * concurrency, through `ingestAll` and the store.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { brotliCompressSync, createGzip, deflateSync, gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { ingestAll } from '../../src/ingest/index.ts';
import { fetchFeed } from '../../src/ingest/fetch.ts';
import { ingestDeps, rss, startFeedServer, withValidators } from './helpers.ts';
import { waitFor } from '../helpers/wait.ts';

const FEED = rss('测试源', [
  { title: '工信部：印发《锂离子电池行业规范条件》', link: 'https://example.org/a', date: 'Fri, 12 Jul 2024 08:00:00 +0800' },
  { title: '市监局：我国首个智能航运领域国际标准发布', link: 'https://example.org/b', date: 'Sat, 13 Jul 2024 08:00:00 +0800' },
]);
const XML = 'application/rss+xml; charset=utf-8';
const OPTS = { userAgent: 'digest-test', timeoutMs: 60_000, maxBytes: 1 << 20, retries: 0 };

test('conditional GET: ETag and Last-Modified are sent back, and a 304 stores nothing and parses nothing', async () => {
  const server = await startFeedServer({ '/feed': withValidators(FEED, XML) });
  const deps = ingestDeps({ sources: [{ id: 'a', type: 'rss', url: server.url('/feed') }] });

  const [first] = await ingestAll(deps);
  assert.deepEqual([first!.status, first!.new], ['fetched', 2]);
  assert.equal(server.requests[0]!.headers['if-none-match'], undefined);

  const [second] = await ingestAll(deps);
  assert.deepEqual([second!.status, second!.new, second!.duplicate], ['not-modified', 0, 0]);
  assert.equal(server.requests[1]!.headers['if-none-match'], '"v1"');
  assert.equal(server.requests[1]!.headers['if-modified-since'], 'Mon, 15 Jul 2024 00:00:00 GMT');
  assert.equal(deps.items.count(), 2);
});

test('a changed feed (new ETag) is fetched again; known items count as duplicates', async () => {
  const server = await startFeedServer({ '/feed': withValidators(FEED, XML, '"v1"') });
  const deps = ingestDeps({ sources: [{ id: 'a', type: 'rss', url: server.url('/feed') }] });
  await ingestAll(deps);
  const more = rss('测试源', [
    { title: '工信部：印发《锂离子电池行业规范条件》', link: 'https://example.org/a' },
    { title: '药监局：部署加强中药标准管理工作', link: 'https://example.org/c' },
  ]);
  server.route('/feed', withValidators(more, XML, '"v2"', 'Tue, 16 Jul 2024 00:00:00 GMT'));
  const [r] = await ingestAll(deps);
  assert.deepEqual([r!.status, r!.new, r!.duplicate], ['fetched', 1, 1]);
});

test('a 301 chain moves the stored URL; later runs go straight there; a config change of the URL resets it', async () => {
  const server = await startFeedServer({
    '/old': (_q, res) => void res.writeHead(301, { location: '/older-still' }).end(),
    '/older-still': (_q, res) => void res.writeHead(308, { location: '/new' }).end(),
    '/new': withValidators(FEED, XML),
    '/other': (_q, res) => void res.writeHead(200, { 'content-type': XML }).end(FEED),
  });
  const deps = ingestDeps({ sources: [{ id: 'a', type: 'rss', url: server.url('/old') }] });
  const [first] = await ingestAll(deps);
  assert.equal(first!.status, 'fetched');
  assert.equal(first!.movedTo, server.url('/new'));
  assert.equal(deps.sources.get('a')!.url, server.url('/new'));
  assert.equal(deps.sources.get('a')!.configuredUrl, server.url('/old'));

  server.requests.length = 0;
  const [second] = await ingestAll(deps);
  assert.equal(second!.status, 'not-modified');
  assert.deepEqual(
    server.requests.map((r) => r.path),
    ['/new'],
  );

  // The editor points the source elsewhere: the remembered redirect and validators no longer apply.
  server.requests.length = 0;
  deps.config.sources[0] = { ...deps.config.sources[0]!, url: server.url('/other') } as never;
  const [third] = await ingestAll(deps);
  assert.deepEqual(
    server.requests.map((r) => [r.path, r.headers['if-none-match']]),
    [['/other', undefined]],
  );
  assert.deepEqual([third!.status, third!.new, third!.duplicate], ['fetched', 0, 2]);
  assert.equal(deps.sources.get('a')!.url, server.url('/other'));
});

test('a temporary redirect (302) anywhere in the chain leaves the stored URL alone', async () => {
  const server = await startFeedServer({
    '/feed': (_q, res) => void res.writeHead(302, { location: '/today' }).end(),
    '/today': (_q, res) => void res.writeHead(200, { 'content-type': XML }).end(FEED),
  });
  const deps = ingestDeps({ sources: [{ id: 'a', type: 'rss', url: server.url('/feed') }] });
  const [r] = await ingestAll(deps);
  assert.deepEqual([r!.status, r!.new, r!.movedTo], ['fetched', 2, undefined]);
  assert.equal(deps.sources.get('a')!.url, server.url('/feed'));
});

test('a redirect loop fails with a message that says so', async () => {
  const server = await startFeedServer({
    '/a': (_q, res) => void res.writeHead(301, { location: '/b' }).end(),
    '/b': (_q, res) => void res.writeHead(301, { location: '/a' }).end(),
  });
  await assert.rejects(fetchFeed(server.url('/a'), OPTS), /redirect loop/);
});

test('410 Gone disables the source; the next run does not fetch it; a new URL enables it again', async () => {
  const server = await startFeedServer({
    '/gone': (_q, res) => void res.writeHead(410).end(),
    '/back': (_q, res) => void res.writeHead(200, { 'content-type': XML }).end(FEED),
  });
  const deps = ingestDeps({ sources: [{ id: 'g', type: 'rss', url: server.url('/gone') }] });
  const [first] = await ingestAll(deps);
  assert.equal(first!.status, 'gone');
  assert.match(first!.error!, /410 Gone/);
  assert.equal(deps.sources.get('g')!.disabled, true);

  const [second] = await ingestAll(deps);
  assert.equal(second!.status, 'disabled');
  assert.match(second!.error!, /change its url|until its url changes/);
  assert.equal(server.requests.length, 1, 'a disabled source is not fetched');

  deps.config.sources[0] = { ...deps.config.sources[0]!, url: server.url('/back') } as never;
  const [third] = await ingestAll(deps);
  assert.deepEqual([third!.status, third!.new], ['fetched', 2]);
  assert.equal(deps.sources.get('g')!.disabled, false);
});

test('5xx answers are retried with backoff until a 200', async () => {
  let calls = 0;
  const server = await startFeedServer({
    '/flaky': (_q, res) => {
      calls++;
      if (calls < 3) res.writeHead(calls === 1 ? 503 : 502).end('busy');
      else res.writeHead(200, { 'content-type': XML }).end(FEED);
    },
  });
  const deps = ingestDeps({ ingest: { retries: 2, backoffMs: 20 }, sources: [{ id: 'f', type: 'rss', url: server.url('/flaky') }] });
  const [r] = await ingestAll(deps);
  assert.deepEqual([r!.status, r!.new, calls], ['fetched', 2, 3]);
});

test('retries are bounded: a source that keeps failing reports the last error and the attempts', async () => {
  const server = await startFeedServer({ '/down': (_q, res) => void res.writeHead(500).end() });
  await assert.rejects(fetchFeed(server.url('/down'), { ...OPTS, retries: 2, backoffMs: 5 }), /HTTP 500 .*after 3 attempts/);
  assert.equal(server.requests.length, 3);
});

test('a server asking to come back much later is not waited for', async () => {
  const server = await startFeedServer({ '/busy': (_q, res) => void res.writeHead(503, { 'retry-after': '3600' }).end() });
  // Waiting an hour would outlast the test's own timeout: that it answers at all, after one request, is the check.
  await assert.rejects(fetchFeed(server.url('/busy'), { ...OPTS, retries: 3, backoffMs: 5 }), /HTTP 503 .*retry after 3600 s/);
  assert.equal(server.requests.length, 1);
});

test('a 404 is not retried and says to check the URL', async () => {
  const server = await startFeedServer();
  await assert.rejects(fetchFeed(server.url('/missing'), { ...OPTS, retries: 3, backoffMs: 5 }), /HTTP 404.*check the source URL/);
  assert.equal(server.requests.length, 1);
});

test('a server that does not answer in time fails with the timeout named, others are unaffected', async () => {
  const server = await startFeedServer({
    '/slow': async (_q, res) => {
      res.writeHead(200, { 'content-type': XML });
      res.write(FEED.slice(0, 100)); // headers and a first chunk arrive, then nothing until the client hangs up
      await new Promise<void>((r) => res.on('close', r));
    },
    '/fast': (_q, res) => void res.writeHead(200, { 'content-type': XML }).end(FEED),
  });
  const deps = ingestDeps({
    // The body never ends: only a timeout that covers the body too ends this test (before vitest's own timeout).
    ingest: { timeoutMs: 5000 },
    sources: [
      { id: 'slow', type: 'rss', url: server.url('/slow') },
      { id: 'fast', type: 'rss', url: server.url('/fast') },
    ],
  });
  const [slow, fast] = await ingestAll(deps);
  assert.equal(slow!.status, 'failed');
  assert.match(slow!.error!, /source "slow".*within ingest\.timeoutMs \(5000 ms\)/);
  assert.deepEqual([fast!.status, fast!.new], ['fetched', 2]);
});

test('bodies over ingest.maxBytes are refused, whether announced or streamed', async () => {
  const big = Buffer.alloc(64 * 1024, 'a');
  const server = await startFeedServer({
    '/announced': (_q, res) => void res.writeHead(200, { 'content-type': XML, 'content-length': big.length }).end(big),
    '/streamed': (_q, res) => {
      res.writeHead(200, { 'content-type': XML }); // chunked: no length to check up front
      for (let i = 0; i < 8; i++) res.write(big.subarray(0, 8 * 1024));
      res.end();
    },
  });
  await assert.rejects(
    fetchFeed(server.url('/announced'), { ...OPTS, maxBytes: 16 * 1024 }),
    /65536 bytes, over ingest\.maxBytes \(16384\)/,
  );
  await assert.rejects(fetchFeed(server.url('/streamed'), { ...OPTS, maxBytes: 16 * 1024 }), /exceeds ingest\.maxBytes \(16384 bytes\)/);
});

test('compressed answers (gzip, deflate, br) are decompressed; the size cap counts decompressed bytes (a gzip bomb is refused)', async () => {
  const body = Buffer.from(FEED);
  const server = await startFeedServer({
    '/gzip': (_q, res) => void res.writeHead(200, { 'content-type': XML, 'content-encoding': 'gzip' }).end(gzipSync(body)),
    '/deflate': (_q, res) => void res.writeHead(200, { 'content-type': XML, 'content-encoding': 'deflate' }).end(deflateSync(body)),
    '/br': (_q, res) => void res.writeHead(200, { 'content-type': XML, 'content-encoding': 'br' }).end(brotliCompressSync(body)),
    '/bomb': (_q, res) =>
      void res.writeHead(200, { 'content-type': XML, 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(8 << 20, ' '))),
  });
  for (const path of ['/gzip', '/deflate', '/br']) {
    const result = await fetchFeed(server.url(path), OPTS);
    assert.ok(result.kind === 'body' && Buffer.from(result.bytes).equals(body), path);
  }
  assert.match(String(server.requests[0]!.headers['accept-encoding']), /gzip/);
  await assert.rejects(fetchFeed(server.url('/bomb'), OPTS), /exceeds ingest\.maxBytes \(1048576 bytes\)/);
});

test('the configured User-Agent is sent', async () => {
  const server = await startFeedServer({ '/feed': (_q, res) => void res.writeHead(200, { 'content-type': XML }).end(FEED) });
  const deps = ingestDeps({
    ingest: { userAgent: 'MyDigest/2.0 (+mailto:ops@example.org)' },
    sources: [{ id: 'a', type: 'rss', url: server.url('/feed') }],
  });
  await ingestAll(deps);
  assert.equal(server.requests[0]!.headers['user-agent'], 'MyDigest/2.0 (+mailto:ops@example.org)');
});

test('concurrency across sources is bounded by ingest.concurrency, and reports keep config order', async () => {
  const routes: Record<string, (q: unknown, res: import('node:http').ServerResponse) => Promise<void>> = {};
  for (let i = 0; i < 8; i++) {
    routes[`/f${i}`] = async (_q, res) => {
      // Hold each answer until the client has as many requests open as it
      // may (or has asked for all eight), so the bound is reached however
      // slowly the requests arrive; then finish later sources first.
      await waitFor(() => server.inFlight >= 3 || server.requests.length >= 8, 'three requests in flight');
      await new Promise((r) => setTimeout(r, 8 - i));
      res
        .writeHead(200, { 'content-type': XML })
        .end(rss(`源${i}`, [{ title: `第${i}条新闻：测试标题${i}`, link: `https://example.org/${i}` }]));
    };
  }
  const server = await startFeedServer(routes);
  const deps = ingestDeps({
    ingest: { concurrency: 3 },
    sources: Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, type: 'rss', url: server.url(`/f${i}`) })),
  });
  const reports = await ingestAll(deps);
  assert.equal(server.maxInFlight, 3);
  assert.deepEqual(
    reports.map((r) => [r.id, r.status, r.new]),
    Array.from({ length: 8 }, (_, i) => [`s${i}`, 'fetched', 1]),
  );
});

test('a feed that stalls mid-body is reported as the timeout, gzip or not, even when what arrived parses (issue 15 item 10)', async () => {
  const stall = (gzip: boolean) => async (_q: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': XML, ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    if (gzip) {
      const z = createGzip();
      z.pipe(res, { end: false });
      z.write(FEED);
      z.flush(); // the whole feed arrives, decompressible, but the gzip stream never ends
    } else res.write(FEED); // a complete document, then the answer never ends
    await new Promise<void>((r) => res.on('close', r));
  };
  const server = await startFeedServer({ '/plain': stall(false), '/gzip': stall(true) });
  for (const path of ['/plain', '/gzip']) {
    await assert.rejects(
      fetchFeed(server.url(path), { ...OPTS, timeoutMs: 300 }),
      /no complete answer within ingest\.timeoutMs \(300 ms\)/,
      path,
    );
  }
});

test('a body cut short of its Content-Length is not accepted, even when it parses (issue 15 item 10)', async () => {
  const server = await startFeedServer({
    '/cut': (_q, res) => {
      res.writeHead(200, { 'content-type': XML, 'content-length': String(Buffer.byteLength(FEED) + 5000) });
      res.write(FEED, () => res.socket?.destroy());
    },
  });
  await assert.rejects(
    fetchFeed(server.url('/cut'), OPTS),
    /cannot fetch .*\/cut: the answer was cut off after \d+ bytes of the \d+ announced/,
  );
});

test('a close-delimited answer (no length, no chunks) that stalls is the timeout, not a truncated feed (issue 15 item 10)', async (t) => {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: ${XML}\r\nconnection: close\r\n\r\n${FEED.slice(0, 200)}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.onTestFinished(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await assert.rejects(fetchFeed(`${base}/stall`, { ...OPTS, timeoutMs: 300 }), /no complete answer within ingest\.timeoutMs \(300 ms\)/);
});
