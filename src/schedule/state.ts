/**
 * What `decide` needs from the store: unsent issues with their unfinished
 * deliveries, and the runs of the dates that matter.
 */
import type { IssueProgress, RunRecord, Store } from '../store/index.ts';
import type { IsoDate } from '../types.ts';
import type { RunView, ScheduleState, Trigger } from './decide.ts';

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
  store: Pick<Store, 'issues' | 'runs'>,
  opts: { trigger: Trigger; startedAt: Date; today: IsoDate },
): ScheduleState {
  const issues: IssueProgress[] = store.issues.progress(opts.today);
  // Only dates decide can act on need their runs: today, unfinished sends, approved issues.
  const dates = new Set([opts.today, ...issues.filter((i) => i.unfinished > 0 || i.status === 'approved').map((i) => i.date)]);
  const runs = [...dates].flatMap((d) => store.runs.forIssue(d)).map(runView);
  return { trigger: opts.trigger, startedAt: opts.startedAt, issues, runs };
}
