/**
 * Who changed what when: one row per editor action (an override, a revision,
 * an undo, a new item …), written by the preview and `digest override`. The
 * preview runs locally, so "who" is the OS user or `preview.editor`.
 */
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

/** One entry of the editors' history. */
export interface HistoryEntry {
  id: number;
  at: string;
  editor: string;
  itemId: string | null;
  /** A short action name: move, exclude, edit, undo, new-item, order, add, split, fetch … */
  action: string;
  /** What changed, in words (e.g. the new section or the fields edited). */
  detail: string;
  /** The item's headline (with the issuer), when it is stored. */
  headline: string | null;
}

/** Repository of the editors' history. */
export class HistoryStore {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  /** Record one action. */
  record(entry: { at: string; editor: string; itemId: string | null; action: string; detail?: string }): void {
    this.db
      .prepare('INSERT INTO editor_history (at, editor, item_id, action, detail) VALUES (?, ?, ?, ?, ?)')
      .run(entry.at, entry.editor, entry.itemId, entry.action, entry.detail ?? '');
  }

  /** The newest `limit` entries, newest first (optionally of one item). */
  recent(limit = 50, itemId?: string): HistoryEntry[] {
    const rows = this.db
      .prepare(
        `SELECT h.*, CASE WHEN i.id IS NULL THEN NULL WHEN i.issuer IS NULL THEN i.title ELSE i.issuer || '：' || i.title END AS headline
           FROM editor_history h LEFT JOIN items i ON i.id = h.item_id
          WHERE (CAST(? AS TEXT) IS NULL OR h.item_id = ?) ORDER BY h.id DESC LIMIT ?`,
      )
      .all(itemId ?? null, itemId ?? null, limit) as {
      id: number;
      at: string;
      editor: string;
      item_id: string | null;
      action: string;
      detail: string;
      headline: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      editor: r.editor,
      itemId: r.item_id,
      action: r.action,
      detail: r.detail,
      headline: r.headline,
    }));
  }
}
