/**
 * Charsets: bytes are decoded before parsing. HTTP charset beats the XML
 * declaration, which beats a BOM, which beats the UTF-8 default; GB2312 is
 * read as GBK/GB18030, Big5 works, and a blanket `charset=utf-8` that the
 * bytes contradict gives way to the document's own declaration.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import iconv from 'iconv-lite';
import Parser from 'rss-parser';
import { decodeFeed, sniffLegacyCharset } from '../../src/ingest/charset.ts';
import { ingestAll } from '../../src/ingest/index.ts';
import { ingestDeps, rss, startFeedServer } from './helpers.ts';

// 朱镕基 and 喆 are outside GB2312 (GBK only); 𠮷 needs GB18030's four-byte form.
const SIMPLIFIED = '两部门：支持专精特新“小巨人”企业 朱镕基 喆 𠮷';
const TRADITIONAL = '兩部門：支持專精特新「小巨人」企業發展';

function feedBytes(title: string, declared: string, encoding: string): Buffer {
  return iconv.encode(rss('测试', [{ title, link: 'https://example.org/1', body: `<p>${title}</p>` }], declared), encoding);
}

async function ingestOne(body: Buffer, contentType: string) {
  const server = await startFeedServer({ '/feed': (_q, res) => void res.writeHead(200, { 'content-type': contentType }).end(body) });
  const deps = ingestDeps({ sources: [{ id: 'c', type: 'rss', url: server.url('/feed') }] });
  const [report] = await ingestAll(deps);
  const item = deps.store.db.prepare('SELECT issuer, title, text FROM items').get() as
    | { issuer: string; title: string; text: string }
    | undefined;
  return { report: report!, item };
}

test("GBK over HTTP with charset=GBK: no mojibake (rss-parser's own parseURL produces it)", async () => {
  const body = feedBytes(SIMPLIFIED, 'GBK', 'gb18030');
  const { report, item } = await ingestOne(body, 'application/rss+xml; charset=GBK');
  assert.equal(report.status, 'fetched');
  // Why ingest fetches bytes itself: rss-parser decodes with Node's encodings only (rss-parser #76, #102).
  const server = await startFeedServer({
    '/feed': (_q, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml; charset=GBK' }).end(body),
  });
  const theirs = await new Parser().parseURL(server.url('/feed'));
  assert.notEqual(theirs.items[0]!.title, SIMPLIFIED);
  assert.match(theirs.items[0]!.title!, /\ufffd/);
  assert.equal(report.charset, 'gb18030');
  assert.equal(`${item!.issuer}：${item!.title}`, SIMPLIFIED);
});

test('a GB2312 label is read as GBK/GB18030, as browsers do', async () => {
  const { item } = await ingestOne(feedBytes(SIMPLIFIED, 'gb2312', 'gb18030'), 'text/xml; charset=gb2312');
  assert.equal(item!.title, '支持专精特新“小巨人”企业 朱镕基 喆 𠮷');
});

test('Big5 over HTTP', async () => {
  const { report, item } = await ingestOne(feedBytes(TRADITIONAL, 'Big5', 'big5'), 'application/xml; charset=Big5');
  assert.equal(report.charset, 'big5hkscs');
  assert.equal(`${item!.issuer}：${item!.title}`, TRADITIONAL);
});

test('HTTP charset wins over a conflicting XML declaration', async () => {
  // The declaration claims GBK, but the server knows the bytes are Big5.
  const { item } = await ingestOne(feedBytes(TRADITIONAL, 'GBK', 'big5'), 'application/rss+xml; charset=big5');
  assert.equal(item!.title, '支持專精特新「小巨人」企業發展');
});

test('a blanket charset=utf-8 that the bytes contradict gives way to the XML declaration', async () => {
  const { report, item } = await ingestOne(feedBytes(SIMPLIFIED, 'GB2312', 'gb18030'), 'text/xml; charset=utf-8');
  assert.equal(report.charset, 'gb18030');
  assert.equal(item!.issuer, '两部门');
});

test('without an HTTP charset, the XML declaration decides', async () => {
  const { item } = await ingestOne(feedBytes(SIMPLIFIED, 'GB18030', 'gb18030'), 'application/rss+xml');
  assert.equal(item!.title, '支持专精特新“小巨人”企业 朱镕基 喆 𠮷');
});

test('a UTF-8 BOM is stripped (it breaks XML parsers) and the feed parses', async () => {
  const body = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(rss('测试', [{ title: SIMPLIFIED, link: 'https://example.org/1' }]).replace(' encoding="UTF-8"', '')),
  ]);
  const { report, item } = await ingestOne(body, 'application/rss+xml');
  assert.deepEqual([report.status, report.new], ['fetched', 1]);
  assert.equal(item!.issuer, '两部门');
});

test('decodeFeed: precedence and its sources, unit by unit', () => {
  const gbk = feedBytes(SIMPLIFIED, 'GBK', 'gb18030');
  assert.deepEqual(pick(decodeFeed(gbk, 'text/xml; charset="GBK"')), ['gb18030', 'http']);
  assert.deepEqual(pick(decodeFeed(gbk, null)), ['gb18030', 'xml']);
  const bom16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(rss('t', [{ title: SIMPLIFIED }], 'UTF-16'), 'utf-16le')]);
  const decoded16 = decodeFeed(bom16, 'text/xml; charset=iso-8859-1');
  assert.deepEqual(pick(decoded16), ['utf-16le', 'bom'], 'a UTF-16 BOM cannot be overruled by an 8-bit label');
  assert.ok(decoded16.text.startsWith('<?xml') && decoded16.text.includes(SIMPLIFIED));
  const plain = Buffer.from(rss('t', [{ title: SIMPLIFIED }]).replace(' encoding="UTF-8"', ''));
  assert.deepEqual(pick(decodeFeed(plain, 'text/xml')), ['utf-8', 'default']);
  // Latin-1 labels are read as Windows-1252, whose 0x93/0x94 are curly quotes.
  assert.equal(
    decodeFeed(Buffer.from([0x3c, 0x61, 0x3e, 0x93, 0x68, 0x69, 0x94]), 'text/xml; charset=ISO-8859-1').text,
    '<a>\u201chi\u201d',
  );
});

test('undeclared non-UTF-8 bytes are sniffed: Chinese pairs → GB18030, lone high bytes → Windows-1252', () => {
  const gbk = iconv.encode(rss('测试', [{ title: SIMPLIFIED }]).replace(' encoding="UTF-8"', ''), 'gb18030');
  assert.equal(sniffLegacyCharset(gbk), 'gb18030');
  const decoded = decodeFeed(gbk, 'text/xml');
  assert.deepEqual(pick(decoded), ['gb18030', 'sniffed']);
  assert.ok(decoded.text.includes(SIMPLIFIED));
  const latin = iconv.encode('<rss><channel><title>Últimas Notícias de São Paulo</title></channel></rss>', 'latin1');
  assert.equal(sniffLegacyCharset(latin), 'windows-1252');
  assert.ok(decodeFeed(latin, null).text.includes('Últimas Notícias de São Paulo'));
});

test('an unknown charset is an error that names it and where it came from', () => {
  assert.throws(
    () => decodeFeed(Buffer.from('<rss/>'), 'text/xml; charset=x-klingon'),
    /unknown charset "x-klingon" \(from the HTTP Content-Type\)/,
  );
  // …unless the document's own declaration can be used instead.
  assert.equal(decodeFeed(feedBytes(SIMPLIFIED, 'GBK', 'gb18030'), 'text/xml; charset=x-klingon').charset, 'gb18030');
});

function pick(d: { charset: string; origin: string }): [string, string] {
  return [d.charset, d.origin];
}
