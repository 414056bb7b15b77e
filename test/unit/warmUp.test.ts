// The server's warm-up (features/warmUp.ts) is only worth its time if the made-up log runs the code a
// real log runs: the index's fused loop for most records, diagnostics, folding and the outline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { communigate } from '../../server/src/engine/dialects/communigate';
import { LogIndex, MemorySource } from '../../server/src/engine';
import { warmUp } from '../../server/src/features/warmUp';
import { madeUpLog } from '../../server/src/engine/warmUpLog';

test('the warm-up log goes through the index, diagnostics, folding and the outline', () => {
  const work = warmUp(4000);
  // One record per header line (the continuation lines are not records).
  assert.equal(work.records, 4000);
  assert.ok(work.sessions > 1000, `${work.sessions} sessions`);
  assert.ok(work.diagnostics >= 1000, `${work.diagnostics} diagnostics`);
  assert.ok(work.foldingRanges > 100, `${work.foldingRanges} folding ranges`);
  assert.ok(work.symbols > 10, `${work.symbols} symbols`);
  // The same answers without the fused loop: the made-up log is a log like any other.
  assert.deepEqual(warmUp(4000, { fastScan: false }), work);
});

test('the warm-up log is read mostly by the fused loop, the code it is there to compile', () => {
  const fast = communigate.createFastScan!();
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
