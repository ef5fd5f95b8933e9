/**
 * The delivery ledger: one row per (issue, subscriber). A row is written
 * before the SMTP transaction (`sending`) and after it (`sent`/`failed`), so a
 * crashed send resumes exactly where it stopped.
 */
import type { Delivery, DeliveryStatus, IsoDate } from '../types.ts';
import type { Db } from './db.ts';

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

/** Repository of deliveries. */
export class DeliveryStore {
  constructor(private readonly db: Db) {}

  /**
   * Create `pending` rows for every active subscriber that has none for this
   * issue, in one statement (nothing is loaded into memory). Message-IDs are
   * fixed here so a resumed send reuses them.
   */
  plan(issueDate: IsoDate, messageIdDomain: string, now: string): number {
    const r = this.db
      .prepare(
        `INSERT INTO deliveries (issue_date, subscriber_id, email, status, attempts, message_id, updated_at)
         SELECT @date, s.id, s.email, 'pending', 0,
                '<digest-' || @date || '-' || s.id || '-' || lower(hex(randomblob(4))) || '@' || @domain || '>', @now
         FROM subscribers s
         WHERE s.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.issue_date = @date AND d.subscriber_id = s.id)`,
      )
      .run({ date: issueDate, domain: messageIdDomain, now });
    return r.changes;
  }

  /** The next batch of deliveries still to do, in subscriber order, after `afterId`. */
  pending(issueDate: IsoDate, afterId: number, limit: number): Delivery[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM deliveries WHERE issue_date = ? AND status IN ('pending', 'sending') AND subscriber_id > ?
           ORDER BY subscriber_id LIMIT ?`,
        )
        .all(issueDate, afterId, limit) as DeliveryRow[]
    ).map(fromRow);
  }

  /** Mark a delivery in flight (written before the SMTP transaction starts). */
  markSending(issueDate: IsoDate, subscriberId: number, now: string): void {
    this.db
      .prepare("UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE issue_date = ? AND subscriber_id = ?")
      .run(now, issueDate, subscriberId);
  }

  /** Record the outcome of a delivery. */
  markDone(issueDate: IsoDate, subscriberId: number, status: 'sent' | 'failed' | 'pending', error: string | null, now: string): void {
    this.db
      .prepare('UPDATE deliveries SET status = ?, error = ?, updated_at = ? WHERE issue_date = ? AND subscriber_id = ?')
      .run(status, error, now, issueDate, subscriberId);
  }

  get(issueDate: IsoDate, subscriberId: number): Delivery | undefined {
    const row = this.db.prepare('SELECT * FROM deliveries WHERE issue_date = ? AND subscriber_id = ?').get(issueDate, subscriberId) as DeliveryRow | undefined;
    return row && fromRow(row);
  }

  totals(issueDate: IsoDate): DeliveryTotals {
    const out: DeliveryTotals = { pending: 0, sending: 0, sent: 0, failed: 0 };
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM deliveries WHERE issue_date = ? GROUP BY status').all(issueDate) as { status: DeliveryStatus; n: number }[];
    for (const row of rows) out[row.status] = row.n;
    return out;
  }
}
