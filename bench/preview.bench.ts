/**
 * The editors' preview: the time from an edit to the refreshed preview for
 * the 63-item seed issue, and the page's size. One edit = POST /edit (a new
 * revision of one item's headline and summary), then what the browser loads
 * next: the page (GET /?flash=…) and the email frame (GET /frame/email); the
 * web frame and text reuse the same cached render. Alternates between two
 * texts so every edit changes the issue and re-renders it. Also a placement
 * action (move down) for comparison. Writes out/bench/preview.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startFixture } from '../tests/preview/fixture.ts';
import { median } from './timing.ts';

const fx = await startFixture();
const base = fx.running.url.replace(/\/$/, '');
const origin = { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' };

const page = async (path: string) => {
  const r = await fetch(base + path, { redirect: 'manual' });
  return { status: r.status, body: await r.text(), location: r.headers.get('location') };
};
const first = await page('/');
const csrf = /name="csrf" value="([^"]+)"/.exec(first.body)![1]!;
const itemId = /data-item="([^"]+)"/.exec(first.body)![1]!;
const item = fx.ctx.store.items.get(itemId)!;

async function action(path: string, fields: Record<string, string>): Promise<number> {
  const t = performance.now();
  const r = await fetch(base + path, {
    method: 'POST',
    headers: origin,
    body: new URLSearchParams({ csrf, ...fields }),
    redirect: 'manual',
  });
  const location = r.headers.get('location')!;
  await r.arrayBuffer();
  const shown = await page(location.replace(/#.*$/, ''));
  const frame = await page('/frame/email?g=x');
  if (shown.status !== 200 || frame.status !== 200) throw new Error(`status ${shown.status}/${frame.status}`);
  return performance.now() - t;
}

const edits: number[] = [];
for (let i = 0; i < 12; i++) {
  const ms = await action('/edit', {
    item: itemId,
    title: `${item.title}（第${i}次修改）`,
    issuer: item.issuer ?? '',
    outlet: item.outlet ?? '',
    date: (item.publishedAt ?? '').slice(0, 10),
    text: `${item.text.slice(0, 100)}……${i}`,
    attachments: item.attachments.join('\n'),
  });
  if (i > 1) edits.push(ms); // the first two pay cold starts (MJML, the classifier)
}
const moves: number[] = [];
for (let i = 0; i < 8; i++) moves.push(await action('/items', { item: itemId, action: i % 2 ? 'up' : 'down' }));

const shown = await page('/');
const editing = await page(`/?edit=${itemId}`);
const result = {
  items: (shown.body.match(/<li class="item/g) ?? []).length,
  editToRefreshMs: { median: Math.round(median(edits)), max: Math.round(Math.max(...edits)), runs: edits.length },
  moveToRefreshMs: { median: Math.round(median(moves.slice(1))), runs: moves.length - 1 },
  pageBytes: Buffer.byteLength(shown.body),
  pageWithEditFormBytes: Buffer.byteLength(editing.body),
  pageGzipBytes: (await import('node:zlib')).gzipSync(shown.body).length,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync('out/bench', { recursive: true });
writeFileSync('out/bench/preview.json', `${JSON.stringify(result, null, 2)}\n`);
await fx.close();
