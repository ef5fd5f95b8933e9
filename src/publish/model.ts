/**
 * The feed document every renderer takes (rss.ts, atom.ts, json-feed.ts):
 * plain data, all URLs absolute, all times ISO with offset. Renderers are pure
 * `(feed, selfUrl) => string` functions, one file per format.
 */
import type { IsoTime } from '../types.ts';

/** One entry of a feed: an issue, or an item in the per-item feed. */
export interface FeedEntry {
  /** Stable, globally unique id (RSS guid, Atom id, JSON Feed id). */
  id: string;
  /** Whether `id` is also the entry's web address (RSS guid isPermaLink). */
  idIsUrl: boolean;
  /** Absolute web address of the entry. */
  url: string;
  title: string;
  /** Plain-text summary. */
  summary: string;
  /** Full HTML content, every link absolute. */
  contentHtml: string;
  published: IsoTime;
  updated: IsoTime;
  /** Category labels (section titles). */
  categories: string[];
  /** Who wrote or reported it (outlet); null: the feed's author. */
  author: string | null;
  /** Per-item feed: when the source published the item (its own date is when an issue published it). */
  sourceDate?: IsoTime | null;
}

/** A whole feed. Entries newest first. */
export interface FeedDocument {
  title: string;
  description: string;
  /** BCP 47 language tag, e.g. `zh-CN`. */
  language: string;
  /** The site the feed belongs to (publication.baseUrl, with a trailing slash). */
  homeUrl: string;
  /** Name of the publisher (editorial unit, or the title). */
  author: string;
  /** Latest change of any entry; the feed's own date (no clock involved). */
  updated: IsoTime;
  /** IANA zone all dates are written in (the publication's timezone). */
  timezone: string;
  /** Absolute URL of the publication's icon (Atom icon, JSON Feed icon), if any. */
  icon?: string | null;
  /** Absolute URL of the RSS channel image (PNG: RSS 2.0 allows no SVG there), if any. */
  image?: string | null;
  entries: FeedEntry[];
}

/** Names our feeds' generator to readers and validators. */
export const GENERATOR = 'digest';
