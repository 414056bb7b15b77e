// Parallel = sequential = chunked: a log split at line boundaries into parts indexed on their own and
// stitched (as worker threads do) gives the index one scan gives, on every dialect and at every edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildParallel, buildParallelAsync, canSplit, LogIndex, MemorySource, openLogFile, runFilter, searchFileParallel, threadsFor } from '../../server/src/engine';
import { FileSource as FileSourceClass } from '../../server/src/engine/source';
import { earlyPartWorkerWaiting, startEarlyPartWorker } from '../../server/src/engine/parallel';
import { MIN_PART_BYTES, partSizes } from '../../server/src/engine/partPlan';
import { DIALECTS } from '../../server/src/engine/dialects';
import type { Dialect, FileSource } from '../../server/src/engine';
import { mixedEndings, REAL_LOG, snapshot } from './helpers';
import { CTX, evenBounds, lineStarts, SAMPLES } from './partSamples';

function dialect(id: string): Dialect {
  const d = DIALECTS.find((x) => x.id === id);
  assert.ok(d, id);
  return d;
}

function sequential(bytes: Buffer, d: Dialect, chunkSize?: number, keyless?: boolean): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  index.build({ chunkSize, keyless });
  return index;
}

/**
 * Adopts a part as the stitching thread does (Stitcher): when it does not fit after the index (a
 * dialect that splitsWithState), the index goes on alone and true is returned (no more parts then).
 */
function adoptOrGoOn(whole: LogIndex, part: LogIndex, options: { search?: string; keyless?: boolean }): boolean {
  // What a worker posts goes through the structured clone: so does this.
  const p = structuredClone(part.part());
  if (!whole.fits(p)) {
    whole.goOnAlone(options);
    return true;
  }
  whole.adoptPart(p, part.scannedTo, part.endsInPartialLine);
  return false;
}

/** The index stitched from parts `[bounds[k], bounds[k+1])`, each indexed on its own as a worker does. */
function stitched(bytes: Buffer, d: Dialect, bounds: number[], keyless?: boolean): LogIndex {
  const whole = new LogIndex(new MemorySource(bytes), d, CTX);
  whole.startPart(0, bounds[1]);
  whole.build({ chunkSize: 5, keyless });
  for (let k = 1; k + 1 < bounds.length; k++) {
    const part = new LogIndex(new MemorySource(bytes), d, CTX);
    part.startPart(bounds[k], bounds[k + 1]);
    part.build({ keyless });
    if (adoptOrGoOn(whole, part, { keyless })) return whole;
  }
  whole.endParts();
  return whole;
}

/**
 * As a parted build on several threads: the first `front` parts indexed one after another into the
 * index itself (continuePart), each finished so far (finishSoFar), the slots ahead touched while
 * "waiting" (touchRecords), then the other parts (a worker's) stitched on.
 */
function frontAndBack(bytes: Buffer, d: Dialect, bounds: number[], front: number, search?: string, keyless?: boolean): LogIndex {
  const whole = new LogIndex(new MemorySource(bytes), d, CTX);
  whole.startPart(0, bounds[1]);
  whole.build({ chunkSize: 5, search, keyless });
  whole.finishSoFar();
  for (let k = 1; k < front; k++) {
    whole.continuePart(bounds[k + 1]);
    whole.build({ chunkSize: 5, search, keyless });
    whole.finishSoFar();
  }
  whole.touchRecords(whole.recordCount, whole.recordCount + 5000);
  for (let k = front; k + 1 < bounds.length; k++) {
    const part = new LogIndex(new MemorySource(bytes), d, CTX);
    part.startPart(bounds[k], bounds[k + 1]);
    part.build({ search, keyless });
    if (adoptOrGoOn(whole, part, { search, keyless })) return whole;
  }
  whole.endParts();
  return whole;
}

