/**
 * Held leases over the lock repository: the cycle lock (one process at a time
 * builds or sends) and the per-issue send lock. A lease in the store
 * (locks.ts), renewed in the background while held, taken over when
 * it expired or its holder is a dead process on this machine; if a renewal
 * finds the lease taken (this process froze past its expiry and another took
 * over), `lost` aborts so the holder stops before it could send twice.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DigestError } from '../errors.ts';
import type { LockHolder, LockRepository } from './locks.ts';

/** The name of the lock every building or sending command takes. */
export const CYCLE_LOCK = 'cycle';

/** How long a lease lasts without renewal, and how often it is renewed. */
export const LOCK_TTL_MS = 60_000;
const RENEW_EVERY_MS = 15_000;

/** A unique owner id for this process: host, pid and a random part (pids are reused). */
export function lockOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Is the holder a process on this machine that no longer runs? (Owner ids are `host:pid:random`.) */
export function holderIsDead(holder: LockHolder): boolean {
  const m = /^(.+):(\d+):[0-9a-f]+$/.exec(holder.owner);
  if (!m || m[1] !== hostname() || Number(m[2]) === process.pid) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A held lock. */
export interface HeldLock {
  owner: string;
  /** Aborted when the lease was lost to another process. */
  lost: AbortSignal;
  /** The holder the lease was taken over from (it had expired), if any. */
  stolenFrom: LockHolder | null;
  /**
   * Renew now and say whether the lease is still ours (aborting `lost` if
   * not): a holder checks before it reports success, since a process that
   * was stopped and resumed may finish its work before the next timed renewal.
   */
  verify(): boolean;
  /** Stop renewing and give the lock up. */
  release(): void;
}

/** Options of `acquireLock`. */
export interface AcquireOptions {
  name?: string;
  owner: string;
  ttlMs?: number;
  renewEveryMs?: number;
  /** Called once if the lease is lost. */
  onLost?: (holder: LockHolder | undefined) => void;
}

/** Take the lock, or report who holds it. Renews in the background until released. */
export function acquireLock(locks: LockRepository, opts: AcquireOptions): { ok: true; lock: HeldLock } | { ok: false; holder: LockHolder } {
  const name = opts.name ?? CYCLE_LOCK;
  const ttl = opts.ttlMs ?? LOCK_TTL_MS;
  let got = locks.tryAcquire(name, opts.owner, ttl);
  // A holder killed on this machine (kill -9, a crash) need not be waited out.
  if (!got.ok && holderIsDead(got.holder)) {
    const dead = got.holder;
    locks.release(name, dead.owner);
    got = locks.tryAcquire(name, opts.owner, ttl);
    if (got.ok) got = { ok: true, stolenFrom: dead };
  }
  if (!got.ok) return got;
  const lost = new AbortController();
  const renew = () => {
    if (lost.signal.aborted) return;
    let ours: boolean;
    try {
      ours = locks.renew(name, opts.owner, ttl);
    } catch {
      // A busy database is not a lost lease; the next renewal (well within the TTL) retries.
      return;
    }
    if (!ours) {
      clearInterval(timer);
      opts.onLost?.(locks.get(name));
      lost.abort(new DigestError(`the ${name} lock was taken over by another process`));
    }
  };
  const timer = setInterval(renew, opts.renewEveryMs ?? RENEW_EVERY_MS);
  // Renewal must not keep a finished process alive.
  timer.unref();
  let released = false;
  return {
    ok: true,
    lock: {
      owner: opts.owner,
      lost: lost.signal,
      stolenFrom: got.stolenFrom,
      verify() {
        if (!released) renew();
        return !lost.signal.aborted;
      },
      release() {
        if (released) return;
        released = true;
        clearInterval(timer);
        locks.release(name, opts.owner);
      },
    },
  };
}

/** The error for a lock held by someone else, naming the holder and what to do. */
export function lockedError(holder: LockHolder): DigestError {
  return new DigestError(
    `another digest process (${holder.owner}) is building or sending an issue (lock held since ${holder.acquiredAt})`,
    `wait for it to finish (digest status shows the runs); if that process is gone, its lock expires at ${holder.expiresAt}`,
  );
}
