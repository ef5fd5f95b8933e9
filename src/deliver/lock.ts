/**
 * One sender per issue. Two processes sending the same issue at once (a
 * schedule and a manual `digest send`) would both take the same pending rows
 * and mail them twice, so a send holds the lease `send:<date>`: the same
 * renewed SQLite lease as the cycle lock (src/store/lease.ts), so a holder
 * that was killed (kill -9, a crash) on this machine is recognised by its
 * dead pid and replaced at once, and a resumed send need not wait it out.
 */
import { DigestError } from '../errors.ts';
import { acquireLock, lockOwner, type LockRepository } from '../store/index.ts';

/** A held send lock. `lost` aborts if the lease could not be renewed (another process took it). */
export interface SendLock {
  lost: AbortSignal;
  /** Renew now; false (and `lost` aborted) when another process has taken the lease. */
  verify(): boolean;
  release(): void;
}

/** Take the send lock of the issue of `issueDate`, or throw naming who holds it. */
export function acquireSendLock(locks: LockRepository, issueDate: string, ttlMs = 30_000): SendLock {
  const got = acquireLock(locks, {
    name: `send:${issueDate}`,
    owner: lockOwner(),
    ttlMs,
    renewEveryMs: Math.max(1000, ttlMs / 3),
  });
  if (!got.ok) {
    throw new DigestError(
      `another process is sending the issue of ${issueDate} (${got.holder.owner.replace(/:[0-9a-f]+$/, '')}, since ${got.holder.acquiredAt})`,
      `wait for it to finish; if it is gone, its lease expires at ${got.holder.expiresAt}`,
    );
  }
  return got.lock;
}
