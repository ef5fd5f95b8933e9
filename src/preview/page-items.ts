/**
 * The items panel of the preview (pure): each section's items with the
 * editors' controls — section, pin, exclude, order, edit the text, undo —
 * doubtful placements first with their runner-up one click away, merged
 * reports from other outlets with a split button, and the edit form in place.
 */
import { chineseNumeral } from '../render/index.ts';
import type { IssueItem, IssueSection } from '../types.ts';
import { html, safeHref, type SafeHtml } from './html.ts';
import type { PreviewSnapshot } from './model.ts';

/** The CSRF field every form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** The headline as printed: `发布机构：标题`. */
export function fullTitle(item: { issuer: string | null; title: string }): string {
  return item.issuer ? `${item.issuer}：${item.title}` : item.title;
}

/** Set by the sections branch on low-confidence items; read defensively until it lands. */
function review(item: IssueItem): { doubtful: boolean; runnerUp: string | null } {
  const extra = item as IssueItem & { review?: unknown; runnerUp?: unknown };
  const r = extra.runnerUp as string | { sectionId?: string; id?: string } | null | undefined;
  const runnerUp = typeof r === 'string' ? r : (r?.sectionId ?? r?.id ?? null);
  return { doubtful: extra.review === true, runnerUp };
}

function editForm(snap: PreviewSnapshot, item: IssueItem, csrf: string): SafeHtml {
  const { m } = snap;
  const id = item.id;
  const original = snap.editing!.original;
  const count = [...item.text].length;
  const field = (name: string, label: string, value: string, type = 'text') =>
    html`<label for="edit-${name}-${id}">${label}</label><input type="${type}" id="edit-${name}-${id}" name="${name}" value="${value}"${name === 'title' ? ' required' : ''}>`;
  return html`<form class="edit" method="post" action="/edit">
  ${csrfField(csrf)}<input type="hidden" name="item" value="${id}">
  <fieldset><legend>${m.edit.legend}</legend>
  <div class="grid">
    ${field('issuer', m.edit.issuer, item.issuer ?? '')}
    ${field('title', m.edit.title, item.title)}
    ${field('outlet', m.edit.outlet, item.outlet ?? '')}
    ${field('date', m.edit.date, (item.publishedAt ?? '').slice(0, 10), 'date')}
  </div>
  <label for="edit-text-${id}">${m.edit.summary}</label>
  <textarea id="edit-text-${id}" name="text" rows="8" data-count="count-${id}" data-max="${snap.summaryChars}" data-template="${m.edit.count(0, snap.summaryChars)}" aria-describedby="count-${id} count-hint-${id}">${item.text}</textarea>
  <p class="char-count"><output id="count-${id}" class="${count > snap.summaryChars ? 'over' : ''}" aria-live="polite">${m.edit.count(count, snap.summaryChars)}</output> <span id="count-hint-${id}" class="hint">${m.edit.countHint(snap.summaryChars)}</span></p>
  <label for="edit-attachments-${id}">${m.edit.attachments}</label>
  <textarea id="edit-attachments-${id}" name="attachments" rows="2">${item.attachments.join('\n')}</textarea>
  <details class="original"><summary>${m.edit.original}${fullTitle(original)}</summary><pre>${original.text}</pre></details>
  <div class="buttons"><button class="move">${m.edit.save}</button> <a class="button" href="/#item-${id}">${m.edit.cancel}</a></div>
  </fieldset>
</form>`;
}

