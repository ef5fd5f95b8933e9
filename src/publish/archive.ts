/**
 * The archive page `out/index.html` (pure): every issue, newest first,
 * grouped by year, with its numbering and section counts. It is the
 * navigation hub of the static site: published issue pages are never
 * rewritten, so an older page cannot learn about the issues after it; the
 * archive can, and every issue page links to it. This module builds the
 * page's data; `templates/archive.hbs` lays it out (editors restyle there).
 */
import { cutAtSentence, numberingLine, type Templates } from '../render/index.ts';
import type { Issue, IssueNumber, IsoDate } from '../types.ts';

/** What the archive shows of one issue (cheap to keep for thousands of issues). */
export interface ArchiveEntry {
  date: IsoDate;
  numbering: IssueNumber;
  /** Sections that have items, in issue order. */
  sections: { title: string; count: number }[];
  /** The lead headlines (first item of the first three sections). */
  leads?: string[];
  /** The start of the lead item's text (cut at a sentence when shown). */
  excerpt?: string;
}

/** Archive settings (the publication's). */
export interface ArchiveSettings {
  title: string;
  description: string;
  language: string;
  /** Whether `items.xml` (the per-item feed) is published. */
  itemFeed: boolean;
}

// The archive's excerpt of an issue's lead item, in characters.
const EXCERPT_CHARS = 90;

/** The archive's view of an issue. */
export function archiveEntry(issue: Issue): ArchiveEntry {
  return {
    date: issue.date,
    numbering: issue.numbering,
    sections: issue.sections.filter((s) => s.items.length).map((s) => ({ title: s.title, count: s.items.length })),
    leads: issue.sections
      .filter((s) => s.items.length)
      .slice(0, 3)
      .map((s) => s.items[0]!)
      .map((i) => (i.issuer ? `${i.issuer}：${i.title}` : i.title)),
    excerpt: cutAtSentence(issue.sections.find((s) => s.items.length)?.items[0]?.text ?? '', EXCERPT_CHARS).text,
  };
}

// Control characters are HTML parse errors (a feed's headline can carry one); the archive drops them.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const clean = (s: string) => s.replace(CONTROL, '');

/** What `templates/archive.hbs` shows of one issue. */
export interface ArchiveIssueView {
  date: IsoDate;
  /** `2024年 第七期（总第三十七期）` */
  numbering: string;
  leads: string[];
  /** Whole sentences of the lead item, or null. */
  excerpt: string | null;
  /** Items in the issue (0: the page says the issue had none). */
  total: number;
  sections: { title: string; count: number }[];
}

/** The data of `templates/archive.hbs`: the page's wording and markup live in the template. */
export interface ArchiveView {
  lang: string;
  title: string;
  description: string;
  itemFeed: boolean;
  /** The newest issue, linked from the masthead; null before the first. */
  latest: { date: IsoDate; numbering: string } | null;
  /** Issues grouped by year, newest first. */
  years: { year: string; issues: ArchiveIssueView[] }[];
  /** Whether the masthead lists the years (more than one). */
  yearNav: boolean;
}

const numbering = (n: IssueNumber) => numberingLine(n.year, n.number, n.totalNumber);

function issueView(e: ArchiveEntry): ArchiveIssueView {
  // The store hands over the text's first 300 characters; the page shows whole sentences.
  const excerpt = e.excerpt ? clean(cutAtSentence(e.excerpt, EXCERPT_CHARS).text) : '';
  return {
    date: e.date,
    numbering: numbering(e.numbering),
    leads: (e.leads ?? []).map(clean),
    excerpt: excerpt || null,
    total: e.sections.reduce((k, s) => k + s.count, 0),
    sections: e.sections,
  };
}

/** The archive's view model. `entries` may come in any order; they are shown newest first. */
export function archiveView(entries: ArchiveEntry[], s: ArchiveSettings): ArchiveView {
  const sorted = [...entries].sort((a, b) => b.date.localeCompare(a.date));
  const years = [...new Set(sorted.map((e) => e.date.slice(0, 4)))].map((year) => ({
    year,
    issues: sorted.filter((e) => e.date.startsWith(year)).map(issueView),
  }));
  const latest = sorted[0];
  return {
    lang: s.language,
    title: s.title,
    description: s.description,
    itemFeed: s.itemFeed,
    latest: latest ? { date: latest.date, numbering: numbering(latest.numbering) } : null,
    years,
    yearNav: years.length > 1,
  };
}

/** Render the archive page with `templates/archive.hbs` (of the configured templates folder). */
export function renderArchive(entries: ArchiveEntry[], s: ArchiveSettings, templates: Pick<Templates, 'archive'>): string {
  return templates.archive(archiveView(entries, s));
}
