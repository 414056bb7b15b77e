// An index built on one thread with the other core idle has its record arrays' memory mapped ahead by
// a worker (pageToucher.ts): the arrays are shared with it, and what the scan writes must be exactly
// what it writes without it, the worker touching every page while the scan fills them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogIndex, MemorySource } from '../../server/src/engine';
import type { Dialect } from '../../server/src/engine';
import { DIALECTS } from '../../server/src/engine/dialects';
import { PageToucher } from '../../server/src/engine/pageToucher';
import { prepareRecordSlots } from '../../server/src/engine/recordArrays';
import { generatedLog, snapshot } from './helpers';

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-toucher-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('values written while the worker maps the pages are all kept: it changes nothing, ahead of the writes or behind them', async () => {
  const n = 1 << 22; // 32 MB of Float64, 16 MB of Uint32, 4 MB of bytes
  const wall = new Float64Array(new SharedArrayBuffer(n * 8));
  const line = new Uint32Array(new SharedArrayBuffer(n * 4));
  const level = new Uint8Array(new SharedArrayBuffer(n));
  assert.ok(wall.buffer instanceof SharedArrayBuffer);
  const toucher = new PageToucher([wall, line, level]);
  // Written in steps with turns of the event loop, so that the worker runs alongside (and is at times behind).
  for (let from = 0; from < n; from += 1 << 16) {
    for (let i = from; i < from + (1 << 16); i++) {
      wall[i] = i * 1.5 + 0.25;
      line[i] = i ^ 0x5a5a5a5a;
      level[i] = i % 251;
    }
    toucher.scanned(from + (1 << 16));
    if ((from & 0xfffff) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  toucher.end();
  let wrong = 0;
  for (let i = 0; i < n; i++) if (wall[i] !== i * 1.5 + 0.25 || line[i] !== (i ^ 0x5a5a5a5a) >>> 0 || level[i] !== i % 251) wrong++;
  assert.equal(wrong, 0);
});

for (const id of ['emg-log', 'privateserver-log', 'communigate-log']) {
  test(`${id}: an index built with its arrays mapped ahead is the index built without`, () => {
    const dialect = DIALECTS.find((d) => d.id === id);
    assert.ok(dialect);
    const bytes = fs.readFileSync(generatedLog(dir, id.replace(/-log$/, ''), 6));
    const ctx = { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 0, 15) };
    const plain = new LogIndex(new MemorySource(bytes), dialect, ctx);
    plain.build();
    const touched = new LogIndex(new MemorySource(bytes), dialect, ctx);
    let shared = false;
    touched.build({ touchAhead: true, onProgress: () => (shared ||= touched.recWall.buffer instanceof SharedArrayBuffer) });
    assert.ok(shared, 'the arrays were shared with the worker');
    assert.deepEqual(snapshot(touched), snapshot(plain));
  });
}

test('record arrays prepared ahead (a standby worker) are taken by the next first build that fits them, and it is the index built without', () => {
  const dialect = DIALECTS.find((d) => d.id === 'communigate-log');
  assert.ok(dialect);
  const bytes = fs.readFileSync(generatedLog(dir, 'communigate', 6));
  const ctx = { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 0, 15) };
  const plain = new LogIndex(new MemorySource(bytes), dialect, ctx);
  plain.build();
  // The build sizes its arrays at a slot per 64 bytes: slots for a little more than that are taken.
  const slots = Math.ceil(bytes.length / 64) + 1000;
  prepareRecordSlots(slots);
  const prepared = new LogIndex(new MemorySource(bytes), dialect, ctx);
  prepared.build();
  assert.equal(prepared.recStartLine.length, slots, 'the prepared arrays were taken');
  assert.deepEqual(snapshot(prepared), snapshot(plain));
  // Taken once: the next build makes its own.
  const next = new LogIndex(new MemorySource(bytes), dialect, ctx);
  next.build();
  assert.equal(next.recStartLine.length, plain.recStartLine.length);
  // Arrays far larger than a build needs are left for another (the build's end would copy them smaller).
  prepareRecordSlots(slots * 8);
  const small = new LogIndex(new MemorySource(bytes), dialect, ctx);
  small.build();
  assert.equal(small.recStartLine.length, plain.recStartLine.length);
});

/** A LogIndex that counts how often its record arrays grow by half again (growRecords) and are sized (resizeRecords). */
class CountingIndex extends LogIndex {
  grown = 0;
  sized = 0;
  protected override growRecords(min: number): void {
    this.grown++;
    super.growRecords(min);
  }
  protected override resizeRecords(n: number, shared = false): void {
    this.sized++;
    super.resizeRecords(n, shared);
  }
}

/** The part `[from, to)` of `bytes` indexed on its own, as a parted build's thread or worker indexes it. */
function builtPart(bytes: Buffer, d: Dialect, from: number, to: number): CountingIndex {
  const part = new CountingIndex(new MemorySource(bytes), d, {});
  part.startPart(from, to);
  part.build();
  return part;
}

test('lines shorter than the first estimate (CSV exports): the record arrays are sized once from the first megabyte, not grown by copies; the index is the same', () => {
  const d = DIALECTS.find((x) => x.id === 'privateserver-log')!;
  const rows = ['Cdr List', '', 'Call Date,Src,Dst,Duration,Disposition'];
  // About 40 bytes a row, 12 MB: the estimate of 64 bytes a line is short by a third.
  for (let i = 0; rows.length < 300_000; i++) rows.push(`2026-01-15 10:${String(59 - (i % 60)).padStart(2, '0')}:00,${100 + (i % 9)},200,${i % 90},${i % 11 === 0 ? 'FAILED' : 'ANSWERED'}`);
  const bytes = Buffer.from(rows.join('\n') + '\n');
  const whole = new CountingIndex(new MemorySource(bytes), d, {});
  whole.build();
  assert.equal(whole.grown, 0, 'never grown by half again');
  assert.ok(whole.recordCount > 290_000 && whole.sized <= 3, `${whole.sized} sizings for ${whole.recordCount} records`);
  // The first part of a parted build is sized for the whole log: the parts adopted after it fit.
  const cut = bytes.indexOf(0x0a, bytes.length >> 1) + 1;
  const first = builtPart(bytes, d, 0, cut);
  const part = builtPart(bytes, d, cut, bytes.length);
  assert.equal(part.grown, 0, 'the part is sized for itself');
  const sizedBefore = first.sized;
  first.adoptPart(structuredClone(part.part()), part.scannedTo, part.endsInPartialLine);
  assert.equal(first.sized, sizedBefore, 'not sized again for the part it adopts');
  first.endParts();
  assert.equal(first.grown, 0);
  assert.deepEqual(snapshot(first), snapshot(whole));
  // A first part too small to tell (under 4 MB), then a large part: sized once for the rest of the log when it is adopted.
  const early = bytes.indexOf(0x0a, 1 << 20) + 1;
  const small = builtPart(bytes, d, 0, early);
  const rest = builtPart(bytes, d, early, bytes.length);
  const grownBefore = small.grown;
  small.adoptPart(structuredClone(rest.part()), rest.scannedTo, rest.endsInPartialLine);
  small.endParts();
  assert.equal(small.grown, grownBefore, 'not grown by half again when the part is adopted');
  assert.deepEqual(snapshot(small), snapshot(whole));
});
