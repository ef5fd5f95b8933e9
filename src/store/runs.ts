/**
 * The run log (`runs` table): one row per cycle run by `digest run` or the
 * scheduler, written when it starts and when it ends. The scheduler reads it
 * to know whether today's issue was already attempted (catch-up, retries), and
 * `digest status` shows the latest rows.
 */
import type { IsoDate } from '../types.ts';
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

/**
 * How a run ended: `ok` (built and/or sent), `skipped` (nothing or too little
 * to publish), `waiting` (a draft built, waiting for approval), `failed`,
 * `interrupted` (stopped by a signal, or its process died; a restart resumes).
 */
export type RunStatus = 'running' | 'ok' | 'skipped' | 'waiting' | 'failed' | 'interrupted';

/** Who started a run. */
export type RunKind = 'run' | 'schedule';

/** One run. `summary` holds what the run did (trigger, reason, build and send totals, error). */
export interface RunRecord {
  id: string;
  kind: RunKind;
  issueDate: IsoDate | null;
  startedAt: string;
  finishedAt: string | null;
  status: RunStatus;
  summary: Record<string, unknown>;
}

interface RunRow {
  id: string;
  kind: RunKind;
  issue_date: string | null;
  started_at: string;
  finished_at: string | null;
  status: RunStatus;
  summary: string | null;
}

function fromRow(r: RunRow): RunRecord {
  return {
    id: r.id,
    kind: r.kind,
    issueDate: r.issue_date,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    summary: r.summary ? (JSON.parse(r.summary) as Record<string, unknown>) : {},
  };
}

/** The run log, as any store backend provides it. */
export interface RunRepository {
  /** Record the start of a run. */
  start(run: { id: string; kind: RunKind; issueDate: IsoDate | null; startedAt: string; summary?: Record<string, unknown> }): void;
  /** Record how a run ended; `summary` is merged into what `start` stored. */
  finish(id: string, status: Exclude<RunStatus, 'running'>, finishedAt: string, summary?: Record<string, unknown>): void;
  get(id: string): RunRecord | undefined;
  /** The latest runs, newest first. */
  latest(limit: number): RunRecord[];
  /** Every run for the issue of `date`, oldest first. */
  forIssue(date: IsoDate): RunRecord[];
  /** Mark runs still `running` (by processes that died) as `interrupted`, except `exceptId`; returns how many. */
  markAbandoned(now: string, exceptId?: string): number;
}

/** The run log in SQLite. */
export class RunStore implements RunRepository {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  /** Record the start of a run. */
  start(run: { id: string; kind: RunKind; issueDate: IsoDate | null; startedAt: string; summary?: Record<string, unknown> }): void {
    this.db
      .prepare(`INSERT INTO runs (id, kind, issue_date, started_at, status, summary) VALUES (?, ?, ?, ?, 'running', ?)`)
      .run(run.id, run.kind, run.issueDate, run.startedAt, JSON.stringify(run.summary ?? {}));
  }

  /** Record how a run ended; `summary` is merged into what `start` stored. */
  finish(id: string, status: Exclude<RunStatus, 'running'>, finishedAt: string, summary: Record<string, unknown> = {}): void {
    const current = this.get(id);
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, summary = ? WHERE id = ?')
      .run(status, finishedAt, JSON.stringify({ ...current?.summary, ...summary }), id);
  }

  get(id: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && fromRow(row);
  }

  /** The latest runs, newest first. */
  latest(limit: number): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as RunRow[]).map(fromRow);
  }

  /** Every run for the issue of `date`, oldest first. */
  forIssue(date: IsoDate): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs WHERE issue_date = ? ORDER BY started_at, rowid').all(date) as RunRow[]).map(fromRow);
  }

  /**
   * Mark runs still `running` as `interrupted`, except `exceptId`. Called by the
   * holder of the cycle lock: only the holder runs, so any other `running` row
   * belongs to a process that died without finishing.
   */
  markAbandoned(now: string, exceptId?: string): number {
    return this.db
      .prepare(`UPDATE runs SET status = 'interrupted', finished_at = ? WHERE status = 'running' AND id IS DISTINCT FROM ?`)
      .run(now, exceptId ?? null).changes;
  }
}
