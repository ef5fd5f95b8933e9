/**
 * Domain records shared by every stage. Stages talk to each other only through
 * these types (see GUIDE.md "The pipeline"); nothing here does I/O.
 */

/** An ISO 8601 timestamp with offset, e.g. `2024-06-19T08:00:00.000+08:00`. */
export type IsoTime = string;

/** A calendar date `YYYY-MM-DD` in the publication's timezone. */
export type IsoDate = string;

/** Another outlet that carried the same news (filled when near-duplicates merge). */
export interface OtherOutlet {
  outlet: string | null;
  link: string | null;
  sourceId: string;
}

/**
 * A 图书推荐 book entry: its own kind of item. Stored in the item's `text` in
 * the seed's layout (`书名/著者：…` …, see src/render/book.ts), so the store
 * needs no column of its own and the text part reads it as is.
 */
export interface Book {
  /** 书名 */
  title: string;
  /** 著者 (several authors as the source writes them). */
  author: string | null;
  /** 出版社 */
  publisher: string | null;
  /** 出版日期, as written (`2022-05`). */
  date: string | null;
  /** 内容简介 */
  summary: string | null;
  /** 推荐理由 */
  reason: string | null;
  /** Cover image (http(s) only). */
  cover: string | null;
}

/**
 * A news item as stored after ingest: sanitized, normalized, deduplicated.
 * `issuer` is the 发布机构 (the body that acted: 工信部, 北京, 日媒 …), `outlet`
 * the 来源 (the medium that reported it: 新京报, 人民网 …).
 */
export interface Item {
  /** Stable id: a hash of source id and guid/link/fingerprint. */
  id: string;
  sourceId: string;
  guid: string | null;
  /** Canonical link to the original (tracking parameters removed). */
  link: string | null;
  /** Headline without the issuer prefix. */
  title: string;
  issuer: string | null;
  outlet: string | null;
  /** When the source says it was published; null when the source gives none. */
  publishedAt: IsoTime | null;
  /** When we first saw it; stands in for publishedAt in selection. */
  firstSeenAt: IsoTime;
  /** Plain-text body (paragraphs separated by blank lines). */
  text: string;
  /** Sanitized HTML body; safe to put in an email or page as is. */
  html: string;
  /** 附：attachments, e.g. `《关于…的通知》`. */
  attachments: string[];
  /** Content fingerprint used for dedupe. */
  fingerprint: string;
  /** Other outlets merged into this item as near-duplicates. */
  otherOutlets: OtherOutlet[];
  /** Section pinned by the editor (front matter `section:`), if any. */
  pinnedSection: string | null;
  /** Free-form categories/tags from the feed or front matter. */
  categories: string[];
}

/**
 * What an item must look like for a rule to apply. Fields form groups (issuer,
 * headline patterns, keywords, source, outlet): every given group must hold
 * (AND); inside a group any entry may match (OR). `…Lists` name shipped or
 * configured word lists (src/section/rule-data.yaml, `sectioning.lists`).
 */
export interface SectionCondition {
  /** Issuer equals one of these (after normalization). */
  issuers?: string[];
  /** Issuer is in one of these named lists. */
  issuerLists?: string[];
  /** Regular expressions tested against the issuer. */
  issuerPatterns?: string[];
  /** Named lists of issuer regular expressions (a place or a federation by the shape of its name). */
  issuerPatternLists?: string[];
  /** Regular expressions tested against the headline. */
  titlePatterns?: string[];
  /** Named lists of headline regular expressions. */
  titlePatternLists?: string[];
  /** Any of these words in headline (or headline and text when `inText`). */
  keywords?: string[];
  /** Named keyword lists. */
  keywordLists?: string[];
  inText?: boolean;
  /** Keywords must occur at least this many times in all (default 1). */
  minHits?: number;
  /** Item comes from one of these source ids. */
  sources?: string[];
  /** Item's outlet is one of these. */
  outlets?: string[];
  /** Item's outlet is in one of these named lists. */
  outletLists?: string[];
  /** Regular expressions tested against the outlet, e.g. `^《.+》$` for journals. */
  outletPatterns?: string[];
}

/** One rule of a section: a condition, a priority and an id reported as the reason. */
export interface SectionRule extends SectionCondition {
  /** Stable id reported as the placement reason, e.g. `hot.central-bodies`. */
  id: string;
  /** Higher wins when several rules match; ties go to section order. */
  priority?: number;
  /** The rule does not apply when the item matches any of these conditions. */
  unless?: SectionCondition[];
  /**
   * A decisive rule (the default) places the item outright. A non-decisive one
   * is a hint: the learned classifier overrules it when it is confident.
   */
  decisive?: boolean;
}

/**
 * Keys that order the items inside a section (after editor-pinned items).
 * `place`: items of one place (issuer 北京, 上海 …) stay together, places in
 * the order of the `place-order` list (else `places`), as the seed's 国内动态 does.
 */
