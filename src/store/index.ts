/**
 * The store's entry module: the `Store` interface every other stage uses, its
 * repositories, and `openStore`, which opens the SQLite backend (a file path)
 * or the PostgreSQL one (a `postgres://` URL). This folder is the only place
 * with SQL; nothing outside it touches a database handle.
 *
 * One set of repositories serves both backends: they are written against a
 * small driver interface (driver.ts; sqlite.ts and postgres.ts implement it),
 * synchronous as better-sqlite3 is — the PostgreSQL driver blocks on a worker
 * thread that runs `pg` (pg-sync.ts). The repository interfaces are the
 * public methods of those classes (`Repository<T>` below); locks differ per
 * backend (SQLite leases, PostgreSQL advisory locks) behind LockRepository.
 */
import { openDb, type Db } from './db.ts';
import type { Dialect, Driver } from './driver.ts';
import { DeliveryStore } from './deliveries.ts';
import { HistoryStore } from './history.ts';
import { IssueStore } from './issues.ts';
import { ItemStore } from './items.ts';
import { LockStore, type LockRepository } from './locks.ts';
import { MergedCopyStore } from './merged.ts';
import { OverrideStore } from './overrides.ts';
import { PgLockStore } from './pg-locks.ts';
import { migratePostgres } from './pg-schema.ts';
import { isPostgresUrl, PostgresDriver } from './postgres.ts';
import { RevisionStore } from './revisions.ts';
import { RunStore, type RunRepository } from './runs.ts';
import { SourceStore } from './sources.ts';
import { SqliteDriver } from './sqlite.ts';
import { SubscriberStore } from './subscribers.ts';
import { TrainingStore, type TrainingRepository } from './training.ts';
import { VariantStore } from './variants.ts';
import { DigestError } from '../errors.ts';

export { copyStore, type TableCount } from './copy.ts';
export type { Dialect } from './driver.ts';
export { isPostgresUrl, redactUrl } from './postgres.ts';
export type { DeliveryTotals, PendingDelivery, SendRun, SendRunCounts, SendRunStatus, SubscriberRange } from './deliveries.ts';
export type { RateRule, ReservedWaits, SendRateRepository } from './send-rate.ts';
export type { IssueProgress, IssueStatus, PendingIssue, StoredIssue } from './issues.ts';
export { guidKey, isGlobalGuid, type DuplicateKey, type DuplicateKind, type ItemHeadline } from './items.ts';
export { acquireLock, CYCLE_LOCK, holderIsDead, LOCK_TTL_MS, lockedError, lockOwner, type AcquireOptions, type HeldLock } from './lease.ts';
export type { AcquireResult, LockHolder, LockRepository } from './locks.ts';
export type { HistoryEntry } from './history.ts';
export { copyMatches } from './merged.ts';
export type { ItemHit, ItemRef, ItemSearch, OverrideListing } from './overrides.ts';
export type { ItemRevision, RevisionFields } from './revisions.ts';
export type { RunKind, RunRecord, RunRepository, RunStatus } from './runs.ts';
export type { SourceState } from './sources.ts';
export {
  SUBSCRIBER_STATUSES,
  suppressionHash,
  validateEmail,
  type AddOutcome,
  type ConfirmOutcome,
  type RecordOutcome,
  type SignUpOutcome,
  type SubscriberRecord,
  type SubscriberStatus,
  type UnsubscribeOutcome,
} from './subscribers.ts';
export type { TrainingRepository } from './training.ts';

/** The public methods of a repository class: the interface another backend implements. */
export type Repository<T> = { [K in keyof T]: T[K] };

/** Stored items, their duplicate keys and issue assignment. */
export type ItemRepository = Repository<ItemStore>;
/** Built issues, their renders and statuses. */
export type IssueRepository = Repository<IssueStore>;
/** HTTP state of feed sources. */
export type SourceRepository = Repository<SourceStore>;
/** Subscribers and their statuses. */
export type SubscriberRepository = Repository<SubscriberStore>;
/** The delivery ledger and send runs. */
export type DeliveryRepository = Repository<DeliveryStore>;
/** Renders of issues per set of chosen sections. */
export type VariantRepository = Repository<VariantStore>;
/** Editors' overrides. */
export type OverrideRepository = Repository<OverrideStore>;
/** Editors' revisions of items' text. */
export type RevisionRepository = Repository<RevisionStore>;
/** Who changed what when. */
export type HistoryRepository = Repository<HistoryStore>;
/** Reports merged into other items, kept whole so a split restores them. */
export type MergedCopyRepository = Repository<MergedCopyStore>;

