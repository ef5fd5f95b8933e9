/**
 * Render cost per issue and per recipient. (1) renderIssue (Handlebars → MJML
 * → email HTML fitted under the size budget, text part, web page) for issues
 * of 20, 60 and 200 items made from the seed issue's items, with the sizes of
 * email.html, email.txt and index.html; ratios against the 20-item issue.
 * (2) Per-recipient personalisation of the 60-item email (fill the unsubscribe
 * link and greeting): the split-once approach of src/render/personalize.ts
 * against a replaceAll per token, and against recompiling MJML per recipient.
 * (3) One issue with one big item (1 and 2 MB of `<p>` paragraphs from a feed):
 * normalizing the item (sanitize, joined breaks, repaired HTML) plus the
 * render, per MB and against the 20-item issue, so a quadratic step (issue 15:
 * a 1.2 MB item took 40–100 s) shows as a per-MB time that grows with size.
 * Writes out/bench/render.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildItem } from '../src/ingest/item.ts';
import { escapeHtml } from '../src/util/html.ts';
import { renderIssue, type RenderResult } from '../src/render/index.ts';
import { personalize, type Recipient } from '../src/render/personalize.ts';
import { loadTemplates } from '../src/render/templates.ts';
import { TOKENS } from '../src/render/view.ts';
import { issueOfSize, renderOptions, TEMPLATES_DIR } from '../tests/render/fixtures.ts';
import { medianMs } from './timing.ts';

const GMAIL_CLIP_BYTES = 102 * 1024;
const templates = loadTemplates(TEMPLATES_DIR);
const options = renderOptions();

// (1) Render per issue. The first render also pays MJML's cold start.
const coldStart = performance.now();
await renderIssue(issueOfSize(20), templates, options);
const coldMs = performance.now() - coldStart;
const sizes = [20, 60, 200];
const renders: { items: number; ms: number; result: RenderResult }[] = [];
for (const items of sizes) {
  const issue = issueOfSize(items);
  let result!: RenderResult;
  const ms = await medianMs(async () => (result = await renderIssue(issue, templates, options)), items > 100 ? 5 : 9);
  renders.push({ items, ms, result });
}
const base = renders[0]!.ms;

// (2) Per recipient, on the 60-item email.
const rendered = renders[1]!.result;
const RECIPIENTS = 20_000;
const recipients: Recipient[] = Array.from({ length: RECIPIENTS }, (_, i) => ({
  name: i % 3 ? `订阅者${i}` : null,
  unsubscribeUrl: `https://example.org/digest/unsubscribe?s=${i}&t=${(i * 2654435761).toString(16).padStart(16, '0')}`,
}));
/** The straightforward way, as a baseline: one replaceAll per token and part. */
function byReplace(r: RenderResult, to: Recipient): { html: string; text: string } {
  const name = to.name?.trim() || '读者';
  return {
    html: r.emailHtml.replaceAll(TOKENS.unsubscribeUrl, escapeHtml(to.unsubscribeUrl)).replaceAll(TOKENS.greetingName, escapeHtml(name)),
    text: r.emailText.replaceAll(TOKENS.unsubscribeUrl, to.unsubscribeUrl).replaceAll(TOKENS.greetingName, name),
  };
}
/** Microseconds per recipient; reading a character of each part makes V8 flatten the string built for it, as sending would. */
function perRecipientUs(fill: (r: RenderResult, to: Recipient) => { html: string; text: string }): number {
  let sink = 0;
  const use = (m: { html: string; text: string }) => m.html.charCodeAt(m.html.length >> 1) + m.text.charCodeAt(m.text.length >> 1);
  for (const to of recipients.slice(0, 500)) sink += use(fill(rendered, to)); // warm-up
  const t = performance.now();
  for (const to of recipients) sink += use(fill(rendered, to));
  const us = ((performance.now() - t) * 1000) / RECIPIENTS;
  if (sink === 0) throw new Error('unreachable');
  return us;
}
const splitUs = perRecipientUs(personalize);
const replaceUs = perRecipientUs(byReplace);
const recompileUs = renders[1]!.ms * 1000;

