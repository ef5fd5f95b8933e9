/**
 * Items in SQLite: insert, dedupe look-ups, and the candidates for an issue.
 */
import type { Item, IsoDate, OtherOutlet } from '../types.ts';
import type { Db } from './db.ts';

interface ItemRow {
  id: string;
  source_id: string;
  guid: string | null;
  link: string | null;
  title: string;
  issuer: string | null;
  outlet: string | null;
  published_at: string | null;
  first_seen_at: string;
  text: string;
  html: string;
  attachments: string;
  fingerprint: string;
  other_outlets: string;
  pinned_section: string | null;
  categories: string;
  issue_date: string | null;
}

function fromRow(row: ItemRow): Item {
  return {
    id: row.id,
    sourceId: row.source_id,
    guid: row.guid,
    link: row.link,
    title: row.title,
    issuer: row.issuer,
    outlet: row.outlet,
    publishedAt: row.published_at,
    firstSeenAt: row.first_seen_at,
    text: row.text,
    html: row.html,
    attachments: JSON.parse(row.attachments) as string[],
    fingerprint: row.fingerprint,
    otherOutlets: JSON.parse(row.other_outlets) as OtherOutlet[],
    pinnedSection: row.pinned_section,
    categories: JSON.parse(row.categories) as string[],
  };
}

/** Repository of stored items. */
export class ItemStore {
  constructor(private readonly db: Db) {}

  /** Insert a new item. */
  insert(item: Item): void {
    this.db
      .prepare(
        `INSERT INTO items (id, source_id, guid, link, title, issuer, outlet, published_at, first_seen_at, text, html,
           attachments, fingerprint, other_outlets, pinned_section, categories)
         VALUES (@id, @sourceId, @guid, @link, @title, @issuer, @outlet, @publishedAt, @firstSeenAt, @text, @html,
           @attachments, @fingerprint, @otherOutlets, @pinnedSection, @categories)`,
      )
      .run({
        ...item,
        attachments: JSON.stringify(item.attachments),
        otherOutlets: JSON.stringify(item.otherOutlets),
        categories: JSON.stringify(item.categories),
      });
  }

  /** Replace the editable fields of an item (an editor re-importing a corrected file). */
  update(item: Item): void {
    this.db
      .prepare(
        `UPDATE items SET title=@title, issuer=@issuer, outlet=@outlet, published_at=@publishedAt, text=@text, html=@html,
           link=@link, attachments=@attachments, fingerprint=@fingerprint, pinned_section=@pinnedSection, categories=@categories
         WHERE id=@id`,
      )
      .run({
        ...item,
        attachments: JSON.stringify(item.attachments),
        categories: JSON.stringify(item.categories),
      });
  }

  /** Record another outlet that carried the same news. */
  addOtherOutlet(id: string, other: OtherOutlet): void {
    const row = this.db.prepare('SELECT other_outlets FROM items WHERE id = ?').get(id) as { other_outlets: string } | undefined;
    if (!row) return;
    const list = JSON.parse(row.other_outlets) as OtherOutlet[];
    if (list.some((o) => o.link === other.link && o.outlet === other.outlet)) return;
    list.push(other);
    this.db.prepare('UPDATE items SET other_outlets = ? WHERE id = ?').run(JSON.stringify(list), id);
  }

  get(id: string): Item | undefined {
    const row = this.db.prepare('SELECT * FROM items WHERE id = ?').get(id) as ItemRow | undefined;
    return row && fromRow(row);
  }

  /** The first item with this guid, canonical link or fingerprint (dedupe order). */
  findDuplicate(key: { guid?: string | null; link?: string | null; fingerprint: string }): { item: Item; by: 'guid' | 'link' | 'fingerprint' } | undefined {
    if (key.guid) {
      const row = this.db.prepare('SELECT * FROM items WHERE guid = ? LIMIT 1').get(key.guid) as ItemRow | undefined;
      if (row) return { item: fromRow(row), by: 'guid' };
    }
    if (key.link) {
      const row = this.db.prepare('SELECT * FROM items WHERE link = ? LIMIT 1').get(key.link) as ItemRow | undefined;
      if (row) return { item: fromRow(row), by: 'link' };
    }
    const row = this.db.prepare('SELECT * FROM items WHERE fingerprint = ? LIMIT 1').get(key.fingerprint) as ItemRow | undefined;
    return row ? { item: fromRow(row), by: 'fingerprint' } : undefined;
  }

  /** Items first seen after `since` (ISO); used to compare near-duplicates. */
  recent(since: string): Item[] {
    const rows = this.db
      .prepare('SELECT * FROM items WHERE first_seen_at >= ? OR published_at >= ? ORDER BY first_seen_at')
      .all(since, since) as ItemRow[];
    return rows.map(fromRow);
  }

  /**
   * Candidates for the issue of `date`: not yet in an earlier issue (items
   * already assigned to this same date are included, so rebuilding is stable).
   * The time-window filter is the pure select stage's job.
   */
  candidates(date: IsoDate): Item[] {
    const rows = this.db
      .prepare('SELECT * FROM items WHERE issue_date IS NULL OR issue_date = ? ORDER BY first_seen_at, id')
      .all(date) as ItemRow[];
    return rows.map(fromRow);
  }

  /** Items assigned to an issue. */
  inIssue(date: IsoDate): Item[] {
    return (this.db.prepare('SELECT * FROM items WHERE issue_date = ?').all(date) as ItemRow[]).map(fromRow);
  }

  /** Mark items as belonging to the issue of `date` (and release any no longer in it). */
  assignToIssue(date: IsoDate, ids: string[]): void {
    const release = this.db.prepare('UPDATE items SET issue_date = NULL WHERE issue_date = ?');
    const assign = this.db.prepare('UPDATE items SET issue_date = ? WHERE id = ?');
    this.db.transaction(() => {
      release.run(date);
      for (const id of ids) assign.run(date, id);
    })();
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
  }
}
