/**
 * Issue dates, cut-offs and scheduled instants in the publication's timezone
 * (luxon). Pure: every function takes the instant or date it works on.
 *
 * DST: a wall-clock time inside a spring-forward gap (02:30 on the day New
 * York jumps from 02:00 to 03:00) does not exist; luxon moves it forward by the
 * gap (03:30), and that is "the scheduled instant" of that day. node-cron skips
 * such a time altogether, so the scheduler's periodic check catches the day up
 * (see schedule/decide.ts). A time that occurs twice (fall-back) means its first
 * occurrence, as cron users expect.
 */
import { DateTime } from 'luxon';
import cron from 'node-cron';
import { ConfigError } from '../errors.ts';
import type { IsoDate } from '../types.ts';

/**
 * The scheduled time of day: the first time the cron expression fires on a day
 * it fires (its smallest hour, minute and second, as node-cron parses them).
 * The one definition of "the scheduled time", shared by the cut-off and the
 * scheduler: `30 6,18 * * *` → 06:30, `0 *\/6 * * *` (every six hours) → 00:00.
 */
export function dailyTime(expression: string): { hour: number; minute: number; second: number } {
  const { hours, minutes, seconds } = sortedFields(expression);
  return { hour: hours[0] ?? 0, minute: minutes[0] ?? 0, second: seconds[0] ?? 0 };
}

/** Today's date in `zone` at instant `now`. */
export function issueDateAt(now: Date, zone: string): IsoDate {
  const d = DateTime.fromJSDate(now, { zone });
  if (!d.isValid) throw new ConfigError(`publication.timezone: unknown timezone "${zone}"`, 'use an IANA name such as Asia/Shanghai');
  return d.toISODate()!;
}

/**
 * The instant of wall-clock time `hour:minute:second` on `date` in `zone`: a
 * time in a DST gap moves forward by the gap, an ambiguous one is its first
 * occurrence.
 */
export function wallTime(date: IsoDate, time: { hour: number; minute: number; second?: number }, zone: string): DateTime {
  const d = DateTime.fromISO(date, { zone }).set({ hour: time.hour, minute: time.minute, second: time.second ?? 0, millisecond: 0 });
  if (!d.isValid)
    throw new ConfigError(`bad issue date "${date}" or timezone "${zone}"`, 'write dates as YYYY-MM-DD and use an IANA timezone name');
  // Ambiguous (fall-back) times have two offsets; luxon may pick either.
  const [first] = d.getPossibleOffsets().sort((a, b) => a.toMillis() - b.toMillis());
  return first ?? d;
}

/**
 * The cut-off of the issue of `date`: the scheduled time on that date in
 * `zone` (also on a day the cron skips, for back-fills with `--date`).
 */
export function cutoffFor(date: IsoDate, cron: string, zone: string): DateTime {
  return wallTime(date, dailyTime(cron), zone);
}

/** Validate a `--date` argument. */
export function parseIssueDate(raw: string): IsoDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || !DateTime.fromISO(raw).isValid) {
    throw new ConfigError(`--date: "${raw}" is not a date`, 'write it as YYYY-MM-DD, e.g. --date 2024-07-15');
  }
  return raw;
}

/** Whether `expression` is a cron expression node-cron accepts (5 fields, or 6 with seconds first). */
export function isValidCron(expression: string): boolean {
  // node-cron's validate() accepts macros such as "@daily" that its parser
  // (and so our scheduled-time arithmetic) then rejects at run time: require
  // the plain field form and let parse() confirm it.
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return false;
  if (!cron.validate(expression)) return false;
  try {
    cron.parse(expression);
    return true;
  } catch {
    return false;
  }
}

/** Whether `zone` is an IANA timezone luxon (and so every date computation) can use. */
export function isValidTimezone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

// node-cron's matcher knows every day-field syntax (L, 1W, 5#2 …); a never-started
// task on `0 0 12 <day fields>` asks it about a day without re-implementing any of it.
// Noon is never inside a DST transition.
const dayMatchers = new Map<string, ReturnType<typeof cron.createTask>>();

function dayFields(expression: string): string {
  const f = expression.trim().split(/\s+/);
  return f.slice(-3).join(' ');
}

/** Whether the cron expression fires at all on `date` (its day-of-month, month and day-of-week fields). */
export function isScheduledDay(date: IsoDate, expression: string, zone: string): boolean {
  const key = `${dayFields(expression)}|${zone}`;
  let task = dayMatchers.get(key);
  if (!task) {
    task = cron.createTask(`0 0 12 ${dayFields(expression)}`, () => undefined, { timezone: zone, name: `digest-day-matcher ${key}` });
    dayMatchers.set(key, task);
  }
  return task.match(wallTime(date, { hour: 12, minute: 0 }, zone).toJSDate());
}

function sortedFields(expression: string): { hours: number[]; minutes: number[]; seconds: number[] } {
  const p = cron.parse(expression);
  const asc = (a: number, b: number) => a - b;
  return { hours: [...p.hour].sort(asc), minutes: [...p.minute].sort(asc), seconds: [...p.second].sort(asc) };
}

/**
 * The scheduled instant of day `date`: the first time the cron fires that day
 * (07:00 for `0 7 * * *`), gap times shifted forward; null when it does not
 * fire that day (a weekday-only schedule on a Sunday).
 */
export function scheduledAt(date: IsoDate, expression: string, zone: string): DateTime | null {
  if (!isScheduledDay(date, expression, zone)) return null;
  return wallTime(date, dailyTime(expression), zone);
}

/**
 * The next scheduled instant strictly after `now`, in `zone` (null only for an
 * expression that never fires, such as 30 February). Gap times count at their
 * shifted instant, as the scheduler runs them.
 */
export function nextScheduledAt(now: Date, expression: string, zone: string): DateTime | null {
  const { hours, minutes, seconds } = sortedFields(expression);
  const start = DateTime.fromJSDate(now, { zone });
  const nowMs = now.getTime();
  // On a day with an offset change, wall times up to 3 hours before now may
  // still lie after it once shifted out of the gap; otherwise skip straight to now.
  const dayStart = start.startOf('day');
  const shifts = dayStart.offset !== dayStart.endOf('day').offset;
  const floor = start.hour * 3600 + start.minute * 60 + start.second - (shifts ? 3 * 3600 : 0);
  // Eight years cover 29 February on a given weekday.
  for (let i = 0; i < 366 * 8; i++) {
    const date = start.plus({ days: i }).toISODate()!;
    if (!isScheduledDay(date, expression, zone)) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        for (const second of seconds) {
          if (i === 0 && hour * 3600 + minute * 60 + second < floor) continue;
          const t = wallTime(date, { hour, minute, second }, zone);
          if (t.toMillis() > nowMs) return t;
        }
      }
    }
  }
  return null;
}
