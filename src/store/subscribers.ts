/**
 * Subscribers in SQLite. Unsubscribed and bounced addresses stay in the table
 * so that they are never mailed again, even if an import lists them.
 */
import { DigestError } from '../errors.ts';
import type { Subscriber } from '../types.ts';
import type { Db } from './db.ts';

// Pragmatic address check: one @, a dotted domain, no spaces or angle brackets.
const EMAIL = /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Normalize and check an address; throws a clear error naming it. */
export function validateEmail(raw: string, where = 'address'): string {
  const email = raw.trim();
  if (!EMAIL.test(email) || email.length > 254) {
    throw new DigestError(`${where}: "${raw}" is not a valid email address`, 'write it as name@example.org');
  }
  return email;
}

interface SubscriberRow {
  id: number;
  email: string;
  name: string | null;
  status: Subscriber['status'];
}

/** What `add` did with an address. */
export type AddOutcome = 'added' | 'updated' | 'kept-unsubscribed' | 'kept-bounced';

/** Repository of subscribers. */
export class SubscriberStore {
  constructor(private readonly db: Db) {}

  /**
   * Add an address, or update the name of an existing one. An address that
   * unsubscribed or bounced stays so unless `resubscribe` is set (the person
   * asked again); imports never resubscribe anyone.
   */
  add(email: string, name: string | null, now: string, resubscribe = false): AddOutcome {
    const address = validateEmail(email);
    const existing = this.find(address);
    if (!existing) {
      this.db
        .prepare("INSERT INTO subscribers (email, name, status, created_at, updated_at) VALUES (?, ?, 'active', ?, ?)")
        .run(address, name, now, now);
      return 'added';
    }
    if (existing.status !== 'active' && !resubscribe) {
      return existing.status === 'bounced' ? 'kept-bounced' : 'kept-unsubscribed';
    }
    this.db
      .prepare("UPDATE subscribers SET name = coalesce(?, name), status = 'active', failures = 0, updated_at = ? WHERE id = ?")
      .run(name, now, existing.id);
    return 'updated';
  }

  find(email: string): Subscriber | undefined {
    return this.db.prepare('SELECT id, email, name, status FROM subscribers WHERE email = ?').get(email.trim()) as SubscriberRow | undefined;
  }

  byId(id: number): Subscriber | undefined {
    return this.db.prepare('SELECT id, email, name, status FROM subscribers WHERE id = ?').get(id) as SubscriberRow | undefined;
  }

  /** Mark an address unsubscribed; true if it was on the list. */
  unsubscribe(email: string, now: string): boolean {
    const r = this.db
      .prepare("UPDATE subscribers SET status = 'unsubscribed', updated_at = ? WHERE email = ? AND status != 'unsubscribed'")
      .run(now, email.trim());
    return r.changes > 0;
  }

  /** Count a permanent failure; the address becomes bounced at `bounceAfter`. */
  recordFailure(id: number, bounceAfter: number, now: string): void {
    this.db
      .prepare(
        `UPDATE subscribers SET failures = failures + 1, updated_at = ?,
           status = CASE WHEN failures + 1 >= ? AND status = 'active' THEN 'bounced' ELSE status END
         WHERE id = ?`,
      )
      .run(now, bounceAfter, id);
  }

  /** A page of subscribers with id > `afterId` (keyset pagination: never loads the whole list). */
  page(afterId: number, limit: number, status?: Subscriber['status']): Subscriber[] {
    const sql = status
      ? 'SELECT id, email, name, status FROM subscribers WHERE id > ? AND status = ? ORDER BY id LIMIT ?'
      : 'SELECT id, email, name, status FROM subscribers WHERE id > ? ORDER BY id LIMIT ?';
    const args = status ? [afterId, status, limit] : [afterId, limit];
    return this.db.prepare(sql).all(...args) as SubscriberRow[];
  }

  /** Iterate over all subscribers in batches. */
  *all(batch = 1000, status?: Subscriber['status']): Generator<Subscriber> {
    let after = 0;
    for (;;) {
      const rows = this.page(after, batch, status);
      if (!rows.length) return;
      yield* rows;
      after = rows[rows.length - 1]!.id;
    }
  }

  counts(): Record<Subscriber['status'], number> {
    const out = { active: 0, unsubscribed: 0, bounced: 0 };
    for (const row of this.db.prepare('SELECT status, count(*) AS n FROM subscribers GROUP BY status').all() as { status: Subscriber['status']; n: number }[]) {
      out[row.status] = row.n;
    }
    return out;
  }
}
