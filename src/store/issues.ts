/**
 * Built issues in SQLite. A row exists once an issue is built; its status goes
 * draft → approved → sent. The stored JSON is what was rendered and published.
 */
import type { Issue, IsoDate } from '../types.ts';
import type { Db } from './db.ts';

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

/** Repository of built issues. */
export class IssueStore {
  constructor(private readonly db: Db) {}

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

  /** Numbering counts for a new issue on `date`: issues earlier in its year and in total. */
  countsBefore(date: IsoDate): { inYear: number; total: number } {
    const year = Number(date.slice(0, 4));
    const row = this.db
      .prepare('SELECT count(*) AS total, sum(CASE WHEN year = ? THEN 1 ELSE 0 END) AS inYear FROM issues WHERE date < ?')
      .get(year, date) as { total: number; inYear: number | null };
    return { inYear: row.inYear ?? 0, total: row.total };
  }

  /** Insert or replace the issue of its date (keeps status and creation time). */
  save(issue: Issue, now: string): void {
    this.db
      .prepare(
        `INSERT INTO issues (date, year, number, total_number, status, created_at, issue_json)
         VALUES (@date, @year, @number, @total, 'draft', @now, @json)
         ON CONFLICT(date) DO UPDATE SET issue_json = excluded.issue_json, number = excluded.number,
           total_number = excluded.total_number`,
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

  setStatus(date: IsoDate, status: IssueStatus, now: string): void {
    const approved = status === 'approved' ? now : null;
    this.db
      .prepare('UPDATE issues SET status = ?, approved_at = coalesce(?, approved_at) WHERE date = ?')
      .run(status, approved, date);
  }
}
