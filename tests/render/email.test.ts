/**
 * The email as Gmail and friends will see it: strict MJML, under the 102 KB
 * clipping limit for a typical 60-item issue (and degrading gracefully for
 * 200 items), self-contained (no external CSS, scripts or fonts), CJK font
 * stack, 16px body, preheader, dark-mode styles, hostile text escaped, and
 * per-recipient parts filled without recompiling.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { DigestError } from '../../src/errors.ts';
import { compactHtml, compileMjml, renderIssue } from '../../src/render/index.ts';
import { personalize } from '../../src/render/personalize.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { TOKENS } from '../../src/render/view.ts';
import { tempDir } from '../helpers/tmp.ts';
import { issueOfSize, loadIssue, renderOptions, TEMPLATES_DIR } from './fixtures.ts';

/** Gmail clips a message whose HTML exceeds this many bytes. */
const GMAIL_CLIP_BYTES = 102 * 1024;
const templates = loadTemplates(TEMPLATES_DIR);
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
// A realistic per-recipient link: longer than its token.
const RECIPIENT = { name: '欧阳明远', unsubscribeUrl: `https://example.org/digest/unsubscribe?s=123456&t=${'f'.repeat(64)}` };

test('a typical issue (the 67-item seed issue) fits under Gmail clipping with the configured summaries', async () => {
  const r = await renderIssue(loadIssue('seed-2024-07-15'), templates, renderOptions());
  const sent = personalize(r, RECIPIENT).html;
  assert.ok(bytes(sent) < GMAIL_CLIP_BYTES, `email is ${bytes(sent)} bytes`);
  assert.ok(r.fit.fits && r.fit.bytes <= 100_000, JSON.stringify(r.fit));
  // It fits as configured: no summary was shortened, no item left out.
  assert.equal(r.fit.summaryChars, 220);
  assert.equal(r.fit.briefFrom, Infinity);
  assert.equal(r.fit.compiles, 1);
  // Every item is in the email with its anchor; the compact contents link every section.
  assert.equal(r.view.itemCount, 67);
  for (let n = 1; n <= 67; n++) assert.ok(sent.includes(`id="item-${n}"`), `item ${n}`);
  for (const s of r.view.sections) assert.ok(sent.includes(`href="#${s.anchor}"`), `contents ${s.anchor}`);
  // 本期要点 links its 3–5 items inside the email.
  assert.ok(r.view.lead.length >= 3 && r.view.lead.length <= 5);
  for (const i of r.view.lead) assert.ok(sent.includes(`<a href="#${i.anchor}" style="color:#24211d">${i.fullTitle}</a>`), i.anchor);
});

test('a 200-item issue still fits: shorter summaries, then the last items only on the web', async () => {
  const r = await renderIssue(issueOfSize(200), templates, renderOptions());
  assert.ok(r.fit.fits, JSON.stringify(r.fit));
  assert.ok(bytes(personalize(r, RECIPIENT).html) < GMAIL_CLIP_BYTES);
  assert.ok(r.fit.summaryChars < 220 && r.fit.summaryChars >= 132, `summaries cut to ${r.fit.summaryChars}`);
  assert.ok(r.fit.briefFrom > 20 && r.fit.briefFrom <= 200, `brief from ${r.fit.briefFrom}`);
  const brief = 200 - r.fit.briefFrom + 1;
  assert.equal(r.view.briefCount, brief);
  assert.ok(r.emailHtml.includes(`篇幅所限，其中 ${brief} 条（↗）只在网页版全文刊出。`));
  // Brief items: no body in the email; their section says how many and links to itself on the web.
  assert.ok(!r.emailHtml.includes('id="item-200"'));
  for (const s of r.view.sections.filter((s) => s.briefCount)) {
    assert.ok(r.emailHtml.includes(`本节另有 ${s.briefCount} 条在网页版刊出。<a href="${s.webLink}"`), s.id);
    assert.ok(s.webLink.startsWith('https://example.org/digest/issues/2024-07-15/#'), s.webLink);
  }
  assert.ok(r.emailHtml.includes('id="item-1"'));
  // The web version has everything, in full.
  assert.equal(r.webHtml.match(/<article id="item-\d+">/g)!.length, 200);
  // The unsubscribe link (end of the email) survives.
  assert.ok(r.emailHtml.includes(`href="${TOKENS.unsubscribeUrl}"`));
});

test('a budget too small for anything is reported, not silently exceeded', async () => {
  const r = await renderIssue(issueOfSize(60), templates, renderOptions({ emailMaxBytes: 20_000 }));
  assert.equal(r.fit.fits, false);
  assert.ok(r.fit.bytes > 20_000);
  assert.ok(r.fit.compiles <= 8);
});

