/**
 * The feed XML tree (src/ingest/xml.ts) and what feed.ts reads from it where
 * real feeds are odd: markup bodies, sloppy but sound documents, broken ones.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { parseFeed } from '../../src/ingest/feed.ts';
import { content, parseXml } from '../../src/ingest/xml.ts';

test('a body holding markup is kept as markup, in document order, void elements self-closed', () => {
  const root = parseXml('<d>submitted by <a href="/u?x=1&amp;y=2">me</a><br></br> to <b>r/books</b> &lt;3</d>');
  assert.equal(content(root), 'submitted by <a href="/u?x=1&amp;y=2">me</a><br/> to <b>r/books</b> &lt;3');
  assert.equal(content(parseXml('<d><![CDATA[<p>escaped html</p>]]></d>')), '<p>escaped html</p>');
});

test('Atom xhtml content and titles; a link without rel is the alternate one', () => {
  const feed =
    parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Site <b>name</b></div></title>
    <entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">An <i>entry</i></div></title><id>urn:1</id>
      <link rel="self" href="https://api.example.org/1"/><link href="https://example.org/1"/>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One<br/>two</p></div></content></entry></feed>`);
  assert.equal(feed.title, 'Site name');
  assert.equal(feed.entries[0]!.title, 'An entry');
  assert.equal(feed.entries[0]!.link, 'https://example.org/1');
  assert.equal(feed.entries[0]!.body, '<div xmlns="http://www.w3.org/1999/xhtml"><p>One<br/>two</p></div>');
  assert.equal(feed.entries[0]!.bodyIsHtml, true);
});

test('sloppy but sound documents parse (control characters, a duplicate attribute, a late XML declaration)', () => {
  const feed = parseFeed(
    '\n<?xml version="1.0"?><rss version="2.0" version="2.0"><channel><title>T\u0008</title><item><title>a\u000bb</title><link>https://example.org/1</link></item></channel></rss>',
  );
  assert.equal(feed.entries.length, 1);
  assert.equal(feed.entries[0]!.link, 'https://example.org/1');
});

test('broken structure fails with line, column and what is wrong', () => {
  assert.throws(
    () => parseFeed('<rss version="2.0"><channel>\n<item><title>x</item></channel></rss>'),
    /^Error: malformed XML at line 2, column \d+: unexpected close tag$/,
  );
  assert.throws(
    () => parseFeed('<rss version="2.0"><channel>\n<item><title>x</title>'),
    /^Error: malformed XML at line 2, column \d+: unclosed tag: item$/,
  );
  assert.throws(
    () => parseFeed('<rss version="2.0"><channel></channel></rss>\ntrailing'),
    /malformed XML at line 2, column \d+: text data outside of root node/,
  );
  assert.throws(() => parseFeed('<rss version="2.0"><item><title>x</title></item></rss>'), /malformed feed: <rss> has no <channel>/);
});