for (const [id, lines] of Object.entries(SAMPLES)) {
  test(`${id}: chunked and (where the dialect allows parts) stitched at every line boundary equal one scan`, () => {
    const d = dialect(id);
    for (const bytes of [Buffer.from(lines.join('\n')), Buffer.from(lines.join('\r\n') + '\r\n'), Buffer.from(mixedEndings(lines))]) {
      const whole = snapshot(sequential(bytes, d));
      for (const chunkSize of [1, 3, 7, 64]) assert.deepEqual(snapshot(sequential(bytes, d, chunkSize)), whole, `${id} chunk ${chunkSize}`);
      // EMG is split only where no key is made (its spans are numbered from the log's start).
      for (const keyless of [false, true]) {
        if (!canSplit(d, keyless)) continue;
        const one = keyless ? snapshot(sequential(bytes, d, undefined, true)) : whole;
        const what = `${id}${keyless ? ' keyless' : ''} split at`;
        const starts = lineStarts(bytes);
        for (const cut of starts) assert.deepEqual(snapshot(stitched(bytes, d, [0, cut, bytes.length], keyless)), one, `${what} ${cut}`);
        for (let i = 0; i < starts.length; i++) {
          for (let j = i + 1; j < starts.length; j += 2) {
            const bounds = [0, starts[i], starts[j], bytes.length];
            assert.deepEqual(snapshot(stitched(bytes, d, bounds, keyless)), one, `${what} ${starts[i]}, ${starts[j]}`);
            for (const front of [1, 2]) assert.deepEqual(snapshot(frontAndBack(bytes, d, bounds, front, undefined, keyless)), one, `${what} ${starts[i]}, ${starts[j]}, ${front} front parts`);
          }
        }
      }
    }
  });
}

test('the real CommuniGate log stitched from parts equals one scan', () => {
  const bytes = fs.readFileSync(REAL_LOG);
  const d = dialect('communigate-log');
  const whole = snapshot(sequential(bytes, d));
  const starts = lineStarts(bytes);
  for (const parts of [2, 3, 7]) {
    const bounds = evenBounds(starts, bytes.length, parts);
    assert.deepEqual(snapshot(stitched(bytes, d, bounds)), whole, `${parts} parts`);
  }
});

test('parts taken from the front into the index itself and from the back by workers equal one scan, the hits of a text searched along too', () => {
  const bytes = Buffer.from(Array.from({ length: 3 }, () => fs.readFileSync(REAL_LOG, 'utf8')).join('\n'));
  const d = dialect('communigate-log');
  const starts = lineStarts(bytes);
  for (const search of [undefined, 'read failed', 'no such text anywhere']) {
    const one = new LogIndex(new MemorySource(bytes), d, CTX);
    one.build({ search });
    const whole = snapshot(one);
    for (const parts of [3, 6]) {
      const bounds = evenBounds(starts, bytes.length, parts);
      for (let front = 1; front < parts; front++) {
        const index = frontAndBack(bytes, d, bounds, front, search);
        const what = `${parts} parts, ${front} from the front, searching ${search ?? 'nothing'}`;
        assert.deepEqual(snapshot(index), whole, what);
        const hits = (x: LogIndex): number[] | undefined => (x.searched === undefined ? undefined : Array.from(x.searched.offsets.subarray(0, x.searched.count)));
        assert.deepEqual(hits(index), hits(one), `${what}: hits`);
        if (search !== undefined) assert.ok(index.searched, `${what}: searched`);
      }
    }
  }
});

test('a search given up (too many hits) in a part this thread built stays given up in the parts it continues with', () => {
  // More occurrences of "e" in the first part than a search keeps (MAX_HITS), none after it.
  const many = Array.from({ length: 4400 }, (_, i) => `00:00:01 5 X-${i} ${'e'.repeat(1000)}`);
  const few = Array.from({ length: 4400 }, (_, i) => `00:00:02 5 Y-${i} nothing to find`);
  const bytes = Buffer.from([...many, ...few].join('\n'));
  const d = dialect('communigate-log');
  const one = new LogIndex(new MemorySource(bytes), d, CTX);
  one.build({ search: 'e' });
  assert.equal(one.searched, undefined, 'one scan gives the search up');
  const starts = lineStarts(bytes);
  const index = frontAndBack(bytes, d, [0, starts[4399], starts[6599], bytes.length], 2, 'e');
  assert.equal(index.searched, undefined, 'the thread that continued gives it up too');
  assert.deepEqual(snapshot(index), snapshot(one));
});

test('a thread continues only a part built to its end', () => {
  const bytes = Buffer.from(SAMPLES['communigate-log'].join('\n'));
  const index = new LogIndex(new MemorySource(bytes), dialect('communigate-log'), CTX);
  assert.throws(() => index.continuePart(bytes.length), /not built to its end/, 'not a part');
  const cut = lineStarts(bytes)[3];
  index.startPart(0, cut);
  assert.throws(() => index.continuePart(bytes.length), /not built to its end/, 'not built yet');
  index.build();
  index.continuePart(bytes.length);
  index.build();
  index.endParts();
  assert.deepEqual(snapshot(index), snapshot(sequential(bytes, dialect('communigate-log'))));
});

