/**
 * Editors' overrides (move, exclude, pin first), respected by every build and
 * learned from by the section classifier. One row per item; `digest override`
 * writes them. Beside them: the order an editor gave a section's items
 * (`item_order`) and the stored items an editor added to an issue
 * (`issue_additions`), each also one row per item.
 */
import type { Override } from '../types.ts';
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

interface OverrideRow {
  item_id: string;
  section_id: string | null;
  excluded: number;
  pinned_first: number;
}

/** An item as an editor finds it to override it. */
export interface ItemRef {
  id: string;
  title: string;
  issuer: string | null;
  /** The issue it is in, if any. */
  issueDate: string | null;
}

/** What an editor searches stored items by (all given parts must hold). */
export interface ItemSearch {
  /** Words that must all occur in the headline, issuer or body. */
  words?: string;
  sourceId?: string;
  /** `YYYY-MM-DD`: published (or first seen) on that day, UTC date of the stored time. */
  date?: string;
}

/** A search hit: the item and the issue it is in, if any. */
export interface ItemHit extends ItemRef {
  sourceId: string;
  outlet: string | null;
  publishedAt: string | null;
  firstSeenAt: string;
}

/** An override with the item it is about (for listing). */
export interface OverrideListing extends Override {
  item: ItemRef | null;
  createdAt: string;
}

const toOverride = (r: OverrideRow): Override => ({
  itemId: r.item_id,
  sectionId: r.section_id,
  excluded: r.excluded === 1,
  pinnedFirst: r.pinned_first === 1,
});

