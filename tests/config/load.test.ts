import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { loadConfig, parseConfig, substituteEnv } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { tempDir } from '../helpers/tmp.ts';

test('embedded defaults: four default sections, outbox delivery, Asia/Shanghai', () => {
  const c = parseConfig({}, '(test)', {});
  assert.deepEqual(
    c.sections.map((s) => s.title),
    ['热点关注', '行业动向', '国际视野', '国内动态'],
  );
  assert.equal(c.publication.timezone, 'Asia/Shanghai');
  assert.equal(c.delivery.smtp, undefined);
  assert.equal(c.store.path, 'data/digest.db');
});

test('the shipped config/digest.yaml is valid and has the optional seed sections', () => {
  const c = loadConfig('config/digest.yaml', { DIGEST_SMTP_URL: 'smtp://x' });
  assert.ok(c.sections.some((s) => s.title === '自贸专题'));
  assert.ok(c.sources.length >= 4);
});

test('unknown keys are named with their path', () => {
  assert.throws(
    () => parseConfig({ publication: { titel: 'x' } }, 'f.yaml', {}),
    (err: ConfigError) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /f\.yaml/);
      assert.match(err.message, /publication: unknown key\(s\) "titel"/);
      return true;
    },
  );
});

test('wrong types name the key path', () => {
  assert.throws(() => parseConfig({ selection: { maxAgeDays: 'three' } }, 'f.yaml', {}), /selection\.maxAgeDays/);
  assert.throws(() => parseConfig({ sources: [{ id: 'a', type: 'ftp', url: 'x' }] }, 'f.yaml', {}), /sources\.0/);
});

test('${ENV} substitution, defaults, and a clear error for a missing variable', () => {
  assert.deepEqual(substituteEnv({ a: ['${X}', '${Y:-dflt}', '$${X}'] }, { X: 'ok' }), { a: ['ok', 'dflt', '${X}'] });
  assert.throws(
    () => parseConfig({ delivery: { smtp: { url: '${NOPE_SMTP}' } } }, 'f.yaml', {}),
    (err: ConfigError) => /delivery\.smtp\.url: environment variable NOPE_SMTP is not set/.test(err.message) && !!err.hint,
  );
});

test('bad rule patterns and duplicate ids are rejected', () => {
  const section = (id: string, pattern: string) => ({ id, title: id, rules: [{ id: `${id}.r`, titlePatterns: [pattern] }] });
  assert.throws(() => parseConfig({ sections: [section('a', '(')] }, 'f.yaml', {}), /sections\.a\.rules\.a\.r: bad pattern/);
  assert.throws(() => parseConfig({ sections: [section('a', 'x'), section('a', 'y')] }, 'f.yaml', {}), /duplicate id "a"/);
});

test('YAML syntax errors give file and line', () => {
  const dir = tempDir();
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'publication:\n  title: ok\n  bad: [unclosed\n');
  assert.throws(
    () => loadConfig(file, {}),
    (err: ConfigError) => err.exitCode === 2 && /bad\.yaml:\d+: YAML syntax error/.test(err.message),
  );
});

test('an explicit config path that does not exist is an error', () => {
  assert.throws(() => loadConfig('/nonexistent/digest.yaml', {}), /config file not found/);
});

test('delivery.from needs an address on one line (issue 15 item 11)', () => {
  for (const from of ['信息摘编', '信息摘编 <>', 'a <digest@example.org>\r\nBcc: victim@example.org', 'digest@example.org\n']) {
    assert.throws(
      () => parseConfig({ delivery: { from } }, 'f.yaml', {}),
      (err: ConfigError) => err instanceof ConfigError && err.exitCode === 2 && /delivery\.from: needs an address/.test(err.message),
      JSON.stringify(from),
    );
  }
  assert.equal(parseConfig({ delivery: { from: 'digest@example.org' } }, 'f.yaml', {}).delivery.from, 'digest@example.org');
  assert.equal(
    parseConfig({ delivery: { from: '"Digest, daily" <d@example.org>' } }, 'f.yaml', {}).delivery.from,
    '"Digest, daily" <d@example.org>',
  );
});

test('store.path inside output.dir is refused: out/ is published (issue 15 item 11)', () => {
  for (const store of ['out/digest.db', './out/data/x.db']) {
    assert.throws(
      () => parseConfig({ store: { path: store }, output: { dir: 'out' } }, 'f.yaml', {}),
      (err: ConfigError) =>
        err.exitCode === 2 && /store\.path .* inside output\.dir/.test(err.message) && /data\/digest\.db/.test(err.hint ?? ''),
    );
  }
  assert.equal(parseConfig({ store: { path: 'outside/x.db' }, output: { dir: 'out' } }, 'f.yaml', {}).store.path, 'outside/x.db');
});

test('a bad timezone is reported with its key (issue 15 item 11)', () => {
  assert.throws(
    () => parseConfig({ publication: { timezone: 'Mars/Olympus' } }, 'f.yaml', {}),
    (err: ConfigError) => err.exitCode === 2 && /publication\.timezone: unknown timezone/.test(err.message),
  );
});

test('schedule.cron "@daily" is refused at validation with the fix (issue 15 item 11)', () => {
  for (const cron of ['@daily', '@hourly', '0 7 * *']) {
    assert.throws(
      () => parseConfig({ schedule: { cron } }, 'f.yaml', {}),
      (err: ConfigError) => err.exitCode === 2 && /schedule\.cron: .*"0 0 \* \* \*"/.test(err.message),
      cron,
    );
  }
  assert.equal(parseConfig({ schedule: { cron: '0 0 7 * * 1-5' } }, 'f.yaml', {}).schedule.cron, '0 0 7 * * 1-5');
});
