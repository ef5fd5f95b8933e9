/**
 * Locks on PostgreSQL: session advisory locks (`pg_try_advisory_lock`) held
 * by the store's connection. The server releases them when the holding
 * process dies or loses its connection, so there is no lease to renew and no
 * TTL to wait out; a `locks` row beside each held lock names the holder (for
 * `digest status` and the "locked" error). The same LockRepository contract
 * as the SQLite lease (locks.ts): a lock is ours, free, or someone else's.
 */
import { type AcquireResult, fromRow, type LockHolder, type LockRepository, type LockRow } from './locks.ts';
import { PgStoreError, type PostgresDriver } from './postgres.ts';

// The lock's key: a 64-bit hash of its name, computed by the server.
const KEY = 'hashtextextended($1, 0)';

/** Session advisory locks with a row naming each holder. */
export class PgLockStore implements LockRepository {
  /** Locks this connection holds, by name: their owner. */
  private readonly held = new Map<string, string>();

  constructor(
    private readonly db: PostgresDriver,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current holder of `name` as its row says. */
  get(name: string): LockHolder | undefined {
    const row = this.db.query('SELECT * FROM locks WHERE name = $1', [name], 'lock_get').rows[0] as LockRow | undefined;
    return row && fromRow(row);
  }

  /**
   * Take `name` when no session holds it (or renew it when we hold it for
   * `owner`). A row left by a holder whose session ended (it died) is
   * reported as `stolenFrom`.
   */
  tryAcquire(name: string, owner: string, ttlMs: number): AcquireResult {
    const mine = this.held.get(name);
    if (mine === owner) {
      this.renew(name, owner, ttlMs);
      return { ok: true, stolenFrom: null };
    }
    if (mine !== undefined) return { ok: false, holder: this.holder(name) };
    const got = this.db.query(`SELECT pg_try_advisory_lock(${KEY}) AS ok`, [name], 'lock_try').rows[0]!.ok === true;
    if (!got) return { ok: false, holder: this.holder(name) };
    this.held.set(name, owner);
    const previous = this.get(name);
    const now = this.now();
    this.db.query(
      `INSERT INTO locks (name, owner, acquired_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
      [name, owner, new Date(now).toISOString(), new Date(now + ttlMs).toISOString()],
      'lock_put',
    );
    return { ok: true, stolenFrom: previous && previous.owner !== owner ? previous : null };
  }

  /**
   * Still ours? The lock lives as long as the connection: a lost connection
   * means another process may hold it now, so that is a lost lock (false).
   * The row's expiry is moved on only as information for `digest status`.
   */
  renew(name: string, owner: string, ttlMs: number): boolean {
    if (this.held.get(name) !== owner) return false;
    try {
      this.db.query(
        'UPDATE locks SET expires_at = $1 WHERE name = $2 AND owner = $3',
        [new Date(this.now() + ttlMs).toISOString(), name, owner],
        'lock_renew',
      );
      return true;
    } catch (err) {
      if (err instanceof PgStoreError && err.code === 'SQLITE_CANTOPEN') {
        this.held.delete(name);
        return false;
      }
      throw err;
    }
  }

  /** Give the lock up if this connection holds it for `owner` (another's lock is left alone: its session is alive). */
  release(name: string, owner: string): void {
    if (this.held.get(name) !== owner) return;
    this.held.delete(name);
    this.db.query('DELETE FROM locks WHERE name = $1 AND owner = $2', [name, owner], 'lock_delete');
    this.db.query(`SELECT pg_advisory_unlock(${KEY})`, [name], 'lock_unlock');
  }

  /** Who holds `name` (a held advisory lock without a row: its holder is still writing it). */
  private holder(name: string): LockHolder {
    return this.get(name) ?? { name, owner: 'another connection', acquiredAt: '', expiresAt: '' };
  }
}
