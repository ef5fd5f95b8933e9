/**
 * The select stage (pure): which stored items go into the issue of a date.
 * An item qualifies when its time (publishedAt, else firstSeenAt) lies after
 * cutoff − maxAgeDays and not after the cut-off (GUIDE.md "Which items go into an issue").
 */
import { DateTime } from 'luxon';
import type { Item } from '../types.ts';

/** The time an item counts as published. */
export function itemTime(item: Item): string {
  return item.publishedAt ?? item.firstSeenAt;
}

/** Items whose time lies in (cutoff − maxAgeDays, cutoff]. */
export function selectItems(candidates: Item[], cutoff: DateTime, maxAgeDays: number): Item[] {
  const from = cutoff.minus({ days: maxAgeDays }).toMillis();
  const to = cutoff.toMillis();
  return candidates.filter((item) => {
    const t = DateTime.fromISO(itemTime(item)).toMillis();
    return t > from && t <= to;
  });
}
