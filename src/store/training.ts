/**
 * What the section classifier learns from, read from the store: the final
 * placements of past issues (table `section_labels`, kept in step with
 * `issues.issue_json` by triggers — see migration 4 in db.ts) and the
 * editors' section overrides. The model itself is not stored: it is
 * retrained from these rows when they change (src/cycle/sectioning.ts).
 */
import type { Correction, IsoDate, PastPlacement } from '../types.ts';
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

interface PlacementRow {
  item_id: string;
  section_id: string;
  title: string;
  issuer: string | null;
  outlet: string | null;
  text_head: string;
  reason: string;
  status: string;
}

interface CorrectionRow {
  item_id: string;
  section_id: string;
  title: string;
  issuer: string | null;
  outlet: string | null;
  text: string;
}

/** Training data for the classifier, as any store backend provides it. */
export interface TrainingRepository {
  /** Placements in the `limit` newest issues before `date`, newest first. */
  pastPlacements(before: IsoDate, limit: number): PastPlacement[];
  /** Every override that moves an item to a section, with the item's fields. */
  corrections(): Correction[];
}

/** Training data in SQLite. */
export class TrainingStore implements TrainingRepository {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  /** Placements in the `limit` newest issues before `date`, newest first. */
  pastPlacements(before: IsoDate, limit: number): PastPlacement[] {
    if (limit <= 0) return [];
    const rows = this.db
      .prepare(
        `SELECT l.item_id, l.section_id, l.title, l.issuer, l.outlet, l.text_head, l.reason, i.status
           FROM (SELECT date, status FROM issues WHERE date < ? ORDER BY date DESC LIMIT ?) AS i
           JOIN section_labels AS l ON l.issue_date = i.date
          ORDER BY i.date DESC, l.position, l.item_id`,
      )
      .all(before, limit) as PlacementRow[];
    return rows.map((r) => ({
      itemId: r.item_id,
      item: { title: r.title, issuer: r.issuer, outlet: r.outlet, text: r.text_head },
      sectionId: r.section_id,
      reason: r.reason,
      reviewed: r.status === 'approved' || r.status === 'sent',
    }));
  }

  /** Every override that moves an item to a section, with the item's fields. */
  corrections(): Correction[] {
    const rows = this.db
      .prepare(
        `SELECT o.item_id, o.section_id, i.title, i.issuer, i.outlet, substr(i.text, 1, 400) AS text
           FROM overrides o JOIN items i ON i.id = o.item_id
          WHERE o.section_id IS NOT NULL AND o.excluded = 0
          ORDER BY o.item_id`,
      )
      .all() as CorrectionRow[];
    return rows.map((r) => ({
      itemId: r.item_id,
      item: { title: r.title, issuer: r.issuer, outlet: r.outlet, text: r.text },
      sectionId: r.section_id,
    }));
  }
}
