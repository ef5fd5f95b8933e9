/**
 * The feeds of the two fixture issues, rendered once: shared by the unit
 * checks (tests/publish/feeds.test.ts) and the checks with Python's
 * feedparser (tests/publish/feeds.e2e.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAtom } from '../../src/publish/atom.ts';
import { issueFeed, itemFeed } from '../../src/publish/feeds.ts';
import { renderJsonFeed } from '../../src/publish/json-feed.ts';
import { renderRss } from '../../src/publish/rss.ts';
import { FIRST, SECOND, SETTINGS, fixturePage } from '../fixtures/publish/issues.ts';
import { tempDir } from '../helpers/tmp.ts';

export const BASE = 'https://example.org/digest/';
export const published = [
  { issue: SECOND, webHtml: fixturePage(SECOND, FIRST.date) },
  { issue: FIRST, webHtml: fixturePage(FIRST, null) },
];
export const issues = issueFeed(published, SETTINGS);
export const items = itemFeed([SECOND, FIRST], SETTINGS, 100);
export const files = {
  'feed.xml': renderRss(issues, `${BASE}feed.xml`),
  'atom.xml': renderAtom(issues, `${BASE}atom.xml`),
  'feed.json': renderJsonFeed(issues, `${BASE}feed.json`),
  'items.xml': renderRss(items, `${BASE}items.xml`),
};

/** The feed files written to a fresh temp folder (for readers that take a path); returns the folder. */
export function writeFeedFiles(): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