/** Repository of overrides. */
export class OverrideStore {
  private readonly db: Driver;
  /** Case-insensitive matching as SQLite's LIKE does it (PostgreSQL's LIKE is case-sensitive). */
  private readonly like: string;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
    this.like = this.db.dialect === 'postgres' ? 'ILIKE' : 'LIKE';
  }

  /** All overrides by item id. */
  all(): Map<string, Override> {
    const rows = this.db.prepare('SELECT * FROM overrides').all() as OverrideRow[];
    return new Map(rows.map((r) => [r.item_id, toOverride(r)]));
  }

  /** The override of one item, if any. */
  get(itemId: string): Override | undefined {
    const row = this.db.prepare('SELECT * FROM overrides WHERE item_id = ?').get(itemId) as OverrideRow | undefined;
    return row && toOverride(row);
  }

  /** Set (merge) the override of one item. */
  set(itemId: string, patch: Partial<Omit<Override, 'itemId'>>, now: string): Override {
    const current = this.get(itemId) ?? { itemId, sectionId: null, excluded: false, pinnedFirst: false };
    const next = { ...current, ...patch };
    this.db
      .prepare(
        `INSERT INTO overrides (item_id, section_id, excluded, pinned_first, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(item_id) DO UPDATE SET section_id = excluded.section_id, excluded = excluded.excluded, pinned_first = excluded.pinned_first`,
      )
      .run(itemId, next.sectionId, next.excluded ? 1 : 0, next.pinnedFirst ? 1 : 0, now);
    return next;
  }

  /** Forget the override of one item; true if there was one. */
  clear(itemId: string): boolean {
    return this.db.prepare('DELETE FROM overrides WHERE item_id = ?').run(itemId).changes > 0;
  }

  /** Every override with its item, newest first. */
  list(): OverrideListing[] {
    const rows = this.db
      .prepare(
        `SELECT o.*, o.created_at AS created, i.id AS id, i.title AS title, i.issuer AS issuer, i.issue_date AS issue_date
           FROM overrides o LEFT JOIN items i ON i.id = o.item_id ORDER BY o.created_at DESC, o.item_id`,
      )
      .all() as (OverrideRow & {
      created: string;
      id: string | null;
      title: string | null;
      issuer: string | null;
      issue_date: string | null;
    })[];
    return rows.map((r) => ({
      ...toOverride(r),
      createdAt: r.created,
      item: r.id ? { id: r.id, title: r.title ?? '', issuer: r.issuer, issueDate: r.issue_date } : null,
    }));
  }

  /**
   * Items an editor may mean by `query`: an exact id, an id prefix (4+ hex
   * characters), or else a piece of the headline (with or without the issuer).
   * At most `limit` matches, newest first.
   */
  findItems(query: string, limit = 10): ItemRef[] {
    const q = query.trim();
    const select = 'SELECT id, title, issuer, issue_date FROM items';
    type Row = { id: string; title: string; issuer: string | null; issue_date: string | null };
    const toRef = (r: Row): ItemRef => ({ id: r.id, title: r.title, issuer: r.issuer, issueDate: r.issue_date });
    const exact = this.db.prepare(`${select} WHERE id = ?`).get(q) as Row | undefined;
    if (exact) return [toRef(exact)];
    if (/^[0-9a-f]{4,}$/i.test(q)) {
      const rows = this.db
        .prepare(`${select} WHERE id LIKE ? ORDER BY first_seen_at DESC LIMIT ?`)
        .all(`${q.toLowerCase()}%`, limit) as Row[];
      if (rows.length) return rows.map(toRef);
    }
    // The headline as printed is "issuer：title"; editors paste either form.
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = this.db
      .prepare(
        `${select} WHERE title ${this.like} ? ESCAPE '\\' OR (coalesce(issuer, '') || '：' || title) ${this.like} ? ESCAPE '\\' ORDER BY first_seen_at DESC, id LIMIT ?`,
      )
      .all(like, like, limit) as Row[];
    return rows.map(toRef);
  }

  /** The ranks editors gave items inside their sections (lower first). */
  ranks(): Map<string, number> {
    const rows = this.db.prepare('SELECT item_id, rank FROM item_order').all() as { item_id: string; rank: number }[];
    return new Map(rows.map((r) => [r.item_id, r.rank]));
  }

  /** Store the order of one section's items as the editor left it (rank = index). */
  setOrder(itemIds: string[], now: string): void {
    const put = this.db.prepare(
      'INSERT INTO item_order (item_id, rank, created_at) VALUES (?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET rank = excluded.rank, created_at = excluded.created_at',
    );
    this.db.transaction(() => {
      for (const [rank, id] of itemIds.entries()) put.run(id, rank, now);
    });
  }

  /** Forget the editor's order of these items. */
  clearOrder(itemIds: string[]): void {
    const del = this.db.prepare('DELETE FROM item_order WHERE item_id = ?');
    this.db.transaction(() => {
      for (const id of itemIds) del.run(id);
    });
  }

  /** Ids of the stored items an editor added to the issue of `date`. */
  additions(date: string): string[] {
    return (
      this.db.prepare('SELECT item_id FROM issue_additions WHERE issue_date = ? ORDER BY created_at, item_id').all(date) as {
        item_id: string;
      }[]
    ).map((r) => r.item_id);
  }

  /** Add a stored item to the issue of `date` (whatever the selection window says). */
  addToIssue(itemId: string, date: string, now: string): void {
    this.db
      .prepare(
        'INSERT INTO issue_additions (item_id, issue_date, created_at) VALUES (?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET issue_date = excluded.issue_date',
      )
      .run(itemId, date, now);
  }

  /** Take an added item out of the issue again; true if it was added. */
  removeAddition(itemId: string): boolean {
    return this.db.prepare('DELETE FROM issue_additions WHERE item_id = ?').run(itemId).changes > 0;
  }

  /** Stored items matching `query`, newest first, at most `limit`. */
  search(query: ItemSearch, limit = 30): ItemHit[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const pattern = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    for (const word of (query.words ?? '').split(/\s+/).filter(Boolean)) {
      where.push(
        `(title ${this.like} ? ESCAPE '\\' OR coalesce(issuer, '') ${this.like} ? ESCAPE '\\' OR text ${this.like} ? ESCAPE '\\')`,
      );
      args.push(pattern(word), pattern(word), pattern(word));
    }
    if (query.sourceId) {
      where.push('source_id = ?');
      args.push(query.sourceId);
    }
    if (query.date) {
      where.push('substr(coalesce(published_at, first_seen_at), 1, 10) = ?');
      args.push(query.date);
    }
    const rows = this.db
      .prepare(
        `SELECT id, title, issuer, issue_date, source_id, outlet, published_at, first_seen_at FROM items
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY coalesce(published_at, first_seen_at) DESC, id LIMIT ?`,
      )
      .all(...args, limit) as {
      id: string;
      title: string;
      issuer: string | null;
      issue_date: string | null;
      source_id: string;
      outlet: string | null;
      published_at: string | null;
      first_seen_at: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      issuer: r.issuer,
      issueDate: r.issue_date,
      sourceId: r.source_id,
      outlet: r.outlet,
      publishedAt: r.published_at,
      firstSeenAt: r.first_seen_at,
    }));
  }
}
