/**
 * The delivery ledger: one row per (issue, subscriber). A row is marked
 * `sending` just before its SMTP transaction and `sent`/`failed` right after
 * it, so a crashed send resumes exactly where it stopped (see README "Exactly
 * once"). Send runs and their totals live in `send_runs`.
 */
import { DigestError } from '../errors.ts';
import type { Delivery, DeliveryStatus, IsoDate, Subscriber } from '../types.ts';
import { ClaimWriter } from './claims.ts';
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { settled, toDriver } from './sqlite.ts';

/** Tries of one ledger write against a busy database, each waiting the busy timeout (5 s): a lock held for ~15 s is waited out. */
const BUSY_ATTEMPTS = 3;

/**
 * Run a ledger write, trying again while the database is busy; a lasting
 * failure (still locked, disk full, read-only, corrupt) becomes an error that
 * names the file and what to do, because a bare "database is locked" in the
 * middle of a send tells the operator neither.
 */
function ledgerWrite<T>(db: Driver, fn: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (attempt < BUSY_ATTEMPTS && busy(err)) continue;
      throw ledgerError(db, err);
    }
  }
}

/** `ledgerWrite` of a write that does not block (Driver.allAsync). */
async function ledgerWriteAsync<T>(db: Driver, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt < BUSY_ATTEMPTS && busy(err)) continue;
      throw ledgerError(db, err);
    }
  }
}

/** Is this the database being busy (worth trying again)? */
function busy(err: unknown): boolean {
  return String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
}

/** A store failure of a ledger write as the error the operator sees (anything else as it is). */
function ledgerError(db: Driver, err: unknown): unknown {
  const code = String((err as { code?: unknown }).code ?? '');
  if (!code.startsWith('SQLITE')) return err;
  const hint =
    db.dialect === 'postgres'
      ? code.startsWith('SQLITE_BUSY')
        ? 'another process held the rows for too long: find it (digest status, pg_stat_activity), let it finish, then run digest send again'
        : `check that the PostgreSQL server (${db.name}) is running, reachable and has disk space, then run digest send again`
      : code.startsWith('SQLITE_BUSY')
        ? 'another process held the database for too long: find it (digest status, ps), let it finish, then run digest send again'
        : code.startsWith('SQLITE_FULL') || code.startsWith('SQLITE_IOERR')
          ? `free space on the disk of ${db.name} (its -wal file grows during a send), then run digest send again`
          : code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')
            ? `restore ${db.name} from a backup (digest backup), or recover it: sqlite3 ${db.name} .recover | sqlite3 recovered.db`
            : `check that ${db.name} and its folder are writable, then run digest send again`;
  return new DigestError(
    `the delivery ledger in ${db.name} cannot be written (${code}: ${(err as Error).message}); the send stopped, nobody accepted is sent again`,
    hint,
  );
}

interface DeliveryRow {
  issue_date: string;
  subscriber_id: number;
  email: string;
  status: DeliveryStatus;
  attempts: number;
  message_id: string;
  error: string | null;
  updated_at: string;
}

function fromRow(r: DeliveryRow): Delivery {
  return {
    issueDate: r.issue_date,
    subscriberId: r.subscriber_id,
    email: r.email,
    status: r.status,
    attempts: r.attempts,
    messageId: r.message_id,
    error: r.error,
    updatedAt: r.updated_at,
  };
}

/** Totals of one issue's deliveries by status. */
export type DeliveryTotals = Record<DeliveryStatus, number>;

/** A delivery still to do, with its subscriber as it is now. */
export interface PendingDelivery {
  subscriberId: number;
  email: string;
  name: string | null;
  /** The subscriber's status now (they may have left since the row was planned). */
  subscriberStatus: Subscriber['status'] | null;
  /** The subscriber's chosen sections as stored (JSON array), null: all. */
  sections: string | null;
  messageId: string;
  attempts: number;
}

/** The largest subscriber id (PostgreSQL's INTEGER): "no upper bound" in the range queries, a value both engines accept. */
const LAST_ID = 2_147_483_647;

/** Subscriber ids after `after` up to and including `upTo`: one job's share of an issue. */
export interface SubscriberRange {
  after: number;
  upTo: number;
}

/** How a send run ended. `interrupted`: its process died (found by the next run). */
export type SendRunStatus = 'running' | 'completed' | 'stopped' | 'aborted' | 'interrupted';

/** The counters of one send run. */
export interface SendRunCounts {
  planned: number;
  submitted: number;
  retried: number;
  failed: number;
  skipped: number;
  resumed: number;
  remaining: number;
}

