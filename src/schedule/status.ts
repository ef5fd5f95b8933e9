/**
 * What `digest status` reports: the latest runs, the next scheduled time, who
 * holds the cycle lock, issues waiting to be sent (drafts needing approval),
 * delivery totals of recent issues, and scheduled days that have no issue.
 * Reads the store only.
 */
import { DateTime } from 'luxon';
import {
  CYCLE_LOCK,
  type DeliveryTotals,
  type IssueStatus,
  type LockHolder,
  type PendingIssue,
  type RunRecord,
  type Store,
} from '../store/index.ts';
import type { IsoDate } from '../types.ts';
import { issueDateAt, isScheduledDay, nextScheduledAt } from '../util/time.ts';

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
  store: Pick<Store, 'issues' | 'runs' | 'locks' | 'deliveries'>,
  opts: { now: Date; cron: string; timezone: string; runs?: number; issues?: number },
): StatusReport {
  const { now, cron, timezone } = opts;
  const zoned = (iso: string) => DateTime.fromISO(iso).setZone(timezone).toISO()!;
  const holder = store.locks.get(CYCLE_LOCK);
  const recent = store.issues.recent(opts.issues ?? 7);
  return {
    now: DateTime.fromJSDate(now, { zone: timezone }).toISO()!,
    timezone,
    cron,
    nextRun: nextScheduledAt(now, cron, timezone)?.toISO() ?? null,
    lock: holder ? { ...holder, expired: Date.parse(holder.expiresAt) <= Date.now() } : null,
    runs: store.runs
      .latest(opts.runs ?? 10)
      .map((r) => ({ ...r, startedAt: zoned(r.startedAt), finishedAt: r.finishedAt && zoned(r.finishedAt) })),
    pending: store.issues.pending().map((p) => ({ ...p, createdAt: zoned(p.createdAt), approvedAt: p.approvedAt && zoned(p.approvedAt) })),
    issues: recent.map((i) => ({ ...i, deliveries: store.deliveries.totals(i.date) })),
    missed: missedDays(store, now, cron, timezone),
  };
}

function missedDays(store: Pick<Store, 'issues' | 'runs'>, now: Date, cron: string, zone: string): IsoDate[] {
  const first = store.issues.firstDate();
  if (!first) return [];
  const today = DateTime.fromISO(issueDateAt(now, zone), { zone });
  const out: IsoDate[] = [];
  for (let i = 7; i >= 1; i--) {
    const d = today.minus({ days: i }).toISODate()!;
    if (d < first || !isScheduledDay(d, cron, zone)) continue;
    if (!store.issues.has(d) && store.runs.forIssue(d).length === 0) out.push(d);
  }
  return out;
}
