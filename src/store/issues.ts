/**
 * Built issues in SQLite. A row exists once an issue is built; its status goes
 * draft → approved → sent. The stored JSON is what was rendered and published.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Issue, IsoDate, RenderedIssue } from '../types.ts';
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

/** Lifecycle of an issue. */
export type IssueStatus = 'draft' | 'approved' | 'sent';

/** A stored issue with its status. */
export interface StoredIssue {
  issue: Issue;
  status: IssueStatus;
  createdAt: string;
  approvedAt: string | null;
}

interface IssueRow {
  date: string;
  status: IssueStatus;
  created_at: string;
  approved_at: string | null;
  issue_json: string;
}

function fromRow(row: IssueRow): StoredIssue {
  return { issue: JSON.parse(row.issue_json) as Issue, status: row.status, createdAt: row.created_at, approvedAt: row.approved_at };
}

/** An issue built but not sent yet. */
export interface PendingIssue {
  date: IsoDate;
  status: 'draft' | 'approved';
  createdAt: string;
  approvedAt: string | null;
}

/** An issue as the scheduler weighs it: its status and how many deliveries are unfinished. */
export interface IssueProgress {
  date: IsoDate;
  status: IssueStatus;
  /** Deliveries still `pending` or `sending`. */
  unfinished: number;
}

/** archiveEntries' query in PostgreSQL's JSON functions (the SQLite one is beside the call). */
const PG_ARCHIVE_ENTRIES = `
  SELECT i.date, i.year, i.number, i.total_number AS "totalNumber",
    (SELECT coalesce(json_agg(json_build_object('title', s.value->>'title', 'count', jsonb_array_length(s.value->'items')) ORDER BY s.n), '[]')::text
       FROM jsonb_array_elements(i.issue_json::jsonb->'sections') WITH ORDINALITY AS s(value, n)
      WHERE jsonb_array_length(s.value->'items') > 0) AS sections,
    (SELECT coalesce(json_agg(coalesce(nullif(l.value->'items'->0->>'issuer', '') || '：', '') || (l.value->'items'->0->>'title') ORDER BY l.n), '[]')::text
       FROM (SELECT e.value, e.n FROM jsonb_array_elements(i.issue_json::jsonb->'sections') WITH ORDINALITY AS e(value, n)
              WHERE jsonb_array_length(e.value->'items') > 0 ORDER BY e.n LIMIT 3) AS l) AS leads,
    (SELECT substr(f.value->'items'->0->>'text', 1, 300)
       FROM jsonb_array_elements(i.issue_json::jsonb->'sections') WITH ORDINALITY AS f(value, n)
      WHERE jsonb_array_length(f.value->'items') > 0 ORDER BY f.n LIMIT 1) AS excerpt
  FROM issues i ORDER BY i.date DESC`;

/** Repository of built issues (SQLite; a second backend implements the same public methods, see IssueRepository in index.ts). */
export class IssueStore {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  get(date: IsoDate): StoredIssue | undefined {
    const row = this.db.prepare('SELECT * FROM issues WHERE date = ?').get(date) as IssueRow | undefined;
    return row && fromRow(row);
  }

  /** The most recent issue before `date`, if any. */
  previous(date: IsoDate): StoredIssue | undefined {
    const row = this.db.prepare('SELECT * FROM issues WHERE date < ? ORDER BY date DESC LIMIT 1').get(date) as IssueRow | undefined;
    return row && fromRow(row);
  }

  /** Issues newest first. */
  latest(limit: number): StoredIssue[] {
    return (this.db.prepare('SELECT * FROM issues ORDER BY date DESC LIMIT ?').all(limit) as IssueRow[]).map(fromRow);
  }

  /** Every issue's date, newest first (cheap: no issue JSON is parsed). */
  dates(): IsoDate[] {
    return (this.db.prepare('SELECT date FROM issues ORDER BY date DESC').all() as { date: string }[]).map((r) => r.date);
  }

  /**
   * What the archive shows of every issue, newest first: numbering and items
   * per non-empty section, computed by the database's JSON functions so a
   * year of issues is never loaded and parsed whole.
   */
  archiveEntries(): {
    date: IsoDate;
    numbering: Issue['numbering'];
    sections: { title: string; count: number }[];
    /** `issuer：title` of the first item of the first three non-empty sections. */
    leads: string[];
    /** The start (300 characters) of the lead item's text; the archive cuts it at a sentence. */
    excerpt: string;
  }[] {
    const rows = this.db
      .prepare(
        this.db.dialect === 'postgres'
          ? PG_ARCHIVE_ENTRIES
          : `SELECT i.date, i.year, i.number, i.total_number AS "totalNumber",
           (SELECT json_group_array(json_object('title', json_extract(s.value, '$.title'), 'count', json_array_length(s.value, '$.items')))
              FROM json_each(i.issue_json, '$.sections') s
             WHERE json_array_length(s.value, '$.items') > 0) AS sections,
           (SELECT json_group_array(coalesce(nullif(json_extract(l.value, '$.items[0].issuer'), '') || '：', '') || json_extract(l.value, '$.items[0].title'))
              FROM (SELECT value FROM json_each(i.issue_json, '$.sections')
                     WHERE json_array_length(value, '$.items') > 0 ORDER BY key LIMIT 3) l) AS leads,
           (SELECT substr(json_extract(f.value, '$.items[0].text'), 1, 300)
              FROM json_each(i.issue_json, '$.sections') f
             WHERE json_array_length(f.value, '$.items') > 0 ORDER BY f.key LIMIT 1) AS excerpt
         FROM issues i ORDER BY i.date DESC`,
      )
      .all() as {
      date: string;
      year: number;
      number: number;
      totalNumber: number;
      sections: string;
      leads: string;
      excerpt: string | null;
    }[];
    return rows.map((r) => ({
      date: r.date,
      numbering: { year: r.year, number: r.number, totalNumber: r.totalNumber },
      sections: JSON.parse(r.sections) as { title: string; count: number }[],
      leads: JSON.parse(r.leads) as string[],
      excerpt: r.excerpt ?? '',
    }));
  }

