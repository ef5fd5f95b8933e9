/**
 * `digest subscribers add EMAIL [NAME] | remove EMAIL | list [--status S] | import FILE.csv | export EMAIL | forget EMAIL`.
 *
 * Imports are streamed (a record at a time, committed every 1,000 rows, a
 * record capped at 64 KB by src/util/csv.ts), so a list of any size never
 * sits in memory; `list` streams too. A bad row is
 * reported with its file and line and never stops the others.
 */
import { DigestError, UsageError, errorMessage } from '../../errors.ts';
import { SUBSCRIBER_STATUSES, validateEmail, type SubscriberStatus } from '../../store/index.ts';
import { csvRecords } from '../../util/csv.ts';
import type { Command, CommandResult, OptionValues } from '../command.ts';
import type { CommandContext as Context } from '../context.ts';

// Header names recognised (English and Chinese); without a header the columns are email, name, status.
const HEADERS: Record<'email' | 'name' | 'status', string[]> = {
  email: ['email', 'e-mail', 'mail', 'address', '邮箱', '电子邮件', '邮件地址'],
  name: ['name', 'full name', '姓名', '名称', '称呼'],
  status: ['status', '状态'],
};

function headerColumns(fields: string[]): { email: number; name: number; status: number } | null {
  const find = (names: string[]) => fields.findIndex((f) => names.includes(f.toLowerCase()));
  const email = find(HEADERS.email);
  return email < 0 ? null : { email, name: find(HEADERS.name), status: find(HEADERS.status) };
}

function readStatus(raw: string): SubscriberStatus {
  const s = raw.trim().toLowerCase();
  if (!s || s === 'subscribed') return 'active';
  if ((SUBSCRIBER_STATUSES as readonly string[]).includes(s)) return s as SubscriberStatus;
  throw new DigestError(`status "${raw}" is not one of ${SUBSCRIBER_STATUSES.join(', ')}`);
}

const MAX_REPORTED = 50;
/** Tries of one 1,000-row batch against a busy database, each waiting the store's busy timeout (5 s). */
const BUSY_ATTEMPTS = 3;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
const COMMIT_EVERY = 1000;

async function importCsv(ctx: Context, file: string): Promise<CommandResult> {
  const store = ctx.store.subscribers;
  const now = ctx.now().toISOString();
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  let rejected = 0;
  let columns = { email: 0, name: 1, status: 2 };
  let pending: { line: number; fields: string[] }[] = [];
  let kept = 0;
  const flush = () => {
    // A busy database (a send writing its ledger) is waited for by the busy
    // timeout; a batch that still fails is rolled back whole and tried again,
    // and never counted as bad rows.
    for (let attempt = 1; ; attempt++) {
      const batchCounts: Record<string, number> = {};
      const batchErrors: string[] = [];
      let batchRejected = 0;
      try {
        store.batch(() => {
          for (const { line, fields } of pending) {
            try {
              const email = validateEmail(fields[columns.email] ?? '', `${file}:${line}`);
              const name = (columns.name >= 0 ? fields[columns.name] : '') || null;
              const status = columns.status >= 0 ? readStatus(fields[columns.status] ?? '') : 'active';
              const outcome = store.record(email, name, status, now);
              batchCounts[outcome] = (batchCounts[outcome] ?? 0) + 1;
            } catch (err) {
              if (isBusy(err)) throw err;
              batchRejected++;
              const message = errorMessage(err);
              batchErrors.push(message.startsWith(`${file}:`) ? message : `${file}:${line}: ${message}`);
            }
          }
        });
      } catch (err) {
        if (!isBusy(err)) throw err;
        if (attempt < BUSY_ATTEMPTS) continue;
        throw new DigestError(
          `${file}: the database ${ctx.config.store.path} stayed busy (${errorMessage(err)}); ${kept} rows were imported and kept, the rest from line ${pending[0]?.line ?? '?'} on were not`,
          'run the same import again when the other command (a send?) has finished: rows already imported are recognised, never duplicated',
        );
      }
      for (const [k, v] of Object.entries(batchCounts)) counts[k] = (counts[k] ?? 0) + v;
      rejected += batchRejected;
      errors.push(...batchErrors.slice(0, Math.max(0, MAX_REPORTED - errors.length)));
      kept += pending.length - batchRejected;
      pending = [];
      return;
    }
  };
  try {
    let first = true;
    for await (const record of csvRecords(file)) {
      if (record.error !== undefined) {
        rejected++;
        if (errors.length < MAX_REPORTED) errors.push(`${file}:${record.line}: ${record.error}`);
        first = false;
        continue;
      }
      if (first) {
        first = false;
        const header = headerColumns(record.fields);
        if (header) {
          columns = header;
          continue;
        }
      }
      pending.push(record);
      if (pending.length >= COMMIT_EVERY) flush();
    }
    flush();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code && !code.startsWith('SQLITE')) throw new DigestError(`cannot read ${file}: ${errorMessage(err)}`, 'check the path');
    throw err;
  }
  const done =
    Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'nothing imported';
  const lines = [`${file}: ${done}${rejected ? `; ${rejected} rejected` : ''}`, ...errors.map((e) => `  ✗ ${e}`)];
  if (rejected > errors.length) lines.push(`  … and ${rejected - errors.length} more rejected rows`);
  return { summary: { subscribers: { import: file, counts, rejected, errors } }, lines };
}

