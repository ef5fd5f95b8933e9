/**
 * HTML as plain text (src/ingest/normalize/html-text.ts), read by
 * htmlparser2's parser: the inputs that pattern-based stripping got wrong
 * (comments and attributes holding `>`, CDATA, script/style bodies, character
 * references beyond a short list, blocks that start after text, links), and
 * a hang guard: megabytes of markup or of spaces are read in linear time.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { buildItem } from '../../src/ingest/item.ts';
import { htmlToPlain } from '../../src/ingest/markdown.ts';
import { decodeEntities, htmlToText } from '../../src/ingest/normalize/index.ts';

test('comments, CDATA and script/style/template bodies are no text, whatever they hold', () => {
  assert.equal(htmlToText('<p>前<!-- a > b --><!----><!-- <p>x</p> -->后</p>'), '前后');
  assert.equal(htmlToText('<p>a<![CDATA[ x > y ]]>b</p>'), 'ab');
  assert.equal(htmlToText('<p>a</p><script>if (a < b && c > d) document.write("</p>正文")</script><p>b</p>'), 'a\n\nb');
  assert.equal(htmlToText('<style>p > a { color: red }</style><p>正文</p><template><p>模板</p></template>'), '正文');
  assert.equal(htmlToText('<SCRIPT type="text/javascript">x = "<b>"</SCRIPT>文字'), '文字');
});

test('tags are read as tags: attributes holding > or quotes, upper case, unclosed and stray end tags', () => {
  assert.equal(htmlToText('<a title="a > b" href=\'/x?a>b\'>链接</a>文字'), '链接文字');
  assert.equal(htmlToText('<P>一<BR>二<Br/>三</br>四</P>'), '一\n二\n三\n四');
  assert.equal(htmlToText('<p>第一段<p>第二段<div>第三段'), '第一段\n\n第二段\n\n第三段');
  assert.equal(htmlToText('</span>文字</b>'), '文字');
  assert.equal(htmlToText('a < b and c > d'), 'a < b and c > d');
});

test('character references: every HTML5 name, numeric ones, legacy ones without semicolon; unknown names stay', () => {
  assert.equal(
    htmlToText('&hellip;&mdash;&ldquo;引号&rdquo;&nbsp;&#8220;&#x201D;&copy;&le;&rarr;&frac12;&#x1F600;&#0;'),
    '…—“引号” “”©≤→½😀\ufffd',
  );
  assert.equal(htmlToText('AT&T &amp &lt;b&gt; &unknown; &amp;lt;'), 'AT&T & <b> &unknown; &lt;');
  assert.equal(decodeEntities('两部门&mdash;&ensp;印发 &frac12; &zzz; a < b'), '两部门—\u2002印发 ½ &zzz; a < b');
  assert.equal(decodeEntities('no references'), 'no references');
});

test('blocks break paragraphs where they start as well as where they end; cells and lines keep apart', () => {
  assert.equal(htmlToText('要求如下：<ul><li>一是</li><li>二是</li></ul>此外'), '要求如下：\n\n一是\n\n二是\n\n此外');
  assert.equal(htmlToText('<dl><dt>作者</dt><dd>张三</dd></dl>正文'), '作者\n\n张三\n\n正文');
  assert.equal(htmlToText('<table><tr><th>地区</th><th>增速</th></tr><tr><td>北京</td><td>5%</td></tr></table>'), '地区 增速\n\n北京 5%');
  assert.equal(htmlToText('<h2>标题</h2>正文<hr>附录'), '标题\n\n正文\n\n附录');
  // Line breaks inside text stay for joinHardBreaks; trailing spaces and runs of blank lines go.
  assert.equal(htmlToText('<p>专精  \n特新\u00a0 </p>\n\n\n<p>下一段</p>'), '专精\n特新\n\n下一段');
});

test('links keep their address after the label when asked, unless the label is the address', () => {
  const html =
    '<p>见<a href="https://example.org/a?x=1&amp;y=2">通知</a>与<a href="https://example.org/b">https://example.org/b</a>，<a href="mailto:x@example.org">邮件</a></p>';
  assert.equal(htmlToPlain(html), '见通知（https://example.org/a?x=1&y=2）与https://example.org/b，邮件');
  assert.equal(htmlToText(html), '见通知与https://example.org/b，邮件');
  // An attribute holding `>` before the address (a pattern stopped at it and lost the address).
  assert.equal(htmlToPlain('<a title="a>b" href="https://example.org/c">附件</a>'), '附件（https://example.org/c）');
});

test('a headline with markup is decoded once (&amp;lt; is the text "&lt;")', () => {
  const item = buildItem(
    { sourceId: 's', title: '<b>工信部</b>：发布 &amp;lt;通知&amp;gt;', text: '正文' },
    '2024-07-15T00:00:00Z',
    'Asia/Shanghai',
  );
  assert.equal(item.title, '发布 &lt;通知&gt;');
  assert.equal(item.issuer, '工信部');
  const plain = buildItem(
    { sourceId: 's', title: '两部门：印发&ldquo;方案&rdquo;&hellip;', text: '正文' },
    '2024-07-15T00:00:00Z',
    'Asia/Shanghai',
  );
  assert.equal(plain.title, '印发“方案”…');
});

// Hang guards, not benchmarks (vitest's default 5 s timeout): pattern-based trimming re-scanned
// a long run of spaces from each of its starts, quadratic on a megabyte.
test('a 1 MB body of markup, and one of spaces, are read in one pass', { timeout: 30_000 }, () => {
  const para = '<p>工业和信息化部<b>等</b>两部门<!-- c --><a href="https://example.org/?a=1&amp;b=2">联合发布</a>&hellip;</p>\n';
  const html = para.repeat(10_000);
  const text = htmlToPlain(html);
  assert.equal(text.split('\n\n').length, 10_000);
  assert.ok(text.startsWith('工业和信息化部等两部门联合发布（https://example.org/?a=1&b=2）…'));
  const spaces = `<p>a${' '.repeat(1_000_000)}x</p>`;
  assert.equal(htmlToText(spaces).length, 1_000_002);
  assert.equal(htmlToText(`<p>a${' \t'.repeat(500_000)}\nb</p>`), 'a\nb');
});
