/**
 * The send loop's per-message ledger writes on PostgreSQL, written together.
 * Between two messages each SMTP connection of a sender records the last one
 * `sent` and claims its next (`sending`). While one such write is on its way
 * to the database, the ones that arrive meanwhile wait and then go as one
 * statement: group commit without a timer — a write alone goes at once, and
 * the busier the database the more each statement carries (fewer round
 * trips, commits and server CPU per message exactly when they are scarce).
 *
 * The ledger's rules hold per message: a caller's promise resolves once the
 * statement carrying its claim has committed (so the message goes only after
 * its claim is durable), its `sent` is in the same statement as its next
 * claim, and a row is claimed only while `pending` (false: another sender
 * has it). A failed statement fails every write it carried.
 */
import type { Driver, Statement } from './driver.ts';

/** One connection's write: the message it sent (if any) and the one it claims next. */
export interface ClaimWrite {
  issueDate: string;
  /** The delivery to record `sent` (null: the connection's first claim). */
  sentId: number | null;
  /** The server's reply to it. */
  response: string | null;
  /** The delivery to claim. */
  nextId: number;
  now: string;
}

interface Waiting extends ClaimWrite {
  resolve: (claimed: boolean) => void;
  reject: (err: unknown) => void;
}

/** Writes claims (each with the `sent` before it) in as few statements as the database's pace allows. */
export class ClaimWriter {
  private readonly waiting: Waiting[] = [];
  private writing = false;
  /** The statement text per pair of counts (`sent:claims`), built once. */
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Driver,
    /** How each statement is run: the ledger's retry while busy and its errors (deliveries.ts). */
    private readonly attempt: <T>(write: () => Promise<T>) => Promise<T>,
  ) {}

  /** Write `w` (with whatever else is waiting); true once its claim is committed, false if the row was not pending. */
  claim(w: ClaimWrite): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ ...w, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /**
   * The statement for `sent` rows and `claims` rows: the `sent` ones and the
   * claims in one statement (a data-modifying CTE); only an unfinished row
   * takes an outcome and only a pending one is claimed, as in the one-row
   * writes; RETURNING, the rows claimed. One text per pair of counts, with a
   * parameter per value: PostgreSQL then plans each once (prepared, generic
   * plan), where an array parameter made it plan anew on every execution —
   * measured, that cost more than the round trips saved.
   */
  private statement(sent: number, claims: number): Statement {
    const key = `${sent}:${claims}`;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(this.sql(sent, claims));
      this.statements.set(key, statement);
    }
    return statement;
  }

  private sql(sent: number, claims: number): string {
    const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');
    const claim = `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ?
       WHERE issue_date = ? AND subscriber_id IN (${list(claims)}) AND status = 'pending'
       RETURNING subscriber_id AS id`;
    if (!sent) return claim;
    return `WITH done AS (
         UPDATE deliveries SET status = 'sent', error = NULL, updated_at = ?,
           response = CASE subscriber_id ${Array.from({ length: sent }, () => 'WHEN ? THEN ?').join(' ')} END
         WHERE issue_date = ? AND subscriber_id IN (${list(sent)}) AND status IN ('pending', 'sending') RETURNING 1
       )
       ${claim}`;
  }

  /** Write what waits, one statement per issue at a time, until nothing does. */
  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length) {
        const date = this.waiting[0]!.issueDate;
        const batch: Waiting[] = [];
        for (let i = 0; i < this.waiting.length; ) {
          if (this.waiting[i]!.issueDate === date) batch.push(this.waiting.splice(i, 1)[0]!);
          else i++;
        }
        // The newest time of the batch for every row: they are written now.
        const now = batch
          .map((w) => w.now)
          .sort()
          .at(-1)!;
        const sent = batch.filter((w) => w.sentId !== null);
        const args: unknown[] = [];
        if (sent.length) {
          args.push(now);
          for (const w of sent) args.push(w.sentId, w.response);
          args.push(date, ...sent.map((w) => w.sentId));
        }
        args.push(now, date, ...batch.map((w) => w.nextId));
        try {
          const statement = this.statement(sent.length, batch.length);
          const rows = (await this.attempt(() => this.db.allAsync(statement, ...args))) as { id: number }[];
          const claimed = new Set(rows.map((r) => Number(r.id)));
          for (const w of batch) w.resolve(claimed.has(w.nextId));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
