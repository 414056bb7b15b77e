// A worker's later lines (laterLines.ts): a ring of shared slots, and a spill file once the ring is
// full. The pieces must come out in the order they were put, whichever way each went, and the spill
// file must be gone once they are read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { Worker } from 'worker_threads';
import { closeSpill, laterChunks, LaterLinesWriter, laterLinesWord, RING_SLOT_BYTES } from '../../server/src/engine/laterLines';
import type { LaterPiece } from '../../server/src/engine/laterLines';

/** Piece i: RING_SLOT_BYTES bytes (the last shorter), each byte i and its place, so a piece read from the wrong place shows. */
function piece(i: number, length = RING_SLOT_BYTES): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let b = 0; b < length; b++) bytes[b] = (i * 31 + b) & 0xff;
  return bytes;
}

/**
 * Frees every slot of `word`'s ring every `everyMs`, as if this thread had written them out: a writer that
 * waits for a slot instead of spilling (this thread puts and takes here) goes on, and fails the test
 * rather than hang it.
 */
function watchdog(word: { taken: SharedArrayBuffer }, everyMs = 10_000): Worker {
  const code = `const { workerData } = require("worker_threads"); const t = new Int32Array(workerData); for (;;) { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${everyMs}); Atomics.store(t, 0, 1 << 30); Atomics.notify(t, 0); }`;
  const worker = new Worker(code, { eval: true, workerData: word.taken });
  worker.unref();
  return worker;
}

test('pieces put with the ring full go to the spill file; this thread gets every piece in order, ring and file alike, and the file is closed after', async () => {
  const word = laterLinesWord(2);
  assert.equal(typeof word.spill, 'number', 'a spill file was made');
  const posted: (LaterPiece | { last: true })[] = [];
  const writer = new LaterLinesWriter(word, (p) => posted.push(p));
  // Nothing is written out meanwhile: two pieces fill the ring, the other three are spilled.
  const pieces = [piece(0), piece(1), piece(2), piece(3), piece(4, 1234)];
  const dog = watchdog(word);
  for (const p of pieces) writer.put(p);
  await dog.terminate();
  posted.push({ last: true });
  assert.deepEqual(
    posted.map((p) => ('slot' in p ? 'ring' : 'spilled' in p ? 'file' : 'last')),
    ['ring', 'ring', 'file', 'file', 'file', 'last'],
  );
  const spill = word.spill as number;
  const got: Buffer[] = [];
  const chunks = laterChunks(() => posted.shift() ?? { error: 'nothing posted' }, word);
  for (let next = chunks.next(); next.done !== true; next = chunks.next()) got.push(Buffer.from(next.value));
  assert.equal(got.length, pieces.length);
  got.forEach((g, i) => assert.ok(g.equals(pieces[i]), `piece ${i} as put`));
  assert.equal(word.spill, undefined, 'the spill file is closed once the pieces are read');
  assert.throws(() => fs.fstatSync(spill), /EBADF/, 'its descriptor is closed');
});

test('this thread writing pieces out frees their slots: the worker uses the ring again rather than the file', async () => {
  const word = laterLinesWord(1);
  const posted: LaterPiece[] = [];
  const writer = new LaterLinesWriter(word, (p) => posted.push(p));
  const taken = new Int32Array(word.taken);
  writer.put(piece(0));
  const dog = watchdog(word);
  writer.put(piece(1));
  // The first piece written out: its slot is free for the third.
  Atomics.store(taken, 0, 1);
  writer.put(piece(2));
  await dog.terminate();
  assert.deepEqual(
    posted.map((p) => ('slot' in p ? 'ring' : 'file')),
    ['ring', 'file', 'ring'],
  );
  closeSpill(word);
});

test('without a spill file the ring alone is used, and a piece spilled to a file this thread closed is an error, not lost lines', () => {
  const word = laterLinesWord(4, false);
  assert.equal(word.spill, undefined);
  const posted: LaterPiece[] = [];
  const writer = new LaterLinesWriter(word, (p) => posted.push(p));
  for (let i = 0; i < 4; i++) writer.put(piece(i, 100));
  assert.ok(posted.every((p) => 'slot' in p));
  const spilled: (LaterPiece | { last: true })[] = [{ k: -1, spilled: 0, length: 10 }];
  const chunks = laterChunks(() => spilled.shift() ?? { last: true as const }, word);
  assert.throws(() => chunks.next(), /spilled to a file this thread has closed/);
});

test('a spill file that cannot be written (no room): the worker waits for slots instead, every piece posted, no error', { skip: !fs.existsSync('/dev/full') && 'no /dev/full here' }, async () => {
  const word = { ...laterLinesWord(1, false), spill: fs.openSync('/dev/full', 'r+') };
  const posted: LaterPiece[] = [];
  const writer = new LaterLinesWriter(word, (p) => posted.push(p));
  // This thread takes each piece as a real reader would, a moment later.
  const reader = watchdog(word, 50);
  for (let i = 0; i < 3; i++) writer.put(piece(i, 100));
  await reader.terminate();
  assert.deepEqual(
    posted.map((p) => ('slot' in p ? 'ring' : 'file')),
    ['ring', 'ring', 'ring'],
  );
  closeSpill(word);
});
