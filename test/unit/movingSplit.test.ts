// Where a windowed check's halves meet is decided while they are read (movingSplit.ts): this thread
// claims the log ahead of its scan, the worker fixes the split in what is not claimed. This thread must
// never scan past the split, the split must be a line start after everything this thread was given,
// and the worker's half is never empty. Then the whole check, with a worker that claims mid-log, must
// write one scan's lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CheckBytes, CheckHeads, diagnosticFacts, LogIndex, MemorySource, writeCheckLine, writeLaterLines } from '../../server/src/engine';
import type { CheckBodies, CheckLines } from '../../server/src/engine';
import { DIALECTS } from '../../server/src/engine/dialects';
import { BACK_SHARE, backShare, MovingSplit } from '../../server/src/engine/movingSplit';
import { earlyPartWorkerReady, startEarlyPartWorker } from '../../server/src/engine/parallel';
import { FileSource } from '../../server/src/engine/source';
import { checkInWindows } from '../../server/src/engine/windowedCheck';
import { generatedLog } from './helpers';

/** A log of `n` lines of varied length. */
function lines(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => `line ${i} ${'x'.repeat((i * 37) % 300)}\n`).join(''));
}

const isLineStart = (bytes: Buffer, at: number): boolean => at === 0 || bytes[at - 1] === 0x0a;

test('this thread claims ahead of its scan; the split is fixed after its claim, at a line start, and then is its end', () => {
  const bytes = lines(2000);
  const source = new MemorySource(bytes);
  const size = bytes.length;
  const cap = 9 * 1024;
  const split = new MovingSplit();
  const noWait = (): void => assert.fail('not at the cap');
  const reach = split.frontTo(source, 0, size, cap + 100_000, 1000, noWait);
  assert.ok(reach >= 1000 && reach <= 3000 && isLineStart(bytes, reach), `claimed two lookaheads on, at a line start: ${reach}`);
  assert.equal(split.frontTo(source, 100, size, cap + 100_000, 1000, noWait), reach, 'enough claimed ahead: no new claim');
  const further = split.frontTo(source, reach - 10, size, cap + 100_000, 1000, noWait);
  assert.ok(further > reach && isLineStart(bytes, further), 'claimed on as the scan comes near its claim');
  assert.equal(split.fixed(), undefined);
  const back = new MovingSplit(split.shared);
  const at = back.claimBack(source, size);
  assert.ok(isLineStart(bytes, at), 'the split is a line start');
  const target = further + (size - further) * (1 - backShare(size - further));
  assert.ok(at > target && at < target + 400, `the worker takes its share of what is not claimed (${at} after ${target})`);
  assert.equal(split.fixed(), at);
  assert.equal(split.frontTo(source, further - 10, size, cap + 100_000, 1000, noWait), at, 'the split is this thread\'s end');
  assert.equal(back.claimBack(source, size), at, 'fixed once');
});

test('the worker\'s share: BACK_SHARE of a small rest, nearer half of a large one, never half or more', () => {
  const MB = 1 << 20;
  assert.equal(backShare(2000), BACK_SHARE, 'a small log');
  assert.equal(backShare(180 * MB), BACK_SHARE, 'what the worker finds of a 200 MB log');
  assert.ok(Math.abs(backShare(900 * MB) - 0.49) < 1e-9, `of 900 MB: ${backShare(900 * MB)}`);
  let last = 0;
  for (let rest = MB; rest < 64 * 1024 * MB; rest *= 2) {
    const share = backShare(rest);
    assert.ok(share >= last && share >= BACK_SHARE && share < 0.5, `${rest} bytes: ${share}`);
    last = share;
  }
});

test('at its cap this thread waits for the worker to take its share; nothing after the cap is claimed', () => {
  const bytes = lines(400);
  const source = new MemorySource(bytes);
  const size = bytes.length;
  const cap = Buffer.from(bytes).indexOf('\n', Math.floor(size * 0.9)) + 1;
  const split = new MovingSplit();
  let scanned = 0;
  let waits = 0;
  let end = 0;
  for (;;) {
    end = split.frontTo(source, scanned, size, cap, 512, () => {
      waits++;
      assert.equal(split.fixed(), undefined);
      // The worker comes only now: all this thread may have is claimed.
      new MovingSplit(split.shared).claimBack(source, size);
    });
    assert.ok(end <= cap || end === split.fixed(), 'never past the cap unless the split is after it');
    if (scanned >= end) break;
    scanned = end;
  }
  assert.equal(waits, 1);
  const at = split.fixed();
  assert.ok(at !== undefined && at > cap && at < size && isLineStart(bytes, at), `the worker's half after the cap, not empty: ${at}`);
  assert.equal(end, at);
  // No line starts after the target: the split is the claim itself.
  const one = Buffer.from(`a\n${'y'.repeat(5000)}`);
  const late = new MovingSplit();
  assert.equal(late.frontTo(new MemorySource(one), 0, one.length, 2, 1, () => undefined), 2);
  assert.equal(new MovingSplit(late.shared).claimBack(new MemorySource(one), one.length), 2);
});

