/**
 * RSS 2.0 renderer (pure): full content in `content:encoded`, RFC 822 dates
 * in the publication's timezone, `atom:link rel="self"` as the RSS Advisory
 * Board recommends. `<author>` is left out because RSS wants an email
 * address there; `dc:creator` carries the name instead.
 */
import { GENERATOR, type FeedDocument } from './model.ts';
import { cdata, rfc3339, rfc822, xmlText } from './xml.ts';

const escapeHtml = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

// A daily publication: readers need not poll more than hourly (ttl, minutes) and learn it is daily (sy:).
const TTL_MINUTES = 60;

/** The feed as RSS 2.0; `selfUrl` is where this file is published. */
export function renderRss(feed: FeedDocument, selfUrl: string): string {
  const zone = feed.timezone;
  const items = feed.entries.map((e) =>
    [
      '    <item>',
      `      <title>${xmlText(e.title)}</title>`,
      `      <link>${xmlText(e.url)}</link>`,
      `      <guid isPermaLink="${e.idIsUrl}">${xmlText(e.id)}</guid>`,
      `      <pubDate>${rfc822(e.published, zone)}</pubDate>`,
      `      <dc:creator>${xmlText(e.author ?? feed.author)}</dc:creator>`,
      ...e.categories.map((c) => `      <category>${xmlText(c)}</category>`),
      ...(e.sourceDate ? [`      <dc:date>${rfc3339(e.sourceDate, zone)}</dc:date>`] : []),
      // RSS <description> is HTML: the plain summary is escaped as HTML, then as XML.
      `      <description>${xmlText(escapeHtml(e.summary))}</description>`,
      `      <content:encoded>${cdata(e.contentHtml)}</content:encoded>`,
      '    </item>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">',
    '  <channel>',
    `    <title>${xmlText(feed.title)}</title>`,
    `    <link>${xmlText(feed.homeUrl)}</link>`,
    `    <description>${xmlText(feed.description)}</description>`,
    `    <language>${xmlText(feed.language)}</language>`,
    `    <pubDate>${rfc822(feed.updated, zone)}</pubDate>`,
    `    <lastBuildDate>${rfc822(feed.updated, zone)}</lastBuildDate>`,
    `    <generator>${GENERATOR}</generator>`,
    '    <docs>https://www.rssboard.org/rss-specification</docs>',
    `    <ttl>${TTL_MINUTES}</ttl>`,
    '    <sy:updatePeriod>daily</sy:updatePeriod>',
    '    <sy:updateFrequency>1</sy:updateFrequency>',
    ...(feed.image
      ? [
          `    <image><url>${xmlText(feed.image)}</url><title>${xmlText(feed.title)}</title><link>${xmlText(feed.homeUrl)}</link><width>144</width><height>144</height></image>`,
        ]
      : []),
    `    <atom:link href="${xmlText(selfUrl)}" rel="self" type="application/rss+xml"/>`,
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}
