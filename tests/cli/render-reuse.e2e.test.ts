/**
 * A build stores the rendered issue; `digest send` sends that render (without
 * loading MJML) while the issue, templates and settings are unchanged, and
 * renders again when the templates changed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { parse, stringify } from 'yaml';
import { openSqliteStore } from '../../src/store/index.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { sampleConfig } from '../helpers/config.ts';

const env = { DIGEST_NOW: '2024-07-15T00:30:00Z' };
const DATE = '2024-07-15';

/** The decoded subject lines of the messages in an outbox folder. */
function outboxSubjects(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => {
      const head = readFileSync(join(dir, f), 'latin1')
        .split('\r\n\r\n')[0]!
        .replace(/\r\n[ \t]+/g, ' ');
      const subject = /^Subject: (.*)$/m.exec(head)![1]!;
      return subject.replace(/=\?utf-8\?B\?([^?]*)\?=\s*/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('latin1'));
    })
    .map((s) => Buffer.from(s, 'latin1').toString('utf8'));
}

/** Replace the stored render's subject, keeping its key: only a send that reuses the render shows it. */
function markStoredRender(db: string, subject: string): void {
  const store = openSqliteStore(db);
  try {
    const row = store.db.prepare('SELECT render_key, issue_json FROM issue_renders JOIN issues USING (date) WHERE date = ?').get(DATE) as
      | { render_key: string; issue_json: string }
      | undefined;
    assert.ok(row, 'the build stored its render');
    const rendered = store.issues.rendered(DATE, row.render_key)!;
    store.issues.saveRendered(DATE, row.issue_json, row.render_key, { ...rendered, subject }, 'now');
  } finally {
    store.close();
  }
}

test('send reuses the render stored at build, and renders again after a template change', async () => {
  const { dir, file } = sampleConfig();
  const templates = join(dir, 'templates');
  cpSync(join(ROOT, 'templates'), templates, { recursive: true });
  const config = parse(readFileSync(file, 'utf8'));
  writeFileSync(file, stringify({ ...config, render: { templates }, subscribers: [{ email: 'alice@example.org' }] }));

  const build = await runCli(['run', '--config', file, '--no-send'], { env });
  assert.equal(build.code, 0, build.stderr);
  markStoredRender(join(dir, 'digest.db'), 'REUSED RENDER');
  const send = await runCli(['send', '--config', file, '--issue', DATE, '--to', 'editor@example.org'], { env });
  assert.equal(send.code, 0, send.stderr);
  assert.deepEqual(outboxSubjects(join(dir, 'out/outbox', `${DATE}-test`)), ['[TEST] REUSED RENDER']);

  // Any template change makes the stored render stale.
  const partial = join(templates, 'partials', readdirSync(join(templates, 'partials'))[0]!);
  writeFileSync(partial, `${readFileSync(partial, 'utf8')}\n{{!-- changed --}}\n`);
  const again = await runCli(['send', '--config', file, '--issue', DATE], { env });
  assert.equal(again.code, 0, again.stderr);
  const subjects = outboxSubjects(join(dir, 'out/outbox', DATE));
  assert.equal(subjects.length, 1);
  assert.doesNotMatch(subjects[0]!, /REUSED/);
  assert.match(subjects[0]!, /信息摘编/);
});

test('digest send of a built issue does not load MJML', async () => {
  const { file } = sampleConfig();
  const build = await runCli(['run', '--config', file, '--no-send'], { env });
  assert.equal(build.code, 0, build.stderr);
  // The send in a process of its own, then a look at which CommonJS modules it loaded (mjml is CommonJS).
  const script = `
    import { createRequire } from 'node:module';
    const { main } = await import(${JSON.stringify(join(ROOT, 'src/cli.ts'))});
    const code = await main(['send', '--config', ${JSON.stringify(file)}, '--issue', '${DATE}']);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    process.stdout.write(JSON.stringify({ code, mjml: loaded.filter((p) => /node_modules[\\\\/]mjml/.test(p)).length, modules: loaded.length }));
  `;
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
  const result = JSON.parse(out.slice(out.lastIndexOf('{"code"')));
  assert.equal(result.code, 0);
  assert.ok(result.modules > 0, 'the check sees CommonJS modules at all');
  assert.equal(result.mjml, 0, 'no mjml module was loaded');
});
