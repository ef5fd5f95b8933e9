/**
 * Sections of one's choice: the build renders one variant per distinct set
 * of chosen sections and stores it; `digest send` sends each subscriber their
 * variant (only their sections, numbered and counted as they get them)
 * without rendering anything; a pause skips issues; resuming sends nobody twice.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { test } from 'vitest';
import { openSqliteStore } from '../../src/store/index.ts';
import { runCli } from '../helpers/cli.ts';
import { sampleConfig } from '../helpers/config.ts';

const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };
const DATE = '2024-07-15';

test('one render per distinct set of sections, made at build; send renders none and gives each their sections', async () => {
  const { dir, file } = sampleConfig({ subscribers: [] });
  const db = join(dir, 'digest.db');
  const who = ['all', 'intl', 'intl2', 'hotintl', 'paused', 'none'];
  for (const w of who) assert.equal((await runCli(['subscribers', 'add', `${w}@example.org`, '--config', file], { env })).code, 0);
  let store = openSqliteStore(db);
  const id = (w: string) => store.subscribers.find(`${w}@example.org`)!.id;
  const now = '2024-07-15T00:00:00Z';
  store.subscribers.setPreferences(id('intl'), { sections: ['intl'], pausedIssues: 0 }, now);
  store.subscribers.setPreferences(id('intl2'), { sections: ['intl'], pausedIssues: 0 }, now);
  store.subscribers.setPreferences(id('hotintl'), { sections: ['intl', 'hot'], pausedIssues: 0 }, now);
  store.subscribers.setPreferences(id('paused'), { sections: null, pausedIssues: 1 }, now);
  store.subscribers.setPreferences(id('none'), { sections: ['no-such-section'], pausedIssues: 0 }, now);
  store.close();

  const build = await runCli(['run', '--no-send', '--config', file], { env });
  assert.equal(build.code, 0, build.stderr);
  store = openSqliteStore(db);
  assert.equal((store.db.prepare('SELECT count(*) AS n FROM issue_variant_renders').get() as { n: number }).n, 2, 'intl, hot+intl');
  const issue = store.issues.get(DATE)!.issue;
  store.close();
  const titles = (ids: string[]) => issue.sections.filter((s) => ids.includes(s.id)).flatMap((s) => s.items.map((i) => i.title));

  const send = await runCli(['send', '--issue', DATE, '--json', '--config', file], { env });
  assert.equal(send.code, 0, send.stderr);
  const summary = JSON.parse(send.stdout).send;
  assert.deepEqual(summary.variants, { count: 3, rendered: 0 }, 'the whole issue and two variants, all from the build');
  assert.equal(summary.submitted, 4);
  assert.equal(summary.skipped, 1, 'the one whose sections have nothing (the paused one is skipped when planned)');

  const outbox = join(dir, 'out/outbox', DATE);
  const mails = new Map<string, Awaited<ReturnType<typeof simpleParser>>>();
  for (const f of readdirSync(outbox)) {
    const m = await simpleParser(readFileSync(join(outbox, f)));
    mails.set((m.to as { value: { address: string }[] }).value[0]!.address, m);
  }
  assert.deepEqual([...mails.keys()].sort(), ['all@example.org', 'hotintl@example.org', 'intl2@example.org', 'intl@example.org']);
  const intl = mails.get('intl@example.org')!.text!;
  const intlTitles = titles(['intl']);
  assert.ok(intlTitles.length > 0);
  assert.match(intl, new RegExp(`本期共 ${intlTitles.length} 条`), 'counted as they get it');
  assert.match(intl, /\n\s*1\. /, 'numbered from 1');
  for (const t of titles(['hot', 'industry', 'domestic'])) assert.ok(!intl.includes(t), `no "${t}" in the intl-only issue`);
  assert.equal(mails.get('intl2@example.org')!.text!.replace(/intl2@|u=\d+&t=[\w-]+/g, ''), intl.replace(/intl@|u=\d+&t=[\w-]+/g, ''));
  const everything = mails.get('all@example.org')!;
  assert.match(everything.text!, new RegExp(`本期共 ${titles(issue.sections.map((s) => s.id)).length} 条`));
  assert.match(
    String(everything.html),
    /preferences\?u=\d+&amp;t=[\w-]{32}"[^>]*>订阅设置<\/a>/,
    'the footer links to the preference centre',
  );
  assert.match(everything.text!, /订阅设置：\S+\/preferences\?u=\d+&t=[\w-]{32}/, 'so does the text part');

  store = openSqliteStore(db);
  assert.equal(store.subscribers.find('paused@example.org')!.pausedIssues, 0, 'one issue skipped, counted once');
  assert.equal(store.deliveries.get(DATE, id('paused'))!.status, 'skipped');
  store.close();
  const again = await runCli(['send', '--issue', DATE, '--json', '--config', file], { env });
  assert.equal(JSON.parse(again.stdout).send.submitted, 0, 'nobody twice');
});
