// The engine's several-logs pieces on their own: byte streams of rotated files, file and line of
// each record, the stable k-way merge and its incremental extension, rotation order, inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConcatSource } from '../../server/src/engine/concatSource';
import { dialectById } from '../../server/src/engine/dialects';
import { expandInputs, LogIndex, LogSet, MemorySource, RecordFlag } from '../../server/src/engine';
import type { LogFile } from '../../server/src/engine';
import { MergedOrder } from '../../server/src/engine/merge';
import { groupSources } from '../../server/src/engine/rotation';

const cgp = dialectById('communigate-log')!;

test('a concatenation supplies a line feed after a file without one, and reads across files', () => {
  const c = new ConcatSource([new MemorySource(Buffer.from('a\nb')), new MemorySource(Buffer.from('c\n')), new MemorySource(Buffer.from('d'))]);
  assert.equal(c.size, 3 + 1 + 2 + 1);
  assert.equal(c.read(0, c.size).toString(), 'a\nb\nc\nd');
  assert.equal(c.read(2, 5).toString(), 'b\nc');
  assert.deepEqual([c.partAt(0), c.partAt(3), c.partAt(4), c.partAt(6)], [0, 0, 1, 2]);
  c.holdPartialLine = true;
  assert.equal(c.size, 6, 'the last line, still being written, is held back');
});

test('the line each part of a concatenation starts at: LF, CRLF and lone CR end lines, also split across reads', () => {
  const parts = ['a\r\nb\rc\n', 'd\r', 'e\r\r\nf', '\r\n\rg\n', 'h'];
  const c = new ConcatSource(parts.map((p) => new MemorySource(Buffer.from(p))));
  // Counted on the whole text before each part: a line feed is supplied after 'f' (no LF at its end).
  const ends = (text: string): number => (text.match(/\r\n|\r|\n/g) ?? []).length;
  const stream = c.read(0, c.size).toString('latin1');
  const expected = parts.map((_, k) => ends(stream.slice(0, c.partStart(k))));
  assert.deepEqual(expected, [0, 3, 4, 7, 10]);
  for (const chunk of [1, 2, 3, 5, 1 << 20]) assert.deepEqual(c.partFirstLines(chunk), expected, `reads of ${chunk} bytes`);
});

test('records of rotated files keep their file and line; a session goes on across files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-set-'));
  try {
    fs.writeFileSync(path.join(dir, '2026-01-14.log'), 'preamble\n23:59:59.000 2 IMAP-000001([1.2.3.4]) connected\n  continued');
    fs.writeFileSync(path.join(dir, '2026-01-15.log'), '***\n00:00:01.000 2 IMAP-000001([1.2.3.4]) closed\n');
    const { files } = await expandInputs([dir]);
    const set = await LogSet.open(files);
    assert.equal(set.sources.length, 1);
    const src = set.sources[0];
    assert.equal(src.index.sessionCount, 1, 'one IMAP session over midnight');
    assert.deepEqual(src.locateRecord(0), { file: 0, line: 1 });
    assert.deepEqual(src.locateRecord(1), { file: 1, line: 1 }, 'after the marker line of the second file');
    assert.equal(src.index.normalized(1) - src.index.normalized(0), 2000, 'the next day');
    set.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** An index of CommuniGate records at the given times of day (seconds). */
function indexAt(times: number[]): LogIndex {
  const text = times.map((t, i) => `${new Date(t * 1000).toISOString().slice(11, 23)} 2 S-${i} r\n`).join('');
  return LogIndex.fromBytes(Buffer.from(text), cgp);
}

test('the merge is stable: equal times in source order, each source in its own file order', () => {
  const a = indexAt([1, 3, 3, 2]);
  const b = indexAt([0, 3, 5]);
  const order = new MergedOrder([
    { store: a, shiftMs: 0 },
    { store: b, shiftMs: 0 },
  ]);
  const seq = Array.from({ length: order.length }, (_, p) => `${'ab'[order.src[p]]}${order.rec[p]}`);
  assert.deepEqual(seq, ['b0', 'a0', 'a1', 'a2', 'a3', 'b1', 'b2'], 'a3 (time 2, after a 3) stays in a’s file order');
  for (let p = 0; p < order.length; p++) assert.equal(order.rank[order.src[p]][order.rec[p]], p);
});

test('extending the merge places new records after what was merged', () => {
  const sourceA = new MemorySource(Buffer.from('00:00:01.000 2 A-1 x\n'));
  const a = new LogIndex(sourceA, cgp);
  a.build();
  const b = indexAt([2]);
  const order = new MergedOrder([
    { store: a, shiftMs: 0 },
    { store: b, shiftMs: 0 },
  ]);
  assert.equal(order.length, 2);
  sourceA.append(Buffer.from('00:00:00.500 2 A-2 late\n00:00:09.000 2 A-3 y\n'));
  assert.ok(a.append());
  const from = order.extend();
  assert.equal(from, 2);
  assert.deepEqual(Array.from(order.rec.subarray(0, order.length)), [0, 0, 1, 2]);
});

test('rotation order: NAME.N highest first, time-suffixed in time order, then NAME; CommuniGate dated names', () => {
  const emg = dialectById('emg-log')!;
  const file = (name: string, dialect = emg): LogFile => ({ display: `d/${name}`, path: `/x/d/${name}`, name, arg: 0, dialect, mtimeMs: 0 });
  const groups = groupSources([file('conn'), file('conn.1'), file('conn-20260102'), file('conn.12'), file('conn.2026-01-01'), file('other')]);
  assert.deepEqual(groups.map((g) => [g.name, g.files.map((f) => f.name)]), [
    ['d/conn', ['conn.12', 'conn.1', 'conn.2026-01-01', 'conn-20260102', 'conn']],
    ['d/other', ['other']],
  ]);
  const days = groupSources([file('2026-01-15.log', cgp), file('2026-01-14_12-00.log', cgp), file('2026-01-14.log', cgp)]);
  assert.deepEqual(days.map((g) => [g.name, g.files.map((f) => f.name)]), [['d', ['2026-01-14.log', '2026-01-14_12-00.log', '2026-01-15.log']]]);
});

test('a later file of a rotated source starts its own day less than twelve hours after the last record: no time regression', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-set-'));
  try {
    // The old file ends at 10:02 (rotated then); the next day's file starts at 00:00:01, only 10 hours
    // back by the clock, so the clock alone would read it as a regression on the same day.
    fs.writeFileSync(path.join(dir, '2026-02-19.log'), '09:59:58.000 2 IMAP-000001([1.2.3.4]) login user1\n10:02:00.000 2 SYSTEM log rotated\n');
    fs.writeFileSync(path.join(dir, '2026-02-20.log'), '00:00:01.000 2 IMAP-000001([1.2.3.4]) logout\n00:00:02.000 2 SMTPI-000002([5.6.7.8]) closed\n');
    const { files } = await expandInputs([dir]);
    const set = await LogSet.open(files);
    const ix = set.sources[0].index;
    const regressions = [0, 1, 2, 3].filter((r) => ix.recFlags[r] & RecordFlag.TimeRegression);
    assert.deepEqual(regressions, [], 'no record is flagged as going back in time');
    assert.equal(ix.normalized(2) - ix.normalized(1), 14 * 3_600_000 - 119_000, 'the next file is on its own date');
    assert.equal(ix.sessionProblems[ix.recSession[2]], 0, 'the session over the rotation has no problem');
    set.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
