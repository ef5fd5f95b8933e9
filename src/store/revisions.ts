/**
 * Editors' revisions of an item's text (headline, issuer, outlet, date,
 * summary, attachments). The source's own text in `items` is never
 * overwritten: each edit is a new row beside it, the newest row is in force,
 * and undo deletes the newest so the one before (or the original) returns.
 */
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

/** The fields an editor may revise; absent fields keep the source's value. */
export interface RevisionFields {
  title?: string;
  issuer?: string | null;
  outlet?: string | null;
  /** `YYYY-MM-DD` (the item's date as printed). */
  date?: string | null;
  /** The plain-text body (the summary the issue prints). */
  text?: string;
  attachments?: string[];
}

/** One stored revision. */
export interface ItemRevision {
  id: number;
  itemId: string;
  fields: RevisionFields;
  editor: string;
  createdAt: string;
}

interface Row {
  id: number;
  item_id: string;
  fields: string;
  editor: string;
  created_at: string;
}

const toRevision = (r: Row): ItemRevision => ({
  id: r.id,
  itemId: r.item_id,
  fields: JSON.parse(r.fields) as RevisionFields,
  editor: r.editor,
  createdAt: r.created_at,
});

/** Repository of item revisions. */
export class RevisionStore {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  /** The revision in force for every revised item, by item id. */
  current(): Map<string, ItemRevision> {
    const rows = this.db
      .prepare('SELECT r.* FROM item_revisions r WHERE r.id = (SELECT max(id) FROM item_revisions WHERE item_id = r.item_id)')
      .all() as Row[];
    return new Map(rows.map((r) => [r.item_id, toRevision(r)]));
  }

  /** The revision in force for one item, if any. */
  get(itemId: string): ItemRevision | undefined {
    const row = this.db.prepare('SELECT * FROM item_revisions WHERE item_id = ? ORDER BY id DESC LIMIT 1').get(itemId) as Row | undefined;
    return row && toRevision(row);
  }

  /** Store a new revision (the whole set of revised fields) in force from now on. */
  add(itemId: string, fields: RevisionFields, editor: string, now: string): ItemRevision {
    const row = this.db
      .prepare('INSERT INTO item_revisions (item_id, fields, editor, created_at) VALUES (?, ?, ?, ?) RETURNING id')
      .get(itemId, JSON.stringify(fields), editor, now) as { id: number };
    return { id: row.id, itemId, fields, editor, createdAt: now };
  }

  /** Undo the newest revision of an item; returns the one now in force (undefined: the original). False when there was none. */
  undo(itemId: string): ItemRevision | undefined | false {
    const latest = this.get(itemId);
    if (!latest) return false;
    this.db.prepare('DELETE FROM item_revisions WHERE id = ?').run(latest.id);
    return this.get(itemId);
  }
}
