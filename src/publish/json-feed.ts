/**
 * JSON Feed 1.1 renderer (pure, https://jsonfeed.org/version/1.1): RFC 3339
 * dates in the publication's timezone, the full content as `content_html`.
 */
import type { FeedDocument } from './model.ts';
import { rfc3339 } from './xml.ts';

/** The feed as JSON Feed 1.1; `selfUrl` is where this file is published. */
export function renderJsonFeed(feed: FeedDocument, selfUrl: string): string {
  const zone = feed.timezone;
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: selfUrl,
    description: feed.description,
    language: feed.language,
    authors: [{ name: feed.author, url: feed.homeUrl }],
    ...(feed.icon ? { icon: feed.icon, favicon: feed.icon } : {}),
    items: feed.entries.map((e) => ({
      id: e.id,
      url: e.url,
      title: e.title,
      summary: e.summary,
      content_html: e.contentHtml,
      date_published: rfc3339(e.published, zone),
      date_modified: rfc3339(e.updated, zone),
      ...(e.author ? { authors: [{ name: e.author }] } : {}),
      ...(e.categories.length ? { tags: e.categories } : {}),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