// (3) One big item: ingest normalization plus render, per MB.
/** Feed HTML of about `bytes` bytes: Chinese paragraphs, every other one cut mid-sentence (as a PDF page break leaves it). */
function bigHtml(bytes: number): string {
  const ends = ['', '。'];
  const p = (i: number) =>
    `<p>工业和信息化部等两部门联合发布关于推动新型基础设施建设的通知，要求各地加快完善股权激励制度${ends[i % 2]}</p>\n`;
  const out: string[] = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    out.push(p(i));
    size += Buffer.byteLength(out.at(-1)!);
  }
  return out.join('');
}
const big: { mb: number; ms: number }[] = [];
for (const mb of [1, 2]) {
  const html = bigHtml(mb * 1024 * 1024);
  const ms = await medianMs(async () => {
    const item = buildItem(
      { sourceId: 'big', title: '大条目', html, link: 'https://example.org/big' },
      '2024-07-15T00:00:00Z',
      options.publication.timezone,
    );
    const issue = issueOfSize(1);
    Object.assign(issue.sections.find((s) => s.items.length)!.items[0]!, { text: item.text, html: item.html });
    await renderIssue(issue, templates, options);
  }, 3);
  big.push({ mb, ms });
}

const report = {
  bigItem: big.map(({ mb, ms }) => ({ mb, ms, msPerMb: ms / mb, ratioTo20ItemIssue: ms / base })),
  coldFirstRenderMs: coldMs,
  issues: renders.map(({ items, ms, result }) => ({
    items,
    ms,
    ratioTo20: ms / base,
    msPerItem: ms / items,
    emailHtmlBytes: Buffer.byteLength(result.emailHtml),
    underGmailClip: Buffer.byteLength(result.emailHtml) < GMAIL_CLIP_BYTES,
    emailTextBytes: Buffer.byteLength(result.emailText),
    webHtmlBytes: Buffer.byteLength(result.webHtml),
    fit: {
      ...result.fit,
      briefFrom: Number.isFinite(result.fit.briefFrom) ? result.fit.briefFrom : null,
      briefItems: result.view.briefCount,
    },
  })),
  personalize: {
    recipients: RECIPIENTS,
    emailItems: 60,
    splitOnceUs: splitUs,
    replaceAllUs: replaceUs,
    ratioToReplaceAll: splitUs / replaceUs,
    recompilePerRecipientUs: recompileUs,
    ratioToRecompile: splitUs / recompileUs,
    secondsFor100k: (splitUs * 100_000) / 1e6,
  },
};

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `render per issue (Handlebars → MJML → fitted email, text part, web page); first render incl. MJML cold start ${coldMs.toFixed(0)} ms`,
);
for (const r of report.issues) {
  const fit = r.fit.briefItems
    ? `summaries ${r.fit.summaryChars} chars, ${r.fit.briefItems} items TOC-only, ${r.fit.compiles} compiles`
    : r.fit.summaryChars < 220
      ? `summaries ${r.fit.summaryChars} chars, ${r.fit.compiles} compiles`
      : 'fits as configured';
  console.log(
    `  ${String(r.items).padStart(3)} items: ${r.ms.toFixed(1).padStart(6)} ms (${r.ratioTo20.toFixed(1)}× 20 items, ${r.msPerItem.toFixed(2)} ms/item)` +
      `  email.html ${kb(r.emailHtmlBytes)}${r.underGmailClip ? ' < 102 KB' : ' CLIPPED'} (${fit})  email.txt ${kb(r.emailTextBytes)}  index.html ${kb(r.webHtmlBytes)}`,
  );
}
console.log('one issue with one big item (normalize + render):');
for (const b of report.bigItem)
  console.log(
    `  ${b.mb} MB: ${b.ms.toFixed(0)} ms = ${b.msPerMb.toFixed(0)} ms/MB (${b.ratioTo20ItemIssue.toFixed(1)}× the 20-item issue)`,
  );
const p = report.personalize;
console.log(`per recipient, 60-item email (${RECIPIENTS} recipients):`);
console.log(
  `  split once, join per recipient: ${p.splitOnceUs.toFixed(1)} µs = ${p.ratioToReplaceAll.toFixed(2)}× replaceAll per token (${p.replaceAllUs.toFixed(1)} µs)`,
);
console.log(
  `  = 1/${Math.round(1 / p.ratioToRecompile)} of recompiling MJML per recipient (${(p.recompilePerRecipientUs / 1000).toFixed(1)} ms); 100,000 recipients: ${p.secondsFor100k.toFixed(1)} s`,
);
mkdirSync('out/bench', { recursive: true });
writeFileSync('out/bench/render.json', `${JSON.stringify(report, null, 2)}\n`);
