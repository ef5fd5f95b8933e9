/**
 * Editors' overrides (move, exclude, pin first), respected by every build.
 */
import type { Override } from '../types.ts';
import type { Db } from './db.ts';

interface OverrideRow {
  item_id: string;
  section_id: string | null;
  excluded: number;
  pinned_first: number;
}

/** Repository of overrides. */
export class OverrideStore {
  constructor(private readonly db: Db) {}

  /** All overrides by item id. */
  all(): Map<string, Override> {
    const rows = this.db.prepare('SELECT * FROM overrides').all() as OverrideRow[];
    return new Map(rows.map((r) => [r.item_id, { itemId: r.item_id, sectionId: r.section_id, excluded: r.excluded === 1, pinnedFirst: r.pinned_first === 1 }]));
  }

  /** Set (merge) the override of one item. */
  set(itemId: string, patch: Partial<Omit<Override, 'itemId'>>, now: string): void {
    const current = this.all().get(itemId) ?? { itemId, sectionId: null, excluded: false, pinnedFirst: false };
    const next = { ...current, ...patch };
    this.db
      .prepare(
        `INSERT INTO overrides (item_id, section_id, excluded, pinned_first, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(item_id) DO UPDATE SET section_id = excluded.section_id, excluded = excluded.excluded, pinned_first = excluded.pinned_first`,
      )
      .run(itemId, next.sectionId, next.excluded ? 1 : 0, next.pinnedFirst ? 1 : 0, now);
  }

  clear(itemId: string): void {
    this.db.prepare('DELETE FROM overrides WHERE item_id = ?').run(itemId);
  }
}
