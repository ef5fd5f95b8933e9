/**
 * The store backends every contract test runs against: a SQLite file in a
 * temp folder, and a fresh database in this test file's throwaway PostgreSQL
 * cluster (tests/helpers/postgres.ts). `open()` gives a store and a way to
 * open a second connection to the same data (another process, as far as the
 * store can tell); both are closed when the test ends.
 */
import { join } from 'node:path';
import type { TestContext } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import type { Issue, Item } from '../../src/types.ts';
import { freshDatabase } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/tmp.ts';

/** One backend under test. */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Where a new, empty store lives: a file path or a database URL. */
  location(): Promise<string>;
}

export const BACKENDS: Backend[] = [
  { name: 'sqlite', location: async () => join(tempDir(), 'digest.db') },
  { name: 'postgres', location: () => freshDatabase() },
];

/** A new store on `backend`, plus `another()` connection to it; all closed at the test's end. */
export async function openFresh(backend: Backend, t: TestContext): Promise<{ store: Store; where: string; another: () => Store }> {
  const where = await backend.location();
  const opened: Store[] = [];
  t.onTestFinished(() => {
    for (const s of opened.reverse()) s.close();
  });
  const open = () => {
    const s = openStore(where);
    opened.push(s);
    return s;
  };
  return { store: open(), where, another: open };
}

/** A stored item with sensible defaults. */
export function item(id: string, over: Partial<Item> = {}): Item {
  return {
    id,
    sourceId: 'gov',
    guid: `https://example.org/${id}`,
    link: `https://example.org/${id}`,
    title: `标题${id}`,
    issuer: '工信部',
    outlet: '人民网',
    publishedAt: '2024-07-14T08:00:00.000Z',
    firstSeenAt: '2024-07-14T09:00:00.000Z',
    text: `正文${id}。`,
    html: `<p>正文${id}。</p>`,
    attachments: [],
    fingerprint: `fp-${id}`,
    otherOutlets: [],
    pinnedSection: null,
    categories: [],
    ...over,
  };
}

/** An issue of `date` with sections of the given item ids (titles equal the ids). */
export function issue(date: string, sections: string[][], number = 1): Issue {
  let position = 0;
  return {
    date,
    title: '信息摘编',
    numbering: { year: Number(date.slice(0, 4)), number, totalNumber: number },
    window: { from: `${date}T00:00:00+08:00`, to: `${date}T07:00:00+08:00` },
    cutoff: `${date}T07:00:00+08:00`,
    unplaced: [],
    sections: sections.map((items, k) => ({
      id: `s${k}`,
      title: `栏目${k}`,
      overflow: [],
      items: items.map(
        (id) =>
          ({
            id,
            title: id,
            position: ++position,
            issuer: k === 0 ? '工信部' : null,
            outlet: '人民网',
            reason: `rule:r${k}`,
            text: `${id}的正文第一句。第二句。`.repeat(40),
          }) as unknown as Issue['sections'][number]['items'][number],
      ),
    })),
  };
}
