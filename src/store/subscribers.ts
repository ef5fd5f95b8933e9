/**
 * Subscribers in SQLite. Unsubscribed, bounced and complained addresses stay
 * in the table so that they are never mailed again, even if an import lists
 * them; an erased person leaves only a hashed suppression entry.
 */
import { createHash } from 'node:crypto';
import { DigestError } from '../errors.ts';
import type { Subscriber } from '../types.ts';
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

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
export const SUBSCRIBER_STATUSES: readonly SubscriberStatus[] = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'];

interface SubscriberRow {
  id: number;
  email: string;
  name: string | null;
  status: SubscriberStatus;
  sections: string | null;
  paused_issues: number;
}

/** What `add` did with an address. */
export type AddOutcome = 'added' | 'updated' | 'kept-unsubscribed' | 'kept-bounced' | 'kept-complained' | 'suppressed';
/** What `record` did with an address. */
export type RecordOutcome = AddOutcome | 'unsubscribed' | 'bounced' | 'complained' | 'pending';
/** What an unsubscribe request did. */
export type UnsubscribeOutcome = 'unsubscribed' | 'already' | 'unknown';
/**
 * What a sign-up found: `new` (stored pending), `pending`, `active`,
 * `unsubscribed` (asked again: a confirmation makes them active), `blocked`
 * (bounced or complained: never mailed) or `suppressed` (erased: nothing stored).
 */
export type SignUpOutcome = 'new' | 'pending' | 'active' | 'unsubscribed' | 'blocked' | 'suppressed';
/** What confirming did: `activated`, `already` active, or `refused` (bounced, complained or gone). */
export type ConfirmOutcome = 'activated' | 'already' | 'refused';

/** Everything stored about a subscriber (`digest subscribers export`). */
export interface SubscriberRecord {
  subscriber: Subscriber & {
    failures: number;
    pendingEmail: string | null;
    createdAt: string;
    updatedAt: string;
    confirmedAt: string | null;
  };
  deliveries: { issueDate: string; status: string; messageId: string; attempts: number; error: string | null; updatedAt: string }[];
  bounceReports: { kind: string; status: string | null; detail: string | null; receivedAt: string }[];
}

const COLUMNS = 'id, email, name, status, sections, paused_issues';

function fromRow(r: SubscriberRow | undefined): Subscriber | undefined {
  if (!r) return undefined;
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    status: r.status,
    sections: r.sections === null ? null : (JSON.parse(r.sections) as string[]),
    pausedIssues: r.paused_issues,
  };
}

/** The suppression hash of an address: erased people are recognised without keeping their address. */
export function suppressionHash(email: string): string {
  return createHash('sha256').update(`digest-suppression\n${email.trim().toLowerCase()}`).digest('hex');
}

/** Chosen sections as stored: null for all, else a sorted JSON array. */
function sectionsJson(sections: readonly string[] | null): string | null {
  return sections === null ? null : JSON.stringify([...new Set(sections)].sort());
}

