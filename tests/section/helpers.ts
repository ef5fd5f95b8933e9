/**
 * Fixtures for the section tests: items built the way ingest builds them, and
 * a build input with fixed dates.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildItem, type EntryInput } from '../../src/ingest/item.ts';
import { ROOT } from '../helpers/cli.ts';
import type { BuildInput } from '../../src/section/build.ts';
import type { Issue, Item, SectionConfig } from '../../src/types.ts';

const SEEN = '2024-07-15T00:00:00.000Z';

/** An item from a headline like the seed's (`issuer：title`) and optional fields. */
export function item(title: string, extra: Partial<EntryInput> = {}): Item {
  return buildItem(
    { sourceId: 'test', title, text: extra.text ?? `${title}。正文。`, date: '2024-07-14', guid: title, ...extra },
    SEEN,
    'Asia/Shanghai',
  );
}

/** A build input for 2024-07-15 with no overrides. */
export function input(items: Item[], sections: SectionConfig[], extra: Partial<BuildInput> = {}): BuildInput {
  return {
    date: '2024-07-15',
    title: '信息摘编',
    numbering: { year: 2024, number: 7, totalNumber: 37 },
    cutoff: '2024-07-15T07:00:00.000+08:00',
    windowStart: '2024-07-12T07:00:00.000+08:00',
    items,
    sections,
    overrides: new Map(),
    ...extra,
  };
}

/** Where each item went: headline → [section id, reason]. */
export function placements(issue: Issue): Map<string, [string | null, string]> {
  const out = new Map<string, [string | null, string]>();
  for (const s of issue.sections) for (const i of s.items) out.set(i.title, [s.id, i.reason]);
  for (const i of issue.unplaced) out.set(i.title, [null, i.reason]);
  return out;
}

/** What a vitest test context offers for cleanup. */
interface Cleanup {
  onTestFinished: (fn: () => void) => void;
}

/**
 * A fresh temporary folder removed when the test finishes. The shared
 * tests/helpers/tmp.ts registers removal with node:test's `after`, which
 * vitest does not run; section tests use this one.
 */
export function tempDir(t: Cleanup, prefix = 'digest-section-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The sample configuration (tests/helpers/config.ts) in a temp folder removed when the test finishes. */
export function sampleConfig(t: Cleanup): { dir: string; file: string } {
  const dir = tempDir(t);
  const samples = join(ROOT, 'config/samples');
  const config = {
    publication: { title: '信息摘编', baseUrl: 'https://example.org/digest/', timezone: 'Asia/Shanghai' },
    store: { path: join(dir, 'digest.db') },
    output: { dir: join(dir, 'out') },
    render: { templates: join(ROOT, 'templates') },
    selection: { maxAgeDays: 3650 },
    sources: [
      { id: 'policy', type: 'rss', name: '政策速递', url: join(samples, 'feeds/policy.rss') },
      { id: 'world', type: 'rss', name: '国际视野样例', url: join(samples, 'feeds/world-gbk.rss') },
      { id: 'regions', type: 'rss', name: '地方动态样例', url: join(samples, 'feeds/regions.atom') },
      { id: 'inbox', type: 'inbox', path: join(samples, 'inbox') },
    ],
    subscribers: [{ email: 'alice@example.org', name: '爱丽丝' }, { email: 'bob@example.org' }],
    delivery: { from: '信息摘编 <digest@example.org>', unsubscribeSecret: 'test-secret' },
  };
  const file = join(dir, 'digest.yaml');
  writeFileSync(file, stringify(config));
  return { dir, file };
}