function list(ctx: Context, values: OptionValues): CommandResult {
  const store = ctx.store.subscribers;
  const raw = values.status as string | undefined;
  if (raw !== undefined && !(SUBSCRIBER_STATUSES as readonly string[]).includes(raw)) {
    throw new UsageError(`--status ${raw} is not one of ${SUBSCRIBER_STATUSES.join(', ')}`);
  }
  const status = raw as SubscriberStatus | undefined;
  const all: unknown[] = [];
  let chunk = '';
  for (const s of store.all(1000, status)) {
    // --json prints one object, so it holds the list; text output streams in chunks.
    if (ctx.json) all.push(s);
    else {
      chunk += `${s.email}\t${s.name ?? ''}\t${s.status}\t${s.sections?.join(',') ?? 'all'}${s.pausedIssues ? `\tpaused ${s.pausedIssues}` : ''}\n`;
      if (chunk.length > 64 * 1024) {
        process.stdout.write(chunk);
        chunk = '';
      }
    }
  }
  if (chunk) process.stdout.write(chunk);
  const c = store.counts();
  return {
    summary: { subscribers: all, counts: c },
    lines: [`${c.active} active, ${c.pending} pending, ${c.unsubscribed} unsubscribed, ${c.bounced} bounced, ${c.complained} complained`],
  };
}

/** Run a subscribers subcommand. */
async function subscribersCommand(ctx: Context, args: string[], values: OptionValues): Promise<CommandResult> {
  const [sub, ...rest] = args;
  const now = ctx.now().toISOString();
  const store = ctx.store.subscribers;
  const address = (what: string) => {
    if (!rest[0]) throw new UsageError(`subscribers ${what} needs an EMAIL`, `digest subscribers ${what} name@example.org`);
    try {
      return validateEmail(rest[0], 'EMAIL');
    } catch (err) {
      throw new UsageError(errorMessage(err), (err as DigestError).hint);
    }
  };
  switch (sub) {
    case 'add': {
      const email = address('add');
      // Adding by hand is the person asking: it resubscribes someone who had left.
      const outcome = store.add(email, rest[1] ?? null, now, true);
      return { summary: { subscribers: { add: email, outcome } }, lines: [`${email}: ${outcome}`] };
    }
    case 'remove': {
      const email = address('remove');
      const removed = store.unsubscribe(email, now);
      const known = removed || !!store.find(email);
      return {
        summary: { subscribers: { remove: email, removed } },
        lines: [
          removed
            ? `${email}: unsubscribed (kept on the list so it is never mailed again)`
            : known
              ? `${email}: already unsubscribed`
              : `${email}: not on the list`,
        ],
      };
    }
    case 'list':
      return list(ctx, values);
    case 'export': {
      // Everything stored about a person (PIPL/GDPR access), as one JSON object on stdout.
      const email = address('export');
      const record = store.exportRecord(email);
      if (!record) throw new DigestError(`${email} is not on the list`, 'check the address (digest subscribers list)');
      // --json prints it as the summary; otherwise it is the output itself.
      if (!ctx.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      return { summary: { subscribers: { export: record } }, lines: [] };
    }
    case 'forget': {
      const email = address('forget');
      const known = store.forget(email, now);
      return {
        summary: { subscribers: { forget: email, known } },
        lines: [
          `${email}: ${known ? 'erased (subscriber, delivery records and bounce reports deleted)' : 'was not on the list'}; a hash of the address is kept so it is never stored or mailed again`,
        ],
      };
    }
    case 'import': {
      if (!rest[0])
        throw new UsageError(
          'subscribers import needs a FILE.csv',
          'columns: email,name[,status] (a header row may name them in any order)',
        );
      return importCsv(ctx, rest[0]);
    }
    default:
      throw new UsageError(`unknown subscribers subcommand "${sub ?? ''}"`, 'use add, remove, list, import, export or forget');
  }
}

export const command: Command = {
  usage: [
    'digest subscribers add EMAIL [NAME] | remove EMAIL | list [--status S] [--json] | import FILE.csv',
    'digest subscribers export EMAIL (everything stored, JSON) | forget EMAIL (erase; a hashed suppression entry stays)',
  ],
  options: { status: { type: 'string' } },
  run(ctx, args, values) {
    return subscribersCommand(ctx, args, values);
  },
};