function itemRow(item: IssueItem, snap: PreviewSnapshot, section: IssueSection | null, csrf: string, note?: string): SafeHtml {
  const { m } = snap;
  const sectionId = section?.id ?? null;
  const override = snap.overrides.get(item.id);
  const title = fullTitle(item);
  const link = safeHref(item.link);
  const date = item.publishedAt ?? item.firstSeenAt;
  const excluded = !!override?.excluded;
  const pinned = !!override?.pinnedFirst;
  const revision = snap.revisions.get(item.id);
  const edited = !!revision && Object.keys(revision.fields).length > 0;
  const added = snap.additions.has(item.id);
  const { doubtful, runnerUp } = review(item);
  const runner = runnerUp && runnerUp !== sectionId ? snap.sections.find((s) => s.id === runnerUp) : undefined;
  const placed = section?.items ?? [];
  const at = placed.findIndex((i) => i.id === item.id);
  const editing = snap.editing?.shown.id === item.id;
  const classes = ['item', pinned && 'pinned', excluded && 'excluded', doubtful && 'doubtful', edited && 'edited']
    .filter(Boolean)
    .join(' ');
  return html`<li class="${classes}" id="item-${item.id}" data-item="${item.id}" data-section="${sectionId ?? ''}">
  <div class="pos">${item.position || '–'}</div>
  <div class="body">
    <div class="title">${doubtful ? html`<span class="badge review" title="${m.items.reviewTitle}">${m.items.review}</span> ` : ''}${title}${edited ? html` <span class="badge edited" title="${m.items.editedTitle(revision.editor, m.dateTime(revision.createdAt, snap.zone))}">${m.items.edited}</span>` : ''}${added ? html` <span class="badge added">${m.items.added}</span>` : ''}</div>
    <div class="meta">${item.outlet ?? item.sourceId} · ${m.date(date)}${link ? html` · <a href="${link}" target="_blank" rel="noopener noreferrer">${m.items.original}</a>` : ''}</div>
    ${
      item.otherOutlets.length
        ? html`<div class="others">${m.items.otherOutlets}：${item.otherOutlets.map((o, i) => {
            const name = o.outlet ?? o.sourceId;
            return html`<form class="split" method="post" action="/split">${csrfField(csrf)}<input type="hidden" name="item" value="${item.id}"><input type="hidden" name="index" value="${i}"><span>${name}</span> <button class="quiet" title="${m.items.splitTitle(name)}" aria-label="${m.items.split}：${name}">${m.items.split}</button></form>`;
          })}</div>`
        : ''
    }
    <div class="reason"><span class="tag${override ? ' edited' : ''}">${override ? m.items.tagEditor : m.items.tagWhy}</span> ${item.reason}${note ? html` <span class="note">${note}</span>` : ''}</div>
    ${runner ? html`<form class="runner-up" method="post" action="/items">${csrfField(csrf)}<input type="hidden" name="item" value="${item.id}"><input type="hidden" name="section" value="${runner.id}"><button name="action" value="move" class="move">${m.items.moveToRunnerUp(runner.title)}</button></form>` : ''}
  </div>
  <form class="controls" method="post" action="/items" aria-label="${m.items.controlsLabel(title)}">
    ${csrfField(csrf)}<input type="hidden" name="item" value="${item.id}">
    <label class="visually-hidden" for="move-${item.id}">${m.items.section}</label>
    <select name="section" id="move-${item.id}">${snap.sections.map((s) => html`<option value="${s.id}"${s.id === sectionId ? ' selected' : ''}>${s.title}</option>`)}</select>
    <button name="action" value="move" class="move">${m.items.move}</button>
    ${at >= 0 ? html`<button name="action" value="up" class="order" aria-label="${m.items.upLabel(title)}"${at === 0 ? ' disabled' : ''}>↑<span class="visually-hidden">${m.items.up}</span></button><button name="action" value="down" class="order" aria-label="${m.items.downLabel(title)}"${at === placed.length - 1 ? ' disabled' : ''}>↓<span class="visually-hidden">${m.items.down}</span></button>` : ''}
    ${pinned ? html`<button name="action" value="unpin">${m.items.unpin}</button>` : html`<button name="action" value="pin">${m.items.pin}</button>`}
    ${excluded ? html`<button name="action" value="include">${m.items.include}</button>` : html`<button name="action" value="exclude" class="danger">${m.items.exclude}</button>`}
    ${override ? html`<button name="action" value="reset" class="quiet" title="${m.items.resetTitle}">${m.items.reset}</button>` : ''}
    <a class="button edit-link" href="/?edit=${encodeURIComponent(item.id)}#item-${item.id}" aria-label="${m.items.editLabel(title)}">${m.items.edit}</a>
    ${edited || revision ? html`<button formaction="/undo" class="quiet">${m.items.undo}</button>` : ''}
    ${added ? html`<button formaction="/remove-addition" class="quiet">${m.items.removeAddition}</button>` : ''}
  </form>
  ${editing ? editForm(snap, item, csrf) : ''}
</li>`;
}

/** Doubtful placements first, then the rest in issue order (the issue itself keeps its order). */
function doubtfulFirst(items: IssueItem[]): IssueItem[] {
  return [...items.filter((i) => review(i).doubtful), ...items.filter((i) => !review(i).doubtful)];
}

/** The items of the next issue, section by section, with everything not in it below. */
export function itemsPanel(snap: PreviewSnapshot, csrf: string): SafeHtml {
  const { m } = snap;
  const sections = snap.issue.sections.map(
    (s, i) => html`<section class="section" data-section-id="${s.id}" aria-labelledby="section-${s.id}">
  <h3 id="section-${s.id}"><span>${chineseNumeral(i + 1)}、${s.title}</span><span class="count">${s.items.length}</span></h3>
  ${s.items.length ? html`<ol class="items">${doubtfulFirst(s.items).map((it) => itemRow(it, snap, s, csrf))}</ol>` : html`<p class="empty">${m.items.none}</p>`}
  ${s.overflow.length ? html`<p class="overflow-head">${m.items.overflowHead}</p><ol class="items overflow">${s.overflow.map((it) => itemRow(it, snap, null, csrf, m.items.overCap))}</ol>` : ''}
</section>`,
  );
  const left = snap.issue.unplaced;
  const unplaced = left.length
    ? html`<section class="section unplaced" data-section-id="" aria-labelledby="section-unplaced">
  <h3 id="section-unplaced"><span>${m.items.unplaced}</span><span class="count">${left.length}</span></h3>
  <ol class="items">${left.map((it) => itemRow(it, snap, null, csrf))}</ol>
</section>`
    : '';
  const count = snap.issue.sections.reduce((n, s) => n + s.items.length, 0);
  const any = count + left.length + snap.issue.sections.reduce((n, s) => n + s.overflow.length, 0);
  return html`<section id="items" class="panel" aria-labelledby="items-heading">
  <h2 id="items-heading">${m.items.heading} <span class="count">${count}</span></h2>
  <p class="hint">${m.items.hint}</p>
  ${any ? '' : html`<p class="notice">${m.items.empty}</p>`}
  ${sections}${unplaced}
</section>`;
}
