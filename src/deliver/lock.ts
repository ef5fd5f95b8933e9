/**
 * One sender per issue. Two processes sending the same issue at once (a
 * schedule and a manual `digest send`) would both take the same pending rows
 * and mail them twice, so a send holds the lease `send:<date>` (src/store/
 * locks.ts) and renews it while it runs. A holder that was killed (kill -9,
 * a crash) on this machine is recognised by its dead pid and replaced at once,
 * so a resumed send does not have to wait for the lease to expire.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DigestError } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { LockStore, type LockHolder } from '../store/locks.ts';

/** A held send lock. `lost` aborts if the lease could not be renewed (another process took it). */
export interface SendLock {
  lost: AbortSignal;
  release(): void;
}

const OWNER = /^send (.+) pid (\d+) /;

/** Is the holder a process on this machine that no longer runs? */
function holderIsDead(holder: LockHolder): boolean {
  const m = OWNER.exec(holder.owner);
  if (!m || m[1] !== hostname()) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Take the send lock of the issue of `issueDate`, or throw naming who holds it. */
export function acquireSendLock(db: Db, issueDate: string, ttlMs = 30_000): SendLock {
  const locks = new LockStore(db);
  const name = `send:${issueDate}`;
  const owner = `send ${hostname()} pid ${process.pid} ${randomBytes(4).toString('hex')}`;
  let result = locks.tryAcquire(name, owner, ttlMs);
  if (!result.ok && holderIsDead(result.holder)) {
    locks.release(name, result.holder.owner);
    result = locks.tryAcquire(name, owner, ttlMs);
  }
  if (!result.ok) {
    throw new DigestError(
      `another process is sending the issue of ${issueDate} (${result.holder.owner.replace(/ [0-9a-f]+$/, '')}, since ${result.holder.acquiredAt})`,
      `wait for it to finish; if it is gone, its lease expires at ${result.holder.expiresAt}`,
    );
  }
  const lost = new AbortController();
  const timer = setInterval(() => {
    if (!locks.renew(name, owner, ttlMs)) {
      clearInterval(timer);
      lost.abort(new Error(`the send lock of ${issueDate} was taken over`));
    }
  }, Math.max(1000, ttlMs / 3));
  timer.unref();
  return {
    lost: lost.signal,
    release() {
      clearInterval(timer);
      locks.release(name, owner);
    },
  };
}
