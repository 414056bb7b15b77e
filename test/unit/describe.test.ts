// The shared describing helpers (common/): written times and durations carry their rounding,
// plurals and session descriptions read the same in the outline, the Sessions view and msglog.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plural, problems, sessionDescription, timeRange } from '../../common/describe';
import { DAY_MS, formatDuration, formatWall } from '../../common/time';

test('formatWall rounds to the millisecond and carries into seconds, minutes, hours and days', () => {
  assert.equal(formatWall(999.6, false), '00:00:01.000');
  assert.equal(formatWall(999.4, false), '00:00:00.999');
  assert.equal(formatWall(59_999.5, false), '00:01:00.000');
  assert.equal(formatWall(3_599_999.7, false), '01:00:00.000');
  assert.equal(formatWall(DAY_MS - 0.2, false), '00:00:00.000 (+1d)');
  assert.equal(formatWall(Date.UTC(2026, 0, 15, 23, 59, 59, 999) + 0.8, true), '2026-01-16 00:00:00.000');
  assert.equal(formatWall(Date.UTC(2026, 0, 15, 12, 30, 5, 250), true), '2026-01-15 12:30:05.250');
  assert.equal(formatWall(Number.NaN, true), '');
});

test('formatDuration carries its rounding too', () => {
  assert.equal(formatDuration(59_999.6), '1m 0.000s');
  assert.equal(formatDuration(3_599_999.9), '1h 00m 0.000s');
  assert.equal(formatDuration(1_234.5678), '1.235s');
  assert.equal(formatDuration(-61_000), '-1m 1.000s');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '');
});

test('plurals, problems and session descriptions', () => {
  assert.equal(plural(1, 'record'), '1 record');
  assert.equal(plural(0, 'record'), '0 records');
  assert.equal(plural(2, 'mailbox', 'mailboxes'), '2 mailboxes');
  assert.equal(plural(12_345, 'record', 'records', true), '12,345 records');
  assert.equal(problems(1), '1 problem');
  assert.equal(timeRange('12:00:00', '12:00:00'), '12:00:00');
  assert.equal(timeRange('', ''), '');
  assert.equal(sessionDescription({ start: '12:00:00.000', end: '12:00:01.500', records: 3, problems: 1 }), '12:00:00.000 – 12:00:01.500 · 3 records · 1 problem');
  assert.equal(sessionDescription({ start: '', end: '', records: 1, problems: 0 }), '1 record');
});
