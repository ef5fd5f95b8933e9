/**
 * Items in SQLite: insert, dedupe look-ups (including the keys of items that
 * were merged into another one), and the candidates for an issue.
 */
import type { Item, IsoDate, OtherOutlet } from '../types.ts';
import type { Db } from './db.ts';
import type { Driver, Statement } from './driver.ts';
import { toDriver } from './sqlite.ts';

/** An `items` row (also the shape merged copies are read in, src/store/merged.ts). */
export interface ItemRow {
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

/** The item an `items` row holds. */
export function fromRow(row: ItemRow): Item {
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

/** How a duplicate was recognized, in dedupe order. */
export type DuplicateKind = 'guid' | 'link' | 'fingerprint';

/** What dedupe looks up: the item's identity keys. */
export interface DuplicateKey {
  sourceId: string;
  guid?: string | null;
  link?: string | null;
  fingerprint: string;
}

/** A stored item as near-duplicate detection needs it (no bodies). */
export interface ItemHeadline {
  id: string;
  sourceId: string;
  title: string;
  issuer: string | null;
  outlet: string | null;
  publishedAt: string | null;
  firstSeenAt: string;
}

/**
 * A guid is global when it names something world-unique (a URL, a tag: or
 * urn: URI); otherwise (`"1"`, `"1600-2823"`) it only means something inside
 * its own feed, and two sources may well use the same one for different news.
 */
export function isGlobalGuid(guid: string): boolean {
  return /^(https?:\/\/|tag:|urn:)/i.test(guid);
}

/** The key a guid is deduplicated by: itself when global, else scoped to its source. */
export function guidKey(sourceId: string, guid: string): string {
  return isGlobalGuid(guid) ? guid : `${sourceId}\u0000${guid}`;
}

/** Repository of stored items. */
export class ItemStore {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  /**
   * The alias key of a guid. PostgreSQL text cannot hold NUL, the separator
   * of a feed-scoped guid key, so there it is U+001F (XML, where guids come
   * from, allows neither, so keys stay distinct; `digest store copy` maps it).
   */
  private aliasGuid(sourceId: string, guid: string): string {
    const key = guidKey(sourceId, guid);
    return this.db.dialect === 'postgres' ? key.replace('\u0000', '\u001f') : key;
  }

  /** A prepared statement, compiled once per store by the driver (ingest runs these per item). */
  private sql(text: string): Statement {
    return this.db.prepare(text);
  }

  /** Run `fn` in one transaction (one fsync for a whole feed instead of one per item). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  /** Insert a new item. */
  insert(item: Item): void {
    this.sql(
      `INSERT INTO items (id, source_id, guid, link, title, issuer, outlet, published_at, first_seen_at, text, html,
         attachments, fingerprint, other_outlets, pinned_section, categories)
       VALUES (@id, @sourceId, @guid, @link, @title, @issuer, @outlet, @publishedAt, @firstSeenAt, @text, @html,
         @attachments, @fingerprint, @otherOutlets, @pinnedSection, @categories)`,
    ).run({
      ...item,
      attachments: JSON.stringify(item.attachments),
      otherOutlets: JSON.stringify(item.otherOutlets),
      categories: JSON.stringify(item.categories),
    });
  }

  /** Replace the editable fields of an item (an editor re-importing a corrected file). */
  update(item: Item): void {
    this.sql(
      `UPDATE items SET title=@title, issuer=@issuer, outlet=@outlet, published_at=@publishedAt, text=@text, html=@html,
         link=@link, attachments=@attachments, fingerprint=@fingerprint, pinned_section=@pinnedSection, categories=@categories
       WHERE id=@id`,
    ).run({
      ...item,
      attachments: JSON.stringify(item.attachments),
      categories: JSON.stringify(item.categories),
    });
  }

  /**
   * Record another outlet that carried the same news, and remember the
   * merged copy's keys so that seeing it again is a plain duplicate.
   * Returns false when that outlet was listed already.
   */
  addOtherOutlet(id: string, other: OtherOutlet, mergedKeys?: DuplicateKey): boolean {
    const row = this.sql('SELECT other_outlets FROM items WHERE id = ?').get(id) as { other_outlets: string } | undefined;
    if (!row) return false;
    if (mergedKeys) this.addAliases(id, mergedKeys);
    const list = JSON.parse(row.other_outlets) as OtherOutlet[];
    if (list.some((o) => o.link === other.link && o.outlet === other.outlet)) return false;
    list.push(other);
    this.sql('UPDATE items SET other_outlets = ? WHERE id = ?').run(JSON.stringify(list), id);
    return true;
  }

  /**
   * Take one other outlet off an item (an editor split it off) and forget the
   * duplicate keys its source's copies pointed at this item. Returns the
   * outlet removed, or undefined when the item lists no such outlet.
   */
  removeOtherOutlet(id: string, index: number): OtherOutlet | undefined {
    const row = this.sql('SELECT other_outlets FROM items WHERE id = ?').get(id) as { other_outlets: string } | undefined;
    if (!row) return undefined;
    const list = JSON.parse(row.other_outlets) as OtherOutlet[];
    const [removed] = list.splice(index, 1);
    if (!removed) return undefined;
    this.db.transaction(() => {
      this.sql('UPDATE items SET other_outlets = ? WHERE id = ?').run(JSON.stringify(list), id);
      if (removed.link) this.sql("DELETE FROM item_aliases WHERE item_id = ? AND kind = 'link' AND key = ?").run(id, removed.link);
    });
    return removed;
  }

  /** Point the keys of a merged copy at the item it was merged into. */
  private addAliases(itemId: string, key: DuplicateKey): void {
    const add = this.sql('INSERT INTO item_aliases (kind, key, item_id, source_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    if (key.guid) add.run('guid', this.aliasGuid(key.sourceId, key.guid), itemId, key.sourceId);
    if (key.link) add.run('link', key.link, itemId, key.sourceId);
    add.run('fingerprint', key.fingerprint, itemId, key.sourceId);
  }

  /** Is an item with this id stored? */
  has(id: string): boolean {
    return this.sql('SELECT 1 FROM items WHERE id = ?').get(id) !== undefined;
  }

  /** One stored item. */
  get(id: string): Item | undefined {
    const row = this.sql('SELECT * FROM items WHERE id = ?').get(id) as ItemRow | undefined;
    return row && fromRow(row);
  }

  /**
   * Is an entry with this guid stored already (as an item, or as a copy
   * merged into one)? Lets ingest skip building entries it has seen.
   */
  hasGuid(sourceId: string, guid: string): boolean {
    const direct = isGlobalGuid(guid)
      ? this.sql('SELECT 1 FROM items WHERE guid = ? LIMIT 1').get(guid)
      : this.sql('SELECT 1 FROM items WHERE guid = ? AND source_id = ? LIMIT 1').get(guid, sourceId);
    return (
      direct !== undefined ||
      this.sql("SELECT 1 FROM item_aliases WHERE kind = 'guid' AND key = ?").get(this.aliasGuid(sourceId, guid)) !== undefined
    );
  }

  /**
   * The stored item this one duplicates, in dedupe order: guid (global, or
   * from the same source), then canonical link, then content fingerprint;
   * keys of copies merged earlier lead to the item they were merged into.
   */
  findDuplicate(key: DuplicateKey): { item: Item; by: DuplicateKind } | undefined {
    const lookups: [DuplicateKind, string | null | undefined, () => ItemRow | undefined][] = [
      [
        'guid',
        key.guid,
        () => {
          const guid = key.guid!;
          return (
            isGlobalGuid(guid)
              ? this.sql('SELECT * FROM items WHERE guid = ? LIMIT 1').get(guid)
              : this.sql('SELECT * FROM items WHERE guid = ? AND source_id = ? LIMIT 1').get(guid, key.sourceId)
          ) as ItemRow | undefined;
        },
      ],
      ['link', key.link, () => this.sql('SELECT * FROM items WHERE link = ? LIMIT 1').get(key.link) as ItemRow | undefined],
      [
        'fingerprint',
        key.fingerprint,
        () => this.sql('SELECT * FROM items WHERE fingerprint = ? LIMIT 1').get(key.fingerprint) as ItemRow | undefined,
      ],
    ];
    for (const [by, value, direct] of lookups) {
      if (!value) continue;
      const row = direct() ?? this.aliased(by, by === 'guid' ? this.aliasGuid(key.sourceId, value) : value);
      if (row) return { item: fromRow(row), by };
    }
    return undefined;
  }

  private aliased(kind: DuplicateKind, value: string): ItemRow | undefined {
    return this.sql('SELECT items.* FROM item_aliases JOIN items ON items.id = item_aliases.item_id WHERE kind = ? AND key = ?').get(
      kind,
      value,
    ) as ItemRow | undefined;
  }

  /** Headlines of items first seen at or after `since` (ISO, UTC), oldest first: near-duplicate candidates. */
  headlinesSince(since: string): ItemHeadline[] {
    const rows = this.sql(
      `SELECT id, source_id, title, issuer, outlet, published_at, first_seen_at FROM items
       WHERE first_seen_at >= ? ORDER BY first_seen_at, rowid`,
    ).all(since) as {
      id: string;
      source_id: string;
      title: string;
      issuer: string | null;
      outlet: string | null;
      published_at: string | null;
      first_seen_at: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      sourceId: r.source_id,
      title: r.title,
      issuer: r.issuer,
      outlet: r.outlet,
      publishedAt: r.published_at,
      firstSeenAt: r.first_seen_at,
    }));
  }

  /** Items first seen after `since` (ISO). */
  recent(since: string): Item[] {
    const rows = this.sql('SELECT * FROM items WHERE first_seen_at >= ? ORDER BY first_seen_at').all(since) as ItemRow[];
    return rows.map(fromRow);
  }

  /**
   * Candidates for the issue of `date`: not yet in an earlier issue (items
   * already assigned to this same date are included, so rebuilding is stable).
   * The time-window filter is the pure select stage's job.
   */
  candidates(date: IsoDate): Item[] {
    const rows = this.sql('SELECT * FROM items WHERE issue_date IS NULL OR issue_date = ? ORDER BY first_seen_at, id').all(
      date,
    ) as ItemRow[];
    return rows.map(fromRow);
  }

  /** Items assigned to an issue. */
  inIssue(date: IsoDate): Item[] {
    return (this.sql('SELECT * FROM items WHERE issue_date = ?').all(date) as ItemRow[]).map(fromRow);
  }

  /** Mark items as belonging to the issue of `date` (and release any no longer in it). */
  assignToIssue(date: IsoDate, ids: string[]): void {
    const release = this.sql('UPDATE items SET issue_date = NULL WHERE issue_date = ?');
    const assign = this.sql('UPDATE items SET issue_date = ? WHERE id = ?');
    this.db.transaction(() => {
      release.run(date);
      for (const id of ids) assign.run(date, id);
    });
  }

  /** How many items are stored. */
  count(): number {
    return (this.sql('SELECT count(*) AS n FROM items').get() as { n: number }).n;
  }
}
