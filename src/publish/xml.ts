/**
 * XML and date helpers shared by the feed renderers (pure). Feed text comes
 * from the outside world, so everything is escaped and stripped of characters
 * XML 1.0 forbids (a stray U+0007 in a headline would make the whole feed
 * unreadable for strict parsers).
 */
import { DateTime } from 'luxon';
import type { IsoTime } from '../types.ts';

// Everything outside XML 1.0's Char production: C0 controls except tab/LF/CR,
// lone surrogates (the `u` flag sees them as code points), U+FFFE and U+FFFF.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Remove characters that may not appear in an XML 1.0 document. */
export function xmlSafe(s: string): string {
  return s.replace(NOT_XML_CHAR, '');
}

/** Text or attribute value, escaped for XML. */
export function xmlText(s: string): string {
  return xmlSafe(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A CDATA section holding `s` verbatim (a `]]>` inside is split across two sections). */
export function cdata(s: string): string {
  return `<![CDATA[${xmlSafe(s).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function inZone(iso: IsoTime, zone: string): DateTime {
  const d = DateTime.fromISO(iso, { setZone: true }).setZone(zone);
  if (!d.isValid) throw new RangeError(`not a valid ISO time in ${zone}: ${iso}`);
  return d;
}

/** RFC 822 (RFC 2822) date in the publication's timezone: `Mon, 15 Jul 2024 07:00:00 +0800`. */
export function rfc822(iso: IsoTime, zone: string): string {
  return inZone(iso, zone).toRFC2822()!;
}

/** RFC 3339 date in the publication's timezone: `2024-07-15T07:00:00+08:00`. */
export function rfc3339(iso: IsoTime, zone: string): string {
  return inZone(iso, zone).toISO({ suppressMilliseconds: true })!;
}
