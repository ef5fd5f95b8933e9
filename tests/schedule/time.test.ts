/**
 * Scheduled instants, issue dates and cut-offs in the publication's timezone,
 * across DST changes (America/New_York, Europe/Berlin) and in a zone without
 * DST (Asia/Shanghai).
 */
import assert from 'node:assert/strict';
import { test } from 'vitest';
import {
  cutoffFor,
  dailyTime,
  isScheduledDay,
  isValidCron,
  issueDateAt,
  nextScheduledAt,
  scheduledAt,
  wallTime,
} from '../../src/util/time.ts';

const iso = (d: { toISO(): string | null } | null) => d?.toISO() ?? null;
const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const SH = 'Asia/Shanghai';

test('the issue date is the calendar date in the publication zone', () => {
  // 23:30 UTC on 14 July is already 15 July in Shanghai, still 14 July in New York.
  const at = new Date('2024-07-14T23:30:00Z');
  assert.equal(issueDateAt(at, SH), '2024-07-15');
  assert.equal(issueDateAt(at, NY), '2024-07-14');
  assert.equal(issueDateAt(at, BERLIN), '2024-07-15');
});

test('the scheduled instant of a day, default 07:00 Asia/Shanghai', () => {
  assert.equal(iso(scheduledAt('2024-07-15', '0 7 * * *', SH)), '2024-07-15T07:00:00.000+08:00');
  // Seconds field first (node-cron's six-field form).
  assert.equal(iso(scheduledAt('2024-07-15', '30 15 6 * * *', SH)), '2024-07-15T06:15:30.000+08:00');
  // Several times a day: the first of them.
  assert.equal(iso(scheduledAt('2024-07-15', '0 19,7 * * *', SH)), '2024-07-15T07:00:00.000+08:00');
});

test('a time inside the spring-forward gap moves forward by the gap', () => {
  // New York: 2024-03-10 02:00 → 03:00. Berlin: 2024-03-31 02:00 → 03:00.
  assert.equal(iso(scheduledAt('2024-03-10', '30 2 * * *', NY)), '2024-03-10T03:30:00.000-04:00');
  assert.equal(iso(scheduledAt('2024-03-31', '30 2 * * *', BERLIN)), '2024-03-31T03:30:00.000+02:00');
  // The day before and after keep their wall time.
  assert.equal(iso(scheduledAt('2024-03-09', '30 2 * * *', NY)), '2024-03-09T02:30:00.000-05:00');
  assert.equal(iso(scheduledAt('2024-03-11', '30 2 * * *', NY)), '2024-03-11T02:30:00.000-04:00');
});

test('a time that occurs twice (fall-back) means its first occurrence', () => {
  // New York 2024-11-03: 01:30 EDT (05:30Z), then 01:30 EST (06:30Z).
  assert.equal(scheduledAt('2024-11-03', '30 1 * * *', NY)!.toUTC().toISO(), '2024-11-03T05:30:00.000Z');
  // Berlin 2024-10-27: 02:30 CEST (00:30Z), then 02:30 CET (01:30Z).
  assert.equal(scheduledAt('2024-10-27', '30 2 * * *', BERLIN)!.toUTC().toISO(), '2024-10-27T00:30:00.000Z');
  // The cut-off is the same instant as the schedule.
  assert.equal(cutoffFor('2024-11-03', '30 1 * * *', NY).toMillis(), scheduledAt('2024-11-03', '30 1 * * *', NY)!.toMillis());
});

test('the cut-off follows the zone across DST: 07:00 local, whatever the UTC offset', () => {
  assert.equal(cutoffFor('2024-03-09', '0 7 * * *', NY).toUTC().toISO(), '2024-03-09T12:00:00.000Z');
  assert.equal(cutoffFor('2024-03-10', '0 7 * * *', NY).toUTC().toISO(), '2024-03-10T11:00:00.000Z');
  // A 3-day window before the cut-off spans the change in calendar days, not 72 hours.
  const cut = cutoffFor('2024-03-11', '0 7 * * *', NY);
  assert.equal(cut.minus({ days: 3 }).toISO(), '2024-03-08T07:00:00.000-05:00');
  assert.equal(cut.diff(cut.minus({ days: 3 }), 'hours').hours, 71);
});

