/**
 * Date parsing with luxon (rss-parser's `isoDate` comes from `new Date()`,
 * which drops what it cannot read and loses the offset). Feeds carry RFC 822
 * (often sloppy: wrong weekdays, one-digit hours, `GMT+8`, `+08:00`), ISO 8601,
 * SQL-style times, Java's `Date.toString()`, and in Chinese sources forms like
 * `2024年7月15日`, `２０２４年７月１５日 08:30`, `二〇二四年七月十五日` or
 * `2024.06.16`. A date we cannot read is null (the item then falls back to its
 * first-seen time), never a guess.
 */
import { DateTime } from 'luxon';

const CHINESE =
  /^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})\s*秒?)?)?$/u;
const CN_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** `二〇二四年七月十五日` → `2024年7月15日` (year digit by digit; month and day with 十). */
function chineseNumeralDate(s: string): string {
  return s.replace(
    /([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日/u,
    (_, y: string, m: string, d: string) => {
      const small = (n: string) => {
        const [tens, ones] = n.includes('十') ? n.split('十') : ['', n];
        return (n.includes('十') ? (tens ? CN_DIGITS[tens]! : 1) * 10 : 0) + (ones ? CN_DIGITS[ones]! : 0);
      };
      return `${[...y].map((c) => CN_DIGITS[c]).join('')}年${small(m)}月${small(d)}日`;
    },
  );
}

/** Zone names feeds use that luxon's RFC 2822 reader does not know (it knows GMT and the US zones). */
const ZONE_NAMES: Record<string, string> = {
  UTC: '+0000',
  UT: '+0000',
  Z: '+0000',
  WET: '+0000',
  BST: '+0100',
  CET: '+0100',
  MEZ: '+0100',
  CEST: '+0200',
  MESZ: '+0200',
  EET: '+0200',
  EEST: '+0300',
  MSK: '+0300',
  HKT: '+0800',
  SGT: '+0800',
  AWST: '+0800',
  JST: '+0900',
  KST: '+0900',
  AEST: '+1000',
  AEDT: '+1100',
  NZST: '+1200',
  NZDT: '+1300',
};

const chinaTime = new Map<string, boolean>();

/** Is `zone` at UTC+8 (Asia/Shanghai, Asia/Taipei, Asia/Hong_Kong…)? */
function isChinaTime(zone: string): boolean {
  let v = chinaTime.get(zone);
  if (v === undefined) {
    v = DateTime.fromISO('2024-01-15T00:00:00Z').setZone(zone).offset === 480;
    chinaTime.set(zone, v);
  }
  return v;
}

/**
 * Tidy an RFC 822 date the way lenient readers do: drop the weekday (often
 * wrong, and redundant), pad one-digit hours, write `+08:00`/`GMT+8` as
 * `+0800`, and read `CST` as China Standard Time when the publication lives at
 * UTC+8 (Chinese servers mean that, not US Central).
 */
function tidyRfc822(s: string, zone: string): string {
  let t = s.replace(/^[A-Za-z]{2,9},?\s+(?=\d)/, '');
  t = t
    .replace(/(^|\s)(\d):(\d\d)/, '$1 0$2:$3')
    .replace(/\s+/g, ' ')
    .trim();
  t = t.replace(
    /\s(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$/,
    (_, sign: string, h: string, m?: string) => ` ${sign}${h.padStart(2, '0')}${m ?? '00'}`,
  );
  if (/\sCST$/.test(t) && isChinaTime(zone)) t = t.replace(/CST$/, '+0800');
  t = t.replace(/\s([A-Z]{2,5})$/, (whole, name: string) => (ZONE_NAMES[name] ? ` ${ZONE_NAMES[name]}` : whole));
  return t;
}

/** Java's `Date.toString()`: `Mon Jul 15 08:00:00 CST 2024` → `15 Jul 2024 08:00:00 CST`. */
function javaToRfc822(s: string): string | null {
  const m = /^[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{2}:\d{2}:\d{2}) ([A-Za-z]{2,5}|[+-]\d{4}) (\d{4})$/.exec(s);
  return m ? `${m[2]} ${m[1]} ${m[5]} ${m[3]} ${m[4]}` : null;
}

const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';
const STRICT_RFC822 = /^(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? (GMT|UTC|UT|Z|[+-]\d{4})$/;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * The common case without luxon (most feed dates are well-formed RFC 822
 * with a numeric offset or GMT; luxon costs tens of µs per date). Returns the
 * same ISO form luxon would, or undefined to take the general path.
 */
function strictRfc822(s: string): string | undefined {
  const m = STRICT_RFC822.exec(s);
  const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) / 3 : -1;
  if (!m || !Number.isInteger(month) || month < 0) return undefined;
  const [day, year, hour, minute, second] = [+m[1]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0];
  const at = new Date(Date.UTC(year, month, day, hour, minute, second));
  if (at.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59 || year <= 1970 || year >= 2200) return undefined;
  const offset = m[7]!;
  const zone = /^[+-]/.test(offset) && !/^[+-]0000$/.test(offset) ? `${offset.slice(0, 3)}:${offset.slice(3)}` : 'Z';
  return `${pad(year, 4)}-${pad(month + 1)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.000${zone}`;
}

/** Parse a date string; dates without an offset are read in `zone`. Returns ISO or null. */
export function parseDate(raw: string | null | undefined, zone: string): string | null {
  if (!raw) return null;
  // NFKC folds full-width digits and colons (２０２４年７月１５日 １０：３０) to ASCII.
  const s = chineseNumeralDate(raw.normalize('NFKC').replace(/\s+/g, ' ').trim());
  if (!s) return null;
  const fast = strictRfc822(s);
  if (fast) return fast;
  const opts = { zone, setZone: true };
  const rfc = () => tidyRfc822(javaToRfc822(s) ?? s, zone);
  const iso = () => DateTime.fromISO(s, opts);
  const rfc822 = () => DateTime.fromRFC2822(rfc(), opts);
  // RSS dates are RFC 822 (they start with a weekday or a day and a month name); try that first for them.
  const rfcShaped = /^[A-Za-z]|^\d{1,2}\s+[A-Za-z]/.test(s);
  const candidates = [
    ...(rfcShaped ? [rfc822, iso] : [iso, rfc822]),
    () => DateTime.fromHTTP(s, opts),
    () => DateTime.fromSQL(s, opts),
    () => {
      const m = CHINESE.exec(s);
      return m
        ? DateTime.fromObject(
            { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: m[4] ? +m[4] : 0, minute: m[5] ? +m[5] : 0, second: m[6] ? +m[6] : 0 },
            { zone },
          )
        : null;
    },
    // A zone name luxon does not know (e.g. "MESZ"): read the time in the publication's zone.
    () => DateTime.fromFormat(rfc().replace(/\s+[A-Z]{2,5}$/, ''), 'd MMM yyyy HH:mm:ss', { zone, locale: 'en' }),
    () => DateTime.fromFormat(rfc().replace(/\s+[A-Z]{2,5}$/, ''), 'd MMM yyyy HH:mm', { zone, locale: 'en' }),
  ];
  for (const make of candidates) {
    const d = make();
    if (d?.isValid && d.year > 1970 && d.year < 2200) return d.toISO();
  }
  return null;
}
