/**
 * The editors' desk around the items (pure): 获取最新 with its progress and
 * per-source results, writing a new item or a 图书推荐 book entry, finding stored items to add, and
 * the history of who changed what when.
 */
import { html, type SafeHtml } from './html.ts';
import type { PreviewSnapshot } from './model.ts';
import { csrfField, fullTitle } from './page-items.ts';

/** 获取最新: the form, then progress while it runs, then what came in per source. */
export function fetchPanel(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const { m } = snap;
  const f = snap.fetch;
  const current = f?.running ? (f.sources[f.reports.length] ?? '') : '';
  const rows = f?.reports.length
    ? html`<table class="fetch-results">
  <thead><tr><th scope="col">${m.fetch.cols.source}</th><th scope="col">${m.fetch.cols.status}</th><th scope="col">${m.fetch.cols.new}</th><th scope="col">${m.fetch.cols.duplicate}</th><th scope="col">${m.fetch.cols.merged}</th><th scope="col">${m.fetch.cols.reason}</th></tr></thead>
  <tbody>${f.reports.map(
    (r) =>
      html`<tr class="source-${r.status}" data-source="${r.id}"><th scope="row">${r.id}</th><td>${m.fetch.statuses[r.status] ?? r.status}</td><td>${r.new}</td><td>${r.duplicate}</td><td>${r.merged}</td><td>${r.error ?? ''}</td></tr>`,
  )}</tbody>
</table>`
    : '';
  return html`<section id="fetch" class="panel" aria-labelledby="fetch-heading">
  <h2 id="fetch-heading">${m.fetch.heading}</h2>
  <p class="hint">${m.fetch.hint}</p>
  <form class="inline" method="post" action="/fetch">${csrfField(csrf)}
    <label for="fetch-source">${m.fetch.which}</label>
    <select id="fetch-source" name="source"><option value="">${m.fetch.all}</option>${snap.sourceIds.map((id) => html`<option value="${id}">${id}</option>`)}</select>
    <button class="move" id="fetch-button"${f?.running ? ' disabled' : ''}>${m.fetch.button}</button>
  </form>
  ${
    f
      ? html`<p class="fetch-status" role="status">${f.running ? html`<progress max="${f.sources.length}" value="${f.reports.length}"></progress> ${m.fetch.running(f.reports.length, f.sources.length, current)}` : m.fetch.finished(m.dateTime(f.finishedAt ?? f.startedAt, snap.zone))}${f.error ? html` <span class="warn">${m.fetch.failedRun(f.error)}</span>` : ''}</p>`
      : ''
  }
  ${rows}
</section>`;
}

/** A new editor item: the fields of an inbox Markdown file. */
export function writePanel(snap: PreviewSnapshot, csrf: string, open: boolean): SafeHtml {
  const { m } = snap;
  const input = (name: string, label: string, type = 'text', required = false) =>
    html`<label for="write-${name}">${label}</label><input type="${type}" id="write-${name}" name="${name}"${required ? ' required' : ''}>`;
  return html`<section id="write" class="panel" aria-labelledby="write-heading">
  <details${open ? ' open' : ''}><summary><h2 id="write-heading">${m.write.heading}</h2></summary>
  <p class="hint">${m.write.hint}</p>
  <form class="write" method="post" action="/write">${csrfField(csrf)}
    <div class="grid">
      ${input('title', m.write.title, 'text', true)}
      ${input('outlet', m.write.outlet)}
      ${input('date', m.write.date, 'date')}
      ${input('link', m.write.link, 'url')}
      <label for="write-section">${m.write.section}</label><select id="write-section" name="section"><option value="">${m.write.anySection}</option>${snap.sections.map((s) => html`<option value="${s.id}">${s.title}</option>`)}</select>
    </div>
    <label for="write-attachments">${m.write.attachments}</label><textarea id="write-attachments" name="attachments" rows="2"></textarea>
    <label for="write-body">${m.write.body}</label><textarea id="write-body" name="body" rows="6"></textarea>
    <div class="buttons"><button class="move">${m.write.save}</button></div>
  </form>
  </details>
</section>`;
}

/**
 * The section a book entry goes to unless the editor picks another: the
 * shipped 图书推荐 section (id `books`), found by id or title as editors write either.
 */
function bookSection(snap: PreviewSnapshot): string | undefined {
  return (snap.sections.find((s) => s.id === 'books') ?? snap.sections.find((s) => s.title === '图书推荐'))?.id;
}

