/**
 * Date parsing with luxon. Feeds carry RFC 822, ISO 8601 and, in Chinese
 * sources, forms like `2024年7月15日` or `2024.06.16`; a date we cannot read
 * is null (and the item falls back to its first-seen time), never a guess.
 */
import { DateTime } from 'luxon';

const CHINESE = /^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?秒?)?$/u;

/** Parse a date string; dates without an offset are read in `zone`. Returns ISO or null. */
export function parseDate(raw: string | null | undefined, zone: string): string | null {
  if (!raw) return null;
  const s = raw.trim();
  if (!s) return null;
  const candidates = [
    DateTime.fromRFC2822(s, { zone, setZone: true }),
    DateTime.fromISO(s, { zone, setZone: true }),
    DateTime.fromHTTP(s, { zone, setZone: true }),
    DateTime.fromSQL(s, { zone, setZone: true }),
  ];
  const m = CHINESE.exec(s);
  if (m) {
    candidates.push(
      DateTime.fromObject(
        { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: m[4] ? +m[4] : 0, minute: m[5] ? +m[5] : 0, second: m[6] ? +m[6] : 0 },
        { zone },
      ),
    );
  }
  // RFC 822 dates with a named zone luxon does not know (e.g. "CST"): drop the zone name.
  const noZone = s.replace(/\s+[A-Z]{2,5}$/, '');
  if (noZone !== s) candidates.push(DateTime.fromFormat(noZone, 'EEE, d MMM yyyy HH:mm:ss', { zone, locale: 'en' }));
  const ok = candidates.find((d) => d.isValid && d.year > 1970 && d.year < 2200);
  return ok ? ok.toISO() : null;
}
