/**
 * Structured logs: JSON lines off a terminal, readable lines on one, run ids
 * carried by child loggers, levels filtered.
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import { createLogger, newRunId, parseLogLevel } from '../../src/log.ts';

function capture(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (s: string) => lines.push(s) } };
}
const at = () => new Date('2024-07-14T23:00:01.000Z');

test('not a TTY: one JSON object per line, with the run id of a child logger', () => {
  const { lines, stream } = capture(false);
  const log = createLogger({ stream, now: at });
  const run = log.child({ runId: '20240714T230000-3f9a0c', date: '2024-07-15' });
  run.info('issue built', { number: 1, sections: { 热点关注: 3 } });
  run.error('run failed', { error: new Error('smtp refused') });
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')));
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: '2024-07-14T23:00:01.000Z',
    level: 'info',
    msg: 'issue built',
    runId: '20240714T230000-3f9a0c',
    date: '2024-07-15',
    number: 1,
    sections: { 热点关注: 3 },
  });
  assert.equal(JSON.parse(lines[1]!).error, 'smtp refused');
});

test('a TTY: a readable line; levels below the minimum are dropped', () => {
  const { lines, stream } = capture(true);
  const log = createLogger({ stream, now: at, level: 'info' }).child({ runId: 'r1' });
  log.debug('idle check');
  log.warn('source policy: failed', { error: 'HTTP 503' });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^\d\d:\d\d:\d\d WARN {2}source policy: failed {2}run=r1 error="HTTP 503"\n$/);
});

test('log levels and run ids', () => {
  assert.equal(parseLogLevel('DEBUG'), 'debug');
  assert.equal(parseLogLevel('loud'), 'info');
  assert.equal(parseLogLevel(undefined, 'warn'), 'warn');
  const a = newRunId(new Date('2024-07-14T23:00:00Z'));
  assert.match(a, /^20240714T230000-[0-9a-f]{6}$/);
  assert.notEqual(a, newRunId(new Date('2024-07-14T23:00:00Z')));
});
