/**
 * Render fixtures: fixed issues from tests/fixtures/issues/ (the seed issue
 * 《信息摘编》2024年第七期 as digest builds it, and a small hand-made issue
 * with hostile and missing fields), the seed's masthead settings, and issues
 * of any size made from the seed's items. Shared by tests and bench/render.bench.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RenderOptions } from '../../src/render/index.ts';
import type { Issue } from '../../src/types.ts';

/** tests/fixtures/issues/ */
export const ISSUES_DIR = fileURLToPath(new URL('../fixtures/issues/', import.meta.url));
/** The repository's templates/ folder. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** A fixture issue by name: `seed-2024-07-15` (63 items) or `small-2024-07-15` (5 items). */
export function loadIssue(name: string): Issue {
  return JSON.parse(readFileSync(`${ISSUES_DIR}${name}.issue.json`, 'utf8')) as Issue;
}

/** Render options with the seed's masthead (editing unit, contacts, editors) and the default summary length. */
export function renderOptions(overrides: Partial<RenderOptions> = {}): RenderOptions {
  const publication = JSON.parse(readFileSync(`${ISSUES_DIR}publication.json`, 'utf8')) as RenderOptions['publication'];
  return { publication, summaryChars: 220, previous: '2024-07-14', next: null, ...overrides };
}

/**
 * An issue of `count` items made from the seed's items (repeated as needed,
 * with fresh ids and positions), spread over the seed's sections in proportion.
 */
export function issueOfSize(count: number): Issue {
  const seed = loadIssue('seed-2024-07-15');
  const pool = seed.sections.flatMap((s) => s.items.map((item) => ({ item, section: s.id })));
  const sections = seed.sections.map((s) => ({ ...s, items: [] as Issue['sections'][number]['items'] }));
  for (let i = 0; i < count; i++) {
    const { item, section } = pool[i % pool.length]!;
    const round = Math.floor(i / pool.length);
    sections
      .find((s) => s.id === section)!
      .items.push({ ...item, id: `${item.id}-${round}`, title: round ? `${item.title}（${round + 1}）` : item.title });
  }
  let position = 0;
  for (const s of sections) for (const item of s.items) item.position = ++position;
  return { ...seed, sections };
}
