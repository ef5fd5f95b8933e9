/**
 * Subscribers in SQLite. Unsubscribed and bounced addresses stay in the table
 * so that they are never mailed again, even if an import lists them.
 */
import { DigestError } from '../errors.ts';
import type { Subscriber } from '../types.ts';
import type { Db } from './db.ts';

// Pragmatic check: an ASCII local part (RFC 5322 atext and dots, no SMTPUTF8)
// and a dotted ASCII domain (write internationalized domains as xn--…).
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Normalize and check an address; throws a clear error naming it and `where` it came from. */
export function validateEmail(raw: string, where = 'address'): string {
  const email = raw.trim();
  const at = email.lastIndexOf('@');
  const why = !email
    ? 'it is empty'
    : at < 1 || at === email.length - 1
      ? 'it needs a name, an @ and a domain'
      : email.length > 254 || at > 64
        ? 'it is too long'
        : !LOCAL.test(email.slice(0, at))
          ? `"${email.slice(0, at)}" has characters an address cannot have (spaces, quotes, brackets, non-ASCII, or dots at the ends)`
          : !DOMAIN.test(email.slice(at + 1))
            ? `the domain "${email.slice(at + 1)}" is not a valid host name with a dot (write internationalized domains as xn--…)`
            : null;
  if (why) throw new DigestError(`${where}: "${raw}" is not a valid email address: ${why}`, 'write it as name@example.org');
  return email;
}

/** The statuses a subscriber can have. */
export type SubscriberStatus = Subscriber['status'];
export const SUBSCRIBER_STATUSES: readonly SubscriberStatus[] = ['active', 'unsubscribed', 'bounced'];

interface SubscriberRow {
  id: number;
  email: string;
  name: string | null;
  status: SubscriberStatus;
}

/** What `add` did with an address. */
export type AddOutcome = 'added' | 'updated' | 'kept-unsubscribed' | 'kept-bounced';
/** What `record` did with an address. */
export type RecordOutcome = AddOutcome | 'unsubscribed' | 'bounced';
/** What an unsubscribe request did. */
export type UnsubscribeOutcome = 'unsubscribed' | 'already' | 'unknown';

const COLUMNS = 'id, email, name, status';

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

  /**
   * Record an address with a status from an import: `active` adds it (never
   * resubscribing anyone), `unsubscribed`/`bounced` store it so (a suppression
   * list), whether it was known or not.
   */
  record(email: string, name: string | null, status: SubscriberStatus, now: string): RecordOutcome {
    if (status === 'active') return this.add(email, name, now);
    const address = validateEmail(email);
    this.db
      .prepare(
        `INSERT INTO subscribers (email, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(email) DO UPDATE SET name = coalesce(excluded.name, name), status = excluded.status, updated_at = excluded.updated_at`,
      )
      .run(address, name, status, now, now);
    return status;
  }

  /**
   * Run `fn` in one transaction (bulk imports: thousands of rows per commit).
   * IMMEDIATE: a deferred transaction that reads, then writes after another
   * connection (a send) committed gets SQLITE_BUSY at once, the busy timeout
   * never consulted; taking the write lock first waits for it instead.
   */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  find(email: string): Subscriber | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM subscribers WHERE email = ?`).get(email.trim()) as SubscriberRow | undefined;
  }

  byId(id: number): Subscriber | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM subscribers WHERE id = ?`).get(id) as SubscriberRow | undefined;
  }

  /** Mark an address unsubscribed; true if it was on the list (and not unsubscribed already). */
  unsubscribe(email: string, now: string): boolean {
    const r = this.db
      .prepare("UPDATE subscribers SET status = 'unsubscribed', updated_at = ? WHERE email = ? AND status != 'unsubscribed'")
      .run(now, email.trim());
    return r.changes > 0;
  }

  /** Unsubscribe by id (the one-click endpoint, after checking the link's signature). */
  unsubscribeId(id: number, now: string): UnsubscribeOutcome {
    const r = this.db
      .prepare("UPDATE subscribers SET status = 'unsubscribed', updated_at = ? WHERE id = ? AND status != 'unsubscribed'")
      .run(now, id);
    if (r.changes > 0) return 'unsubscribed';
    return this.byId(id) ? 'already' : 'unknown';
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
  page(afterId: number, limit: number, status?: SubscriberStatus): Subscriber[] {
    const sql = status
      ? `SELECT ${COLUMNS} FROM subscribers WHERE id > ? AND status = ? ORDER BY id LIMIT ?`
      : `SELECT ${COLUMNS} FROM subscribers WHERE id > ? ORDER BY id LIMIT ?`;
    const args = status ? [afterId, status, limit] : [afterId, limit];
    return this.db.prepare(sql).all(...args) as SubscriberRow[];
  }

  /** Iterate over all subscribers in batches. */
  *all(batch = 1000, status?: SubscriberStatus): Generator<Subscriber> {
    let after = 0;
    for (;;) {
      const rows = this.page(after, batch, status);
      if (!rows.length) return;
      yield* rows;
      after = rows[rows.length - 1]!.id;
    }
  }

  counts(): Record<SubscriberStatus, number> {
    const out = { active: 0, unsubscribed: 0, bounced: 0 };
    for (const row of this.db.prepare('SELECT status, count(*) AS n FROM subscribers GROUP BY status').all() as {
      status: SubscriberStatus;
      n: number;
    }[]) {
      out[row.status] = row.n;
    }
    return out;
  }
}
