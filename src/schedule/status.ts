/**
 * What `digest status` reports: the latest runs, the next scheduled time, who
 * holds the cycle lock, issues waiting to be sent (drafts needing approval),
 * delivery totals of recent issues, and scheduled days that have no issue.
 * Reads the store only.
 */
import { DateTime } from 'luxon';
import type { Db } from '../store/db.ts';
import type { DeliveryTotals } from '../store/deliveries.ts';
import { LockStore, type LockHolder } from '../store/locks.ts';
import type { IssueStatus } from '../store/issues.ts';
import { RunStore, type RunRecord } from '../store/runs.ts';
import type { IsoDate } from '../types.ts';
import { CYCLE_LOCK } from './lock.ts';
import { pendingIssues, type PendingIssue } from './state.ts';
import { issueDateAt, isScheduledDay, nextScheduledAt } from './time.ts';

/** The status report. Times are ISO strings in the publication's timezone. */
export interface StatusReport {
  now: string;
  timezone: string;
  cron: string;
  nextRun: string | null;
  lock: (LockHolder & { expired: boolean }) | null;
  runs: RunRecord[];
  pending: PendingIssue[];
  issues: { date: IsoDate; status: IssueStatus; deliveries: DeliveryTotals }[];
  /** Scheduled days of the past week (since the first issue) with neither an issue nor a run. */
  missed: IsoDate[];
}

/** Collect the status report. */
export function collectStatus(
  db: Db,
  deliveryTotals: (date: IsoDate) => DeliveryTotals,
  opts: { now: Date; cron: string; timezone: string; runs?: number; issues?: number },
): StatusReport {
  const { now, cron, timezone } = opts;
  const zoned = (iso: string) => DateTime.fromISO(iso).setZone(timezone).toISO()!;
  const holder = new LockStore(db).get(CYCLE_LOCK);
  const recent = db.prepare('SELECT date, status FROM issues ORDER BY date DESC LIMIT ?').all(opts.issues ?? 7) as {
    date: IsoDate;
    status: IssueStatus;
  }[];
  return {
    now: DateTime.fromJSDate(now, { zone: timezone }).toISO()!,
    timezone,
    cron,
    nextRun: nextScheduledAt(now, cron, timezone)?.toISO() ?? null,
    lock: holder ? { ...holder, expired: Date.parse(holder.expiresAt) <= Date.now() } : null,
    runs: new RunStore(db)
      .latest(opts.runs ?? 10)
      .map((r) => ({ ...r, startedAt: zoned(r.startedAt), finishedAt: r.finishedAt && zoned(r.finishedAt) })),
    pending: pendingIssues(db).map((p) => ({ ...p, createdAt: zoned(p.createdAt), approvedAt: p.approvedAt && zoned(p.approvedAt) })),
    issues: recent.map((i) => ({ ...i, deliveries: deliveryTotals(i.date) })),
    missed: missedDays(db, now, cron, timezone),
  };
}

function missedDays(db: Db, now: Date, cron: string, zone: string): IsoDate[] {
  const first = (db.prepare('SELECT min(date) AS d FROM issues').get() as { d: string | null }).d;
  if (!first) return [];
  const today = DateTime.fromISO(issueDateAt(now, zone), { zone });
  const has = db.prepare('SELECT (SELECT count(*) FROM issues WHERE date = @d) + (SELECT count(*) FROM runs WHERE issue_date = @d) AS n');
  const out: IsoDate[] = [];
  for (let i = 7; i >= 1; i--) {
    const d = today.minus({ days: i }).toISODate()!;
    if (d < first || !isScheduledDay(d, cron, zone)) continue;
    if ((has.get({ d }) as { n: number }).n === 0) out.push(d);
  }
  return out;
}
