// The server's warm-up (features/warmUp.ts) is only worth its time if the made-up log runs the code a
// real log runs: the index's fused loop for most records, diagnostics, folding and the outline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { communigate } from '../../server/src/engine/dialects/communigate';
import { diagnostics, LogIndex, MemorySource } from '../../server/src/engine';
import { warmUp, warmUpWhileIdle } from '../../server/src/features/warmUp';
import { madeUpLog } from '../../server/src/engine/warmUpLog';

test('the warm-up log goes through the index, diagnostics, folding and the outline', () => {
  const work = warmUp(4000);
  const lines = madeUpLog(4000).toString('utf8').split('\n');
  assert.equal(lines.pop(), '', 'the log ends with a line end');
  assert.equal(lines.length, 4000);
  // One record per header line (continuation lines and overflow markers are not records).
  assert.equal(work.records, lines.filter((line) => /^\d\d:\d\d:\d\d\.\d{3} \d /.test(line)).length);
  assert.ok(lines.includes('***'), 'overflow markers');
  assert.ok(lines.some((line) => line.startsWith('  ')), 'continuation lines');
  assert.ok(work.sessions > 1000, `${work.sessions} sessions`);
  // More than a round builds (100): the rest are counted in one more, as in a large log.
  assert.equal(work.diagnostics, 101, `${work.diagnostics} diagnostics`);
  assert.ok(work.foldingRanges > 100, `${work.foldingRanges} folding ranges`);
  assert.ok(work.outlineBytes > 100 * 200, `${work.outlineBytes} bytes of outline`);
  // The same answers without the fused loop: the made-up log is a log like any other.
  assert.deepEqual(warmUp(4000, { fastScan: false }), work);
});

test('the warm-up log is read mostly by the fused loop, the code it is there to compile', () => {
  const fast = communigate.createFastScan!(communigate.createParser({}));
  let records = 0;
  const counting = {
    ...communigate,
    createFastScan: () => ({
      scan: (...args: Parameters<typeof fast.scan>) => {
        const before = args[4].recordCount;
        const at = fast.scan(...args);
        records += args[4].recordCount - before;
        return at;
      },
    }),
  };
  const index = new LogIndex(new MemorySource(madeUpLog(4000)), counting, { fileName: '2026-01-15.log' });
  index.build();
  assert.ok(records >= 0.7 * index.recordCount, `${records} of ${index.recordCount} records`);
});

test('the made-up log has the shapes a real CommuniGate log has: SIP packets, thread forms, a crash, a late record', () => {
  const index = new LogIndex(new MemorySource(madeUpLog(4000)), communigate, { fileName: '2026-01-15.log' });
  index.build();
  const sipPackets = [...index.sessionDialog.keys()].length;
  assert.ok(sipPackets > 50, `${sipPackets} SIP dialogs`);
  // A composed key (SIGNAL(2) n: … is SIGNAL-n) that comes back.
  const signal = index.keys.find('SIGNAL-000004');
  assert.ok(signal !== undefined && index.sessionRecordCount[signal] >= 2, 'SIGNAL-000004 written more than once');
  const codes = new Set([...diagnostics(index)].map((d) => d.code));
  for (const code of ['crash', 'level', 'time-regression', 'overflow']) assert.ok(codes.has(code as never), `a ${code} diagnostic`);
  // A session written in two stretches, the first of two records at two times.
  const imap = index.keys.find('IMAP-000000')!;
  assert.equal(index.sessionRecordCount[imap], 3);
});

test('the idle warm-up runs its rounds one turn of the event loop at a time, and stops when a document comes', async () => {
  let asked = 0;
  let idle = true;
  warmUpWhileIdle(() => {
    asked++;
    return idle;
  }, 5);
  assert.equal(asked, 0, 'nothing runs before the next turn');
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(asked, 1, 'one round per turn');
  idle = false;
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(asked, 2, 'no round once a document came');

  let rounds = 0;
  warmUpWhileIdle(() => {
    rounds++;
    return true;
  }, 3);
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(rounds, 3, 'at most the rounds asked');
});