  /** Numbering counts for a new issue on `date`: issues earlier in its year and in total. */
  countsBefore(date: IsoDate): { inYear: number; total: number } {
    const year = Number(date.slice(0, 4));
    const row = this.db
      .prepare('SELECT count(*) AS total, sum(CASE WHEN year = ? THEN 1 ELSE 0 END) AS "inYear" FROM issues WHERE date < ?')
      .get(year, date) as { total: number; inYear: number | null };
    return { inYear: row.inYear ?? 0, total: row.total };
  }

  /**
   * Insert or replace the issue of its date (keeps its creation time). An
   * approved draft whose content changes goes back to draft: an editor
   * approved what they saw, not what a later rebuild made of it.
   */
  save(issue: Issue, now: string): void {
    this.db
      .prepare(
        `INSERT INTO issues (date, year, number, total_number, status, created_at, issue_json)
         VALUES (@date, @year, @number, @total, 'draft', @now, @json)
         ON CONFLICT(date) DO UPDATE SET issue_json = excluded.issue_json, number = excluded.number,
           total_number = excluded.total_number,
           status = CASE WHEN issues.status = 'approved' AND issues.issue_json != excluded.issue_json THEN 'draft' ELSE issues.status END,
           approved_at = CASE WHEN issues.status = 'approved' AND issues.issue_json != excluded.issue_json THEN NULL ELSE issues.approved_at END`,
      )
      .run({
        date: issue.date,
        year: issue.numbering.year,
        number: issue.numbering.number,
        total: issue.numbering.totalNumber,
        now,
        json: JSON.stringify(issue),
      });
  }

  /** The rendered issue of `date` if it was rendered from `key` (see saveRendered). */
  rendered(date: IsoDate, key: string): RenderedIssue | undefined {
    const row = this.db.prepare('SELECT rendered FROM issue_renders WHERE date = ? AND render_key = ?').get(date, key) as
      | { rendered: Buffer }
      | undefined;
    return row && (JSON.parse(gunzipSync(row.rendered).toString('utf8')) as RenderedIssue);
  }

  /**
   * Keep the rendered issue of `date` (replacing an earlier render) if it was
   * rendered from the issue as stored (`issueJson`, as `save` wrote it), not
   * from a composition nobody saved (the preview's). `key` names what it was
   * rendered from; a lookup with another key misses.
   */
  saveRendered(date: IsoDate, issueJson: string, key: string, rendered: RenderedIssue, now: string): void {
    const { subject, preheader, emailHtml, emailText, webHtml } = rendered;
    const blob = gzipSync(JSON.stringify({ subject, preheader, emailHtml, emailText, webHtml }));
    this.db
      .prepare(
        `INSERT INTO issue_renders (date, render_key, rendered, rendered_at)
         SELECT date, ?, ?, ? FROM issues WHERE date = ? AND issue_json = ?
         ON CONFLICT(date) DO UPDATE SET render_key = excluded.render_key, rendered = excluded.rendered, rendered_at = excluded.rendered_at`,
      )
      .run(key, blob, now, date, issueJson);
  }

  setStatus(date: IsoDate, status: IssueStatus, now: string): void {
    const approved = status === 'approved' ? now : null;
    this.db.prepare('UPDATE issues SET status = ?, approved_at = coalesce(?, approved_at) WHERE date = ?').run(status, approved, date);
  }

  /** Issues not yet sent (and `today`'s whatever its status), with unfinished deliveries counted, oldest first. */
  progress(today: IsoDate): IssueProgress[] {
    return this.db
      .prepare(
        `SELECT i.date AS date, i.status AS status,
                (SELECT count(*) FROM deliveries d WHERE d.issue_date = i.date AND d.status IN ('pending', 'sending')) AS unfinished
         FROM issues i WHERE i.status <> 'sent' OR i.date = ? ORDER BY i.date`,
      )
      .all(today) as IssueProgress[];
  }

  /** Issues not sent yet, newest first (drafts waiting for approval, approved ones waiting for the scheduler). */
  pending(): PendingIssue[] {
    return this.db
      .prepare(
        `SELECT date, status, created_at AS "createdAt", approved_at AS "approvedAt" FROM issues WHERE status <> 'sent' ORDER BY date DESC`,
      )
      .all() as PendingIssue[];
  }

  /** The `limit` newest issues' dates and statuses, newest first. */
  recent(limit: number): { date: IsoDate; status: IssueStatus }[] {
    return this.db.prepare('SELECT date, status FROM issues ORDER BY date DESC LIMIT ?').all(limit) as {
      date: IsoDate;
      status: IssueStatus;
    }[];
  }

  /** The date of the first issue ever built, or null. */
  firstDate(): IsoDate | null {
    return (this.db.prepare('SELECT min(date) AS d FROM issues').get() as { d: string | null }).d;
  }

  /** Is there an issue for `date`? (Cheaper than `get`: no JSON is read.) */
  has(date: IsoDate): boolean {
    return this.db.prepare('SELECT 1 FROM issues WHERE date = ?').get(date) !== undefined;
  }
}
