/**
 * An issue's content is frozen once any delivery of it is sent (issue 15):
 * `digest build`, `override --rebuild` (and the preview's Update/Approve,
 * which build the same way) refuse, so the rest of the list gets what the
 * first readers got. A test copy is not a delivery and never freezes it.
 * On both stores: the SQLite file, and PostgreSQL ($DIGEST_STORE_URL).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig } from '../helpers/config.ts';

const NOW = { DIGEST_NOW: '2024-07-15T00:30:00Z' };
const DATE = '2024-07-15';

describe.each(CLI_STORES)('$store store', ({ location }) => {
  test('rebuilding is refused once one delivery is sent; test copies never freeze', async () => {
    const { dir, file } = sampleConfig();
    const { where, env } = await location(dir, NOW);
    assert.equal((await runCli(['run', '--no-send', '--config', file], { env })).code, 0);
    assert.equal((await runCli(['send', '--to', 'editor@example.org', '--config', file], { env })).code, 0);
    const after = await runCli(['build', '--date', DATE, '--config', file], { env });
    assert.equal(after.code, 0, `a test copy does not freeze the issue: ${after.stderr}`);

    // One subscriber has it (as after a kill mid-send): the issue is frozen.
    const store = openStore(where);
    const now = new Date().toISOString();
    store.deliveries.plan(DATE, 'example.org', now);
    const alice = store.subscribers.find('alice@example.org')!;
    store.deliveries.markSending(DATE, alice.id, now);
    store.deliveries.markDone(DATE, alice.id, 'sent', null, now, '250 OK');
    const item = store.issues.get(DATE)!.issue.sections.find((s) => s.items.length)!.items[0]!;
    store.close();

    const rebuilt = await runCli(['build', '--date', DATE, '--config', file], { env });
    assert.equal(rebuilt.code, 1);
    assert.match(rebuilt.stderr, /issue of 2024-07-15 has already gone to 1 subscriber\(s\); its content is frozen/);
    assert.match(rebuilt.stderr, /corrections go into the next issue/);
    const override = await runCli(['override', item.id, '--exclude', '--rebuild', '--config', file], { env });
    assert.equal(override.code, 1);
    assert.match(override.stderr, /frozen/);
    // Finishing the send is still allowed, unchanged.
    assert.equal((await runCli(['send', '--issue', DATE, '--config', file], { env })).code, 0);
  });
});
