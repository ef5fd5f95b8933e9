/**
 * Reading what `decide` needs from the store: unsent issues with their
 * unfinished deliveries, and the runs of the dates that matter.
 */
import type { Db } from '../store/db.ts';
import type { IssueStatus } from '../store/issues.ts';
import type { RunRecord, RunStore } from '../store/runs.ts';
import type { IsoDate } from '../types.ts';
import type { IssueView, RunView, ScheduleState, Trigger } from './decide.ts';

/** Issues not yet sent (and `today`'s whatever its status), with unfinished deliveries counted. */
export function issueViews(db: Db, today: IsoDate): IssueView[] {
  return db
    .prepare(
      `SELECT i.date AS date, i.status AS status,
              (SELECT count(*) FROM deliveries d WHERE d.issue_date = i.date AND d.status IN ('pending', 'sending')) AS unfinished
       FROM issues i WHERE i.status <> 'sent' OR i.date = ? ORDER BY i.date`,
    )
    .all(today) as { date: IsoDate; status: IssueStatus; unfinished: number }[];
}

/** An issue built but not sent yet. */
export interface PendingIssue {
  date: IsoDate;
  status: 'draft' | 'approved';
  createdAt: string;
  approvedAt: string | null;
}

/** Issues not sent yet, newest first (drafts waiting for approval, approved ones waiting for the scheduler). */
export function pendingIssues(db: Db): PendingIssue[] {
  return db
    .prepare(
      `SELECT date, status, created_at AS createdAt, approved_at AS approvedAt FROM issues WHERE status <> 'sent' ORDER BY date DESC`,
    )
    .all() as PendingIssue[];
}

/** A stored run as `decide` sees it. */
export function runView(r: RunRecord): RunView {
  return {
    issueDate: r.issueDate,
    status: r.status,
    startedAt: new Date(r.startedAt),
    finishedAt: r.finishedAt ? new Date(r.finishedAt) : null,
  };
}

/** The scheduler's view of the store at this moment. */
export function loadScheduleState(
  store: { db: Db; runs: RunStore },
  opts: { trigger: Trigger; startedAt: Date; today: IsoDate },
): ScheduleState {
  const issues = issueViews(store.db, opts.today);
  // Only dates decide can act on need their runs: today, unfinished sends, approved issues.
  const dates = new Set([opts.today, ...issues.filter((i) => i.unfinished > 0 || i.status === 'approved').map((i) => i.date)]);
  const runs = [...dates].flatMap((d) => store.runs.forIssue(d)).map(runView);
  return { trigger: opts.trigger, startedAt: opts.startedAt, issues, runs };
}