/** All repositories over one database. */
export interface Store {
  /** Which backend this is: the SQLite file or a PostgreSQL database. */
  readonly dialect: Dialect;
  items: ItemRepository;
  issues: IssueRepository;
  sources: SourceRepository;
  subscribers: SubscriberRepository;
  deliveries: DeliveryRepository;
  overrides: OverrideRepository;
  revisions: RevisionRepository;
  history: HistoryRepository;
  merged: MergedCopyRepository;
  runs: RunRepository;
  locks: LockRepository;
  training: TrainingRepository;
  variants: VariantRepository;
  /**
   * Run `fn` as one write transaction, taking the write lock at its start so
   * a check and the write that depends on it cannot interleave with another
   * process's (approval against a finishing send, a build's assign + save).
   * On PostgreSQL such transactions take one transaction-level advisory lock,
   * so they, too, run one at a time across processes.
   */
  transaction<T>(fn: () => T): T;
  /**
   * A number that changes when another connection (process) wrote to the
   * store, so a long-running reader (the preview) can notice without polling
   * every table. It may also change for this connection's own writes (on
   * PostgreSQL for any write to the server): readers compare what they show.
   */
  dataVersion(): number;
  /**
   * Copy the whole database to `file` with SQLite's online backup API: a
   * consistent snapshot, safe while other processes read and write (their
   * writes during the copy go into the copy or wait for the next backup).
   * A PostgreSQL store refuses, naming pg_dump.
   */
  backup(file: string): Promise<void>;
  close(): void;
}

/** The SQLite store: the interface plus its handle, which only store/ code and tests' assertions use. */
export interface SqliteStore extends Store {
  readonly dialect: 'sqlite';
  readonly db: Db;
}

/** The PostgreSQL store: the interface plus its driver (round trips are counted for benchmarks). */
export interface PostgresStore extends Store {
  readonly dialect: 'postgres';
  readonly driver: PostgresDriver;
}

/** The repositories every backend shares, over a driver. */
function repositories(driver: Driver) {
  return {
    items: new ItemStore(driver),
    issues: new IssueStore(driver),
    sources: new SourceStore(driver),
    subscribers: new SubscriberStore(driver),
    deliveries: new DeliveryStore(driver),
    overrides: new OverrideStore(driver),
    revisions: new RevisionStore(driver),
    history: new HistoryStore(driver),
    merged: new MergedCopyStore(driver),
    runs: new RunStore(driver),
    training: new TrainingStore(driver),
    variants: new VariantStore(driver),
    transaction: <T>(fn: () => T): T => driver.transaction(fn, true),
    close: () => driver.close(),
  };
}

/** The send rate shared by all senders on PostgreSQL; a dynamic import, so `pg` loads only for it. */
export function loadSendRate(): Promise<typeof import('./send-rate.ts')> {
  return import('./send-rate.ts');
}

/**
 * Open the store: a `postgres://` or `postgresql://` URL selects PostgreSQL,
 * anything else is the path of the SQLite file. Either is created and its
 * schema migrated as needed.
 */
export function openStore(pathOrUrl: string): Store {
  return isPostgresUrl(pathOrUrl) ? openPostgresStore(pathOrUrl) : openSqliteStore(pathOrUrl);
}

/** Open the SQLite store at `path` (creating it and migrating its schema as needed). */
export function openSqliteStore(path: string): SqliteStore {
  const db = openDb(path);
  return {
    dialect: 'sqlite',
    db,
    ...repositories(new SqliteDriver(db)),
    locks: new LockStore(db),
    dataVersion: () => db.pragma('data_version', { simple: true }) as number,
    backup: async (file) => {
      // All pages in one step: SQLite restarts an incremental backup whenever
      // another connection writes, so under a steady writer (a send) a paced
      // copy would never finish. One step holds only a WAL read snapshot.
      await db.backup(file, { progress: ({ totalPages }) => Math.max(totalPages, 1) * 2 });
    },
  };
}

/** Open the PostgreSQL store at `url` (one connection; the schema is migrated under an advisory lock). */
export function openPostgresStore(url: string): PostgresStore {
  const driver = new PostgresDriver(url);
  try {
    migratePostgres(driver);
  } catch (err) {
    driver.close();
    throw err;
  }
  return {
    dialect: 'postgres',
    driver,
    ...repositories(driver),
    locks: new PgLockStore(driver),
    // The snapshot (xmin:xmax:in-progress xids) moves whenever a writing
    // transaction starts or commits anywhere on the server, and not for
    // reads: unlike a counter bumped by triggers, no hot row every writer
    // must update, and unlike pg_current_wal_lsn() it ignores checkpoints.
    dataVersion: () => driver.query('SELECT hashtext(pg_current_snapshot()::text) AS v', [], 'data_version').rows[0]!.v as number,
    backup: () =>
      Promise.reject(
        new DigestError(
          `digest backup copies a SQLite store; this store is PostgreSQL (${driver.name})`,
          `back it up with PostgreSQL's own tools: pg_dump --format=custom --file=FILE '${driver.name}' (or your provider's backups)`,
        ),
      ),
  };
}
