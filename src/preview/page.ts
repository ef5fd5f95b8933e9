/**
 * The preview UI as server-rendered HTML (pure). Forms post without
 * JavaScript; the small static script adds live reload, the summary's
 * character count and keyboard shortcuts for ordering. Every value is escaped
 * by `html`, every word comes from the message catalogue (messages.ts), and
 * the rendered email and web page live in sandboxed frames, so no item or
 * template content runs as script here.
 */
import type { EmailFit } from '../render/index.ts';
import { chineseNumeral } from '../render/index.ts';
import { html, type SafeHtml } from './html.ts';
import { type Messages, messagesFor } from './messages.ts';
import type { PreviewSnapshot } from './model.ts';
import { bookPanel, fetchPanel, historyPanel, searchPanel, writePanel } from './page-desk.ts';
import { csrfField, itemsPanel } from './page-items.ts';

/** A message shown once after an action. */
export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** How the email was shrunk to stay under the size budget (render/fit.ts), if it was. */
function fitNote(fit: EmailFit, m: Messages): string {
  const notes: string[] = [];
  if (fit.compiles > 1 && Number.isFinite(fit.summaryChars)) notes.push(m.fit.cut(fit.summaryChars));
  if (Number.isFinite(fit.briefFrom)) notes.push(m.fit.brief(fit.briefFrom));
  return notes.length ? m.fit.fitted(kb(fit.maxBytes), notes.join('；')) : '';
}

function summaryPanel(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const { m } = snap;
  const n = snap.issue.numbering;
  const status = snap.stored?.status ?? 'none';
  const rendered = snap.render.ok ? snap.render.value : null;
  const over = rendered && rendered.emailBytes > 102 * 1024;
  return html`<section class="panel summary" aria-labelledby="issue-heading">
  <div class="headline">
    <h1 id="issue-heading">${snap.issue.title} <span class="numbering">${n.year}年 第${chineseNumeral(n.number)}期（总第${chineseNumeral(n.totalNumber)}期）</span></h1>
    <p class="status status-${status}"><strong><time datetime="${snap.date}">${m.weekdayDate(snap.date)}</time></strong> · ${m.status[status]}${snap.stored ? m.builtAt(m.dateTime(snap.stored.createdAt, snap.zone)) : ''}${snap.basis === 'next' ? html` · ${m.nextBasis}` : ''}</p>
  </div>
  <dl>
    <dt>${m.summary.subject}</dt><dd class="subject">${rendered?.rendered.subject ?? '—'}</dd>
    <dt>${m.summary.preheader}</dt><dd class="preheader">${rendered?.rendered.preheader ?? '—'}</dd>
    <dt>${m.summary.shownAs}</dt><dd>${snap.recipient.name ? `${snap.recipient.name} <${snap.recipient.email}>` : snap.recipient.email}</dd>
    <dt>${m.summary.size}</dt><dd class="${over ? 'warn' : ''}">${rendered ? kb(rendered.emailBytes) : '—'}${over ? m.overClip : ''}${rendered ? fitNote(rendered.rendered.fit, m) : ''}</dd>
  </dl>
  ${snap.skipReason ? html`<p class="notice">${snap.skipReason}</p>` : ''}
  ${snap.draftDiffers ? html`<form class="notice" method="post" action="/draft">${csrfField(csrf)}<span>${m.draftDiffers}</span> <button>${m.updateDraft}</button></form>` : ''}
</section>`;
}

/** The rendered pages' anchor of an item (`#item-3`), so the frames open where the editor is working. */
function frameAnchor(snap: PreviewSnapshot, focus: string | undefined): string {
  if (!focus || !snap.render.ok) return '';
  const position = snap.issue.sections.flatMap((s) => s.items).find((i) => i.id === focus)?.position;
  const view = snap.render.value.rendered.view.sections.flatMap((s) => s.items).find((i) => i.position === position);
  return view ? `#${encodeURIComponent(view.anchor)}` : '';
}

// The web version sits below the email and the text part: it loads when the editor scrolls to it
// (loading="lazy"), so the reload after each change lays out two copies of the issue, not three.
function framesPanel(snap: PreviewSnapshot, focus: string | undefined): SafeHtml {
  const { m } = snap;
  const g = snap.generation;
  const at = frameAnchor(snap, focus);
  if (!snap.render.ok) {
    return html`<section id="email" class="panel"><h2>${m.frames.email}</h2><div class="render-error"><strong>${m.frames.failed}</strong><pre>${snap.render.error}</pre><p>${m.frames.fixIt}</p></div></section>`;
  }
  const text = snap.render.value.emailText;
  return html`<section id="email" class="panel">
  <h2>${m.frames.email}</h2>
  <div class="frames">
    <figure><figcaption>${m.frames.phone}</figcaption><iframe class="email-375" title="${m.frames.phoneTitle}" width="375" height="900" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/frame/email?g=${g}${at}"></iframe></figure>
    <figure><figcaption>${m.frames.desktop}</figcaption><iframe class="email-800" title="${m.frames.desktopTitle}" width="800" height="900" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/frame/email?g=${g}${at}"></iframe></figure>
  </div>
</section>
<section id="text" class="panel">
  <h2>${m.frames.text}</h2>
  <pre class="plain" tabindex="0">${text}</pre>
</section>
<section id="web" class="panel">
  <h2>${m.frames.web}</h2>
  <iframe class="web" title="${m.frames.webTitle}" height="900" loading="lazy" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/frame/web?g=${g}${at}"></iframe>
</section>`;
}