/** Repository of subscribers. */
export class SubscriberStore {
  private readonly db: Driver;
  /**
   * Addresses match whatever their case: SQLite compares the column with
   * COLLATE NOCASE (and uses its index); PostgreSQL has a unique index on
   * lower(email), which this expression uses.
   */
  private readonly emailIs: string;
  private readonly emailKey: string;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
    const pg = this.db.dialect === 'postgres';
    this.emailIs = pg ? 'lower(email) = lower(?)' : 'email = ?';
    this.emailKey = pg ? '(lower(email))' : '(email)';
  }

  /**
   * Add an address, or update the name of an existing one. An address that
   * unsubscribed, bounced or complained stays so unless `resubscribe` is set
   * (the person asked again; a complaint is never undone); imports never
   * resubscribe anyone. An erased (suppressed) address is refused.
   */
  add(email: string, name: string | null, now: string, resubscribe = false): AddOutcome {
    const address = validateEmail(email);
    const existing = this.find(address);
    if (!existing) {
      if (this.isSuppressed(address)) return 'suppressed';
      this.db
        .prepare("INSERT INTO subscribers (email, name, status, created_at, updated_at) VALUES (?, ?, 'active', ?, ?)")
        .run(address, name, now, now);
      return 'added';
    }
    if (existing.status === 'complained') return 'kept-complained';
    if (existing.status !== 'active' && existing.status !== 'pending' && !resubscribe) {
      return existing.status === 'bounced' ? 'kept-bounced' : 'kept-unsubscribed';
    }
    this.db
      .prepare("UPDATE subscribers SET name = coalesce(?, name), status = 'active', failures = 0, updated_at = ? WHERE id = ?")
      .run(name, now, existing.id);
    return 'updated';
  }

  /**
   * Record an address with a status from an import: `active` adds it (never
   * resubscribing anyone), the other statuses store it so (a suppression
   * list), whether it was known or not — but never undo a complaint.
   */
  record(email: string, name: string | null, status: SubscriberStatus, now: string): RecordOutcome {
    if (status === 'active') return this.add(email, name, now);
    const address = validateEmail(email);
    if (this.isSuppressed(address)) return 'suppressed';
    if (this.find(address)?.status === 'complained') return 'kept-complained';
    this.db
      .prepare(
        `INSERT INTO subscribers (email, name, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT ${this.emailKey} DO UPDATE SET name = coalesce(excluded.name, subscribers.name), status = excluded.status, updated_at = excluded.updated_at`,
      )
      .run(address, name, status, now, now);
    return status;
  }

  /**
   * A sign-up from the public form: a new address is stored `pending` with its
   * name and sections; a pending or unsubscribed one gets them updated (it
   * stays as it is until confirmed). Active, blocked and erased addresses are
   * left alone. The caller answers every outcome the same way.
   */
  signUp(
    email: string,
    name: string | null,
    sections: readonly string[] | null,
    now: string,
  ): { outcome: SignUpOutcome; subscriber?: Subscriber } {
    const address = validateEmail(email);
    const existing = this.find(address);
    if (!existing) {
      if (this.isSuppressed(address)) return { outcome: 'suppressed' };
      const r = this.db
        .prepare(
          "INSERT INTO subscribers (email, name, status, sections, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?) RETURNING id",
        )
        .get(address, name, sectionsJson(sections), now, now) as { id: number };
      return { outcome: 'new', subscriber: this.byId(r.id) };
    }
    if (existing.status === 'bounced' || existing.status === 'complained') return { outcome: 'blocked', subscriber: existing };
    if (existing.status === 'active') return { outcome: 'active', subscriber: existing };
    this.db
      .prepare('UPDATE subscribers SET name = coalesce(?, name), sections = ?, updated_at = ? WHERE id = ?')
      .run(name, sectionsJson(sections), now, existing.id);
    return { outcome: existing.status, subscriber: this.byId(existing.id) };
  }

  /** Confirm a sign-up (the signed link's POST): pending or unsubscribed → active. */
  confirm(id: number, now: string): ConfirmOutcome {
    const r = this.db
      .prepare(
        "UPDATE subscribers SET status = 'active', failures = 0, confirmed_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'unsubscribed')",
      )
      .run(now, now, id);
    if (r.changes) return 'activated';
    return this.byId(id)?.status === 'active' ? 'already' : 'refused';
  }

  /** Save the preference centre's choices: sections (null: all) and issues to skip. */
  setPreferences(id: number, prefs: { sections: readonly string[] | null; pausedIssues: number }, now: string): void {
    this.db
      .prepare('UPDATE subscribers SET sections = ?, paused_issues = ?, updated_at = ? WHERE id = ?')
      .run(sectionsJson(prefs.sections), Math.max(0, Math.floor(prefs.pausedIssues)), now, id);
  }

  /** The address a subscriber asked to move to, awaiting confirmation. */
  pendingEmail(id: number): string | null {
    return (
      (this.db.prepare('SELECT pending_email AS e FROM subscribers WHERE id = ?').get(id) as { e: string | null } | undefined)?.e ?? null
    );
  }

  /** Remember an address change until the new address confirms it. */
  requestEmailChange(id: number, email: string, now: string): void {
    this.db.prepare('UPDATE subscribers SET pending_email = ?, updated_at = ? WHERE id = ?').run(validateEmail(email), now, id);
  }

  /**
   * Move a subscriber to the address they confirmed; `taken` when another
   * subscriber has it (or it was erased), `stale` when it is no longer the one asked for.
   */
  confirmEmailChange(id: number, email: string, now: string): 'changed' | 'taken' | 'stale' {
    if (this.pendingEmail(id)?.toLowerCase() !== email.toLowerCase()) return 'stale';
    const other = this.find(email);
    if ((other && other.id !== id) || this.isSuppressed(email)) return 'taken';
    this.db
      .prepare('UPDATE subscribers SET email = ?, pending_email = NULL, failures = 0, updated_at = ? WHERE id = ?')
      .run(email, now, id);
    return 'changed';
  }

  /**
   * Run `fn` in one transaction (bulk imports: thousands of rows per commit).
   * IMMEDIATE: a deferred transaction that reads, then writes after another
   * connection (a send) committed gets SQLITE_BUSY at once, the busy timeout
   * never consulted; taking the write lock first waits for it instead.
   */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn, true);
  }

  find(email: string): Subscriber | undefined {
    return fromRow(
      this.db.prepare(`SELECT ${COLUMNS} FROM subscribers WHERE ${this.emailIs}`).get(email.trim()) as SubscriberRow | undefined,
    );
  }

  byId(id: number): Subscriber | undefined {
    return fromRow(this.db.prepare(`SELECT ${COLUMNS} FROM subscribers WHERE id = ?`).get(id) as SubscriberRow | undefined);
  }

  /** Mark an address unsubscribed; true if it was on the list (and not unsubscribed already). */
  unsubscribe(email: string, now: string): boolean {
    const r = this.db
      .prepare(
        `UPDATE subscribers SET status = 'unsubscribed', updated_at = ? WHERE ${this.emailIs} AND status NOT IN ('unsubscribed', 'bounced', 'complained')`,
      )
      .run(now, email.trim());
    return r.changes > 0;
  }

  /** Unsubscribe by id (the one-click endpoint, after checking the link's signature). */
  unsubscribeId(id: number, now: string): UnsubscribeOutcome {
    const r = this.db
      .prepare(
        "UPDATE subscribers SET status = 'unsubscribed', updated_at = ? WHERE id = ? AND status NOT IN ('unsubscribed', 'bounced', 'complained')",
      )
      .run(now, id);
    if (r.changes > 0) return 'unsubscribed';
    return this.byId(id) ? 'already' : 'unknown';
  }

  /** Count a permanent failure; the address becomes bounced at `bounceAfter`. Returns the status after. */
  recordFailure(id: number, bounceAfter: number, now: string): SubscriberStatus | undefined {
    this.db
      .prepare(
        `UPDATE subscribers SET failures = failures + 1, updated_at = ?,
           status = CASE WHEN failures + 1 >= ? AND status = 'active' THEN 'bounced' ELSE status END
         WHERE id = ?`,
      )
      .run(now, bounceAfter, id);
    return this.byId(id)?.status;
  }

  /** A spam complaint (ARF): never mailed again, whatever an import or a sign-up says later. */
  markComplained(id: number, now: string): void {
    this.db.prepare("UPDATE subscribers SET status = 'complained', updated_at = ? WHERE id = ?").run(now, id);
  }

  /** Keep a bounce or complaint report read from the bounce mailbox; false if that report was seen before. */
  addBounceReport(
    r: { subscriberId: number | null; kind: string; status: string | null; detail: string | null; reportMessageId: string | null },
    now: string,
  ): boolean {
    const res = this.db
      .prepare(
        'INSERT INTO bounce_reports (subscriber_id, kind, status, detail, report_message_id, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(r.subscriberId, r.kind, r.status, r.detail?.slice(0, 500) ?? null, r.reportMessageId, now);
    return res.changes > 0;
  }

  /** Is this address erased (never to be mailed or stored again)? */
  isSuppressed(email: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM suppressions WHERE hash = ?').get(suppressionHash(email));
  }

  /** Everything stored about an address, or undefined when it is not on the list. */
  exportRecord(email: string): SubscriberRecord | undefined {
    const row = this.db
      .prepare(`SELECT ${COLUMNS}, failures, pending_email, created_at, updated_at, confirmed_at FROM subscribers WHERE ${this.emailIs}`)
      .get(email.trim()) as
      | (SubscriberRow & {
          failures: number;
          pending_email: string | null;
          created_at: string;
          updated_at: string;
          confirmed_at: string | null;
        })
      | undefined;
    if (!row) return undefined;
    const subscriber = {
      ...fromRow(row)!,
      failures: row.failures,
      pendingEmail: row.pending_email,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      confirmedAt: row.confirmed_at,
    };
    const deliveries = this.db
      .prepare(
        `SELECT issue_date AS "issueDate", status, message_id AS "messageId", attempts, error, updated_at AS "updatedAt"
         FROM deliveries WHERE subscriber_id = ? ORDER BY issue_date`,
      )
      .all(row.id) as SubscriberRecord['deliveries'];
    const bounceReports = this.db
      .prepare('SELECT kind, status, detail, received_at AS "receivedAt" FROM bounce_reports WHERE subscriber_id = ? ORDER BY id')
      .all(row.id) as SubscriberRecord['bounceReports'];
    return { subscriber, deliveries, bounceReports };
  }

  /**
   * Erase a person (PIPL/GDPR): their row, delivery ledger rows and bounce
   * reports go; a hash of the address stays so that no import or sign-up
   * stores or mails it again. True if they were on the list.
   */
  forget(email: string, now: string): boolean {
    const address = email.trim();
    return this.db.transaction(() => {
      const s = this.find(address);
      this.db
        .prepare("INSERT INTO suppressions (hash, reason, created_at) VALUES (?, 'forgotten', ?) ON CONFLICT DO NOTHING")
        .run(suppressionHash(address), now);
      if (!s) return false;
      this.db.prepare('DELETE FROM deliveries WHERE subscriber_id = ?').run(s.id);
      this.db.prepare('DELETE FROM bounce_reports WHERE subscriber_id = ?').run(s.id);
      this.db.prepare('DELETE FROM subscribers WHERE id = ?').run(s.id);
      return true;
    });
  }

  /** A page of subscribers with id > `afterId` (keyset pagination: never loads the whole list). */
  page(afterId: number, limit: number, status?: SubscriberStatus): Subscriber[] {
    const sql = status
      ? `SELECT ${COLUMNS} FROM subscribers WHERE id > ? AND status = ? ORDER BY id LIMIT ?`
      : `SELECT ${COLUMNS} FROM subscribers WHERE id > ? ORDER BY id LIMIT ?`;
    const args = status ? [afterId, status, limit] : [afterId, limit];
    return (this.db.prepare(sql).all(...args) as SubscriberRow[]).map((r) => fromRow(r)!);
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

  /** The distinct section choices of active subscribers (null: all sections), for rendering one variant per choice. */
  activeSectionSets(): (string[] | null)[] {
    return (
      this.db.prepare("SELECT DISTINCT sections FROM subscribers WHERE status = 'active'").all() as { sections: string | null }[]
    ).map((r) => (r.sections === null ? null : (JSON.parse(r.sections) as string[])));
  }

  counts(): Record<SubscriberStatus, number> {
    const out = { pending: 0, active: 0, unsubscribed: 0, bounced: 0, complained: 0 };
    for (const row of this.db.prepare('SELECT status, count(*) AS n FROM subscribers GROUP BY status').all() as {
      status: SubscriberStatus;
      n: number;
    }[]) {
      out[row.status] = row.n;
    }
    return out;
  }
}
