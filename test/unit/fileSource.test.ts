// FileSource reads a log through a window for reads in order and a reused buffer for lookups; what it
// returns must always be the file's bytes, and stay so after later reads reuse that buffer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileSource } from '../../server/src/engine/source';

let dir = '';
let bytes = Buffer.alloc(0);
let file = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-filesource-'));
  // 3 MB of distinct bytes: a misplaced read shows.
  bytes = Buffer.alloc(3 << 20);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(i, i);
  file = path.join(dir, 'log');
  fs.writeFileSync(file, bytes);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small deterministic generator of positions. */
function positions(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x;
  };
}

test('reads anywhere, of any length, in order or not, are the file bytes; a lookup kept is not changed by later reads', () => {
  const source = new FileSource(file);
  try {
    const next = positions(7);
    const kept: { start: number; got: Buffer }[] = [];
    for (let i = 0; i < 3000; i++) {
      const kind = i % 5;
      const start = next() % bytes.length;
      // Short lookups, lookups right past the last, reads going on in order, and reads larger than both windows.
      const length = kind === 4 ? (2 << 20) + (next() % 1000) : kind === 3 ? 70000 : 1 + (next() % 3000);
      const at = kind === 2 && kept.length > 0 ? Math.min(bytes.length - 1, kept[kept.length - 1].start + 100) : start;
      const got = source.read(at, at + length);
      assert.deepEqual(got, bytes.subarray(at, Math.min(bytes.length, at + length)), `read ${i} at ${at}, ${length} bytes`);
      // The buffer itself, not a copy: later reads must not change it.
      if (i % 7 === 0) kept.push({ start: at, got });
    }
    for (const { start, got } of kept) assert.deepEqual(got, bytes.subarray(start, start + got.length), `kept read at ${start}`);
    assert.equal(source.read(bytes.length - 10, bytes.length + 10).length, 10, 'clamped at the end');
    assert.equal(source.read(bytes.length, bytes.length + 10).length, 0);
  } finally {
    source.close();
  }
});
