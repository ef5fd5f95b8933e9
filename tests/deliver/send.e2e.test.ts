/**
 * sendIssue against a real SMTP server (smtp-server): exactly once, retries
 * with backoff on 4xx and dropped connections, 5xx failing one address (and
 * bouncing it), skipped leavers, resumed in-flight rows, the AbortSignal, a
 * refused login, an unreachable server, and the totals recorded per run.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'vitest';
import { classifySmtpError, type SmtpErrorLike } from '../../src/deliver/smtp.ts';
import { verifyUnsubscribeToken } from '../../src/deliver/unsubscribe.ts';
import { startSmtp } from '../helpers/smtp.ts';
import { ISSUE, SECRET, send, smtp, storeWith } from './helpers.ts';

test('every active subscriber gets the issue exactly once; a second run sends nothing', async (t) => {
  const server = await startSmtp();
  t.onTestFinished(() => server.close());
  const { store } = storeWith(25);
  t.onTestFinished(() => store.close());
  store.subscribers.unsubscribe('r3@example.org', new Date().toISOString());
  store.subscribers.record('r4@example.org', null, 'bounced', new Date().toISOString());
  const messenger = smtp(server.url);
  t.onTestFinished(() => messenger.close());

  const first = await send(store, messenger);
  assert.equal(first.status, 'completed');
  assert.equal(first.planned, 23);
  assert.equal(first.submitted, 23);
  assert.deepEqual([first.retried, first.failed, first.skipped, first.remaining], [0, 0, 0, 0]);

  const byRecipient = server.messageIdsByRecipient();
  assert.equal(byRecipient.size, 23);
  assert.ok(!byRecipient.has('r3@example.org') && !byRecipient.has('r4@example.org'), 'unsubscribed and bounced are never mailed');
  for (const [to, ids] of byRecipient) {
    assert.equal(ids.length, 1, to);
    const id = store.subscribers.find(to)!.id;
    const row = store.deliveries.get(ISSUE, id)!;
    assert.equal(row.status, 'sent');
    assert.equal(ids[0], row.messageId, 'the Message-ID planned in the ledger');
  }
  // Each message carries its own subscriber's signed link.
  const r1 = server.received.find((m) => m.envelopeTo[0] === 'r1@example.org')!;
  const link = new URL(/List-Unsubscribe: <([^>]+)>/.exec(r1.raw.replace(/\r\n\s+/g, ' '))![1]!);
  const sub = store.subscribers.find('r1@example.org')!;
  assert.equal(link.searchParams.get('u'), String(sub.id));
  assert.ok(verifyUnsubscribeToken(SECRET, sub.id, sub.email, link.searchParams.get('t')!));
  assert.ok(r1.parsed.text?.startsWith('读者1，您好'));

  const second = await send(store, messenger);
  assert.equal(second.status, 'completed');
  assert.equal(second.submitted, 0);
  assert.equal(second.alreadySent, 23);
  assert.equal(server.received.length, 23);

  const runs = store.deliveries.runs(ISSUE);
  assert.deepEqual(
    runs.map((r) => [r.status, r.submitted, r.planned]),
    [
      ['completed', 23, 23],
      ['completed', 0, 0],
    ],
  );
  assert.ok(runs.every((r) => r.finishedAt && r.transport.startsWith('smtp://127.0.0.1:')));
});

test('4xx and dropped connections are retried; 5xx fails that address only and bounces it', async (t) => {
  const server = await startSmtp((address, attempt) => {
    if (address === 'r2@example.org' && attempt <= 2) return { code: 451, message: '4.7.1 Greylisted, try again later' };
    if (address === 'r5@example.org' && attempt === 1) return 'disconnect';
    if (address === 'r7@example.org') return { code: 550, message: '5.1.1 No such user' };
    if (address === 'r9@example.org') return { code: 452, message: '4.2.2 Mailbox full' };
    return 'accept';
  });
  t.onTestFinished(() => server.close());
  const { store } = storeWith(12);
  t.onTestFinished(() => store.close());
  const messenger = smtp(server.url);
  t.onTestFinished(() => messenger.close());

  const totals = await send(store, messenger, { retries: 2, bounceAfter: 1 });
  assert.equal(totals.status, 'completed');
  // r2: 2 retries; r5: 1; r9: 2, then given up.
  assert.equal(totals.retried, 5);
  assert.equal(totals.failed, 2);
  assert.equal(totals.submitted, 10);

  const byRecipient = server.messageIdsByRecipient();
  for (const to of ['r2@example.org', 'r5@example.org', 'r1@example.org']) assert.equal(byRecipient.get(to)?.length, 1, to);
  assert.ok(!byRecipient.has('r7@example.org') && !byRecipient.has('r9@example.org'));
  assert.ok(
    [...byRecipient.values()].every((ids) => ids.length === 1),
    'nobody got two copies',
  );

  const r7 = store.subscribers.find('r7@example.org')!;
  assert.equal(store.deliveries.get(ISSUE, r7.id)!.status, 'failed');
  assert.match(store.deliveries.get(ISSUE, r7.id)!.error ?? '', /550 5\.1\.1 No such user/);
  assert.equal(r7.status, 'bounced', 'bounceAfter: 1');
  const r9 = store.subscribers.find('r9@example.org')!;
  assert.equal(store.deliveries.get(ISSUE, r9.id)!.status, 'failed');
  assert.equal(r9.status, 'active', 'temporary failures never bounce an address');
  assert.equal(store.deliveries.get(ISSUE, store.subscribers.find('r2@example.org')!.id)!.attempts, 3);
  const run = store.deliveries.runs(ISSUE)[0]!;
  assert.deepEqual([run.submitted, run.retried, run.failed], [10, 5, 2]);
});

test('a subscriber who leaves after planning is skipped; a row left `sending` is sent again with its Message-ID', async (t) => {
  const server = await startSmtp();
  t.onTestFinished(() => server.close());
  const { store } = storeWith(6);
  t.onTestFinished(() => store.close());
  const now = new Date().toISOString();
  store.deliveries.plan(ISSUE, 'example.org', now);
  store.subscribers.unsubscribe('r2@example.org', now);
  const r4 = store.subscribers.find('r4@example.org')!;
  store.deliveries.markSending(ISSUE, r4.id, now); // as a killed process leaves it
  const messenger = smtp(server.url);
  t.onTestFinished(() => messenger.close());

  const totals = await send(store, messenger);
  assert.deepEqual([totals.planned, totals.submitted, totals.skipped, totals.resumed], [0, 5, 1, 1]);
  assert.equal(store.deliveries.get(ISSUE, store.subscribers.find('r2@example.org')!.id)!.status, 'skipped');
  assert.deepEqual(server.messageIdsByRecipient().get('r4@example.org'), [store.deliveries.get(ISSUE, r4.id)!.messageId]);
});

test('the AbortSignal stops taking recipients, finishes those in flight and records them; the next run completes', async (t) => {
  const stop = new AbortController();
  const server = await startSmtp({ onAccepted: () => server.received.length === 5 && stop.abort() });
  t.onTestFinished(() => server.close());
  const { store } = storeWith(30);
  t.onTestFinished(() => store.close());
  const messenger = smtp(server.url);
  t.onTestFinished(() => messenger.close());

  const first = await send(store, messenger, { signal: stop.signal });
  assert.equal(first.status, 'stopped');
  const t1 = store.deliveries.totals(ISSUE);
  assert.equal(t1.sending, 0, 'nothing left in flight');
  assert.equal(t1.sent, server.received.length, 'every accepted message is recorded');
  assert.equal(first.submitted, server.received.length);
  assert.ok(first.remaining > 0 && first.remaining === t1.pending);
  assert.equal(store.deliveries.runs(ISSUE)[0]!.status, 'stopped');

  const second = await send(store, messenger);
  assert.equal(second.status, 'completed');
  assert.equal(second.submitted + first.submitted, 30);
  const byRecipient = server.messageIdsByRecipient();
  assert.equal(byRecipient.size, 30);
  assert.ok([...byRecipient.values()].every((ids) => ids.length === 1));
});

test('STARTTLS with authentication; a refused login stops the run and fails nobody', async (t) => {
  const server = await startSmtp({ starttls: true, auth: { user: 'digest', pass: 's3cret' } });
  t.onTestFinished(() => server.close());
  const { store } = storeWith(4);
  t.onTestFinished(() => store.close());

  const wrong = smtp(`smtp://digest:wrong@127.0.0.1:${server.port}`, { tlsRejectUnauthorized: false });
  const refused = await send(store, wrong);
  await wrong.close();
  assert.equal(refused.status, 'aborted');
  assert.match(refused.error ?? '', /535|Invalid username/);
  assert.equal(refused.failed, 0);
  assert.equal(store.deliveries.totals(ISSUE).pending, 4, 'all left pending');
  assert.equal(store.deliveries.runs(ISSUE)[0]!.status, 'aborted');

  // requireTLS against a server without STARTTLS: nothing may go out in clear text.
  const plain = await startSmtp();
  t.onTestFinished(() => plain.close());
  const cleartext = smtp(plain.url, { requireTLS: true });
  const refusedPlain = await send(store, cleartext);
  await cleartext.close();
  assert.equal(refusedPlain.status, 'aborted');
  assert.match(refusedPlain.error ?? '', /STARTTLS/i);
  assert.equal(plain.received.length, 0);

  const right = smtp(`smtp://digest:s3cret@127.0.0.1:${server.port}`, { tlsRejectUnauthorized: false, requireTLS: true });
  t.onTestFinished(() => right.close());
  const ok = await send(store, right);
  assert.equal(ok.submitted, 4);
  assert.ok(
    server.received.every((m) => m.secure && m.user === 'digest'),
    'upgraded with STARTTLS, then logged in',
  );
});

test('implicit TLS (smtps://)', async (t) => {
  const server = await startSmtp({ secure: true });
  t.onTestFinished(() => server.close());
  const { store } = storeWith(2);
  t.onTestFinished(() => store.close());
  const messenger = smtp(server.url, { tlsRejectUnauthorized: false });
  t.onTestFinished(() => messenger.close());
  assert.equal((await send(store, messenger)).submitted, 2);
  assert.ok(server.received.every((m) => m.secure));
});

test('an unreachable server stops the run after a streak of failures, leaving everyone pending', async (t) => {
  // A port that was free a moment ago: connections are refused.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  const { store } = storeWith(40);
  t.onTestFinished(() => store.close());
  const messenger = smtp(`smtp://127.0.0.1:${port}`, { maxConnections: 2 });
  t.onTestFinished(() => messenger.close());
  const totals = await send(store, messenger, { retryDelayMs: 60_000 });
  assert.equal(totals.status, 'aborted');
  assert.match(totals.error ?? '', /connection failures in a row.*ECONNREFUSED/s);
  assert.equal(totals.failed, 0);
  assert.equal(store.deliveries.totals(ISSUE).pending, 40);
});

test('greylisting (30 answers of 451/421 in a row) is retried per recipient and never stops the run', async (t) => {
  // A domain greylisted on first contact: more refusals in a row than the "server is down" limit (10).
  // The first 30 answers are refusals, whoever they are for, so no success comes between them.
  let refused = 0;
  const server = await startSmtp(() =>
    refused++ < 30 ? { code: refused % 2 ? 451 : 421, message: '4.7.1 Greylisted, try again later' } : 'accept',
  );
  t.onTestFinished(() => server.close());
  const { store } = storeWith(40);
  t.onTestFinished(() => store.close());
  const messenger = smtp(server.url, { maxConnections: 1 });
  t.onTestFinished(() => messenger.close());
  const totals = await send(store, messenger, { retries: 30, retryDelayMs: 1 });
  assert.equal(totals.error, null);
  assert.equal(totals.status, 'completed');
  assert.deepEqual([totals.submitted, totals.retried, totals.failed], [40, 30, 0]);
  assert.equal(server.received.length, 40);
  assert.equal(server.messageIdsByRecipient().size, 40);
});

test('ratePerSecond spaces messages over a sliding second', async (t) => {
  // A virtual clock: waiting advances it at once, so the figures are exact whatever the machine's speed.
  let virtual = 0;
  const rateClock = {
    now: () => virtual,
    sleep: async (ms: number) => {
      virtual += ms;
    },
  };
  const server = await startSmtp({ parse: false });
  t.onTestFinished(() => server.close());
  const { store } = storeWith(25);
  t.onTestFinished(() => store.close());
  const messenger = smtp(server.url);
  t.onTestFinished(() => messenger.close());
  assert.equal((await send(store, messenger, { ratePerSecond: 10, rateClock })).submitted, 25);
  // 10 at once, 10 more a second later, the last 5 after two seconds: exactly two seconds of waiting.
  assert.equal(virtual, 2000);
  assert.equal(server.received.length, 25);
});

test('SMTP errors: 5xx permanent (bouncing only for the address), refused sender or login fatal, the rest temporary', () => {
  const cases: [SmtpErrorLike, string, boolean][] = [
    [{ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 No such user' }, 'permanent', true],
    [{ code: 'EMESSAGE', responseCode: 550, command: 'DATA', response: '550 5.1.1 Unknown recipient' }, 'permanent', true],
    [{ code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 Message rejected as spam' }, 'permanent', false],
    [{ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM', response: '553 5.7.1 Sender not allowed' }, 'fatal', false],
    [{ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 Invalid login' }, 'fatal', false],
    [{ code: 'ETLS', command: 'STARTTLS', message: 'Error upgrading connection with STARTTLS' }, 'fatal', false],
    [{ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', response: '451 4.7.1 Greylisted' }, 'temporary', false],
    [{ code: 'EENVELOPE', responseCode: 503, command: 'RCPT TO', response: '503 Bad sequence of commands' }, 'temporary', false],
    [{ code: 'ECONNECTION', responseCode: 421, command: 'CONN', response: '421 Too many connections' }, 'temporary', false],
    [{ code: 'ESOCKET', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:25' }, 'temporary', false],
    [{ code: 'ETIMEDOUT', command: 'CONN', message: 'Timeout' }, 'temporary', false],
  ];
  for (const [err, kind, bounce] of cases) {
    const outcome = classifySmtpError(err);
    assert.equal(outcome.kind, kind, JSON.stringify(err));
    assert.equal(!!outcome.bounce, bounce, JSON.stringify(err));
  }
  // Only failures with no answer about the recipient say the server may be down.
  const connection = (err: SmtpErrorLike) => !!classifySmtpError(err).connection;
  assert.equal(connection({ code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', response: '451 4.7.1 Greylisted' }), false);
  assert.equal(connection({ code: 'EENVELOPE', responseCode: 421, command: 'RCPT TO', response: '421 4.7.0 Try later' }), false);
  assert.equal(connection({ code: 'EMESSAGE', responseCode: 451, command: 'DATA', response: '451 4.3.0 Try later' }), false);
  assert.equal(connection({ code: 'ECONNECTION', responseCode: 421, command: 'CONN', response: '421 Too many connections' }), true);
  assert.equal(connection({ code: 'ESOCKET', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:25' }), true);
  assert.equal(connection({ code: 'ETIMEDOUT', command: 'CONN', message: 'Timeout' }), true);
  assert.equal(connection({ code: 'ECONNECTION', message: 'the server closed the connection' }), true);
});
