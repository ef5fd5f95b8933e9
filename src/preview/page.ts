/**
 * The preview UI as server-rendered HTML (pure). Forms post without
 * JavaScript; the small static script only adds live reload. Every value is
 * escaped by `html`, and the rendered email and web page live in sandboxed
 * frames, so no item or template content runs as script here.
 */
import type { EmailFit } from '../render/index.ts';
import { chineseNumeral } from '../render/index.ts';
import type { IssueItem, Override } from '../types.ts';
import { html, safeHref, type SafeHtml } from './html.ts';
import type { PreviewSnapshot } from './model.ts';

/** A message shown once after an action. */
export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

const STATUS_TEXT = {
  none: 'Not built yet — this is what “digest build” would produce now',
  draft: 'Draft',
  approved: 'Approved',
  sent: 'Sent',
} as const;

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** The review flag of a placement the machine is unsure of (until an editor decides), with its runner-up section. */
function review(item: IssueItem, snap: PreviewSnapshot, override: Override | undefined): SafeHtml | string {
  if (!item.review || override) return '';
  const runnerUp = item.runnerUp ? (snap.sections.find((s) => s.id === item.runnerUp)?.title ?? item.runnerUp) : null;
  return html` <span class="tag review" title="placed with low confidence">review${runnerUp ? html` · or ${runnerUp}?` : ''}</span>`;
}

function itemRow(item: IssueItem, snap: PreviewSnapshot, sectionId: string | null, csrf: string, note?: string): SafeHtml {
  const override: Override | undefined = snap.overrides.get(item.id);
  const fullTitle = item.issuer ? `${item.issuer}：${item.title}` : item.title;
  const link = safeHref(item.link);
  const date = (item.publishedAt ?? item.firstSeenAt).slice(0, 10);
  const excluded = !!override?.excluded;
  const pinned = !!override?.pinnedFirst;
  return html`<li class="item${pinned ? ' pinned' : ''}${excluded ? ' excluded' : ''}" id="item-${item.id}" data-item="${item.id}" data-section="${sectionId ?? ''}">
  <div class="pos">${item.position || '–'}</div>
  <div class="body">
    <div class="title">${fullTitle}</div>
    <div class="meta">${item.outlet ?? item.sourceId} · ${date}${link ? html` · <a href="${link}" target="_blank" rel="noopener noreferrer">original</a>` : ''}</div>
    <div class="reason"><span class="tag${override ? ' edited' : ''}">${override ? 'editor' : 'why'}</span>${review(item, snap, override)} ${item.reason}${note ? html` <span class="note">${note}</span>` : ''}</div>
  </div>
  <form class="controls" method="post" action="/items">
    ${csrfField(csrf)}<input type="hidden" name="item" value="${item.id}">
    <label class="visually-hidden" for="move-${item.id}">Section</label>
    <select name="section" id="move-${item.id}">${snap.sections.map((s) => html`<option value="${s.id}"${s.id === sectionId ? ' selected' : ''}>${s.title}</option>`)}</select>
    <button name="action" value="move" class="move">Move</button>
    ${pinned ? html`<button name="action" value="unpin">Unpin</button>` : html`<button name="action" value="pin">Pin first</button>`}
    ${excluded ? html`<button name="action" value="include">Include</button>` : html`<button name="action" value="exclude" class="danger">Exclude</button>`}
    ${override ? html`<button name="action" value="reset" class="quiet" title="Forget the editor's changes to this item">Reset</button>` : ''}
  </form>
</li>`;
}

