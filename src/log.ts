/**
 * Structured logging for long-running and unattended commands (`digest
 * schedule`, `digest run`). On a terminal a line reads like
 * `07:00:01 INFO  issue built  run=20240714T230000-3f9a0c date=2024-07-15`;
 * otherwise (a service manager, a pipe, a file) every record is one JSON
 * object per line, so log collectors can filter by `runId`, `level` or `date`.
 * Logs go to stderr: stdout stays free for the command's one summary.
 */
import { randomBytes } from 'node:crypto';

/** Severity, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Extra fields of a record (JSON-serialisable values). */
export type LogFields = Record<string, unknown>;

/** A logger. `child` returns one that adds `fields` (e.g. `runId`) to every record. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Where and how to log. */
export interface LoggerOptions {
  /** Default: process.stderr. */
  stream?: { write(chunk: string): unknown; isTTY?: boolean };
  /** JSON lines; default: when the stream is not a TTY. */
  json?: boolean;
  /** Records below this level are dropped; default from `DIGEST_LOG_LEVEL`, else info. */
  level?: LogLevel;
  /** Wall clock for timestamps (logs show real time even when the cycle's clock is fixed). */
  now?: () => Date;
}

/** Read a log level name (e.g. from `DIGEST_LOG_LEVEL`); unknown names give `fallback`. */
export function parseLogLevel(raw: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const v = raw?.trim().toLowerCase();
  return v && v in RANK ? (v as LogLevel) : fallback;
}

/** Create a logger. */
export function createLogger(opts: LoggerOptions = {}, fields: LogFields = {}): Logger {
  const stream = opts.stream ?? process.stderr;
  const json = opts.json ?? !stream.isTTY;
  const min = RANK[opts.level ?? parseLogLevel(process.env.DIGEST_LOG_LEVEL)];
  const now = opts.now ?? (() => new Date());
  const write = (level: LogLevel, msg: string, extra?: LogFields) => {
    if (RANK[level] < min) return;
    const all = { ...fields, ...extra };
    const time = now();
    stream.write(json ? jsonLine(time, level, msg, all) : textLine(time, level, msg, all));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (more) => createLogger({ ...opts, stream, json, now }, { ...fields, ...more }),
  };
}

function jsonLine(time: Date, level: LogLevel, msg: string, fields: LogFields): string {
  // time, level and msg first so a human reading raw JSON sees them at once.
  return `${JSON.stringify({ time: time.toISOString(), level, msg, ...fields }, (_k, v: unknown) =>
    v instanceof Error ? v.message : typeof v === 'bigint' ? String(v) : v,
  )}\n`;
}

function textLine(time: Date, level: LogLevel, msg: string, fields: LogFields): string {
  const hhmmss = time.toTimeString().slice(0, 8);
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) =>
        `${k === 'runId' ? 'run' : k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v instanceof Error ? v.message : v)}`,
    )
    .join(' ');
  return `${hhmmss} ${level.toUpperCase().padEnd(5)} ${msg}${rest ? `  ${rest}` : ''}\n`;
}

/**
 * A new run id: the UTC start time plus six random hex digits, so ids sort by
 * time and stay short enough to type (`digest status` shows them). Real time,
 * not the cycle's clock: a fixed `DIGEST_NOW` must not make ids collide.
 */
export function newRunId(at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
