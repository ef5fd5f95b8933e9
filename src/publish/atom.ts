/**
 * Atom 1.0 renderer (pure, RFC 4287): RFC 3339 dates in the publication's
 * timezone, `link rel="self"`, the full content as `type="html"`.
 */
import { GENERATOR, type FeedDocument } from './model.ts';
import { cdata, rfc3339, xmlText } from './xml.ts';

/** The feed as Atom 1.0; `selfUrl` is where this file is published. */
export function renderAtom(feed: FeedDocument, selfUrl: string): string {
  const zone = feed.timezone;
  const entries = feed.entries.map((e) =>
    [
      '  <entry>',
      `    <id>${xmlText(e.id)}</id>`,
      `    <title type="text">${xmlText(e.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(e.url)}"/>`,
      `    <published>${rfc3339(e.published, zone)}</published>`,
      `    <updated>${rfc3339(e.updated, zone)}</updated>`,
      ...(e.author ? [`    <author><name>${xmlText(e.author)}</name></author>`] : []),
      ...e.categories.map((c) => `    <category term="${xmlText(c)}"/>`),
      `    <summary type="text">${xmlText(e.summary)}</summary>`,
      `    <content type="html">${cdata(e.contentHtml)}</content>`,
      '  </entry>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlText(feed.language)}">`,
    `  <id>${xmlText(feed.homeUrl)}</id>`,
    `  <title type="text">${xmlText(feed.title)}</title>`,
    `  <subtitle type="text">${xmlText(feed.description)}</subtitle>`,
    `  <updated>${rfc3339(feed.updated, zone)}</updated>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(feed.homeUrl)}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(selfUrl)}"/>`,
    // Entries without an author of their own inherit this one (RFC 4287 §4.1.1).
    `  <author><name>${xmlText(feed.author)}</name><uri>${xmlText(feed.homeUrl)}</uri></author>`,
    `  <generator>${GENERATOR}</generator>`,
    ...(feed.icon ? [`  <icon>${xmlText(feed.icon)}</icon>`] : []),
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
