/**
 * Issue dates and cut-offs in the publication's timezone (luxon). Pure.
 */
import { DateTime } from 'luxon';
import { ConfigError } from '../errors.ts';
import type { IsoDate } from '../types.ts';

/** The hour and minute of a daily cron expression (`m h * * *`); other shapes fall back to 23:59. */
export function dailyTime(cron: string): { hour: number; minute: number } {
  const f = cron.trim().split(/\s+/);
  // node-cron accepts an optional seconds field first.
  const [m, h] = f.length === 6 ? [f[1], f[2]] : [f[0], f[1]];
  if (m && h && /^\d+$/.test(m) && /^\d+$/.test(h)) return { hour: Number(h), minute: Number(m) };
  return { hour: 23, minute: 59 };
}

/** Today's date in `zone` at instant `now`. */
export function issueDateAt(now: Date, zone: string): IsoDate {
  const d = DateTime.fromJSDate(now, { zone });
  if (!d.isValid) throw new ConfigError(`publication.timezone: unknown timezone "${zone}"`, 'use an IANA name such as Asia/Shanghai');
  return d.toISODate()!;
}

/** The cut-off of the issue of `date`: the scheduled time on that date in `zone`. */
export function cutoffFor(date: IsoDate, cron: string, zone: string): DateTime {
  const { hour, minute } = dailyTime(cron);
  const d = DateTime.fromISO(date, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
  if (!d.isValid) throw new ConfigError(`bad issue date "${date}"`, 'write dates as YYYY-MM-DD');
  return d;
}

/** Validate a `--date` argument. */
export function parseIssueDate(raw: string): IsoDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || !DateTime.fromISO(raw).isValid) {
    throw new ConfigError(`--date: "${raw}" is not a date`, 'write it as YYYY-MM-DD, e.g. --date 2024-07-15');
  }
  return raw;
}
