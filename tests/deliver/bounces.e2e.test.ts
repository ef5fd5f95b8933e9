/**
 * `digest bounces` against a real IMAP server (dovecot, started by the test)
 * holding real-world report formats from tests/fixtures/bounces: Postfix and
 * Gmail DSNs (RFC 3464), an Exchange delay, an ARF complaint (RFC 5965), a
 * qmail failure notice, an out-of-office reply and a forged VERP bounce. On
 * both stores: the SQLite file, and PostgreSQL ($DIGEST_STORE_URL).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'vitest';
import { verpAddress } from '../../src/deliver/index.ts';
import { openStore } from '../../src/store/index.ts';
import { ROOT, runCli } from '../helpers/cli.ts';
import { CLI_STORES } from '../helpers/cli-stores.ts';
import { sampleConfig } from '../helpers/config.ts';
import { startImap } from '../helpers/imap.ts';

const SECRET = 'bounce-test-secret';
const RETURN_PATH = 'bounces+{id}.{token}@example.org';
const DATE = '2024-07-15';

describe.each(CLI_STORES)('$store store', ({ location }) => {
  test('DSNs, complaints and bounce texts are mapped by VERP or Message-ID, counted, and moved', async (t) => {
    const imap = await startImap(t);
    const { dir, file } = sampleConfig({
      subscribers: [],
      delivery: {
        from: '信息摘编 <digest@example.org>',
        unsubscribeSecret: SECRET,
        returnPath: RETURN_PATH,
        bounceAfter: 2,
        bounces: { imap: { url: imap.url, processedFolder: 'Processed' } },
      },
    });
    const { where, env } = await location(dir);
    const names = ['twice', 'gmail', 'complainer', 'delayed', 'away'];
    for (const n of names) assert.equal((await runCli(['subscribers', 'add', `${n}@example.net`, '--config', file], { env })).code, 0);
    const store = openStore(where);
    t.onTestFinished(() => store.close());
    store.deliveries.plan(DATE, 'example.org', '2024-07-15T00:30:00Z');
    const sub = (n: string) => store.subscribers.find(`${n}@example.net`)!;
    const fill = (fixture: string, n: string, verp = verpAddress(RETURN_PATH, SECRET, sub(n).id)) =>
      readFileSync(join(ROOT, 'tests/fixtures/bounces', fixture), 'utf8')
        .replaceAll('{{VERP}}', verp)
        .replaceAll('{{RCPT}}', `${n}@example.net`)
        .replaceAll('{{MESSAGE_ID}}', store.deliveries.get(DATE, sub(n).id)!.messageId);
    const messages = [
      fill('postfix-dsn-5.1.1.eml', 'twice'),
      fill('qmail-failure-notice.eml', 'twice'),
      fill('gmail-dsn-no-verp.eml', 'gmail'),
      fill('arf-abuse.eml', 'complainer'),
      fill('exchange-delayed-4.4.7.eml', 'delayed'),
      fill('out-of-office.eml', 'away'),
      // Forged: a VERP address with a wrong signature, and a Message-ID nobody was sent.
      fill('postfix-dsn-5.1.1.eml', 'away', `bounces+${sub('away').id}.AAAAAAAAAAAA@example.org`)
        .replace(/^Message-ID: <digest-[^>]+>/m, 'Message-ID: <not-ours@example.org>')
        .replace('<20240715003102.4WNr2k0Zq7z9sZ@mail.example.net>', '<forged-1@mail.example.net>'),
    ];
    const client = await imap.client();
    for (const m of messages) await client.append('INBOX', m);

    const run = await runCli(['bounces', '--json', '--config', file], { env });
    assert.equal(run.code, 0, run.stderr);
    const totals = JSON.parse(run.stdout).bounces;
    assert.deepEqual(
      { ...totals },
      {
        read: 7,
        bounces: 3,
        complaints: 1,
        temporary: 1,
        unmatched: 1,
        ignored: 1,
        repeated: 0,
        newlyBounced: 1,
        newlyComplained: 1,
        moved: 6,
      },
    );
    assert.equal(sub('twice').status, 'bounced', 'two permanent bounces reach bounceAfter: 2');
    assert.equal(sub('gmail').status, 'active', 'one bounce, mapped by Message-ID, counted');
    assert.equal(store.subscribers.exportRecord('gmail@example.net')!.subscriber.failures, 1);
    assert.equal(sub('complainer').status, 'complained');
    assert.equal(sub('delayed').status, 'active');
    assert.equal(sub('away').status, 'active', 'neither the auto-reply nor the forged bounce touches anyone');
    assert.equal(store.subscribers.add('complainer@example.net', null, 'now', true), 'kept-complained', 'never mailed again');

    const inbox = await client.status('INBOX', { messages: true });
    const processed = await client.status('Processed', { messages: true });
    assert.equal(inbox ? inbox.messages : null, 1, 'the out-of-office reply stays for a human');
    assert.equal(processed ? processed.messages : null, 6);

    // A report put back (a move that failed last time) is not counted twice.
    await client.append('INBOX', messages[2]!);
    const again = JSON.parse((await runCli(['bounces', '--json', '--config', file], { env })).stdout).bounces;
    assert.equal(again.repeated, 1);
    assert.equal(store.subscribers.exportRecord('gmail@example.net')!.subscriber.failures, 1);
  });
});