// A timeout: a broken protocol leaves this thread waiting at its cap, or claiming past the split, for ever.
test('a worker thread fixing the split while this thread claims: never a split before what this thread was given', { timeout: 60_000 }, async () => {
  const bytes = lines(20_000);
  const shared = new SharedArrayBuffer(bytes.length);
  Buffer.from(shared).set(bytes);
  const size = bytes.length;
  const cap = Buffer.from(bytes).indexOf('\n', Math.floor(size * 0.9)) + 1;
  const code = `
    const { parentPort, workerData } = require('worker_threads');
    const { MovingSplit } = require(${JSON.stringify(require.resolve('../../server/src/engine/movingSplit'))});
    const { MemorySource } = require(${JSON.stringify(require.resolve('../../server/src/engine/source'))});
    const go = new Int32Array(workerData.go);
    parentPort.postMessage('ready');
    Atomics.wait(go, 0, 0);
    // A little later each round: the claim lands at different points of this thread's scan.
    for (let i = 0; i < workerData.spin; i++) Math.sqrt(i);
    parentPort.postMessage(new MovingSplit(workerData.cell).claimBack(new MemorySource(Buffer.from(workerData.bytes)), workerData.size));
  `;
  const landed = new Set<number>();
  for (let round = 0; round < 24; round++) {
    const split = new MovingSplit();
    const go = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(code, { eval: true, workerData: { cell: split.shared, bytes: shared, size, go: go.buffer, spin: round * 20_000 } });
    const next = (): Promise<unknown> =>
      new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    // Both threads set off together: the worker's claim comes after its spin, while this thread scans.
    assert.equal(await next(), 'ready');
    const fixedBy = next() as Promise<number>;
    const source = new MemorySource(bytes);
    let scanned = 0;
    let granted = 0;
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    for (;;) {
      const end = split.frontTo(source, scanned, size, cap, 2048, () => {
        while (split.fixed() === undefined) split.waitFixed(50);
      });
      const fixed = split.fixed();
      if (fixed === undefined || end !== fixed) granted = Math.max(granted, end);
      if (scanned >= end) break;
      // A window's scan, at most 4 KB on.
      scanned = Math.min(end, scanned + 4096);
      while (scanned < end && !isLineStart(bytes, scanned)) scanned++;
    }
    const at = await fixedBy;
    await worker.terminate();
    assert.equal(split.fixed(), at);
    assert.equal(scanned, at, 'this thread scanned up to the split');
    assert.ok(at >= granted, `the split ${at} is not before the claim this thread was given (${granted})`);
    assert.ok(isLineStart(bytes, at) && at < size, 'at a line start, the worker\'s half not empty');
    landed.add(Math.round((at / size) * 10));
  }
  assert.ok(landed.size >= 2, `the split landed at different points as the worker came later (${[...landed].join(', ')})`);
});

/** check's lines of one scan of the whole log. */
function oneScan(bytes: Buffer, json: boolean): string {
  const dialect = DIALECTS.find((d) => d.id === 'communigate-log');
  assert.ok(dialect);
  const index = new LogIndex(new MemorySource(bytes), dialect, { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 0, 15, 12) });
  index.build({ keyless: true, problemLines: true });
  const sink = new CheckBytes();
  const counts = { errors: 0, warnings: 0, written: json ? 1 : 0 };
  diagnosticFacts(index, (d) => writeCheckLine(sink, json, undefined, d.line + 1, d.endLine + 1, d, new CheckHeads(), counts));
  return joined(json, [{ lines: sink.take(), errors: counts.errors, warnings: counts.warnings, written: counts.written - (json ? 1 : 0) }]);
}

function joined(json: boolean, parts: (CheckLines | CheckBodies)[]): string {
  const out = new CheckBytes();
  const counts = { errors: 0, warnings: 0, written: 0 };
  for (const p of parts) writeLaterLines(out, json, p, counts);
  return `${Buffer.concat(out.take()).toString('utf8')}|${counts.errors}|${counts.warnings}|${counts.written}`;
}

test('a windowed check whose worker was ready takes its share mid-log, and writes one scan\'s lines', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-moving-'));
  try {
    const file = generatedLog(dir, 'communigate', 6);
    const bytes = fs.readFileSync(file);
    const dialect = DIALECTS.find((d) => d.id === 'communigate-log');
    assert.ok(dialect);
    const ctx = { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 0, 15, 12) };
    const lineCount = bytes.toString('latin1').split('\n').length - 1;
    for (const json of [false, true]) {
      const expected = oneScan(bytes, json);
      for (const windowBytes of [64 << 10, 256 << 10]) {
        startEarlyPartWorker();
        // Ready before this thread starts: it claims while this thread is near the log's start.
        while (!earlyPartWorkerReady()) await new Promise((resolve) => setImmediate(resolve));
        const source = new FileSource(file);
        try {
          const index: LogIndex = new LogIndex(source, dialect, ctx);
          assert.ok(checkInWindows(index, file, ctx, 1000, 0, { json, file: undefined }, windowBytes), 'checked in windows');
          const own: CheckLines | undefined = index.windowedCheckLines;
          const later: CheckBodies | CheckLines | undefined = index.laterCheckLines?.();
          assert.ok(own !== undefined && later !== undefined && 'chunks' in later);
          assert.ok(later.base < lineCount * 0.85, `the worker's half began mid-log (line ${later.base} of ${lineCount}), not at the cap`);
          assert.equal(joined(json, [own, later]), expected, `json ${json}, windows of ${windowBytes}`);
        } finally {
          source.close();
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
