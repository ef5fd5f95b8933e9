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
  private readonly statement: Statement;

  constructor(
    private readonly db: Driver,
    /** How each statement is run: the ledger's retry while busy and its errors (deliveries.ts). */
    private readonly attempt: <T>(write: () => Promise<T>) => Promise<T>,
  ) {
    // The `sent` rows and the claims in one statement (a data-modifying CTE); only an unfinished row takes
    // an outcome and only a pending one is claimed, as in the one-row writes. RETURNING: the rows claimed.
    this.statement = db.prepare(
      `WITH done AS (
         UPDATE deliveries d SET status = 'sent', error = NULL, response = s.response, updated_at = s.at
         FROM unnest(CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS text[])) AS s(id, response, at)
         WHERE d.issue_date = ? AND d.subscriber_id = s.id AND d.status IN ('pending', 'sending') RETURNING 1
       )
       UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, updated_at = c.at
       FROM unnest(CAST(? AS integer[]), CAST(? AS text[])) AS c(id, at)
       WHERE d.issue_date = ? AND d.subscriber_id = c.id AND d.status = 'pending'
       RETURNING d.subscriber_id AS id`,
    );
  }

  /** Write `w` (with whatever else is waiting); true once its claim is committed, false if the row was not pending. */
  claim(w: ClaimWrite): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ ...w, resolve, reject });
      if (!this.writing) void this.drain();
    });
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
        const sent = batch.filter((w) => w.sentId !== null);
        try {
          const rows = (await this.attempt(() =>
            this.db.allAsync(
              this.statement,
              sent.map((w) => w.sentId),
              sent.map((w) => w.response),
              sent.map((w) => w.now),
              date,
              batch.map((w) => w.nextId),
              batch.map((w) => w.now),
              date,
            ),
          )) as { id: number }[];
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
