/**
 * `digest store copy`: a populated SQLite store (a sent issue, subscribers in
 * every state, an override, a revision, a pause) copied to PostgreSQL and
 * back; each copy holds the same rows (read through the repositories), and
 * the counts are printed. A non-empty target is refused without --force.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { runCli } from '../helpers/cli.ts';
import { sampleConfig } from '../helpers/config.ts';
import { freshDatabase } from '../helpers/postgres.ts';

const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };

/** What a store holds, read through the repositories (ids aside, which the copy keeps anyway). */
function contents(store: Store) {
  const subscribers = [...store.subscribers.all()];
  return {
    subscribers,
    counts: store.subscribers.counts(),
    exports: subscribers.map((s) => store.subscribers.exportRecord(s.email)),
    issue: store.issues.get('2024-07-15'),
    archive: store.issues.archiveEntries(),
    totals: store.deliveries.totals('2024-07-15'),
    runs: store.deliveries.runs('2024-07-15'),
    candidates: store.items.candidates('2024-07-16').map((i) => i.id),
    headlines: store.items.headlinesSince('2000-01-01'),
    overrides: store.overrides.list(),
    revisions: [...store.revisions.current()],
    placements: store.training.pastPlacements('2024-07-16', 5),
    suppressed: store.subscribers.isSuppressed('erased@example.org'),
    cycleRuns: store.runs.latest(5).map((r) => [r.id, r.status]),
  };
}

test('digest store copy: SQLite → PostgreSQL → SQLite keeps every row; counts printed; a non-empty target needs --force', async (t) => {
  const { dir, file } = sampleConfig();
  const sqlite = join(dir, 'digest.db');
  const run = await runCli(['run', '--config', file], { env });
  assert.equal(run.code, 0, run.stderr);
  const source = openStore(sqlite);
  const item = source.items.inIssue('2024-07-15')[0]!;
  source.overrides.set(item.id, { sectionId: 'world', pinnedFirst: true }, '2024-07-15T01:00:00Z');
  source.revisions.add(item.id, { title: '改过的标题' }, 'ed', '2024-07-15T01:00:00Z');
  source.subscribers.record('gone@example.org', null, 'unsubscribed', 'now');
  source.subscribers.signUp('new@example.org', '新', ['world'], 'now');
  source.subscribers.add('erased@example.org', null, 'now');
  source.subscribers.forget('erased@example.org', 'now');
  source.items.addOtherOutlet(
    item.id,
    { outlet: '新京报', link: 'https://bj.example/1', sourceId: 'bj' },
    {
      sourceId: 'bj',
      guid: 'local-7',
      link: 'https://bj.example/1',
      fingerprint: 'fp-merged',
    },
  );
  const before = contents(source);
  source.close();

  const url = await freshDatabase();
  const copied = await runCli(['store', 'copy', '--from', `sqlite:${sqlite}`, '--to', url, '--config', file, '--json'], { env });
  assert.equal(copied.code, 0, copied.stderr);
  const tables = JSON.parse(copied.stdout).copy.tables as { table: string; source: number; target: number }[];
  const rows = Object.fromEntries(tables.map((r) => [r.table, r.target]));
  assert.ok(tables.every((r) => r.source === r.target));
  assert.equal(rows.items, 64);
  assert.equal(rows.subscribers, 4);
  assert.equal(rows.deliveries, 2);
  assert.equal(rows.suppressions, 1);
  assert.equal(rows.item_aliases, 3);

  const pg = openStore(url);
  t.onTestFinished(() => pg.close());
  assert.deepEqual(contents(pg), before);
  // The copy goes on working: new ids follow the copied ones, merged keys still lead to their item.
  assert.equal(
    pg.subscribers.signUp('later@example.org', null, null, 'now').subscriber!.id,
    Math.max(...before.subscribers.map((s) => s.id)) + 1,
  );
  assert.equal(pg.items.findDuplicate({ sourceId: 'bj', guid: 'local-7', fingerprint: 'x' })!.item.id, item.id);

  const again = await runCli(['store', 'copy', '--from', `sqlite:${sqlite}`, '--to', url, '--config', file], { env });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /is not empty \(.*subscribers: 5/);
  assert.match(again.stderr, /--force/);

  const back = join(dir, 'back.db');
  const returned = await runCli(['store', 'copy', '--from', url, '--to', back, '--config', file], { env });
  assert.equal(returned.code, 0, returned.stderr);
  assert.match(returned.stdout, /subscribers\s+5 → 5/);
  assert.match(returned.stdout, /row counts match/);
  const local = openStore(back);
  t.onTestFinished(() => local.close());
  const after = contents(local);
  assert.equal(after.subscribers.length, 5);
  assert.deepEqual(
    { ...after, subscribers: after.subscribers.slice(0, 4), counts: before.counts, exports: after.exports.slice(0, 4) },
    before,
  );
  assert.equal(local.items.findDuplicate({ sourceId: 'bj', guid: 'local-7', fingerprint: 'x' })!.item.id, item.id);

  const forced = await runCli(['store', 'copy', '--from', `sqlite:${sqlite}`, '--to', url, '--force', '--config', file], { env });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /subscribers\s+4 → 4/);
});
