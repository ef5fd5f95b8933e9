/**
 * Contract suite, part 2: subscribers (statuses, sign-up, confirmation,
 * preferences, erasure, bounce reports) and the delivery ledger (planning,
 * pauses, the sending/sent claim, resume, requeue, totals, send runs), on
 * every backend (BACKENDS).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'vitest';
import { BACKENDS, openFresh } from './backends.ts';

const DATE = '2024-07-15';

describe.each(BACKENDS)('$name store', (backend) => {
  test('subscribers: add, record, case-insensitive addresses, unsubscribe, failures, complaints, counts and pages', async (t) => {
    const { store } = await openFresh(backend, t);
    const s = store.subscribers;
    assert.equal(s.add('Reader@Example.org', '读者', 't1'), 'added');
    assert.equal(s.add('reader@example.org', null, 't2'), 'updated');
    assert.equal(s.find('READER@example.org')!.name, '读者');
    assert.throws(() => s.add('not an address', null, 't'), /not a valid email address/);
    assert.equal(s.record('gone@example.org', 'G', 'unsubscribed', 't'), 'unsubscribed');
    assert.equal(s.record('GONE@example.org', null, 'bounced', 't'), 'bounced');
    assert.equal(s.find('gone@example.org')!.name, 'G');
    assert.equal(s.add('gone@example.org', null, 't'), 'kept-bounced');
    assert.equal(s.add('gone@example.org', null, 't', true), 'updated');
    assert.equal(s.unsubscribe('Gone@example.org', 't'), true);
    assert.equal(s.unsubscribe('gone@example.org', 't'), false);
    assert.equal(s.add('gone@example.org', null, 't'), 'kept-unsubscribed');
    const id = s.find('reader@example.org')!.id;
    assert.equal(s.recordFailure(id, 2, 't'), 'active');
    assert.equal(s.recordFailure(id, 2, 't'), 'bounced');
    const spam = s.find('gone@example.org')!.id;
    s.markComplained(spam, 't');
    assert.equal(s.record('gone@example.org', null, 'active', 't'), 'kept-complained');
    assert.equal(s.record('gone@example.org', null, 'unsubscribed', 't'), 'kept-complained');
    assert.equal(s.unsubscribeId(spam, 't'), 'already');
    assert.equal(s.unsubscribeId(99999, 't'), 'unknown');
    s.batch(() => {
      for (let i = 0; i < 5; i++) s.add(`r${i}@example.org`, null, 't');
    });
    assert.deepEqual(s.counts(), { pending: 0, active: 5, unsubscribed: 0, bounced: 1, complained: 1 });
    assert.deepEqual(
      s.page(0, 3, 'active').map((x) => x.email),
      ['r0@example.org', 'r1@example.org', 'r2@example.org'],
    );
    assert.equal([...s.all(2)].length, 7);
    assert.equal([...s.all(2, 'active')].length, 5);
    // A batch that throws stores nothing.
    assert.throws(() =>
      s.batch(() => {
        s.add('late@example.org', null, 't');
        throw new Error('stop');
      }),
    );
    assert.equal(s.find('late@example.org'), undefined);
  });

  test('sign-up, confirmation, preferences and address change', async (t) => {
    const { store } = await openFresh(backend, t);
    const s = store.subscribers;
    const signed = s.signUp('new@example.org', '新', ['b', 'a', 'a'], 't1');
    assert.equal(signed.outcome, 'new');
    assert.deepEqual(signed.subscriber, {
      id: signed.subscriber!.id,
      email: 'new@example.org',
      name: '新',
      status: 'pending',
      sections: ['a', 'b'],
      pausedIssues: 0,
    });
    assert.equal(s.signUp('NEW@example.org', null, null, 't2').outcome, 'pending');
    assert.equal(s.byId(signed.subscriber!.id)!.sections, null);
    assert.equal(s.confirm(signed.subscriber!.id, 't3'), 'activated');
    assert.equal(s.confirm(signed.subscriber!.id, 't3'), 'already');
    assert.equal(s.signUp('new@example.org', null, null, 't').outcome, 'active');
    s.setPreferences(signed.subscriber!.id, { sections: ['x'], pausedIssues: 2.7 }, 't4');
    assert.deepEqual(s.byId(signed.subscriber!.id)!.sections, ['x']);
    assert.equal(s.byId(signed.subscriber!.id)!.pausedIssues, 2);
    s.add('other@example.org', null, 't');
    assert.deepEqual(
      s.activeSectionSets().sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [['x'], null],
    );
    const id = signed.subscriber!.id;
    s.requestEmailChange(id, 'moved@example.org', 't5');
    assert.equal(s.pendingEmail(id), 'moved@example.org');
    assert.equal(s.confirmEmailChange(id, 'elsewhere@example.org', 't6'), 'stale');
    s.requestEmailChange(id, 'OTHER@example.org', 't5');
    assert.equal(s.confirmEmailChange(id, 'other@example.org', 't6'), 'taken');
    s.requestEmailChange(id, 'moved@example.org', 't5');
    assert.equal(s.confirmEmailChange(id, 'MOVED@example.org', 't6'), 'changed');
    assert.equal(s.byId(id)!.email, 'MOVED@example.org');
    assert.equal(s.pendingEmail(id), null);
  });

  test('erasure leaves only a hash; bounce reports are kept once; export holds everything stored', async (t) => {
    const { store } = await openFresh(backend, t);
    const s = store.subscribers;
    s.add('p@example.org', 'P', 't1');
    const id = s.find('p@example.org')!.id;
    store.deliveries.plan(DATE, 'example.org', 't2');
    const report = { subscriberId: id, kind: 'bounce', status: '5.1.1', detail: 'x'.repeat(600), reportMessageId: '<r1@mx>' };
    assert.equal(s.addBounceReport(report, 't3'), true);
    assert.equal(s.addBounceReport(report, 't3'), false);
    assert.equal(s.addBounceReport({ ...report, reportMessageId: null }, 't3'), true);
    assert.equal(s.addBounceReport({ ...report, reportMessageId: null }, 't3'), true);
    const record = s.exportRecord('P@example.org')!;
    assert.equal(record.subscriber.email, 'p@example.org');
    assert.equal(record.subscriber.createdAt, 't1');
    assert.equal(record.deliveries.length, 1);
    assert.equal(record.deliveries[0]!.issueDate, DATE);
    assert.equal(record.bounceReports.length, 3);
    assert.equal(record.bounceReports[0]!.detail!.length, 500);
    assert.equal(s.exportRecord('nobody@example.org'), undefined);
    assert.equal(s.forget('P@example.org', 't4'), true);
    assert.equal(s.find('p@example.org'), undefined);
    assert.equal(store.deliveries.get(DATE, id), undefined);
    assert.equal(s.isSuppressed('p@EXAMPLE.org'), true);
    assert.equal(s.add('p@example.org', null, 't5'), 'suppressed');
    assert.equal(s.signUp('p@example.org', null, null, 't5').outcome, 'suppressed');
    assert.equal(s.forget('p@example.org', 't6'), false);
  });

  test('the ledger: plan once with fixed Message-IDs, pauses skip once, claim and mark, resume, requeue, totals', async (t) => {
    const { store } = await openFresh(backend, t);
    const s = store.subscribers;
    for (const e of ['a', 'b', 'c', 'd']) s.add(`${e}@example.org`, e.toUpperCase(), 't0');
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((e) => s.find(`${e}@example.org`)!.id) as [number, number, number, number];
    s.setPreferences(d, { sections: null, pausedIssues: 1 }, 't0');
    s.unsubscribe('c@example.org', 't0');
    assert.equal(store.deliveries.plan(DATE, 'example.org', 't1'), 2);
    assert.equal(store.deliveries.plan(DATE, 'example.org', 't1'), 0, 'planning again adds nobody');
    assert.equal(s.byId(d)!.pausedIssues, 0, 'the pause counted down once');
    assert.equal(store.deliveries.get(DATE, d)!.status, 'skipped');
    assert.equal(store.deliveries.get(DATE, c), undefined);
    const planned = store.deliveries.get(DATE, a)!;
    assert.match(planned.messageId, new RegExp(`^<digest-${DATE}-${a}-[0-9a-f]{8}@example\\.org>$`));
    assert.deepEqual(store.deliveries.totals(DATE), { pending: 2, sending: 0, sent: 0, failed: 0, skipped: 1 });
    const batch = store.deliveries.pending(DATE, 0, 10);
    assert.deepEqual(batch[0], {
      subscriberId: a,
      email: 'a@example.org',
      name: 'A',
      subscriberStatus: 'active',
      sections: null,
      messageId: planned.messageId,
      attempts: 0,
    });
    assert.deepEqual(
      store.deliveries.pending(DATE, a, 10).map((p) => p.subscriberId),
      [b],
    );
    store.deliveries.markSending(DATE, a, 't2');
    store.deliveries.markDone(DATE, a, 'sent', null, '2024-07-15T00:00:02.000Z', '250 2.0.0 queued as X1');
    store.deliveries.markSending(DATE, b, 't2');
    assert.deepEqual(store.deliveries.totals(DATE), { pending: 0, sending: 1, sent: 1, failed: 0, skipped: 1 });
    // b's process died mid-transaction: it is sent again with the same Message-ID.
    const messageB = store.deliveries.get(DATE, b)!.messageId;
    assert.equal(store.deliveries.resumeInterrupted(DATE, 't3'), 1);
    assert.equal(store.deliveries.get(DATE, b)!.status, 'pending');
    assert.equal(store.deliveries.get(DATE, b)!.messageId, messageB);
    assert.equal(store.deliveries.get(DATE, b)!.attempts, 1);
    store.deliveries.markSending(DATE, b, 't4');
    store.deliveries.markDone(DATE, b, 'failed', '550 no such user', 't4');
    assert.equal(store.deliveries.requeueFailed(DATE, 't5'), 1);
    assert.equal(store.deliveries.get(DATE, b)!.status, 'pending');
    assert.deepEqual(store.deliveries.byMessageId(` ${planned.messageId} `)!.subscriberId, a);
    assert.equal(store.deliveries.byMessageId('<none@x>'), undefined);
    assert.deepEqual(store.deliveries.sentSince('2024-07-15T00:00:00.000Z', 10), ['2024-07-15T00:00:02.000Z']);
    assert.deepEqual(store.deliveries.sentSince('2024-07-15T00:00:03.000Z', 10), []);
  });

  test('send runs: counters as they go, the end, and runs of a dead process marked interrupted', async (t) => {
    const { store } = await openFresh(backend, t);
    const counts = { planned: 3, submitted: 1, retried: 0, failed: 0, skipped: 0, resumed: 0, remaining: 2 };
    const first = store.deliveries.startRun(DATE, 'smtp', 't1');
    store.deliveries.updateRun(first, counts);
    const second = store.deliveries.startRun(DATE, 'smtp', 't2');
    assert.ok(second > first);
    store.deliveries.finishRun(second, 'completed', { ...counts, submitted: 3, remaining: 0 }, 't3');
    const runs = store.deliveries.runs(DATE);
    assert.deepEqual(runs, [
      { id: first, issueDate: DATE, transport: 'smtp', startedAt: 't1', finishedAt: 't2', status: 'interrupted', error: null, ...counts },
      {
        id: second,
        issueDate: DATE,
        transport: 'smtp',
        startedAt: 't2',
        finishedAt: 't3',
        status: 'completed',
        error: null,
        ...counts,
        submitted: 3,
        remaining: 0,
      },
    ]);
    assert.deepEqual(store.deliveries.runs('2024-07-16'), []);
  });
});
