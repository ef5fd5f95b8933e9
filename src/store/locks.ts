/**
 * Named leases in SQLite (`locks` table) that keep two processes — two
 * `digest schedule`s, or a schedule and a manual `digest run` — from building
 * or sending the same issue at once. A lease has an owner and an expiry; its
 * holder renews it while working, and another process may take it over only
 * once it has expired (its holder crashed or froze). Every change runs in an
 * IMMEDIATE transaction, so the check and the write cannot interleave with
 * another process's.
 *
 * Times are real wall-clock milliseconds (`now` is injectable for tests): a
 * lease is about elapsed time between processes, never the cycle's fixed clock.
 */
import type { Db } from './db.ts';

/** Who holds a lock and until when. */
export interface LockHolder {
  name: string;
  owner: string;
  acquiredAt: string;
  expiresAt: string;
}

/** The outcome of an attempt to take a lock. */
export type AcquireResult = { ok: true; stolenFrom: LockHolder | null } | { ok: false; holder: LockHolder };

/** A `locks` row (both backends keep one per held lock). */
export interface LockRow {
  name: string;
  owner: string;
  acquired_at: string;
  expires_at: string;
}

/** The holder a `locks` row names. */
export const fromRow = (r: LockRow): LockHolder => ({ name: r.name, owner: r.owner, acquiredAt: r.acquired_at, expiresAt: r.expires_at });

/** Repository of leases: what any store backend provides for locking. */
export interface LockRepository {
  /** The current holder of `name`, expired or not. */
  get(name: string): LockHolder | undefined;
  /** Take `name` for `ttlMs` when free, expired or already ours; otherwise report the holder. Atomic. */
  tryAcquire(name: string, owner: string, ttlMs: number): AcquireResult;
  /** Extend our lease; false when it is no longer ours. */
  renew(name: string, owner: string, ttlMs: number): boolean;
  /** Give the lock up (only if it is still ours). */
  release(name: string, owner: string): void;
}

/** Leases in SQLite. */
export class LockStore implements LockRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current holder of `name`, expired or not. */
  get(name: string): LockHolder | undefined {
    const row = this.db.prepare('SELECT * FROM locks WHERE name = ?').get(name) as LockRow | undefined;
    return row && fromRow(row);
  }

  /**
   * Take `name` for `ttlMs`. Succeeds when it is free, expired, or already ours
   * (then it is renewed); otherwise reports the holder.
   */
  tryAcquire(name: string, owner: string, ttlMs: number): AcquireResult {
    return this.db
      .transaction((): AcquireResult => {
        const now = this.now();
        const current = this.get(name);
        if (current && current.owner !== owner && Date.parse(current.expiresAt) > now) return { ok: false, holder: current };
        const acquiredAt = current?.owner === owner ? current.acquiredAt : new Date(now).toISOString();
        this.db
          .prepare(
            `INSERT INTO locks (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?)
             ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
          )
          .run(name, owner, acquiredAt, new Date(now + ttlMs).toISOString());
        return { ok: true, stolenFrom: current && current.owner !== owner ? current : null };
      })
      .immediate();
  }

  /** Extend our lease by `ttlMs` from now. False when it is no longer ours (it expired and was taken). */
  renew(name: string, owner: string, ttlMs: number): boolean {
    return this.db
      .transaction(() => {
        const r = this.db
          .prepare('UPDATE locks SET expires_at = ? WHERE name = ? AND owner = ?')
          .run(new Date(this.now() + ttlMs).toISOString(), name, owner);
        return r.changes === 1;
      })
      .immediate();
  }

  /** Give the lock up (only if it is still ours). */
  release(name: string, owner: string): void {
    this.db.prepare('DELETE FROM locks WHERE name = ? AND owner = ?').run(name, owner);
  }
}
