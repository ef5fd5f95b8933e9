/**
 * The SQLite store (better-sqlite3, WAL). One file holds all state: items,
 * issues, subscribers, the delivery ledger, overrides, source HTTP state, runs
 * and locks. Schema changes are numbered migrations tracked in `user_version`.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DigestError } from '../errors.ts';

/** The open database handle type. */
export type Db = Database.Database;

/**
 * The section_labels rows of an issue row named `issue` (one per placed item),
 * for migration 4's triggers (`NEW`) and its copy of existing issues.
 */
function sectionLabelRows(issue: string, from = ''): string {
  return `SELECT ${issue}.date, json_extract(it.value, '$.id'), json_extract(s.value, '$.id'), json_extract(it.value, '$.position'),
           coalesce(json_extract(it.value, '$.title'), ''), json_extract(it.value, '$.issuer'), json_extract(it.value, '$.outlet'),
           coalesce(substr(json_extract(it.value, '$.text'), 1, 400), ''), coalesce(json_extract(it.value, '$.reason'), '')
      FROM ${from ? `${from}, ` : ''}json_each(${issue}.issue_json, '$.sections') AS s, json_each(s.value, '$.items') AS it`;
}

/** Numbered schema migrations; append only, never edit a shipped one (a shared SQL fragment must stay as it shipped). */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    url TEXT,
    etag TEXT,
    last_modified TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    disabled_reason TEXT,
    last_status TEXT,
    last_error TEXT,
    last_fetched_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE items (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL,
    guid TEXT,
    link TEXT,
    title TEXT NOT NULL,
    issuer TEXT,
    outlet TEXT,
    published_at TEXT,
    first_seen_at TEXT NOT NULL,
    text TEXT NOT NULL,
    html TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    fingerprint TEXT NOT NULL,
    other_outlets TEXT NOT NULL DEFAULT '[]',
    pinned_section TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    issue_date TEXT
  );
  CREATE INDEX items_guid ON items (guid);
  CREATE INDEX items_link ON items (link);
  CREATE INDEX items_fingerprint ON items (fingerprint);
  CREATE INDEX items_issue_date ON items (issue_date);
  CREATE TABLE issues (
    date TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    total_number INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    created_at TEXT NOT NULL,
    approved_at TEXT,
    issue_json TEXT NOT NULL
  );
  CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    failures INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE deliveries (
    issue_date TEXT NOT NULL,
    subscriber_id INTEGER NOT NULL,
    email TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL,
    error TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (issue_date, subscriber_id)
  );
  CREATE INDEX deliveries_status ON deliveries (issue_date, status);
  CREATE TABLE overrides (
    item_id TEXT PRIMARY KEY,
    section_id TEXT,
    excluded INTEGER NOT NULL DEFAULT 0,
    pinned_first INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    issue_date TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    summary TEXT
  );
  CREATE TABLE locks (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  `,
  // 2 (ingest): the URL the config gave, next to the URL in force, so a
  // permanent redirect is remembered only until the config changes the URL;
  // and the keys (guid/link/fingerprint) of items merged into another item,
  // so a merged copy seen again in a later run counts as a duplicate.
  `
  ALTER TABLE sources ADD COLUMN configured_url TEXT;
  UPDATE sources SET configured_url = substr(last_status, 12), last_status = 'ok' WHERE last_status LIKE 'moved-from:%';
  CREATE TABLE item_aliases (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    item_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    PRIMARY KEY (kind, key)
  );
  `,
  // 3 (deliver): the totals of every send run; the server's reply to each
  // submitted message (its queue id, for tracing).
  `
  CREATE TABLE send_runs (
    id INTEGER PRIMARY KEY,
    issue_date TEXT NOT NULL,
    transport TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    planned INTEGER NOT NULL DEFAULT 0,
    submitted INTEGER NOT NULL DEFAULT 0,
    retried INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    resumed INTEGER NOT NULL DEFAULT 0,
    remaining INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );
  CREATE INDEX send_runs_issue ON send_runs (issue_date, id);
  ALTER TABLE deliveries ADD COLUMN response TEXT;
  `,
  // 4 (section): every item's final section in every issue, what the section
  // classifier learns from. Triggers keep it in step with issues.issue_json
  // (whoever saves an issue), so a build reads small rows instead of parsing
  // a year of issue JSON; existing issues are copied in once.
  `
  CREATE TABLE section_labels (
    issue_date TEXT NOT NULL,
    item_id TEXT NOT NULL,
    section_id TEXT NOT NULL,
    position INTEGER,
    title TEXT NOT NULL DEFAULT '',
    issuer TEXT,
    outlet TEXT,
    text_head TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (issue_date, item_id)
  );
  CREATE TRIGGER section_labels_insert AFTER INSERT ON issues BEGIN
    INSERT OR REPLACE INTO section_labels
    ${sectionLabelRows('NEW')};
  END;
  CREATE TRIGGER section_labels_update AFTER UPDATE OF issue_json ON issues BEGIN
    DELETE FROM section_labels WHERE issue_date = OLD.date;
    INSERT OR REPLACE INTO section_labels
    ${sectionLabelRows('NEW')};
  END;
  CREATE TRIGGER section_labels_delete AFTER DELETE ON issues BEGIN
    DELETE FROM section_labels WHERE issue_date = OLD.date;
  END;
  INSERT OR REPLACE INTO section_labels
  ${sectionLabelRows('i', 'issues AS i')};
  `,
  // 5: the rendered issue (subject, email HTML, text, web page; gzipped JSON),
  // saved at build so a send never needs MJML (≈ 80 MB) for an issue already
  // rendered. \`render_key\` says what it was rendered from (issue, templates,
  // settings): a different key means render again.
  `
  CREATE TABLE issue_renders (
    date TEXT PRIMARY KEY REFERENCES issues(date) ON DELETE CASCADE,
    render_key TEXT NOT NULL,
    rendered BLOB NOT NULL,
    rendered_at TEXT NOT NULL
  );
  `,
  // 6 (preview): editors' revisions of an item's text, kept beside the
  // source's own (the newest row is in force; undo deletes it); the order an
  // editor gave the items of a section; items an editor added to an issue
  // from the store; and who changed what when.
  `
  CREATE TABLE item_revisions (
    id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    editor TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX item_revisions_item ON item_revisions (item_id, id);
  CREATE TABLE item_order (
    item_id TEXT PRIMARY KEY,
    rank INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE issue_additions (
    item_id TEXT PRIMARY KEY,
    issue_date TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE editor_history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    editor TEXT NOT NULL,
    item_id TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
  );
  `,
  // 7 (subscribers manage themselves, issue 19): chosen sections (JSON array,
  // NULL = all), a pause counted in issues, an address change awaiting
  // confirmation and when the address was confirmed; hashed addresses that
  // must never be mailed again (erased people); bounce and complaint reports
  // read from the bounce mailbox; renders of an issue per set of sections.
  `
  ALTER TABLE subscribers ADD COLUMN sections TEXT;
  ALTER TABLE subscribers ADD COLUMN paused_issues INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE subscribers ADD COLUMN pending_email TEXT;
  ALTER TABLE subscribers ADD COLUMN confirmed_at TEXT;
  CREATE TABLE suppressions (
    hash TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE bounce_reports (
    id INTEGER PRIMARY KEY,
    subscriber_id INTEGER,
    kind TEXT NOT NULL,
    status TEXT,
    detail TEXT,
    report_message_id TEXT,
    received_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX bounce_reports_message ON bounce_reports (report_message_id) WHERE report_message_id IS NOT NULL;
  CREATE INDEX deliveries_message_id ON deliveries (message_id);
  CREATE TABLE issue_variant_renders (
    date TEXT NOT NULL REFERENCES issues(date) ON DELETE CASCADE,
    sections_key TEXT NOT NULL,
    render_key TEXT NOT NULL,
    rendered BLOB NOT NULL,
    rendered_at TEXT NOT NULL,
    PRIMARY KEY (date, sections_key)
  );
  `,
  // 8 (editors' desk, split): the merged copy of each report that ingest
  // merged into another item (another outlet's report of the same news), whole
  // — its own source, guid, link, outlet, headline, date and text — so an
  // editor's split restores it as the item it was. Plain SQL (no JSON
  // functions, no INSERT OR …) so the PostgreSQL backend can create the same.
  `
  CREATE TABLE merged_copies (
    item_id TEXT NOT NULL,
    copy_id TEXT NOT NULL,
    source_id TEXT NOT NULL,
    guid TEXT,
    link TEXT,
    title TEXT NOT NULL,
    issuer TEXT,
    outlet TEXT,
    published_at TEXT,
    first_seen_at TEXT NOT NULL,
    text TEXT NOT NULL,
    html TEXT NOT NULL,
    attachments TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    categories TEXT NOT NULL,
    PRIMARY KEY (item_id, copy_id)
  );
  `,
];

/** How many SQLite migrations there are (the schema version a migrated file has). */
export const SQLITE_MIGRATIONS = MIGRATIONS.length;

/**
 * A damaged database file named with the way back, for SQLITE_CORRUPT and
 * SQLITE_NOTADB (null for any other error): the subscriber list lives here.
 */
export function corruptionError(path: string, err: unknown): DigestError | null {
  const code = String((err as { code?: unknown }).code ?? '');
  if (!code.startsWith('SQLITE_CORRUPT') && !code.startsWith('SQLITE_NOTADB')) return null;
  return new DigestError(
    `the store ${path} is damaged (${code}: ${(err as Error).message})`,
    `restore it from a backup (digest backup FILE makes one), or recover what is readable: sqlite3 ${path} ".recover" | sqlite3 recovered.db, then point store.path at recovered.db`,
  );
}

/** Open (creating if needed) the store at `path` and bring its schema up to date. */
export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path);
  } catch (err) {
    throw new DigestError(`cannot open the store ${path}: ${(err as Error).message}`, 'check store.path and that its folder is writable');
  }
  // Several processes (schedule, preview, a manual run) may share the file;
  // set first, as switching a new file to WAL already takes a lock.
  db.pragma('busy_timeout = 5000');
  try {
    useWal(db);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db.close();
    throw corruptionError(path, err) ?? err;
  }
  return db;
}

/**
 * Switch the file to WAL. Two processes opening a new file at once can get
 * SQLITE_BUSY here without the busy handler being consulted (SQLite cannot
 * wait while it holds a shared lock it needs to upgrade), so retry for up to
 * the busy timeout; once either succeeded the file stays in WAL mode.
 */
function useWal(db: Db): void {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10 + Math.random() * 20);
    }
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new DigestError(
      `the store was written by a newer digest (schema ${current}, this one knows ${MIGRATIONS.length})`,
      'upgrade digest, or point store.path at another file',
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      // Another process opening the same new store may have applied it while this one waited for the lock.
      if ((db.pragma('user_version', { simple: true }) as number) > version) return;
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