/** One send run as recorded. */
export interface SendRun extends SendRunCounts {
  id: number;
  issueDate: IsoDate;
  transport: string;
  startedAt: string;
  finishedAt: string | null;
  status: SendRunStatus;
  error: string | null;
}

/** Repository of deliveries and send runs. */
export class DeliveryStore {
  // Prepared once: the send loop runs these twice per message.
  private readonly sendingStmt;
  private readonly doneStmt;
  private readonly runCountsStmt;
  /** The send loop's non-blocking claims on PostgreSQL, written together (null: SQLite, which writes in process). */
  private readonly claims: ClaimWriter | null;
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    const db = toDriver(handle);
    this.db = db;
    this.sendingStmt = db.prepare(
      "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE issue_date = ? AND subscriber_id = ? AND status = 'pending'",
    );
    this.runCountsStmt = db.prepare(
      `UPDATE send_runs SET planned = @planned, submitted = @submitted, retried = @retried, failed = @failed,
       skipped = @skipped, resumed = @resumed, remaining = @remaining WHERE id = @id`,
    );
    this.doneStmt = db.prepare(
      // Only an unfinished row takes an outcome: the late reply of a sender that was taken over never overwrites what the new one recorded.
      "UPDATE deliveries SET status = ?, error = ?, response = ?, updated_at = ? WHERE issue_date = ? AND subscriber_id = ? AND status IN ('pending', 'sending')",
    );
    this.claims = db.dialect === 'postgres' ? new ClaimWriter(db, (write) => ledgerWriteAsync(db, write)) : null;
  }

  /**
   * Create `pending` rows for every active subscriber that has none for this
   * issue, in one statement (nothing is loaded into memory). Message-IDs are
   * fixed here, so a resumed or retried send reuses them and receivers can
   * recognise a repeat.
   */
  plan(issueDate: IsoDate, messageIdDomain: string, now: string): number {
    return this.db.transaction(() => {
      this.skipPaused(issueDate, now);
      return this.planActive(issueDate, messageIdDomain, now);
    });
  }

  /**
   * Paused subscribers without a row for this issue get a `skipped` row and
   * one issue fewer to skip, in the same transaction, so a resumed send never
   * counts the same issue twice.
   */
  private skipPaused(issueDate: IsoDate, now: string): void {
    const ids = this.db
      .prepare(
        `UPDATE subscribers SET paused_issues = paused_issues - 1
         WHERE status = 'active' AND paused_issues > 0
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.issue_date = ? AND d.subscriber_id = subscribers.id)
         RETURNING id`,
      )
      .all(issueDate) as { id: number }[];
    if (!ids.length) return;
    this.db
      .prepare(
        `INSERT INTO deliveries (issue_date, subscriber_id, email, status, attempts, message_id, error, updated_at)
         SELECT @date, s.id, s.email, 'skipped', 0, '', 'paused by the subscriber', @now
         FROM subscribers s WHERE s.id IN (${
           this.db.dialect === 'postgres'
             ? 'SELECT CAST(value AS INTEGER) FROM json_array_elements_text(CAST(@ids AS json))'
             : 'SELECT value FROM json_each(@ids)'
         })`,
      )
      .run({ date: issueDate, now, ids: JSON.stringify(ids.map((r) => r.id)) });
  }

  private planActive(issueDate: IsoDate, messageIdDomain: string, now: string): number {
    // Eight random hex digits make the Message-ID unguessable.
    const random = this.db.dialect === 'postgres' ? 'substr(md5(random()::text), 1, 8)' : 'lower(hex(randomblob(4)))';
    const r = this.db
      .prepare(
        `INSERT INTO deliveries (issue_date, subscriber_id, email, status, attempts, message_id, updated_at)
         SELECT @date, s.id, s.email, 'pending', 0,
                '<digest-' || @date || '-' || s.id || '-' || ${random} || '@' || @domain || '>', @now
         FROM subscribers s
         WHERE s.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.issue_date = @date AND d.subscriber_id = s.id)`,
      )
      .run({ date: issueDate, domain: messageIdDomain, now });
    return r.changes;
  }

  /**
   * Put rows left `sending` by a process that died back to `pending`; returns
   * how many. Their SMTP transaction may or may not have completed: they are
   * sent again with the same Message-ID (the policy in README "Exactly once").
   * Call only while holding the issue's send lock.
   */
  resumeInterrupted(issueDate: IsoDate, now: string, range?: SubscriberRange): number {
    return this.db
      .prepare(
        `UPDATE deliveries SET status = 'pending', error = 'interrupted during the SMTP transaction; sent again with the same Message-ID', updated_at = ?
         WHERE issue_date = ? AND status = 'sending' AND subscriber_id > ? AND subscriber_id <= ?`,
      )
      .run(now, issueDate, range?.after ?? -1, range?.upTo ?? LAST_ID).changes;
  }

  /**
   * The blocks of `blockSize` subscriber ids (block b: ids b·size+1 … (b+1)·size)
   * that still have deliveries `pending` or `sending`, with how many: what a
   * send over the job queue enqueues (one job per block).
   */
  openBlocks(issueDate: IsoDate, blockSize: number): { block: number; open: number }[] {
    return this.db
      .prepare(
        `SELECT (subscriber_id - 1) / CAST(? AS INTEGER) AS block, count(*) AS open FROM deliveries
         WHERE issue_date = ? AND status IN ('pending', 'sending') GROUP BY 1 ORDER BY 1`,
      )
      .all(blockSize, issueDate)
      .map((r) => {
        // Numbers, whatever the engine returns for integer arithmetic and count(*) (PostgreSQL: bigint as text).
        const row = r as { block: number | string; open: number | string };
        return { block: Number(row.block), open: Number(row.open) };
      });
  }

  /**
   * Put failed deliveries of subscribers still active back to `pending` (after
   * an outage made retries run out); returns how many.
   */
  requeueFailed(issueDate: IsoDate, now: string): number {
    return this.db
      .prepare(
        `UPDATE deliveries SET status = 'pending', updated_at = ?
         WHERE issue_date = ? AND status = 'failed' AND subscriber_id IN (SELECT id FROM subscribers WHERE status = 'active')`,
      )
      .run(now, issueDate).changes;
  }

  /** The next batch of `pending` deliveries after `afterId` (and up to `upToId`), in subscriber order, joined with the subscriber. */
  pending(issueDate: IsoDate, afterId: number, limit: number, upToId = LAST_ID): PendingDelivery[] {
    return this.db
      .prepare(
        `SELECT d.subscriber_id AS "subscriberId", d.email AS email, s.name AS name, s.status AS "subscriberStatus",
                s.sections AS sections, d.message_id AS "messageId", d.attempts AS attempts
         FROM deliveries d LEFT JOIN subscribers s ON s.id = d.subscriber_id
         WHERE d.issue_date = ? AND d.status = 'pending' AND d.subscriber_id > ? AND d.subscriber_id <= ?
         ORDER BY d.subscriber_id LIMIT ?`,
      )
      .all(issueDate, afterId, upToId, limit) as PendingDelivery[];
  }

  /** How many deliveries are `pending` after `afterId` up to `upToId`: what is left of a block. */
  pendingCount(issueDate: IsoDate, afterId: number, upToId = LAST_ID): number {
    const row = this.db
      .prepare(
        "SELECT count(*) AS n FROM deliveries WHERE issue_date = ? AND status = 'pending' AND subscriber_id > ? AND subscriber_id <= ?",
      )
      .get(issueDate, afterId, upToId) as { n: number | string };
    return Number(row.n);
  }

  /**
   * Claim a delivery and mark it in flight, just before its SMTP transaction
   * starts. Only a `pending` row can be claimed: false means another sender
   * took it since this one read it (a sender that was stopped past its lease
   * and resumed still holds rows it read before), so it must not be sent.
   */
  markSending(issueDate: IsoDate, subscriberId: number, now: string): boolean {
    return ledgerWrite(this.db, () => this.sendingStmt.run(now, issueDate, subscriberId)).changes === 1;
  }

  /**
   * `markSending`, and recording one delivery `sent` with the next claimed
   * (what a sender does between two messages on one connection: one round
   * trip per message instead of two), without blocking the event loop
   * while the database answers. Why they exist: on PostgreSQL every blocking
   * statement stops the whole process for a round trip, so a sender's other
   * SMTP connections would stand still while one of them writes its ledger
   * row; the send loop awaits these instead, and the others keep sending —
   * and writes that meet on the way go as one statement (claims.ts). The
   * rules are those of the blocking ones: the claim is committed when the
   * promise resolves (before the message may go), and the outcome with the
   * next claim. On SQLite they are the synchronous writes, done before the
   * promise is returned.
   */
  markSendingAsync(issueDate: IsoDate, subscriberId: number, now: string): Promise<boolean> {
    if (this.claims) return this.claims.claim({ issueDate, sentId: null, response: null, nextId: subscriberId, now });
    return settled(() => this.markSending(issueDate, subscriberId, now));
  }

  /** See `markSendingAsync`; true when the next was claimed. On SQLite, one transaction of `markDone` and `markSending`. */
  markSentThenSendingAsync(issueDate: IsoDate, sentId: number, response: string | null, nextId: number, now: string): Promise<boolean> {
    if (this.claims) return this.claims.claim({ issueDate, sentId, response, nextId, now });
    return settled(() =>
      ledgerWrite(this.db, () =>
        this.db.transaction(() => {
          this.doneStmt.run('sent', null, response, now, issueDate, sentId);
          return this.sendingStmt.run(now, issueDate, nextId).changes === 1;
        }),
      ),
    );
  }

  /** Record the outcome of a delivery (`pending` again while it waits for a retry). */
  markDone(
    issueDate: IsoDate,
    subscriberId: number,
    status: 'sent' | 'failed' | 'pending' | 'skipped',
    error: string | null,
    now: string,
    response: string | null = null,
    run?: { id: number; counts: SendRunCounts },
  ): void {
    if (!run) return void ledgerWrite(this.db, () => this.doneStmt.run(status, error, response, now, issueDate, subscriberId));
    // The run's counters go in the same transaction as the outcome, so after a kill the send_runs row
    // agrees with the ledger (digest status) instead of lagging by a batch.
    ledgerWrite(this.db, () =>
      this.db.transaction(() => {
        this.doneStmt.run(status, error, response, now, issueDate, subscriberId);
        this.runCountsStmt.run({ ...run.counts, id: run.id });
      }),
    );
  }

  /** The delivery that sent the message with this Message-ID (how a bounce finds its subscriber). */
  byMessageId(messageId: string): Delivery | undefined {
    const row = this.db.prepare('SELECT * FROM deliveries WHERE message_id = ? LIMIT 1').get(messageId.trim()) as DeliveryRow | undefined;
    return row && fromRow(row);
  }

  get(issueDate: IsoDate, subscriberId: number): Delivery | undefined {
    const row = this.db.prepare('SELECT * FROM deliveries WHERE issue_date = ? AND subscriber_id = ?').get(issueDate, subscriberId) as
      | DeliveryRow
      | undefined;
    return row && fromRow(row);
  }

  totals(issueDate: IsoDate): DeliveryTotals {
    const out: DeliveryTotals = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM deliveries WHERE issue_date = ? GROUP BY status').all(issueDate) as {
      status: DeliveryStatus;
      n: number;
    }[];
    for (const row of rows) out[row.status] = row.n;
    return out;
  }

  /**
   * When the most recent `limit` messages of any issue were submitted, if
   * after `since` (ISO), newest first: seeds the sliding-hour rate limit.
   */
  sentSince(since: string, limit: number): string[] {
    const rows = this.db
      .prepare("SELECT updated_at AS at FROM deliveries WHERE status = 'sent' AND updated_at > ? ORDER BY updated_at DESC LIMIT ?")
      .all(since, limit) as { at: string }[];
    return rows.map((r) => r.at);
  }

  /**
   * Record the start of a send run. Runs of this issue still `running` belong
   * to a process that died (the caller holds the send lock): they become
   * `interrupted`.
   */
  startRun(issueDate: IsoDate, transport: string, now: string): number {
    return this.db.transaction(() => {
      this.db
        .prepare("UPDATE send_runs SET status = 'interrupted', finished_at = ? WHERE issue_date = ? AND status = 'running'")
        .run(now, issueDate);
      const row = this.db
        .prepare("INSERT INTO send_runs (issue_date, transport, started_at, status) VALUES (?, ?, ?, 'running') RETURNING id")
        .get(issueDate, transport, now) as { id: number };
      return row.id;
    });
  }

  /** Save a run's counters so far (called as it goes, so a crash keeps them). */
  updateRun(id: number, counts: SendRunCounts): void {
    ledgerWrite(this.db, () => this.runCountsStmt.run({ ...counts, id }));
  }

  /** Record how a run ended, with its final counters. */
  finishRun(
    id: number,
    status: Exclude<SendRunStatus, 'running' | 'interrupted'>,
    counts: SendRunCounts,
    now: string,
    error: string | null = null,
  ): void {
    this.updateRun(id, counts);
    ledgerWrite(this.db, () =>
      this.db.prepare('UPDATE send_runs SET status = ?, finished_at = ?, error = ? WHERE id = ?').run(status, now, error, id),
    );
  }

  /** The send runs of an issue, oldest first. */
  runs(issueDate: IsoDate): SendRun[] {
    return this.db
      .prepare(
        `SELECT id, issue_date AS "issueDate", transport, started_at AS "startedAt", finished_at AS "finishedAt", status, planned, submitted,
                retried, failed, skipped, resumed, remaining, error
         FROM send_runs WHERE issue_date = ? ORDER BY id`,
      )
      .all(issueDate) as SendRun[];
  }
}
