/**
 * Independent checks of generated feeds: Python's feedparser (the Debian
 * package, which belongs to /usr/bin/python3, not the python3 first on PATH),
 * a JSON Feed 1.1 checker written from the spec, and file snapshots.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';

/** What feedparser made of a feed (dates as UTC ISO strings). */
export interface Parsed {
  bozo: boolean;
  bozoException: string | null;
  version: string;
  feed: {
    title: string;
    link: string;
    author: string | null;
    language: string | null;
    updated: string | null;
    links: { rel: string; href: string; type?: string }[];
  };
  entries: {
    id: string;
    title: string;
    link: string;
    published: string;
    publishedUtc: string | null;
    updatedUtc: string | null;
    content: { type: string; value: string }[];
    summary: string;
    tags: string[];
    author: string | null;
  }[];
}

const SCRIPT = `
import sys, json, calendar, datetime, feedparser
def utc(t):
    return datetime.datetime.fromtimestamp(calendar.timegm(t), datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ') if t else None
d = feedparser.parse(sys.argv[1])
f = d.feed
print(json.dumps({
  'bozo': bool(d.bozo),
  'bozoException': str(d.get('bozo_exception')) if d.bozo else None,
  'version': d.version,
  'feed': {'title': f.get('title'), 'link': f.get('link'), 'author': f.get('author'), 'language': f.get('language'), 'updated': utc(f.get('updated_parsed')),
           'links': [dict(l) for l in f.get('links', [])]},
  'entries': [{
    'id': e.get('id'), 'title': e.get('title'), 'link': e.get('link'), 'published': e.get('published'),
    'publishedUtc': utc(e.get('published_parsed')), 'updatedUtc': utc(e.get('updated_parsed')),
    'content': [{'type': c.get('type'), 'value': c.get('value')} for c in e.get('content', [])],
    'summary': e.get('summary'), 'tags': [t.get('term') for t in e.get('tags', [])], 'author': e.get('author'),
  } for e in d.entries],
}, ensure_ascii=False))
`;

/** Parse a feed file with /usr/bin/python3 + feedparser. */
export function feedparser(path: string): Parsed {
  const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `feedparser failed (install python3-feedparser: scripts/install-system-deps.sh): ${r.error ?? r.stderr}`);
  return JSON.parse(r.stdout) as Parsed;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Check a JSON Feed 1.1 document against the spec's rules
 * (https://www.jsonfeed.org/version/1.1/); returns the problems found.
 */
export function jsonFeedProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\//.test(v) && URL.canParse(v);
  const d = doc as Record<string, unknown>;
  if (d.version !== 'https://jsonfeed.org/version/1.1') problems.push(`version: ${String(d.version)}`);
  if (typeof d.title !== 'string' || !d.title) problems.push('title missing');
  for (const k of ['home_page_url', 'feed_url']) if (d[k] !== undefined && !isUrl(d[k])) problems.push(`${k} not an absolute URL`);
  if (d.authors !== undefined && !(Array.isArray(d.authors) && d.authors.every((a) => a && typeof a === 'object' && (a.name || a.url))))
    problems.push('authors malformed');
  if (!Array.isArray(d.items)) return [...problems, 'items not an array'];
  const ids = new Set<string>();
  d.items.forEach((item: Record<string, unknown>, i: number) => {
    if (typeof item.id !== 'string' || !item.id) problems.push(`items[${i}].id missing (must be a string)`);
    else if (ids.has(item.id)) problems.push(`items[${i}].id duplicate`);
    else ids.add(item.id);
    if (typeof item.content_html !== 'string' && typeof item.content_text !== 'string')
      problems.push(`items[${i}] has neither content_html nor content_text`);
    if (item.url !== undefined && !isUrl(item.url)) problems.push(`items[${i}].url not absolute`);
    for (const k of ['date_published', 'date_modified'])
      if (item[k] !== undefined && !RFC3339.test(String(item[k]))) problems.push(`items[${i}].${k} not RFC 3339`);
    if (item.tags !== undefined && !(Array.isArray(item.tags) && item.tags.every((t) => typeof t === 'string')))
      problems.push(`items[${i}].tags malformed`);
  });
  return problems;
}

/** The same JSON Feed read by Python's json module (a second, independent JSON parser). */
export function pythonJsonFeed(path: string): { title: string; items: { id: string; date_published: string; utc: string }[] } {
  const script = `
import sys, json, datetime
d = json.load(open(sys.argv[1], encoding='utf-8'))
for i in d['items']:
    i['utc'] = datetime.datetime.fromisoformat(i['date_published']).astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
print(json.dumps({'title': d['title'], 'items': [{k: i[k] for k in ('id', 'date_published', 'utc')} for i in d['items']]}, ensure_ascii=False))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const SNAPSHOTS = join(ROOT, 'tests/fixtures/publish/snapshots');

/**
 * Compare `actual` with the stored snapshot `name`. `UPDATE_SNAPSHOTS=1`
 * rewrites it; a missing snapshot fails (so CI never passes vacuously).
 */
export function assertSnapshot(name: string, actual: string): void {
  const path = join(SNAPSHOTS, name);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `snapshot ${path} is missing: run with UPDATE_SNAPSHOTS=1 and review it`);
  assert.equal(
    actual,
    readFileSync(path, 'utf8'),
    `output differs from snapshot ${name} (UPDATE_SNAPSHOTS=1 to accept a deliberate change)`,
  );
}

/** Every href/src in `html` that is not an absolute http(s)/mailto URL. */
export function relativeLinks(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!).filter((u) => !/^(https?:\/\/|mailto:)/.test(u));
}
