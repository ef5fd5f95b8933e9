/**
 * Editors' overrides (move, exclude, pin first), respected by every build and
 * learned from by the section classifier. One row per item; `digest override`
 * writes them.
 */
import type { Override } from '../types.ts';
import type { Db } from './db.ts';

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
  constructor(private readonly db: Db) {}

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
        `${select} WHERE title LIKE ? ESCAPE '\\' OR (coalesce(issuer, '') || '：' || title) LIKE ? ESCAPE '\\' ORDER BY first_seen_at DESC, id LIMIT ?`,
      )
      .all(like, like, limit) as Row[];
    return rows.map(toRef);
  }
}
