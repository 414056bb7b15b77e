import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzEngine } from '../fuzz/engineFuzz';

test('fuzzing detection and every dialect parser (fixed budget)', () => {
  const report = fuzzEngine(600, 12345);
  console.log(`fuzz: ${report.inputs} inputs tried, ${report.lines} lines, worst ${report.worstMsPerLine.toFixed(3)} ms per line`);
  assert.deepEqual(report.failures, []);
  assert.equal(report.inputs, 3000);
  assert.ok(report.lines > 10_000, `${report.lines} lines`);
});
