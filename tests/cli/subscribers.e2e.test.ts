/**
 * `digest subscribers list --json | export | forget`: statuses and sections,
 * everything stored about a person, and erasure that leaves only a hashed
 * suppression entry (no import or sign-up stores or mails the address again).
 * On both stores: the SQLite file, and PostgreSQL ($DIGEST_STORE_URL set to a
 * fresh database of a throwaway cluster).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { openSqliteStore, openStore, suppressionHash } from '../../src/store/index.ts';
import { runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig } from '../helpers/config.ts';
import { existsSync, writeFileSync } from 'node:fs';

describe.each(CLI_STORES)('$store store', ({ store: kind, location }) => {
  test('list shows statuses and sections; export prints everything; forget erases and suppresses', async () => {
    const { dir, file } = sampleConfig({ subscribers: [] });
    const { where, env } = await location(dir);
    const cli = async (...args: string[]) => {
      const r = await runCli([...args, '--config', file], { env });
      assert.equal(r.code, 0, r.stderr);
      return r;
    };
    await cli('subscribers', 'add', 'keep@example.org');
    await cli('subscribers', 'add', 'erase@example.org', '甲');
    let store = openStore(where);
    const now = '2024-07-15T00:00:00Z';
    const erase = store.subscribers.find('erase@example.org')!;
    store.subscribers.setPreferences(erase.id, { sections: ['intl', 'hot'], pausedIssues: 2 }, now);
    store.subscribers.signUp('new@example.org', null, ['hot'], now);
    store.subscribers.record('spam@example.org', null, 'complained', now);
    store.close();

    const list = JSON.parse((await cli('subscribers', 'list', '--json')).stdout);
    const byEmail = new Map((list.subscribers as { email: string; status: string; sections: string[] | null }[]).map((s) => [s.email, s]));
    assert.deepEqual(byEmail.get('erase@example.org')!.sections, ['hot', 'intl']);
    assert.equal(byEmail.get('new@example.org')!.status, 'pending');
    assert.equal(byEmail.get('spam@example.org')!.status, 'complained');
    assert.equal(byEmail.get('keep@example.org')!.sections, null);
    assert.deepEqual(list.counts, { pending: 1, active: 2, unsubscribed: 0, bounced: 0, complained: 1 });
    const text = (await cli('subscribers', 'list')).stdout;
    assert.match(text, /erase@example\.org\t甲\tactive\thot,intl\tpaused 2/);

    const exported = JSON.parse((await cli('subscribers', 'export', 'erase@example.org')).stdout);
    assert.equal(exported.subscriber.name, '甲');
    assert.equal(exported.subscriber.pausedIssues, 2);
    assert.ok(Array.isArray(exported.deliveries) && Array.isArray(exported.bounceReports));

    const forgot = await cli('subscribers', 'forget', 'Erase@Example.org');
    assert.match(forgot.stderr + forgot.stdout, /erased/);
    store = openStore(where);
    assert.equal(store.subscribers.find('erase@example.org'), undefined);
    assert.equal(store.subscribers.isSuppressed('erase@example.org'), true);
    assert.equal(store.subscribers.signUp('erase@example.org', null, null, now).outcome, 'suppressed');
    store.close();
    if (kind === 'sqlite') {
      // What the table holds, read directly: the hash only, no address.
      const file = openSqliteStore(where);
      const rows = file.db.prepare('SELECT hash FROM suppressions').all() as { hash: string }[];
      assert.deepEqual(rows, [{ hash: suppressionHash('erase@example.org') }]);
      assert.equal(JSON.stringify(file.db.prepare('SELECT * FROM suppressions').all()).includes('erase'), false, 'no address kept');
      file.close();
    }
    const csv = join(dir, 'again.csv');
    writeFileSync(csv, 'email\nerase@example.org\n');
    const imported = JSON.parse((await cli('subscribers', 'import', csv, '--json')).stdout);
    assert.deepEqual(imported.subscribers.counts, { suppressed: 1 });
    assert.equal((await runCli(['subscribers', 'export', 'erase@example.org', '--config', file], { env })).code, 1);
    // The PostgreSQL variant really ran there: no SQLite file was made.
    assert.equal(existsSync(join(dir, 'digest.db')), kind === 'sqlite');
  });
});
