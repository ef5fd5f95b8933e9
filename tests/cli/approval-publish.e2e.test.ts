/**
 * With schedule.requireApproval a draft stays private: nothing reaches the
 * feeds or the archive until the approved issue is sent. On both stores: the
 * SQLite file, and PostgreSQL ($DIGEST_STORE_URL; the send through the job queue).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig } from '../helpers/config.ts';

const NOW = { DIGEST_NOW: '2024-07-15T00:30:00Z' };

describe.each(CLI_STORES)('$store store', ({ location }) => {
  test('an unapproved draft is not published; sending the approved issue publishes it', async () => {
    const { dir, file } = sampleConfig({ schedule: { requireApproval: true } });
    const { env } = await location(dir, NOW);
    const build = await runCli(['run', '--config', file, '--no-send'], { env });
    assert.equal(build.code, 0, build.stderr);
    assert.match(build.stdout, /draft kept private/);
    assert.ok(!existsSync(join(dir, 'out/feed.xml')), 'no feed before approval');
    assert.ok(!existsSync(join(dir, 'out/issues/2024-07-15/index.html')), 'no page before approval');

    const approve = await runCli(['approve', '--config', file, '--issue', '2024-07-15'], { env });
    assert.equal(approve.code, 0, approve.stderr);
    const send = await runCli(['send', '--config', file, '--issue', '2024-07-15'], { env });
    assert.equal(send.code, 0, send.stderr);
    assert.match(readFileSync(join(dir, 'out/feed.xml'), 'utf8'), /issues\/2024-07-15\//);
    assert.ok(existsSync(join(dir, 'out/issues/2024-07-15/index.html')));
  });
});
