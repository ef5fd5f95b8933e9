/**
 * Storing items with dedupe, across runs and sources: guid, then canonical
 * link, then content fingerprint; then near-duplicate headlines from another
 * outlet (similar.ts). A repeat from another outlet is merged: the stored
 * item lists it among its other outlets instead of appearing twice, and the
 * repeat itself is kept beside it (merged copies) for an editor's split.
 */
import type { ItemRepository, MergedCopyRepository } from '../store/index.ts';
import type { Item } from '../types.ts';
import { NearDuplicateIndex, type HeadlineEntry } from './similar.ts';

/** Counts of storing a batch of items. */
export interface StoreCounts {
  new: number;
  duplicate: number;
  merged: number;
}

/** Options of {@link storeItems}. */
export interface StoreOptions {
  /** Near-duplicate index over recent items; without it only exact keys dedupe. */
  nearDuplicates?: NearDuplicateIndex;
  /**
   * Whether these items may be merged into another item as near-duplicates.
   * Editor items are not: an editor's text never disappears into a feed's.
   */
  mergeable?: boolean;
  /**
   * Where a report merged into another item is kept whole, so an editor's
   * split can restore it with its own link, outlet and text. Without it only
   * the other outlet's name, link and source are recorded on the item.
   */
  copies?: MergedCopyRepository;
}

/** Stored items are compared (for near-duplicates) if first seen this many days back. */
export const NEAR_DUPLICATE_LOOKBACK_DAYS = 30;

/** A near-duplicate index over the items first seen in the last {@link NEAR_DUPLICATE_LOOKBACK_DAYS} days. */
export function loadNearDuplicateIndex(store: ItemRepository, now: Date): NearDuplicateIndex {
  const index = new NearDuplicateIndex();
  const since = new Date(now.getTime() - NEAR_DUPLICATE_LOOKBACK_DAYS * 86_400_000).toISOString();
  for (const h of store.headlinesSince(since)) index.add({ ...h, time: h.publishedAt ?? h.firstSeenAt });
  return index;
}

function headline(item: Item): HeadlineEntry {
  return {
    id: item.id,
    sourceId: item.sourceId,
    outlet: item.outlet,
    issuer: item.issuer,
    title: item.title,
    time: item.publishedAt ?? item.firstSeenAt,
  };
}

function sameOutlet(a: Item, b: Item): boolean {
  return (a.outlet ?? `source:${a.sourceId}`) === (b.outlet ?? `source:${b.sourceId}`);
}

/**
 * Store items in one transaction. An exact repeat (guid, link, fingerprint)
 * from another source and outlet is merged; from the same outlet it is a
 * duplicate. A near-duplicate headline from another outlet is merged.
 */
export function storeItems(items: Item[], store: ItemRepository, options: StoreOptions = {}): StoreCounts {
  const counts: StoreCounts = { new: 0, duplicate: 0, merged: 0 };
  const { nearDuplicates, mergeable = true, copies } = options;
  const merge = (into: string, item: Item): boolean => {
    const added = store.addOtherOutlet(into, { outlet: item.outlet, link: item.link, sourceId: item.sourceId }, item);
    if (added) copies?.keep(into, item);
    return added;
  };
  store.transaction(() => {
    for (const item of items) {
      const dup = store.findDuplicate(item);
      if (dup) {
        const other = dup.by !== 'guid' && dup.item.sourceId !== item.sourceId && !sameOutlet(dup.item, item);
        if (other && merge(dup.item.id, item)) counts.merged++;
        else counts.duplicate++;
        continue;
      }
      // Same id from another key (a guid-less entry whose link was another entry's guid): the same entry.
      if (store.has(item.id)) {
        counts.duplicate++;
        continue;
      }
      const entry = headline(item);
      const near = mergeable ? nearDuplicates?.findMatch(entry) : null;
      if (near) {
        merge(near.id, item);
        counts.merged++;
        continue;
      }
      store.insert(item);
      nearDuplicates?.add(entry);
      counts.new++;
    }
  });
  return counts;
}
