/**
 * What the editors' buttons do to items: overrides (move, exclude, pin),
 * order within a section, revisions of the text (and undo), new editor items,
 * adding a stored item to the issue, splitting a merged report off. Every
 * action is checked against the next issue, stored at once and written to the
 * history with the editor's name.
 */
import { userInfo } from 'node:os';
import { type Context, composeIssue } from '../cycle/index.ts';
import { UsageError } from '../errors.ts';
import { buildItem, storeItems } from '../ingest/index.ts';
import type { RevisionFields } from '../store/index.ts';
import type { Issue, IssueItem } from '../types.ts';
import type { Messages } from './messages.ts';

/** What an editor can do to one item's placement. */
export const ITEM_ACTIONS = ['move', 'exclude', 'include', 'pin', 'unpin', 'reset', 'up', 'down'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** The fields of the page's book form (those of an inbox file with `kind: book`). */
export interface BookForm {
  title: string;
  author: string;
  publisher: string;
  /** 出版日期: YYYY, YYYY-MM or YYYY-MM-DD. */
  published: string;
  summary: string;
  reason: string;
  cover: string;
  link: string;
  /** A section id, or empty for the rules to decide. */
  section: string;
}

/** The name the history records: `preview.editor`, else the OS user. */
export function editorName(ctx: Context): string {
  if (ctx.config.preview.editor) return ctx.config.preview.editor;
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (a container's arbitrary uid).
    return process.env.USER ?? 'editor';
  }
}

/** Every item of an issue: placed, over a cap, unplaced. */
export function allItems(issue: Issue): IssueItem[] {
  return [...issue.sections.flatMap((s) => [...s.items, ...s.overflow]), ...issue.unplaced];
}

/** The editor's desk over one context: the actions, in the page's language. */
export class Desk {
  constructor(
    private readonly ctx: Context,
    private readonly m: Messages,
    private readonly date: string,
  ) {}

  private get store() {
    return this.ctx.store;
  }

  private now(): string {
    return this.ctx.now().toISOString();
  }

  private record(itemId: string | null, action: string, detail = ''): void {
    this.store.history.record({ at: this.now(), editor: editorName(this.ctx), itemId, action, detail });
  }

  /** The item among the next issue's candidates (with revisions applied), or a usage error. */
  private candidate(itemId: string): { issue: Issue; item: IssueItem } {
    const issue = composeIssue(this.ctx, this.date);
    const item = allItems(issue).find((i) => i.id === itemId);
    if (!item) throw new UsageError(this.m.errors.notCandidate(itemId), this.m.errors.reloadHint);
    return { issue, item };
  }

  /** Apply a placement action to one item of the next issue; the override is stored at once. */
  itemAction(itemId: string, action: ItemAction, sectionId?: string): void {
    const { issue } = this.candidate(itemId);
    const { overrides } = this.store;
    const sections = this.ctx.config.sections;
    const now = this.now();
    switch (action) {
      case 'move':
        if (!sectionId || !sections.some((s) => s.id === sectionId))
          throw new UsageError(
            this.m.errors.unknownSection(sectionId ?? ''),
            this.m.errors.chooseSection(sections.map((s) => s.id).join(', ')),
          );
        overrides.set(itemId, { sectionId, excluded: false }, now);
        break;
      case 'exclude':
        overrides.set(itemId, { excluded: true }, now);
        break;
      case 'include':
        overrides.set(itemId, { excluded: false }, now);
        break;
      case 'pin':
        overrides.set(itemId, { pinnedFirst: true, excluded: false }, now);
        break;
      case 'unpin':
        overrides.set(itemId, { pinnedFirst: false }, now);
        break;
      case 'reset':
        overrides.clear(itemId);
        break;
      case 'up':
      case 'down': {
        const section = issue.sections.find((s) => s.items.some((i) => i.id === itemId));
        if (!section) throw new UsageError(this.m.errors.notCandidate(itemId), this.m.errors.reloadHint);
        const ids = section.items.map((i) => i.id);
        const at = ids.indexOf(itemId);
        const to = action === 'up' ? at - 1 : at + 1;
        if (to < 0 || to >= ids.length) return;
        [ids[at], ids[to]] = [ids[to]!, ids[at]!];
        // The whole section's order is stored, so the swap holds whatever the computed order says next time.
        overrides.setOrder(ids, now);
        break;
      }
    }
    this.record(itemId, action, action === 'move' ? (sections.find((s) => s.id === sectionId)?.title ?? '') : '');
  }

  /**
   * Store the editor's text of an item as a revision beside the original.
   * Only fields that differ from the source's text are kept; false when the
   * form changes nothing the issue prints now.
   */
  revise(
    itemId: string,
    form: { title: string; issuer: string; outlet: string; date: string; text: string; attachments: string },
  ): boolean {
    const { item: shown } = this.candidate(itemId);
    const original = this.store.items.get(itemId);
    if (!original) throw new UsageError(this.m.errors.noItem(itemId), this.m.errors.reloadHint);
    const title = form.title.trim();
    if (!title) throw new UsageError(this.m.errors.titleRequired, this.m.errors.reloadHint);
    const date = form.date.trim();
    if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(this.m.errors.badDate(date), 'YYYY-MM-DD');
    const next = {
      title,
      issuer: form.issuer.trim() || null,
      outlet: form.outlet.trim() || null,
      date: date || null,
      text: form.text.replace(/\r\n/g, '\n').trim(),
      attachments: form.attachments
        .split(/\r?\n/)
        .map((a) => a.trim())
        .filter(Boolean),
    };
    const day = (iso: string | null) => iso?.slice(0, 10) ?? null;
    const before = {
      title: shown.title,
      issuer: shown.issuer,
      outlet: shown.outlet,
      date: day(shown.publishedAt),
      text: shown.text,
      attachments: shown.attachments,
    };
    if (JSON.stringify(next) === JSON.stringify(before)) return false;
    const source = {
      ...before,
      title: original.title,
      issuer: original.issuer,
      outlet: original.outlet,
      date: day(original.publishedAt),
      text: original.text,
      attachments: original.attachments,
    };
    const fields: RevisionFields = {};
    const changed: string[] = [];
    for (const key of Object.keys(next) as (keyof typeof next)[]) {
      if (JSON.stringify(next[key]) !== JSON.stringify(source[key])) (fields as Record<string, unknown>)[key] = next[key];
      if (JSON.stringify(next[key]) !== JSON.stringify(before[key])) changed.push(key);
    }
    this.store.revisions.add(itemId, fields, editorName(this.ctx), this.now());
    this.record(itemId, 'edit', changed.join(', '));
    return true;
  }

  /** Undo the newest revision of an item; false when it has none. */
  undo(itemId: string): boolean {
    const result = this.store.revisions.undo(itemId);
    if (result === false) return false;
    this.record(itemId, 'undo');
    return true;
  }

  /** Write a new editor item (the fields of an inbox Markdown file); returns its id and whether it was new. */
  write(form: { title: string; outlet: string; date: string; link: string; section: string; attachments: string; body: string }): {
    id: string;
    title: string;
    created: boolean;
  } {
    const title = form.title.trim();
    if (!title) throw new UsageError(this.m.errors.titleRequired, this.m.errors.reloadHint);
    const date = form.date.trim();
    if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(this.m.errors.badDate(date), 'YYYY-MM-DD');
    const { config } = this.ctx;
    // Written on the page, stored like a file in the inbox: under its source id, so rules about editor items apply.
    const sourceId = config.sources.find((s) => s.type === 'inbox' && s.enabled)?.id ?? 'editor';
    const item = buildItem(
      {
        sourceId,
        title,
        outlet: form.outlet.trim() || null,
        date: date || null,
        link: form.link.trim() || null,
        section: form.section.trim() || null,
        attachments: form.attachments
          .split(/\r?\n/)
          .map((a) => a.trim())
          .filter(Boolean),
        text: form.body.replace(/\r\n/g, '\n').trim(),
      },
      this.now(),
      config.publication.timezone,
    );
    const counts = storeItems([item], this.store.items, { mergeable: false });
    if (counts.new) this.record(item.id, 'new-item');
    return { id: item.id, title: item.issuer ? `${item.issuer}：${item.title}` : item.title, created: counts.new > 0 };
  }

  /**
   * Write a 图书推荐 book entry (the fields of an inbox file with `kind: book`):
   * stored as an editor item whose text is the seed's book layout, so every
   * build prints it as a book card, and it is edited and undone like any item.
   * Returns its id, the book title and whether it was new.
   */
  writeBook(form: BookForm): { id: string; title: string; created: boolean } {
    const { m } = this;
    const field = (v: string) => v.replace(/\s+/g, ' ').trim() || null;
    const title = field(form.title)
      ?.replace(/^《(.*)》$/u, '$1')
      .trim();
    if (!title) throw new UsageError(m.errors.bookTitleRequired, m.errors.bookTitleHint);
    const published = field(form.published);
    if (published && !/^\d{4}(-(0?[1-9]|1[0-2])(-(0?[1-9]|[12]\d|3[01]))?)?$/.test(published))
      throw new UsageError(m.errors.badPublished(published), m.errors.publishedHint);
    const url = (value: string, label: string) => {
      const v = value.trim();
      if (v && !/^https?:\/\/[^\s"<>]+$/i.test(v)) throw new UsageError(m.errors.badUrl(label, v), m.errors.urlHint);
      return v || null;
    };
    const cover = url(form.cover, m.book.cover);
    const link = url(form.link, m.book.link);
    const summary = field(form.summary);
    const reason = field(form.reason);
    if (!summary && !reason) throw new UsageError(m.errors.bookNeedsText, m.errors.bookNeedsTextHint);
    const { config } = this.ctx;
    const sourceId = config.sources.find((s) => s.type === 'inbox' && s.enabled)?.id ?? 'editor';
    const book = { title, author: field(form.author), publisher: field(form.publisher), date: published, summary, reason, cover };
    const item = buildItem(
      { sourceId, title, book, link, guid: null, section: form.section.trim() || null },
      this.now(),
      config.publication.timezone,
    );
    const counts = storeItems([item], this.store.items, { mergeable: false });
    if (counts.new) this.record(item.id, 'new-book');
    return { id: item.id, title, created: counts.new > 0 };
  }

  /** Add a stored item to this issue. Items of an earlier issue stay there. */
  add(itemId: string): string {
    const item = this.store.items.get(itemId);
    if (!item) throw new UsageError(this.m.errors.noItem(itemId), this.m.errors.reloadHint);
    const assigned = this.store.overrides.findItems(itemId, 1)[0]?.issueDate ?? null;
    if (assigned && assigned !== this.date) throw new UsageError(this.m.errors.inOtherIssue(assigned), this.m.errors.reloadHint);
    this.store.overrides.addToIssue(itemId, this.date, this.now());
    // An excluded item would not show up: adding it means wanting it in.
    if (this.store.overrides.get(itemId)?.excluded) this.store.overrides.set(itemId, { excluded: false }, this.now());
    this.record(itemId, 'add');
    return item.issuer ? `${item.issuer}：${item.title}` : item.title;
  }

  /** Take an added item out again. */
  removeAddition(itemId: string): void {
    if (this.store.overrides.removeAddition(itemId)) this.record(itemId, 'remove-addition');
  }

  /**
   * Split the `index`th other outlet off an item: the report ingest merged
   * into it becomes an item of its own again. Ingest keeps every merged report
   * whole (merged copies), so the new item has its own source, link, outlet,
   * headline, date and text. A report merged before the store kept copies
   * (schema 8) has only its outlet, link and source: it takes the item's
   * headline and text — near-identical, which is why they merged — and the
   * editor can revise it.
   */
  split(itemId: string, index: number): string {
    this.candidate(itemId);
    const original = this.store.items.get(itemId)!;
    const other = original.otherOutlets[index];
    if (!other) throw new UsageError(this.m.errors.noOutlet(String(index)), this.m.errors.reloadHint);
    const kept = this.store.merged.find(itemId, other);
    const copy =
      kept ??
      buildItem(
        {
          sourceId: other.sourceId,
          title: original.title,
          issuer: original.issuer,
          outlet: other.outlet,
          link: other.link,
          text: original.text,
          attachments: original.attachments,
          date: original.publishedAt,
          guid: other.link ?? `split:${itemId}:${other.outlet ?? other.sourceId}`,
        },
        this.now(),
        this.ctx.config.publication.timezone,
      );
    this.store.transaction(() => {
      this.store.items.removeOtherOutlet(itemId, index);
      if (kept) this.store.merged.remove(itemId, kept.id);
      // Straight in, not through dedupe: it is the merged copy, and dedupe would merge it again.
      if (!this.store.items.has(copy.id)) this.store.items.insert(kept ? copy : { ...copy, publishedAt: original.publishedAt });
    });
    const outlet = other.outlet ?? other.sourceId;
    this.record(itemId, 'split', outlet);
    return outlet;
  }
}