function actions(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const { m } = snap;
  const tests = snap.testRecipients;
  const send = html`<form method="post" action="/send-test">${csrfField(csrf)}<button class="primary" id="send-test"${tests.length && snap.render.ok ? '' : ' disabled'} title="${tests.length ? m.actions.sendTo(tests.join(', ')) : m.actions.noTests}">${m.actions.sendTest}${tests.length ? ` (${tests.length})` : ''}</button></form>`;
  const canApprove = snap.requireApproval && snap.stored?.status !== 'approved';
  const approve = canApprove
    ? html`<form method="post" action="/approve">${csrfField(csrf)}<button class="approve" id="approve"${snap.render.ok ? '' : ' disabled'}>${m.actions.approve}</button></form>`
    : snap.requireApproval
      ? html`<span class="approved-badge">${m.actions.approved}</span>`
      : '';
  return html`<div class="actions">${send}${approve}</div>`;
}

/** What a page was opened for besides the issue itself. */
export interface PageOptions {
  flash?: Flash;
  /** The item the editor last acted on (focus and frames go there). */
  focus?: string;
  /** The action last applied to it, so keyboard focus returns to the same button. */
  did?: string;
}

/** The whole preview page. */
export function previewPage(snap: PreviewSnapshot, csrf: string, opts: PageOptions = {}): string {
  const { m } = snap;
  const { flash, focus } = opts;
  const empty = !snap.issue.sections.some((s) => s.items.length) && !snap.issue.unplaced.length;
  const page = html`<!doctype html>
<html lang="${m.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${m.pageTitle} · ${snap.issue.title} ${m.date(snap.date)}</title>
<link rel="stylesheet" href="/static/preview.css">
<script src="/static/preview.js" defer></script>
</head>
<body data-generation="${snap.generation}" data-focus="${focus ?? ''}" data-did="${opts.did ?? ''}" data-live-on="${m.live.on}" data-live-off="${m.live.off}" data-live-updating="${m.live.updating}" data-live-saving="${m.live.saving}" data-confirm-approve="${m.confirmApprove}">
<header class="bar">
  <a class="brand" href="/">digest <span>${m.brand}</span></a>
  <nav aria-label="${m.navLabel}"><a href="#fetch">${m.nav.fetch}</a><a href="#items">${m.nav.items}</a><a href="#search">${m.nav.search}</a><a href="#history">${m.nav.history}</a><a href="#email">${m.nav.email}</a><a href="#text">${m.nav.text}</a><a href="#web">${m.nav.web}</a></nav>
  <span class="live" id="live" title="${m.live.title}">${m.live.idle}</span>
  ${actions(snap, csrf)}
</header>
<main>
  ${flash ? html`<p class="flash flash-${flash.kind}" role="status">${flash.text}</p>` : ''}
  ${snap.problems.length ? html`<div class="problems">${snap.problems.map(([area, message]) => html`<div class="problem" role="alert"><strong>${area}:</strong> <pre>${message}</pre></div>`)}</div>` : ''}
  ${summaryPanel(snap, csrf)}
  <div class="columns">
    <div class="desk">
      ${fetchPanel(snap, csrf)}
      ${itemsPanel(snap, csrf)}
      ${writePanel(snap, csrf, empty)}
      ${bookPanel(snap, csrf)}
      ${searchPanel(snap, csrf)}
      ${historyPanel(snap)}
    </div>
    <div class="renders">${framesPanel(snap, focus)}</div>
  </div>
</main>
</body>
</html>
`;
  return page.value;
}

/** A small page for errors outside the preview (bad host, missing token). */
export function errorPage(status: number, message: string, language = 'zh-CN'): string {
  const m = messagesFor(language);
  return html`<!doctype html><html lang="${m.lang}"><head><meta charset="utf-8"><title>${status}</title><link rel="stylesheet" href="/static/preview.css"></head><body><main><p class="flash flash-error">${status}: ${message}</p><p><a href="/">${m.errors.back}</a></p></main></body></html>`
    .value;
}
