// Indexes built in chunks, from files, and by appending must equal an index built in one go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LogIndex, MemorySource, runFilter, runFilterAsync, openLogFile } from '../../server/src/engine';
import { communigate } from '../../server/src/engine/dialects/communigate';
import { emg } from '../../server/src/engine/dialects/emg';
import { EDGE_LINES, mixedEndings, REAL_LOG, snapshot } from './helpers';
import type { Dialect, FileSource } from '../../server/src/engine';

const CGP = EDGE_LINES.join('\r\n');

function memoryIndex(text: string, dialect: Dialect, chunkSize?: number): LogIndex {
  const index = new LogIndex(new MemorySource(Buffer.from(text)), dialect);
  index.build({ chunkSize });
  return index;
}

test('chunk boundaries anywhere give the same index, whatever the line endings', () => {
  // LF, CRLF and lone CR (which the editor also counts as a line break) mixed.
  const mixed = mixedEndings(EDGE_LINES);
  for (const text of [CGP, mixed]) {
    const whole = snapshot(memoryIndex(text, communigate));
    for (const chunkSize of [1, 2, 3, 5, 7, 16, 64]) assert.deepEqual(snapshot(memoryIndex(text, communigate, chunkSize)), whole, `chunk ${chunkSize}`);
  }
  const index = memoryIndex(mixed, communigate);
  assert.equal(index.lineCount, 10);
  assert.deepEqual([index.recStartLine[0], index.recEndLine[0]], [1, 2]);
  assert.equal(index.body(0), 'IMAP-1([1.2.3.4]) connected\n  continuation');
});

test('appending line by line gives the same index as building at once', () => {
  for (const [text, dialect] of [
    [CGP + '\r\n', communigate],
    ['Sep 11 22:34:34.306 (2) CONNECT OK\nSep 11 22:34:35.000 (2) SEND ERR (info="1")\nSep 11 22:34:36.000 (2) DISCONNECT OK\nSep 11 22:34:37.000 (2) CONNECT OK\n', emg],
  ] as const) {
    const source = new MemorySource();
    const grown = new LogIndex(source, dialect, { mtimeMs: Date.UTC(2026, 0, 1) });
    for (const line of text.split(/(?<=\n)/)) {
      source.append(Buffer.from(line));
      assert.equal(grown.append(), true);
    }
    const once = new LogIndex(new MemorySource(Buffer.from(text)), dialect, { mtimeMs: Date.UTC(2026, 0, 1) });
    once.build();
    assert.deepEqual(snapshot(grown), snapshot(once));
  }
});

test('appending after a last line without terminator asks for a re-index', () => {
  const source = new MemorySource(Buffer.from('12:00:00.000 2 A-1 x\n12:00:01.000 2 A-1 partial'));
  const index = new LogIndex(source, communigate);
  index.build();
  assert.equal(index.recordCount, 2);
  source.append(Buffer.from(' line\n'));
  assert.equal(index.append(), false);
});

test('a file read in windows equals the bytes in memory (real log), and growth is picked up', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-inc-'));
  try {
    const file = path.join(dir, 'current.log');
    const bytes = fs.readFileSync(REAL_LOG);
    fs.writeFileSync(file, bytes.subarray(0, 200_000));
    const cut = bytes.lastIndexOf(0x0a, 200_000 - 1) + 1;
    fs.writeFileSync(file, bytes.subarray(0, cut));
    const index = openLogFile(file, { fileName: 'current.log', chunkSize: 4096 });
    fs.appendFileSync(file, bytes.subarray(cut));
    assert.equal((index.source as FileSource).refresh(), 'grown');
    assert.equal(index.append({ chunkSize: 5000 }), true);
    const inMemory = memoryIndex(bytes.toString('utf8'), communigate);
    assert.deepEqual(snapshot(index), snapshot(inMemory));
    fs.writeFileSync(file + '.new', 'rotated\n');
    fs.renameSync(file + '.new', file);
    assert.equal((index.source as FileSource).refresh(), 'replaced');
    (index.source as FileSource).close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('filters searching in small chunks find matches across chunk boundaries', () => {
  const index = memoryIndex(fs.readFileSync(REAL_LOG, 'utf8'), communigate);
  for (const text of ['read failed', 'HTTPU-000029', 'e']) {
    const whole = runFilter(index, { text, keyed: true }).items;
    for (const chunkSize of [7, 100, 4096]) assert.deepEqual(runFilter(index, { text, keyed: true }, { chunkSize }).items, whole, `${text} / ${chunkSize}`);
  }
});

test('async builds and filters give the event loop turns, report progress and stop when cancelled', async () => {
  const text = Array.from({ length: 200_000 }, (_, i) => `10:00:00.000 5 IMAP-${i % 5000} line ${i}`).join('\n');
  const progress: number[] = [];
  const built = new LogIndex(new MemorySource(Buffer.from(text)), communigate);
  await built.buildAsync({ chunkSize: 1 << 20, onProgress: (done) => progress.push(done) });
  assert.ok(progress.length > 3, `${progress.length} progress reports`);
  assert.equal(progress[progress.length - 1], Buffer.byteLength(text));
  assert.equal(built.recordCount, 200_000);

  let cancelled = false;
  const cancelling = new LogIndex(new MemorySource(Buffer.from(text)), communigate);
  const build = cancelling.buildAsync({ chunkSize: 1 << 16, isCancelled: () => cancelled });
  setImmediate(() => (cancelled = true));
  await assert.rejects(build, /cancelled/);

  const whole = runFilter(built, { regex: 'line 1\\d*$', keyed: true });
  assert.deepEqual((await runFilterAsync(built, { regex: 'line 1\\d*$', keyed: true })).items, whole.items);
  let stop = false;
  // Pausing at every step (not only every 50 ms), so that the cancellation lands however fast this machine is.
  const filtering = runFilterAsync(built, { regex: 'line \\d+$' }, { isCancelled: () => stop, pauseMs: 0 });
  setImmediate(() => (stop = true));
  await assert.rejects(filtering, /cancelled/);
});
