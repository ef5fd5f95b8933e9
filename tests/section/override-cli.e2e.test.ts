/**
 * Editors' decisions through the real CLI: `digest override` moves, excludes
 * and lists; a rebuilt issue.json shows the change; `digest import` front
 * matter `section:` places an item; the next issue's classifier has learned
 * from the previous one. On both stores (tests/helpers/cli-stores.ts): the
 * overrides, their history, the items search and the training corpus are all
 * read from the store.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig } from '../helpers/config.ts';

interface JsonItem {
  id: string;
  title: string;
  issuer: string | null;
  reason: string;
}
interface JsonIssue {
  sections: { id: string; items: JsonItem[] }[];
  unplaced: { id: string; title: string; reason: string }[];
}

const readIssue = (dir: string, date: string): JsonIssue => JSON.parse(readFileSync(join(dir, 'out/issues', date, 'issue.json'), 'utf8'));
const find = (issue: JsonIssue, headline: string) => {
  for (const s of issue.sections)
    for (const i of s.items) if (`${i.issuer ?? ''}：${i.title}`.includes(headline)) return { section: s.id, item: i };
  return null;
};

describe.each(CLI_STORES)('$store store', ({ store, location }) => {
  test('digest override moves and excludes an item in the rebuilt issue; import front matter places one', {
    timeout: 180_000,
  }, async () => {
    const { dir, file } = sampleConfig();
    const { env } = await location(dir, { DIGEST_NOW: '2024-07-15T00:30:00Z' });
    const nextDay = { ...env, DIGEST_NOW: '2024-07-16T00:30:00Z' };
    const cli = (...args: string[]) => runCli([...args, '--config', file], { env });
    const built = await cli('run', '--no-send');
    assert.equal(built.code, 0, built.stderr);
    const before = find(readIssue(dir, '2024-07-15'), '中国风电专利竞争力跃居世界第一')!;
    assert.equal(before.section, 'intl');
    assert.match(before.item.reason, /^规则 intl\.foreign-media/);

    // Move it by a piece of its headline, then rebuild.
    const moved = await cli('override', '风电专利竞争力', '--section', '国内动态');
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, new RegExp(`${before.item.id}  日媒：中国风电专利竞争力跃居世界第一\\n  → section 国内动态 \\(domestic\\)`));
    assert.match(moved.stdout, /digest build --date 2024-07-15/);
    const rebuilt = await cli('build', '--date', '2024-07-15');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const after = find(readIssue(dir, '2024-07-15'), '中国风电专利竞争力跃居世界第一')!;
    assert.deepEqual([after.section, after.item.reason], ['domestic', '编辑移入本栏']);

    // Exclude it by id and rebuild in one go: it leaves the issue and is reported as unplaced.
    const excluded = await cli('override', before.item.id, '--exclude', '--rebuild', '--json');
    assert.equal(excluded.code, 0, excluded.stderr);
    assert.equal(JSON.parse(excluded.stdout).build.status, 'rebuilt');
    const issue = readIssue(dir, '2024-07-15');
    assert.equal(find(issue, '中国风电专利竞争力跃居世界第一'), null);
    assert.deepEqual(
      issue.unplaced.map((u) => [u.id, u.reason]),
      [[before.item.id, '编辑已排除']],
    );

    const listed = await cli('override', '--list', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      JSON.parse(listed.stdout).overrides.map((o: { itemId: string; excluded: boolean; sectionId: string }) => [
        o.itemId,
        o.excluded,
        o.sectionId,
      ]),
      [[before.item.id, true, 'domestic']],
    );
    // Who changed what when: each override is in the history, with the OS user (or preview.editor).
    const history = JSON.parse(listed.stdout).history as { itemId: string; editor: string; action: string; detail: string }[];
    assert.ok(history.length >= 1, 'the overrides are in the history');
    assert.equal(history[0]!.itemId, before.item.id);
    assert.equal(history[0]!.action, 'override');
    assert.ok(history[0]!.editor.length > 0);
    const text = await cli('override', '--list');
    assert.match(text.stdout, /history \(newest first\):\n {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}\S+ {2}override \(excluded/);

    // Bad usage names the problem and exits 2.
    const badSection = await cli('override', before.item.id, '--section', 'sports');
    assert.equal(badSection.code, 2);
    assert.match(badSection.stderr, /no section "sports"[\s\S]*hot \(热点关注\)/);

    // Clearing brings the rules back.
    const cleared = await cli('override', before.item.id, '--clear', '--rebuild');
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(find(readIssue(dir, '2024-07-15'), '中国风电专利竞争力跃居世界第一')!.section, 'intl');

    // The next day: an editor item with `section:` front matter, and one no rule decides.
    const md = join(dir, 'pinned.md');
    writeFileSync(
      md,
      '---\ntitle: 北京：图书馆推出暑期阅读季\ndate: 2024-07-15\nsection: 国际视野\n---\n北京市图书馆推出暑期阅读季活动。\n',
    );
    const plain = join(dir, 'unknown.txt');
    writeFileSync(
      plain,
      '韩媒: 中国风电整机出口大幅增长\n\n参考消息网 2024-07-15\n\n韩国媒体报道，中国风电整机出口大幅增长。\n\n某研究院：数字化转型指数发布\n\n研究院网站 2024-07-15\n\n指数显示数字化转型持续推进。\n',
    );
    const imported = await runCli(['import', md, plain, '--config', file], { env: nextDay });
    assert.equal(imported.code, 0, imported.stderr + imported.stdout);
    const next = await runCli(['build', '--date', '2024-07-16', '--config', file], { env: nextDay });
    assert.equal(next.code, 0, next.stderr);
    const issue16 = readIssue(dir, '2024-07-16');
    const pinned = find(issue16, '图书馆推出暑期阅读季')!;
    assert.deepEqual([pinned.section, pinned.item.reason], ['intl', '编辑稿件指定的栏目（稿件头部的 section 字段）']);
    assert.match(find(issue16, '中国风电整机出口大幅增长')!.item.reason, /^规则 intl\.foreign-media/);
    // No rule decides this one: the classifier, trained on the 2024-07-15 issue, places it and says how sure it is.
    const guessed = find(issue16, '数字化转型指数发布')!;
    assert.match(guessed.item.reason, /^分类器 naive-bayes [01]\.\d\d（[^；）]+(；主要特征：[^）]+)?）/);
    assert.equal(existsSync(join(dir, 'digest.db')), store === 'sqlite', 'the CLI kept its store where it was told');
  });
});