export type SectionOrderKey = 'issuer' | 'date' | 'date-desc' | 'title' | 'place';

/** Configuration of one section of the issue. */
export interface SectionConfig {
  id: string;
  title: string;
  /** Maximum items; the rest is reported as overflow, never silently dropped. */
  cap?: number;
  /** Order inside the section; default `sectioning.order` (issuer weight, then date). */
  order?: SectionOrderKey[];
  rules: SectionRule[];
}

/** Where an item goes and why. */
export interface Placement {
  sectionId: string | null;
  /** Human-readable reason: the rule id, an override, or classifier + confidence. */
  reason: string;
  /** The machine is unsure: an editor should look at this item first. */
  review?: boolean;
  /** With `review`: the section it would otherwise have gone to. */
  runnerUp?: string;
}

/** An item as it appears in an issue. */
export interface IssueItem extends Item {
  reason: string;
  /**
   * Placed with low confidence (the classifier was unsure, or it and the rules
   * disagree): the preview shows these first. Absent when the placement is sure.
   */
  review?: true;
  /** With `review`: the section the item would otherwise have gone to. */
  runnerUp?: string;
  /** 1-based number of the item inside the whole issue. */
  position: number;
  /**
   * In an issue of chosen sections (a variant), the item's position in the
   * whole issue: its anchor on the web page, which always has every section.
   */
  webPosition?: number;
}

/** A section of a built issue. */
export interface IssueSection {
  id: string;
  title: string;
  items: IssueItem[];
  /** Items that matched but did not fit under the cap. */
  overflow: IssueItem[];
}

/** Numbering like the seed: 2024年 第七期（总第三十七期）. */
export interface IssueNumber {
  year: number;
  /** Issue number within the year. */
  number: number;
  /** Issue number since the first issue. */
  totalNumber: number;
}

/** A built issue: pure data, ready to render. */
export interface Issue {
  date: IsoDate;
  title: string;
  numbering: IssueNumber;
  /** The collection window actually covered (earliest and latest item time). */
  window: { from: IsoTime; to: IsoTime };
  /** When the issue was cut (the scheduled time on `date`). */
  cutoff: IsoTime;
  sections: IssueSection[];
  /** Items no section accepted; reported, not published. */
  unplaced: IssueItem[];
}

/** The rendered parts of an issue. Per-recipient bits are placeholders. */
export interface RenderedIssue {
  subject: string;
  preheader: string;
  /** Email HTML with `{{PLACEHOLDER}}` tokens (see render/personalize.ts). */
  emailHtml: string;
  /** Plain-text part with the same tokens. */
  emailText: string;
  /** Full web version (no per-recipient bits). */
  webHtml: string;
}

/** A subscriber as stored. */
export interface Subscriber {
  id: number;
  email: string;
  name: string | null;
  /**
   * `pending`: signed up, not confirmed yet; `active`: receives issues;
   * `unsubscribed`, `bounced`, `complained`: never mailed an issue again.
   */
  status: 'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained';
  /** The section ids chosen (in no particular order); null: every section, including future ones. */
  sections: string[] | null;
  /** Issues still to skip (the preference centre's pause). */
  pausedIssues: number;
}

/**
 * Delivery state of one (issue, subscriber). `skipped`: not sent because the
 * subscriber left (unsubscribed or bounced) between planning and sending.
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** One delivery record: the exactly-once ledger. */
export interface Delivery {
  issueDate: IsoDate;
  subscriberId: number;
  email: string;
  status: DeliveryStatus;
  attempts: number;
  messageId: string;
  error: string | null;
  updatedAt: IsoTime;
}

/** An editor's decision about one item, stored in SQLite and respected by every build. */
export interface Override {
  itemId: string;
  /** Move the item to this section (null: leave the section to the rules). */
  sectionId: string | null;
  /** Keep the item out of the issue. */
  excluded: boolean;
  /** Put the item first in its section. */
  pinnedFirst: boolean;
}

/** The parts of an item the section classifier looks at. */
export type ClassifiableItem = Pick<Item, 'title' | 'issuer' | 'outlet' | 'text'>;

/** An item as it was placed in a past issue: what the classifier learns from (read by the store, used by section/). */
export interface PastPlacement {
  itemId: string;
  item: ClassifiableItem;
  sectionId: string;
  /** The reason recorded in the issue (rule, editor, classifier). */
  reason: string;
  /** Editors looked at approved and sent issues; drafts only show what the machine did. */
  reviewed: boolean;
}

/** An editor's correction: the item belongs in this section. */
export interface Correction {
  itemId: string;
  item: ClassifiableItem;
  sectionId: string;
}

/** An item with the section the editors gave it (a labelled set read from an old issue; section/ evaluates on it). */
export interface LabelledItem {
  item: Item;
  sectionId: string;
  /** Position in the table of contents (0-based, over the whole issue). */
  tocIndex: number;
}