test('the email is self-contained and built for CJK readers on any screen', async () => {
  const r = await renderIssue(loadIssue('seed-2024-07-15'), templates, renderOptions());
  const html = r.emailHtml;
  assert.doesNotMatch(html, /<script|<link\b|@import|@font-face|<iframe|<form|javascript:/i);
  assert.doesNotMatch(html, /\bsrc="https?:/i, 'no remote images or resources');
  for (const img of html.match(/<img\b[^>]*>/g) ?? []) assert.match(img, /\balt="/, img);
  assert.match(html, /font-family:'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif/);
  assert.match(html, /font-size:16px;line-height:1\.75/, 'body text is 16px');
  assert.match(html, /<html lang="zh-CN"/);
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(html, /<meta name="color-scheme" content="light dark">/);
  assert.match(html, /@media \(prefers-color-scheme: dark\)/);
  // The preheader is the first text in the body: the counts per section and the lead headlines
  // of the other sections — the subject already carries the first one.
  assert.match(
    html,
    /<body[^>]*><div style="display:none;[^"]*">本期67条（热点关注10 行业动向12 国际视野11 国内动态14 自贸专题6 国研专稿4 企业排行榜6 图书推荐4）：多部门：印发《化工老旧装置淘汰退出和更新改造工作方案》；西媒：/,
  );
  assert.match(html, /<title>信息摘编｜国务院：明确将给予央企创投基金更大支持<\/title>/);
  // The hidden preheader is not white-on-white (SpamAssassin's HTML_FONT_LOW_CONTRAST).
  assert.doesNotMatch(html.slice(0, html.indexOf('</div>', html.indexOf('<body'))), /color:#fff/i);
  // Colophon as printed (in the footer): editing unit, contacts, editors, collection window.
  for (const s of [
    '2024年 第七期（总第三十七期）',
    // A long name breaks only between its units, never stranding `修办公室）`.
    '<span style="white-space:nowrap">编辑单位：</span><span style="white-space:nowrap">天津港保税区文教局</span><span style="white-space:nowrap">（图书馆、</span><span style="white-space:nowrap">地方志编修办公室）</span><br>',
    '电话：(022) 84925879',
    'E-mail：zdd@adm.tjftz.gov.cn',
    '编审名单',
    '主编：沈习春　薛晓莹',
    '副主编：张欣　朱丹丹',
    '<span style="white-space:nowrap">本期刊物信息搜集时间：</span><span style="white-space:nowrap">2024.06.17-2024.07.15</span>',
  ]) {
    assert.ok(html.includes(s), s);
  }
  // Items as printed: number. issuer：headline, outlet and date, summary, 附, then the links.
  assert.ok(
    html.includes(
      '<h3 id="item-3" style="margin:16px 0 2px;font-size:18px;line-height:1.5">3. 两部门：进一步支持专精特新中小企业高质量发展</h3><p class="meta" style="margin:0;font-size:14px;color:#5f584e">新京报　2024-06-19</p>',
    ),
  );
  assert.ok(html.includes('附：《关于进一步支持专精特新中小企业高质量发展的通知》'));
  assert.ok(html.includes('<a href="https://mp.weixin.qq.com/s/3FJ2eIXXXcqBSK7zkP57Gg" style="color:#9a1b1b">原文链接</a>'));
  assert.ok(html.includes('<a href="https://example.org/digest/issues/2024-07-15/#item-4" style="color:#9a1b1b">阅读全文</a>'));
  assert.match(html, /<h2 id="section-hot"[^>]*>一、热点关注<\/h2>/);
  assert.match(html, /<h2 id="section-rankings"[^>]*>七、企业排行榜<\/h2>/);
  // 图书推荐 is the eighth section, its entries book cards with their own numbers.
  assert.match(html, /<h2 id="section-books"[^>]*>八、图书推荐<\/h2><table role="presentation" id="item-64" class="book"/);
  assert.ok(
    html.includes(
      '64. 《繁荣与停滞》</h3><p class="meta" style="margin:0 0 6px;font-size:14px;color:#5f584e">伊藤隆敏 星岳雄 著 · 中信出版社 · 2022-09</p>',
    ),
  );
  // Every section ends with a way back to the contents.
  assert.equal(html.match(/<a href="#toc"[^>]*>↑ 回到目录<\/a>/g)?.length, 8);
  // No Markdown or escaped markup reaches a reader.
  assert.doesNotMatch(html, /\*\*|&lt;p&gt;|&lt;\/?strong&gt;/);
  // Whitespace between tags is gone, text untouched.
  assert.doesNotMatch(html, />\s*\n\s*</);
});

test('hostile titles and links are escaped or dropped in every part', async () => {
  const r = await renderIssue(loadIssue('small-2024-07-15'), templates, renderOptions());
  for (const part of [r.emailHtml, r.webHtml]) {
    assert.ok(!part.includes('<script>alert(1)</script>'));
    assert.ok(part.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; 营造良好投融资环境'));
    assert.doesNotMatch(part, /javascript:/i);
  }
  assert.doesNotMatch(r.emailText, /javascript:/i);
  // The feed image got an alt text on the web page.
  assert.match(r.webHtml, /<img loading="lazy" alt="" src="https:\/\/example\.org\/chart\.png">/);
});

test('MJML is strict: a template error fails the render and names the template', async () => {
  await assert.rejects(
    compileMjml('<mjml><mj-body><mj-section><mj-text>not in a column</mj-text></mj-section></mj-body></mjml>'),
    (err: unknown) => {
      assert.ok(err instanceof DigestError);
      assert.match(err.message, /MJML rejected the email template/);
      assert.match(err.hint ?? '', /templates\/issue\.mjml\.hbs/);
      return true;
    },
  );
  await assert.rejects(
    compileMjml('<mjml><mj-body><mj-section><mj-column><mj-text colour="red">x</mj-text></mj-column></mj-section></mj-body></mjml>'),
    DigestError,
  );
});

test('an editor template with a strict-MJML error is refused at render time', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'partials'));
  writeFileSync(
    join(dir, 'issue.mjml.hbs'),
    '<mjml><mj-body><mj-section><mj-column><mj-button bogus="1">{{subject}}</mj-button></mj-column></mj-section></mj-body></mjml>',
  );
  writeFileSync(join(dir, 'issue.txt.hbs'), '{{subject}}');
  writeFileSync(join(dir, 'web.hbs'), '<main>{{subject}}</main>');
  await assert.rejects(renderIssue(loadIssue('small-2024-07-15'), loadTemplates(dir), renderOptions()), /MJML rejected the email template/);
});

test('compactHtml removes only whitespace that holds a line break', () => {
  assert.equal(
    compactHtml('<p>\n  <b>a</b> <i>b</i>\n</p>\n<style>\n  a { color: red; }\n</style>'),
    '<p><b>a</b> <i>b</i></p><style>\na { color: red; }\n</style>\n',
  );
});

test('personalisation fills the tokens per recipient, escaped, without touching the rendered issue', async () => {
  const r = await renderIssue(loadIssue('small-2024-07-15'), templates, renderOptions());
  const before = r.emailHtml;
  const a = personalize(r, { name: '张三', unsubscribeUrl: 'https://example.org/digest/unsubscribe?s=1&t=abc' });
  const b = personalize(r, { name: ' <b>李四</b> ', unsubscribeUrl: 'https://example.org/digest/unsubscribe?s=2&t=def' });
  const anonymous = personalize(r, { name: null, unsubscribeUrl: 'https://example.org/u' });
  assert.equal(r.emailHtml, before);
  for (const part of [a.html, a.text, b.html, b.text, anonymous.html]) assert.ok(!part.includes('%%DIGEST_'), 'no token left');
  assert.ok(a.html.includes('张三，您好！') && a.text.includes('张三，您好！'));
  assert.ok(a.html.includes('href="https://example.org/digest/unsubscribe?s=1&amp;t=abc"'));
  assert.ok(a.text.includes('退订：https://example.org/digest/unsubscribe?s=1&t=abc'));
  assert.ok(b.html.includes('&lt;b&gt;李四&lt;/b&gt;，您好！'), 'names are escaped in HTML');
  assert.ok(b.text.includes('<b>李四</b>，您好！'), 'and kept as typed in text');
  assert.ok(anonymous.html.includes('读者，您好！'));
  // A name that looks like a token is not expanded.
  const sly = personalize(r, { name: TOKENS.unsubscribeUrl, unsubscribeUrl: 'https://example.org/u' });
  assert.ok(sly.text.includes(`${TOKENS.unsubscribeUrl}，您好！`));
  // Only the tokens differ between two recipients.
  assert.equal(a.html.replace(/张三|s=1&amp;t=abc/g, ''), b.html.replace(/&lt;b&gt;李四&lt;\/b&gt;|s=2&amp;t=def/g, ''));
});
