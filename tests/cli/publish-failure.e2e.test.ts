/**
 * Publishing that fails (a full disk; here a file where the issue's folder
 * should be, which stops any writer, root included) must not leave an issue
 * mailed with a link to a page that does not exist (issue 15): the send
 * refuses to start, the error names the path and what to do, and a later run
 * publishes the missing files before anyone is mailed. On both stores: the
 * SQLite file, and PostgreSQL ($DIGEST_STORE_URL; the send through the job queue).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig } from '../helpers/config.ts';

const NOW = { DIGEST_NOW: '2024-07-15T00:30:00Z' };
const DATE = '2024-07-15';

describe.each(CLI_STORES)('$store store', ({ location }) => {
  test('no send while the issue’s published files are missing; a later run re-publishes, then sends', async () => {
    const { dir, file } = sampleConfig();
    const { env } = await location(dir, NOW);
    assert.equal((await runCli(['run', '--no-send', '--config', file], { env })).code, 0);
    const issueDir = join(dir, 'out/issues', DATE);
    // The page was lost (publishing died half-way) and the folder cannot be written.
    rmSync(issueDir, { recursive: true });
    writeFileSync(issueDir, 'not a folder');

    const refused = await runCli(['send', '--issue', DATE, '--config', file], { env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cannot publish the issue of 2024-07-15: \w+ writing .*issues\/2024-07-15/);
    assert.match(refused.stderr, /then run digest send --issue 2024-07-15 \(or digest run\) again/);
    assert.ok(!existsSync(join(dir, 'out/outbox', DATE)), 'nobody was mailed');

    rmSync(issueDir);
    const sent = await runCli(['send', '--issue', DATE, '--config', file], { env });
    assert.equal(sent.code, 0, sent.stderr);
    assert.deepEqual(readdirSync(issueDir).sort(), ['email.html', 'email.txt', 'index.html', 'issue.json']);
    assert.equal(readdirSync(join(dir, 'out/outbox', DATE)).length, 2);
  });
});