function itemsPanel(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const sections = snap.issue.sections.map(
    (s, i) => html`<section class="section" data-section-id="${s.id}">
  <h3><span>${chineseNumeral(i + 1)}、${s.title}</span><span class="count">${s.items.length}</span></h3>
  ${s.items.length ? html`<ol class="items">${s.items.map((it) => itemRow(it, snap, s.id, csrf))}</ol>` : html`<p class="empty">No items.</p>`}
  ${s.overflow.length ? html`<p class="overflow-head">Over the section's cap — kept for the next issue:</p><ol class="items overflow">${s.overflow.map((it) => itemRow(it, snap, s.id, csrf, 'over cap'))}</ol>` : ''}
</section>`,
  );
  const left = snap.issue.unplaced;
  const unplaced = left.length
    ? html`<section class="section unplaced" data-section-id="">
  <h3><span>Not in this issue (excluded, or no section matched)</span><span class="count">${left.length}</span></h3>
  <ol class="items">${left.map((it) => itemRow(it, snap, null, csrf))}</ol>
</section>`
    : '';
  const count = snap.issue.sections.reduce((n, s) => n + s.items.length, 0);
  // Placements the machine is unsure of, listed first so editors look at them before the rest.
  const unsure = snap.issue.sections.flatMap((s) =>
    s.items.filter((it) => it.review && !snap.overrides.has(it.id)).map((it) => ({ it, s })),
  );
  const reviewList = unsure.length
    ? html`<div class="review-first"><p class="overflow-head">Check first — placed with low confidence:</p><ol>${unsure.map(({ it, s }) => html`<li><a href="#item-${it.id}">${it.issuer ? `${it.issuer}：${it.title}` : it.title}</a> — ${s.title}${it.runnerUp ? html`, or ${snap.sections.find((x) => x.id === it.runnerUp)?.title ?? it.runnerUp}?` : ''}</li>`)}</ol></div>`
    : '';
  return html`<section id="items" class="panel">
  <h2>Items <span class="count">${count}</span></h2>
  <p class="hint">Move, pin or exclude an item: the change is saved as an editor override and used by every build (and taught to the classifier).</p>
  ${reviewList}${sections}${unplaced}
</section>`;
}

/** How the email was shrunk to stay under the size budget (render/fit.ts), if it was. */
function fitNote(fit: EmailFit): string {
  const notes: string[] = [];
  if (fit.compiles > 1 && Number.isFinite(fit.summaryChars)) notes.push(`summaries cut near ${fit.summaryChars} characters`);
  if (Number.isFinite(fit.briefFrom)) notes.push(`items from No. ${fit.briefFrom} as headlines only (full text on the web)`);
  return notes.length ? ` — fitted under ${kb(fit.maxBytes)}: ${notes.join('; ')}` : '';
}

function summaryPanel(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const n = snap.issue.numbering;
  const status = snap.stored?.status ?? 'none';
  const rendered = snap.render.ok ? snap.render.value : null;
  const over = rendered && rendered.emailBytes > 102 * 1024;
  return html`<section class="panel summary">
  <div class="headline">
    <h1>${snap.issue.title} <span class="numbering">${n.year}年 第${chineseNumeral(n.number)}期（总第${chineseNumeral(n.totalNumber)}期）</span></h1>
    <p class="status status-${status}"><strong>${snap.date}</strong> · ${STATUS_TEXT[status]}${snap.stored ? html` (built ${snap.stored.createdAt.slice(0, 16).replace('T', ' ')})` : ''}${snap.basis === 'next' ? ' · today’s issue was sent; this is the next one' : ''}</p>
  </div>
  <dl>
    <dt>Subject</dt><dd class="subject">${rendered?.rendered.subject ?? '—'}</dd>
    <dt>Preheader</dt><dd class="preheader">${rendered?.rendered.preheader ?? '—'}</dd>
    <dt>Shown as</dt><dd>${snap.recipient.name ? `${snap.recipient.name} <${snap.recipient.email}>` : snap.recipient.email}</dd>
    <dt>Email size</dt><dd class="${over ? 'warn' : ''}">${rendered ? kb(rendered.emailBytes) : '—'}${over ? ' — over 102 KB: Gmail will clip this message' : ''}${rendered ? fitNote(rendered.rendered.fit) : ''}</dd>
  </dl>
  ${snap.skipReason ? html`<p class="notice">${snap.skipReason}</p>` : ''}
  ${
    snap.draftDiffers
      ? html`<form class="notice" method="post" action="/draft">${csrfField(csrf)}<span>The stored draft differs from this preview (your changes are not in it yet).</span> <button>Update draft</button></form>`
      : ''
  }
</section>`;
}

/** The rendered pages' anchor of an item (`#item-3`), so the frames open where the editor is working. */
function frameAnchor(snap: PreviewSnapshot, focus: string | undefined): string {
  if (!focus || !snap.render.ok) return '';
  const position = snap.issue.sections.flatMap((s) => s.items).find((i) => i.id === focus)?.position;
  const view = snap.render.value.rendered.view.sections.flatMap((s) => s.items).find((i) => i.position === position);
  return view ? `#${encodeURIComponent(view.anchor)}` : '';
}

function framesPanel(snap: PreviewSnapshot, focus: string | undefined): SafeHtml {
  const g = snap.generation;
  const at = frameAnchor(snap, focus);
  if (!snap.render.ok) {
    return html`<section id="email" class="panel"><h2>Email</h2><div class="render-error"><strong>The issue did not render.</strong><pre>${snap.render.error}</pre><p>Fix the template or configuration; the preview reloads when you save.</p></div></section>`;
  }
  const text = snap.render.value.emailText;
  return html`<section id="email" class="panel">
  <h2>Email</h2>
  <div class="frames">
    <figure><figcaption>Phone · 375 px</figcaption><iframe class="email-375" title="Email at 375 px" width="375" height="900" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/frame/email?g=${g}${at}"></iframe></figure>
    <figure><figcaption>Desktop · 800 px</figcaption><iframe class="email-800" title="Email at 800 px" width="800" height="900" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/frame/email?g=${g}${at}"></iframe></figure>
  </div>
</section>
<section id="text" class="panel">
  <h2>Plain-text part</h2>
  <pre class="plain">${text}</pre>
</section>
<section id="web" class="panel">
  <h2>Web version</h2>
  <iframe class="web" title="Web version" height="900" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/frame/web?g=${g}${at}"></iframe>
</section>`;
}

function actions(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const tests = snap.testRecipients;
  const send = html`<form method="post" action="/send-test">${csrfField(csrf)}<button class="primary" id="send-test"${tests.length && snap.render.ok ? '' : ' disabled'} title="${tests.length ? `Send to ${tests.join(', ')}` : 'Set delivery.testRecipients in the config to send tests'}">Send test${tests.length ? ` (${tests.length})` : ''}</button></form>`;
  const canApprove = snap.requireApproval && snap.stored?.status !== 'approved';
  const approve = canApprove
    ? html`<form method="post" action="/approve">${csrfField(csrf)}<button class="approve" id="approve"${snap.render.ok ? '' : ' disabled'}>Approve</button></form>`
    : snap.requireApproval
      ? html`<span class="approved-badge">✓ Approved</span>`
      : '';
  return html`<div class="actions">${send}${approve}</div>`;
}

/** The whole preview page. */
export function previewPage(snap: PreviewSnapshot, csrf: string, flash?: Flash, focus?: string): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview · ${snap.issue.title} ${snap.date}</title>
<link rel="stylesheet" href="/static/preview.css">
<script src="/static/preview.js" defer></script>
</head>
<body data-generation="${snap.generation}">
<header class="bar">
  <a class="brand" href="/">digest <span>preview</span></a>
  <nav aria-label="Sections of the preview"><a href="#items">Items</a><a href="#email">Email</a><a href="#text">Plain text</a><a href="#web">Web</a></nav>
  <span class="live" id="live" title="The page reloads itself when templates, config, inbox items or overrides change">reload to refresh</span>
  ${actions(snap, csrf)}
</header>
<main>
  ${flash ? html`<p class="flash flash-${flash.kind}" role="status">${flash.text}</p>` : ''}
  ${snap.problems.length ? html`<div class="problems">${snap.problems.map(([area, message]) => html`<div class="problem" role="alert"><strong>${area}:</strong> <pre>${message}</pre></div>`)}</div>` : ''}
  ${summaryPanel(snap, csrf)}
  <div class="columns">
    ${itemsPanel(snap, csrf)}
    <div class="renders">${framesPanel(snap, focus)}</div>
  </div>
</main>
</body>
</html>
`;
  return page.value;
}

/** A small page for errors outside the preview (bad host, missing token). */
export function errorPage(status: number, message: string): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status}</title><link rel="stylesheet" href="/static/preview.css"></head><body><main><p class="flash flash-error">${status}: ${message}</p><p><a href="/">Back to the preview</a></p></main></body></html>`
    .value;
}