test('worker threads: a file indexed on 1, 2, 3 and 5 threads gives the same index, on every dialect', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-par-'));
  try {
    for (const [id, lines] of [...Object.entries(SAMPLES), ['communigate-log', fs.readFileSync(REAL_LOG, 'utf8').split('\n')] as const]) {
      const file = path.join(dir, '2026-01-15.log');
      // Repeated, so that every part holds many records (and the file ends without a terminator once).
      fs.writeFileSync(file, Array.from({ length: 5 }, () => lines.join('\n')).join('\n'));
      for (const keyless of [false, true]) {
        const one = openLogFile(file, { dialect: id, mtimeMs: CTX.mtimeMs, fileName: CTX.fileName, threads: 1, keyless });
        const expected = snapshot(one);
        (one.source as { close(): void } & typeof one.source).close();
        // Threads claim parts from a shared counter: as many parts as threads, or several per thread.
        for (const [threads, parts] of [[2, undefined], [3, undefined], [5, undefined], [2, 7], [3, 13]]) {
          const index = openLogFile(file, { dialect: id, mtimeMs: CTX.mtimeMs, fileName: CTX.fileName, threads, parts, keyless });
          assert.deepEqual(snapshot(index), expected, `${id}${keyless ? ' keyless' : ''} on ${threads} threads, ${parts ?? 'default'} parts`);
          (index.source as { close(): void } & typeof index.source).close();
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a part worker started early (msglog check) takes the next parted build', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-early-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    fs.writeFileSync(file, Array.from({ length: 5 }, () => fs.readFileSync(REAL_LOG, 'utf8')).join(''));
    const one = openLogFile(file, { ...CTX, threads: 1, keyless: true });
    const expected = snapshot(one);
    (one.source as FileSource).close();
    // Twice: a build takes the worker started for it, not one a build before took.
    for (const time of ['first', 'second']) {
      startEarlyPartWorker();
      assert.ok(earlyPartWorkerWaiting(), `${time}: started`);
      const index = openLogFile(file, { ...CTX, threads: 2, parts: 6, keyless: true });
      assert.ok(!earlyPartWorkerWaiting(), `${time}: taken by the build`);
      assert.deepEqual(snapshot(index), expected, time);
      (index.source as FileSource).close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the server build (buildParallelAsync: this thread claims parts between turns of the event loop) equals one thread', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-par-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    fs.writeFileSync(file, Array.from({ length: 5 }, () => fs.readFileSync(REAL_LOG, 'utf8')).join(''));
    const d = DIALECTS.find((x) => x.id === 'communigate-log')!;
    const one = openLogFile(file, { ...CTX, threads: 1 });
    const expected = snapshot(one);
    (one.source as FileSource).close();
    for (const [threads, parts] of [[2, 2], [2, 9], [3, 5]]) {
      const index = new LogIndex(new FileSourceClass(file), d, CTX);
      await buildParallelAsync(index, file, threads, CTX, 1000, { parts });
      assert.deepEqual(snapshot(index), expected, `${threads} threads, ${parts} parts`);
      (index.source as FileSource).close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parts shrink toward where this thread (from the front) and the workers (from the back) meet', () => {
  const MB = 1 << 20;
  for (const [size, threads] of [[1000 * MB, 2], [200 * MB, 2], [48 * MB, 2], [1000 * MB, 4], [3000 * MB, 3]]) {
    const sizes = partSizes(size, threads);
    assert.ok(Math.abs(sizes.reduce((a, b) => a + b, 0) - size) < 1, `${size / MB} MB, ${threads} threads: the parts cover the log`);
    const meet = size / threads;
    let at = 0;
    const front: number[] = [];
    const back: number[] = [];
    for (const s of sizes) {
      (at < meet - 1 ? front : back).push(s);
      at += s;
    }
    // Each side's parts get smaller (or stay) toward the meeting point, and none is below the minimum.
    for (let i = 1; i < front.length; i++) assert.ok(front[i] <= front[i - 1], `front ${front.map((s) => s / MB)}`);
    for (let i = 1; i < back.length; i++) assert.ok(back[i] >= back[i - 1], `back ${back.map((s) => s / MB)}`);
    if (size >= 4 * threads * MIN_PART_BYTES) assert.ok(Math.min(...sizes) >= MIN_PART_BYTES, `no part below ${MIN_PART_BYTES / MB} MB: ${sizes.map((s) => s / MB)}`);
    // The workers' side is in parts no larger than half of this thread's side, so that they share it.
    assert.ok(Math.max(...back) <= meet / 2 + 1 || back.length === 1, `back ${back.map((s) => s / MB)}`);
  }
  assert.deepEqual(partSizes(1000 * MB, 2).map((s) => Math.round(s / MB)), [250, 125, 63, 31, 16, 16, 16, 16, 31, 63, 125, 250]);
  assert.deepEqual(partSizes(200 * MB, 2).map((s) => Math.round(s / MB)), [50, 25, 13, 13, 13, 13, 25, 50]);
});

test('a parted build reports the whole log\'s progress: of its size, never going down', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-progress-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    fs.writeFileSync(file, Array.from({ length: 5 }, () => fs.readFileSync(REAL_LOG, 'utf8')).join(''));
    const size = fs.statSync(file).size;
    const d = DIALECTS.find((x) => x.id === 'communigate-log')!;
    for (const build of ['sync', 'async'] as const) {
      const reports: [number, number][] = [];
      const index = new LogIndex(new FileSourceClass(file), d, CTX);
      const options = { parts: 9, chunkSize: 64 << 10, onProgress: (done: number, total: number) => reports.push([done, total]) };
      if (build === 'async') await buildParallelAsync(index, file, 2, CTX, 1000, options);
      else buildParallel(index, file, 2, CTX, 1000, options);
      (index.source as FileSource).close();
      assert.ok(reports.length >= 5, `${build}: ${reports.length} reports`);
      assert.ok(reports.every(([, total]) => total === size), `${build}: of the whole log`);
      const done = reports.map(([n]) => n);
      assert.deepEqual(done, [...done].sort((a, b) => a - b), `${build}: never going down`);
      assert.ok(done[done.length - 1] < size && done[done.length - 1] >= size / 9, `${build}: up to ${done[done.length - 1]} of ${size}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('small logs stay on one thread; large ones use workers when the compiled worker is there', () => {
  assert.equal(threadsFor(1 << 20), 1);
  assert.equal(threadsFor(10 << 20, 1), 1);
  assert.ok(threadsFor(1 << 30) >= 1);
  assert.equal(threadsFor(1 << 20, 3), 3, 'asked for three: the worker entry is compiled next to the engine');
});

/** Every offset of `needle` in `bytes`, by the plainest scan. */
function occurrences(bytes: Buffer, needle: string): number[] {
  const out: number[] = [];
  for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 1)) out.push(i);
  return out;
}

test('a text searched while indexing (on 1 and 3 threads) and by parallel search workers is found where a scan finds it; filters over those hits equal filters that scan', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-search-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    const bytes = Buffer.from(Array.from({ length: 4 }, () => fs.readFileSync(REAL_LOG, 'utf8')).join('\n'));
    fs.writeFileSync(file, bytes);
    const plain = openLogFile(file, { fileName: '2026-01-15.log', threads: 1 });
    for (const text of ['HTTPU-000029', 'read failed', 'e', 'no such text anywhere']) {
      const expected = occurrences(bytes, text);
      const scanned = runFilter(plain, { text, keyed: true });
      for (const threads of [1, 3]) {
        const index = openLogFile(file, { fileName: '2026-01-15.log', threads, search: text });
        assert.ok(index.searched, `${text}: searched on ${threads} threads`);
        assert.deepEqual(Array.from(index.searched.offsets.subarray(0, index.searched.count)), expected, `${text} on ${threads} threads`);
        assert.deepEqual(runFilter(index, { text, keyed: true }), scanned, `${text}: keyed filter over the hits`);
        (index.source as FileSource).close();
      }
      const hits = await searchFileParallel(file, bytes.length, text);
      assert.ok(hits);
      assert.deepEqual(Array.from(hits.offsets.subarray(0, hits.count)), expected, `${text}: search workers`);
      const scannedPlain = runFilter(plain, { text });
      plain.searched = hits;
      assert.deepEqual(runFilter(plain, { text }), scannedPlain, `${text}: plain filter over the workers' hits`);
      plain.searched = undefined;
    }
    (plain.source as FileSource).close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
