/**
 * Relative links in published HTML become absolute; the content part of a
 * web page is found and its neighbour navigation dropped.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { absolutizeLinks, mainContent } from '../../src/publish/links.ts';

const ISSUE = 'https://example.org/digest/issues/2024-07-15/';

test('relative href/src/srcset resolve against the base; absolute ones stay exactly as written', () => {
  const html = [
    '<a href="../../index.html">往期</a>',
    '<a href="#item-3">第三条</a>',
    "<img src='img/a.png' srcset='img/a.png 1x, /img/a@2x.png 2x' alt=\"x\">",
    '<a href=other.html title="t">bare</a>',
    '<a href="https://例子.cn/路径?a=1&amp;b=2">idn</a>',
    '<a href="mailto:editor@example.org">mail</a>',
    '<a href="//cdn.example.net/x.js">protocol-relative</a>',
    '<a href="?page=2&amp;x=&quot;y&quot;">query</a>',
  ].join('\n');
  assert.equal(
    absolutizeLinks(html, ISSUE),
    [
      '<a href="https://example.org/digest/index.html">往期</a>',
      '<a href="https://example.org/digest/issues/2024-07-15/#item-3">第三条</a>',
      '<img src="https://example.org/digest/issues/2024-07-15/img/a.png" srcset="https://example.org/digest/issues/2024-07-15/img/a.png 1x, https://example.org/img/a@2x.png 2x" alt="x">',
      '<a href="https://example.org/digest/issues/2024-07-15/other.html" title="t">bare</a>',
      '<a href="https://例子.cn/路径?a=1&amp;b=2">idn</a>',
      '<a href="mailto:editor@example.org">mail</a>',
      '<a href="https://cdn.example.net/x.js">protocol-relative</a>',
      '<a href="https://example.org/digest/issues/2024-07-15/?page=2&amp;x=%22y%22">query</a>',
    ].join('\n'),
  );
});

test('only attributes inside tags are touched, not text that looks like one', () => {
  const html = '<p>写 href="../x" 即可</p><code>&lt;a href="y"&gt;</code><a data-x="a > b" href="z">z</a>';
  assert.equal(
    absolutizeLinks(html, ISSUE),
    '<p>写 href="../x" 即可</p><code>&lt;a href="y"&gt;</code><a data-x="a > b" href="https://example.org/digest/issues/2024-07-15/z">z</a>',
  );
});

test('mainContent: the inside of <main>, without the neighbour navigation; <body> when there is no <main>', () => {
  const page =
    '<html><body><header>H</header><main class="x">\n<nav class="neighbours" aria-label="往期"><a href="../../index.html">往期</a></nav>\n<article>A</article>\n</main><footer>F</footer></body></html>';
  assert.equal(mainContent(page), '<article>A</article>');
  assert.equal(mainContent('<html><body class="b"><p>only body</p></body></html>'), '<p>only body</p>');
});