test('days the cron does not fire on have no scheduled instant', () => {
  // Weekdays only: 2024-07-13 is a Saturday, 2024-07-15 a Monday.
  assert.equal(isScheduledDay('2024-07-13', '0 7 * * 1-5', SH), false);
  assert.equal(scheduledAt('2024-07-13', '0 7 * * 1-5', SH), null);
  assert.equal(isScheduledDay('2024-07-15', '0 7 * * 1-5', SH), true);
  // node-cron's day syntax (last day of the month) is understood too.
  assert.equal(isScheduledDay('2024-02-29', '0 7 L * *', SH), true);
  assert.equal(isScheduledDay('2024-02-28', '0 7 L * *', SH), false);
});

test('the next scheduled instant', () => {
  // Before 07:00 → today; after → tomorrow.
  assert.equal(iso(nextScheduledAt(new Date('2024-07-14T22:00:00Z'), '0 7 * * *', SH)), '2024-07-15T07:00:00.000+08:00');
  assert.equal(iso(nextScheduledAt(new Date('2024-07-14T23:00:00Z'), '0 7 * * *', SH)), '2024-07-16T07:00:00.000+08:00');
  // Friday evening → Monday for a weekday schedule.
  assert.equal(iso(nextScheduledAt(new Date('2024-07-12T12:00:00Z'), '0 7 * * 1-5', SH)), '2024-07-15T07:00:00.000+08:00');
  // On the spring-forward day, after 03:00 local but before the shifted 03:30.
  assert.equal(iso(nextScheduledAt(new Date('2024-03-10T07:10:00Z'), '30 2 * * *', NY)), '2024-03-10T03:30:00.000-04:00');
  // Every second: the next second.
  assert.equal(nextScheduledAt(new Date('2024-07-15T00:00:00.400Z'), '* * * * * *', SH)!.toMillis(), Date.parse('2024-07-15T00:00:01Z'));
});

test('wallTime gives valid instants and cron validation matches node-cron', () => {
  assert.equal(wallTime('2024-07-15', { hour: 7, minute: 0 }, SH).toUTC().toISO(), '2024-07-14T23:00:00.000Z');
  assert.equal(isValidCron('0 7 * * *'), true);
  assert.equal(isValidCron('* * * * * *'), true);
  assert.equal(isValidCron('7 o clock'), false);
  assert.equal(isValidCron('0 25 * * *'), false);
});

test('several times a day: the cut-off is the first time the scheduler fires (node-cron parses both)', () => {
  assert.equal(iso(cutoffFor('2024-07-15', '30 6,18 * * *', SH)), '2024-07-15T06:30:00.000+08:00');
  assert.equal(iso(scheduledAt('2024-07-15', '30 6,18 * * *', SH)), '2024-07-15T06:30:00.000+08:00');
  assert.equal(iso(nextScheduledAt(new Date('2024-07-15T07:00:00+08:00'), '30 6,18 * * *', SH)), '2024-07-15T18:30:00.000+08:00');
  // Every six hours fires first at midnight, which is then the cut-off too (it used to fall back to 23:59).
  assert.equal(iso(cutoffFor('2024-07-15', '0 */6 * * *', SH)), '2024-07-15T00:00:00.000+08:00');
  assert.equal(iso(scheduledAt('2024-07-15', '0 */6 * * *', SH)), '2024-07-15T00:00:00.000+08:00');
  assert.deepEqual(dailyTime('0 */6 * * *'), { hour: 0, minute: 0, second: 0 });
  assert.deepEqual(dailyTime('30 6,18 * * *'), { hour: 6, minute: 30, second: 0 });
  // A day the cron skips (weekdays only, a Saturday) still has a cut-off at the scheduled time of day, for back-fills.
  assert.equal(iso(cutoffFor('2024-07-13', '15 8 * * 1-5', SH)), '2024-07-13T08:15:00.000+08:00');
});
