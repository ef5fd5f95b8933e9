/**
 * Per-source HTTP state: the URL in force (updated by permanent redirects)
 * next to the URL the config gave when that happened, validators for
 * conditional GET, and whether the source is disabled (410).
 */
import type { Db } from './db.ts';
import type { Driver } from './driver.ts';
import { toDriver } from './sqlite.ts';

/** What we remember about a source between runs. */
export interface SourceState {
  id: string;
  /** The URL in force: the configured one, or where a permanent redirect moved it. */
  url: string | null;
  /** The configured URL `url` belongs to; when the config changes, `url` no longer applies. */
  configuredUrl: string | null;
  etag: string | null;
  lastModified: string | null;
  disabled: boolean;
  disabledReason: string | null;
  lastStatus: string | null;
  lastError: string | null;
  lastFetchedAt: string | null;
  consecutiveFailures: number;
}

interface SourceRow {
  id: string;
  url: string | null;
  configured_url: string | null;
  etag: string | null;
  last_modified: string | null;
  disabled: number;
  disabled_reason: string | null;
  last_status: string | null;
  last_error: string | null;
  last_fetched_at: string | null;
  consecutive_failures: number;
}

/** Repository of source state. */
export class SourceStore {
  private readonly db: Driver;

  constructor(handle: Db | Driver) {
    this.db = toDriver(handle);
  }

  /** The stored state of a source, if it was ever ingested. */
  get(id: string): SourceState | undefined {
    const row = this.db.prepare('SELECT * FROM sources WHERE id = ?').get(id) as SourceRow | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      url: row.url,
      configuredUrl: row.configured_url,
      etag: row.etag,
      lastModified: row.last_modified,
      disabled: row.disabled === 1,
      disabledReason: row.disabled_reason,
      lastStatus: row.last_status,
      lastError: row.last_error,
      lastFetchedAt: row.last_fetched_at,
      consecutiveFailures: row.consecutive_failures,
    };
  }

  /** Merge `patch` into the stored state of `id` (creating it if needed). */
  update(id: string, patch: Partial<Omit<SourceState, 'id'>>): void {
    const current = this.get(id) ?? {
      id,
      url: null,
      configuredUrl: null,
      etag: null,
      lastModified: null,
      disabled: false,
      disabledReason: null,
      lastStatus: null,
      lastError: null,
      lastFetchedAt: null,
      consecutiveFailures: 0,
    };
    const next = { ...current, ...patch };
    this.db
      .prepare(
        `INSERT INTO sources (id, url, configured_url, etag, last_modified, disabled, disabled_reason, last_status, last_error, last_fetched_at, consecutive_failures)
         VALUES (@id, @url, @configuredUrl, @etag, @lastModified, @disabled, @disabledReason, @lastStatus, @lastError, @lastFetchedAt, @consecutiveFailures)
         ON CONFLICT(id) DO UPDATE SET url=excluded.url, configured_url=excluded.configured_url, etag=excluded.etag, last_modified=excluded.last_modified,
           disabled=excluded.disabled, disabled_reason=excluded.disabled_reason, last_status=excluded.last_status,
           last_error=excluded.last_error, last_fetched_at=excluded.last_fetched_at, consecutive_failures=excluded.consecutive_failures`,
      )
      .run({ ...next, disabled: next.disabled ? 1 : 0 });
  }
}
