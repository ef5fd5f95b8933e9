/**
 * The store's entry module: the `Store` interface every other stage uses, its
 * repositories, and `openStore` (the SQLite backend). This folder is the only
 * place with SQL; nothing outside it touches the database handle.
 *
 * The repository interfaces are the public methods of the SQLite classes
 * (`Repository<T>` below), synchronous as better-sqlite3 is. A second backend
 * (PostgreSQL) implements the same interfaces; until then an explicit
 * interface is written only where the shape is small and stable (locks, runs,
 * training), so the SQLite classes are not described twice.
 */
import { openDb, type Db } from './db.ts';
import { DeliveryStore } from './deliveries.ts';
import { HistoryStore } from './history.ts';
import { IssueStore } from './issues.ts';
import { ItemStore } from './items.ts';
import { LockStore, type LockRepository } from './locks.ts';
import { MergedCopyStore } from './merged.ts';
import { OverrideStore } from './overrides.ts';
import { RevisionStore } from './revisions.ts';
import { RunStore, type RunRepository } from './runs.ts';
import { SourceStore } from './sources.ts';
import { SubscriberStore } from './subscribers.ts';
import { TrainingStore, type TrainingRepository } from './training.ts';
import { VariantStore } from './variants.ts';

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
   */
  transaction<T>(fn: () => T): T;
  /**
   * A number that changes when another connection (process) wrote to the
   * store, so a long-running reader (the preview) can notice without polling
   * every table.
   */
  dataVersion(): number;
  /**
   * Copy the whole database to `file` with SQLite's online backup API: a
   * consistent snapshot, safe while other processes read and write (their
   * writes during the copy go into the copy or wait for the next backup).
   */
  backup(file: string): Promise<void>;
  close(): void;
}

/** The SQLite store: the interface plus its handle, which only store/ code and tests' assertions use. */
export interface SqliteStore extends Store {
  readonly db: Db;
}

/** The send rate shared by all senders on PostgreSQL; a dynamic import, so `pg` loads only for it. */
export function loadSendRate(): Promise<typeof import('./send-rate.ts')> {
  return import('./send-rate.ts');
}

/** Open the SQLite store at `path` (creating it and migrating its schema as needed). */
export function openStore(path: string): SqliteStore {
  const db = openDb(path);
  return {
    db,
    items: new ItemStore(db),
    issues: new IssueStore(db),
    sources: new SourceStore(db),
    subscribers: new SubscriberStore(db),
    deliveries: new DeliveryStore(db),
    overrides: new OverrideStore(db),
    revisions: new RevisionStore(db),
    history: new HistoryStore(db),
    merged: new MergedCopyStore(db),
    runs: new RunStore(db),
    locks: new LockStore(db),
    training: new TrainingStore(db),
    variants: new VariantStore(db),
    transaction: (fn) => db.transaction(fn).immediate(),
    dataVersion: () => db.pragma('data_version', { simple: true }) as number,
    backup: async (file) => {
      // All pages in one step: SQLite restarts an incremental backup whenever
      // another connection writes, so under a steady writer (a send) a paced
      // copy would never finish. One step holds only a WAL read snapshot.
      await db.backup(file, { progress: ({ totalPages }) => Math.max(totalPages, 1) * 2 });
    },
    close: () => db.close(),
  };
}