/** A new 图书推荐 book entry: the fields of an inbox file with `kind: book`. */
export function bookPanel(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const { m } = snap;
  const chosen = bookSection(snap);
  const input = (name: string, label: string, type = 'text', required = false) =>
    html`<label for="book-${name}">${label}</label><input type="${type}" id="book-${name}" name="${name}"${required ? ' required' : ''}>`;
  return html`<section id="book" class="panel" aria-labelledby="book-heading">
  <details><summary><h2 id="book-heading">${m.book.heading}</h2></summary>
  <p class="hint">${m.book.hint}</p>
  <form class="write" method="post" action="/write-book">${csrfField(csrf)}
    <div class="grid">
      ${input('title', m.book.title, 'text', true)}
      ${input('author', m.book.author)}
      ${input('publisher', m.book.publisher)}
      ${input('published', m.book.published)}
      ${input('cover', m.book.cover, 'url')}
      ${input('link', m.book.link, 'url')}
      <label for="book-section">${m.book.section}</label><select id="book-section" name="section"><option value="">${m.write.anySection}</option>${snap.sections.map((s) => html`<option value="${s.id}"${s.id === chosen ? ' selected' : ''}>${s.title}</option>`)}</select>
    </div>
    <label for="book-summary">${m.book.summary}</label><textarea id="book-summary" name="summary" rows="4"></textarea>
    <label for="book-reason">${m.book.reason}</label><textarea id="book-reason" name="reason" rows="3"></textarea>
    <div class="buttons"><button class="move">${m.book.save}</button></div>
  </form>
  </details>
</section>`;
}

/** Find stored items not in this issue and add one. */
export function searchPanel(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const { m } = snap;
  const q = snap.search?.query ?? {};
  const hits = snap.search?.hits;
  return html`<section id="search" class="panel" aria-labelledby="search-heading">
  <h2 id="search-heading">${m.search.heading}</h2>
  <p class="hint">${m.search.hint}</p>
  <form class="inline" method="get" action="/" role="search">
    <label for="search-words">${m.search.words}</label><input id="search-words" name="q" value="${q.words ?? ''}">
    <label for="search-source">${m.search.source}</label><select id="search-source" name="source"><option value="">${m.search.anySource}</option>${snap.sourceIds.map((id) => html`<option value="${id}"${id === q.sourceId ? ' selected' : ''}>${id}</option>`)}</select>
    <label for="search-date">${m.search.date}</label><input id="search-date" type="date" name="date" value="${q.date ?? ''}">
    <input type="hidden" name="find" value="1">
    <button>${m.search.button}</button>
  </form>
  ${
    hits
      ? hits.length
        ? html`<ul class="hits">${hits.map((h) => {
            const title = fullTitle(h);
            return html`<li data-hit="${h.id}"><span class="title">${title}</span> <span class="meta">${h.outlet ?? h.sourceId} · ${m.date(h.publishedAt ?? h.firstSeenAt)}</span> ${
              h.issueDate && h.issueDate !== snap.date
                ? html`<span class="note">${m.search.inIssue(h.issueDate)}</span>`
                : html`<form method="post" action="/add">${csrfField(csrf)}<input type="hidden" name="item" value="${h.id}"><button aria-label="${m.search.addLabel(title)}">${m.search.add}</button></form>`
            }</li>`;
          })}</ul>`
        : html`<p class="empty">${m.search.none}</p>`
      : ''
  }
</section>`;
}

/** Who changed what when. */
export function historyPanel(snap: PreviewSnapshot): SafeHtml {
  const { m } = snap;
  return html`<section id="history" class="panel" aria-labelledby="history-heading">
  <h2 id="history-heading">${m.history.heading}</h2>
  ${
    snap.history.length
      ? html`<table class="history">
  <thead><tr><th scope="col">${m.history.cols.at}</th><th scope="col">${m.history.cols.editor}</th><th scope="col">${m.history.cols.action}</th><th scope="col">${m.history.cols.item}</th></tr></thead>
  <tbody>${snap.history.map(
    (h) =>
      html`<tr><td>${m.dateTime(h.at, snap.zone)}</td><td>${h.editor}</td><td>${m.history.actions[h.action] ?? h.action}${h.detail ? html` <span class="detail">${h.detail}</span>` : ''}</td><td>${h.headline ?? h.itemId ?? ''}</td></tr>`,
  )}</tbody>
</table>`
      : html`<p class="empty">${m.history.none}</p>`
  }
</section>`;
}
