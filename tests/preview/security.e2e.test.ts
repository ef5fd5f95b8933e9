/**
 * The preview's defences over plain HTTP: loopback only, Host checked on
 * every request (DNS rebinding), POSTs need the CSRF token and a same-origin
 * browser context, strict CSP on the UI and a script-less sandbox on frames.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, test } from 'vitest';
import { startFixture, type PreviewFixture } from './fixture.ts';

let fx: PreviewFixture;

beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx?.close());

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so Host/Origin can be set as an attacker would. */
function http(method: string, path: string, opts: { headers?: Record<string, string>; body?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: opts.host ?? '127.0.0.1',
        port: fx.running.port,
        method,
        path,
        headers: { Host: `127.0.0.1:${fx.running.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

async function pageToken(): Promise<{ token: string; itemId: string; section: string }> {
  const page = await http('GET', '/');
  const token = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const itemId = /data-item="([^"]+)"/.exec(page.body)![1]!;
  const sections = [...page.body.matchAll(/data-section-id="([a-z0-9-]+)"/g)].map((m) => m[1]!);
  return { token, itemId, section: sections.at(-1)! };
}

test('binds 127.0.0.1 only', async () => {
  assert.match(fx.running.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  if (external) {
    await assert.rejects(http('GET', '/', { host: external.address }), /ECONNREFUSED/);
  }
});

test('a Host header other than 127.0.0.1:PORT or localhost:PORT is refused (DNS rebinding)', async () => {
  for (const host of [
    'evil.example',
    `evil.example:${fx.running.port}`,
    `127.0.0.1:${fx.running.port + 1}`,
    `127.0.0.1.evil.example:${fx.running.port}`,
  ]) {
    const r = await http('GET', '/', { headers: { Host: host } });
    assert.equal(r.status, 403, host);
    assert.ok(!r.body.includes('name="csrf"'), 'no token leaks to a rebinding page');
  }
  assert.equal((await http('GET', '/', { headers: { Host: `localhost:${fx.running.port}` } })).status, 200);
  const { token, itemId } = await pageToken();
  const r = await http('POST', '/items', {
    headers: { ...FORM, Host: 'evil.example' },
    body: `csrf=${token}&item=${itemId}&action=exclude`,
  });
  assert.equal(r.status, 403);
  assert.equal(fx.ctx.store.overrides.all().size, 0);
});

test('a POST without the CSRF token, or with a wrong one, is refused with 403 and changes nothing', async () => {
  const { token, itemId } = await pageToken();
  const bad = [
    `item=${itemId}&action=exclude`,
    `csrf=&item=${itemId}&action=exclude`,
    `csrf=${token.slice(0, -2)}xx&item=${itemId}&action=exclude`,
  ];
  for (const body of bad) {
    const r = await http('POST', '/items', { headers: FORM, body });
    assert.equal(r.status, 403, body);
    assert.match(r.body, /token/);
  }
  for (const path of ['/send-test', '/approve', '/draft']) {
    assert.equal((await http('POST', path, { headers: FORM, body: 'x=1' })).status, 403, path);
  }
  assert.equal(fx.ctx.store.overrides.all().size, 0);
  assert.equal(fx.smtp.received.length, 0);
});

test('a cross-site POST is refused even with the token', async () => {
  const { token, itemId } = await pageToken();
  const body = `csrf=${token}&item=${itemId}&action=exclude`;
  assert.equal((await http('POST', '/items', { headers: { ...FORM, Origin: 'https://evil.example' }, body })).status, 403);
  assert.equal((await http('POST', '/items', { headers: { ...FORM, Origin: 'null' }, body })).status, 403);
  assert.equal((await http('POST', '/items', { headers: { ...FORM, 'Sec-Fetch-Site': 'cross-site' }, body })).status, 403);
  assert.equal(fx.ctx.store.overrides.all().size, 0);
});

test('a same-origin POST with the token stores the override and redirects back', async () => {
  const { token, itemId, section } = await pageToken();
  const r = await http('POST', '/items', {
    headers: { ...FORM, Origin: `http://127.0.0.1:${fx.running.port}`, 'Sec-Fetch-Site': 'same-origin' },
    body: `csrf=${encodeURIComponent(token)}&item=${itemId}&action=move&section=${section}`,
  });
  assert.equal(r.status, 303);
  assert.match(String(r.headers.location), new RegExp(`^/\\?flash=[0-9a-f]+&focus=${itemId}&did=move#item-${itemId}$`));
  assert.equal(fx.ctx.store.overrides.all().get(itemId)?.sectionId, section);
  // An unknown section or item is reported on the page, not stored.
  const bad = await http('POST', '/items', {
    headers: FORM,
    body: `csrf=${encodeURIComponent(token)}&item=${itemId}&action=move&section=nope`,
  });
  assert.equal(bad.status, 303);
  const shown = await http('GET', String(bad.headers.location));
  assert.match(shown.body, /class="flash flash-error"[^>]*>没有栏目“nope”/);
  assert.equal(fx.ctx.store.overrides.all().get(itemId)?.sectionId, section);
  fx.ctx.store.overrides.clear(itemId);
});

test('the UI has a strict CSP; rendered email and web pages are sandboxed without scripts', async () => {
  const ui = await http('GET', '/');
  const csp = String(ui.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(ui.headers['x-content-type-options'], 'nosniff');
  assert.ok(!/<script(?![^>]*src="\/static\/preview\.js")/.test(ui.body), 'no inline script in the UI');
  for (const path of ['/frame/email', '/frame/web']) {
    const r = await http('GET', path);
    assert.equal(r.status, 200, path);
    const frameCsp = String(r.headers['content-security-policy']);
    assert.match(frameCsp, /^sandbox allow-popups allow-popups-to-escape-sandbox;/);
    assert.doesNotMatch(frameCsp, /allow-scripts|allow-same-origin/);
    assert.match(frameCsp, /script-src 'none'/);
  }
  assert.equal((await http('GET', '/static/preview.js')).headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal((await http('PUT', '/')).status, 405);
  assert.equal((await http('GET', '/nope')).status, 404);
});

test('only form bodies are accepted, and not huge ones', async () => {
  const { token } = await pageToken();
  assert.equal(
    (await http('POST', '/items', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ csrf: token }) })).status,
    415,
  );
  assert.equal(
    (await http('POST', '/items', { headers: FORM, body: `csrf=${token}&pad=${'x'.repeat(512 * 1024)}` }).catch(() => ({ status: 413 })))
      .status,
    413,
  );
});

test('looking at the preview never builds, assigns or sends anything', async () => {
  for (const path of ['/', '/frame/email', '/frame/web', '/frame/text']) assert.equal((await http('GET', path)).status, 200);
  const n = (sql: string) => (fx.ctx.store.db.prepare(sql).get() as { n: number }).n;
  assert.equal(n('SELECT count(*) AS n FROM issues'), 0);
  assert.equal(n('SELECT count(*) AS n FROM items WHERE issue_date IS NOT NULL'), 0);
  assert.equal(n('SELECT count(*) AS n FROM deliveries'), 0);
});
