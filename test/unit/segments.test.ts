// msglog check reads a parted build's later parts where the workers indexed them (BuildOptions.segments,
// LogIndex.segments): the segments' records and diagnostics, one segment after another, must be those
// of one scan — lines, ends, times, messages, the time edge a regression is measured from — at every
// split, on every dialect read in parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckBytes, CheckHeads, diagnosticFacts, diagnostics, eachDiagnostic, LogIndex, LogSet, MemorySource, writeCheckLine, writeLaterLines } from '../../server/src/engine';
import type { Dialect, LogFile } from '../../server/src/engine';
import type { LogSetOptions } from '../../server/src/engine/logSet';
import type { StorePart } from '../../server/src/engine/logIndex';
import { DIALECTS } from '../../server/src/engine/dialects';
import { indexPart, startEarlyPartWorker } from '../../server/src/engine/parallel';
import { generatedLog, mixedEndings, REAL_LOG, withThreads } from './helpers';
import { CTX, evenBounds, frontParts, lineStarts, SAMPLES } from './partSamples';

/** What msglog check builds: every record in one session, problem lines kept. */
const CHECK = { keyless: true, problemLines: true } as const;

function dialect(id: string): Dialect {
  const d = DIALECTS.find((x) => x.id === id);
  assert.ok(d, id);
  return d;
}

/** The diagnostics as check prints them (a record's number is of its segment: left out). */
function printed(index: LogIndex): unknown[] {
  return [...diagnostics(index)].map(({ line, endLine, severity, code, message }) => ({ line, endLine, severity, code, message }));
}

/** Every record of the log, segment after segment: where it is, its time and what it is. */
function records(index: LogIndex): unknown[] {
  const out: unknown[] = [];
  for (const segment of index.segments()) {
    for (let r = 0; r < segment.recordCount; r++) {
      out.push([segment.recStartLine[r], segment.endLineOf(r), segment.recStartOffset[r], segment.endOffsetOf(r), segment.normalized(r), segment.recFlags[r], segment.recLevel[r], segment.recSeverity[r]]);
    }
  }
  return out;
}

function oneScan(bytes: Buffer, d: Dialect): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  index.build(CHECK);
  return index;
}

/**
 * As a parted build of check on several threads: the first `front` parts indexed into the index itself,
 * the others on their own (indexPart, as a worker does, through the structured clone), then left as
 * segments where they can be (else adopted). Returns the index and how many segments it has.
 */
function segmented(bytes: Buffer, d: Dialect, bounds: number[], front: number): { index: LogIndex; segments: number } {
  const source = new MemorySource(bytes);
  const index = frontParts(source, d, bounds, front, { ...CHECK, chunkSize: 5 });
  const parts: { part: StorePart; scannedTo: number; endsInPartialLine: boolean }[] = [];
  for (let k = front; k + 1 < bounds.length; k++) {
    const answer = indexPart(source, d, CTX, 1000, bounds[k], bounds[k + 1], CHECK, k);
    assert.ok('part' in answer);
    parts.push(structuredClone(answer));
  }
  const asSegments = parts.every(({ part }) => index.canSegment(part));
  if (!asSegments) for (const { part, scannedTo, endsInPartialLine } of parts) index.adoptPart(part, scannedTo, endsInPartialLine);
  index.endParts();
  if (asSegments) for (const { part, scannedTo, endsInPartialLine } of parts) index.addSegment(part, scannedTo, endsInPartialLine);
  return { index, segments: index.segments().length };
}

for (const [id, lines] of Object.entries(SAMPLES)) {
  const d = dialect(id);
  if (!d.partable) continue;
  test(`${id}: check's diagnostics of a log left in segments, split at every pair of lines, equal one scan's`, () => {
    let split = 0;
    for (const bytes of [Buffer.from(lines.join('\n')), Buffer.from(lines.join('\r\n') + '\r\n'), Buffer.from(mixedEndings(lines))]) {
      const scanned = oneScan(bytes, d);
      const whole = printed(scanned);
      const all = records(scanned);
      const starts = lineStarts(bytes);
      for (let i = 0; i < starts.length; i++) {
        for (let j = i + 1; j < starts.length; j++) {
          const bounds = [0, starts[i], starts[j], bytes.length];
          for (const front of [1, 2]) {
            const { index, segments } = segmented(bytes, d, bounds, front);
            if (segments > 1) split++;
            const what = `${id} split at ${starts[i]}, ${starts[j]}, ${front} front parts`;
            assert.deepEqual(printed(index), whole, what);
            assert.deepEqual(records(index), all, `${what}: records`);
          }
        }
      }
    }
    // Those that cannot be (no record before the split, or a part that sets the zone offset) are adopted.
    assert.ok(split > 0, `${id}: some splits left in segments`);
  });
}

test('the real CommuniGate log in 3 and 7 parts, left in segments, gives one scan\'s diagnostics', () => {
  const bytes = fs.readFileSync(REAL_LOG);
  const d = dialect('communigate-log');
  const scanned = oneScan(bytes, d);
  const whole = printed(scanned);
  assert.ok(whole.length > 10, 'the real log has diagnostics');
  const starts = lineStarts(bytes);
  for (const parts of [3, 7]) {
    const bounds = evenBounds(starts, bytes.length, parts);
    for (let front = 1; front < parts; front++) {
      const { index, segments } = segmented(bytes, d, bounds, front);
      const what = `${parts} parts, ${front} in the index`;
      assert.equal(segments, parts - front + 1, what);
      assert.deepEqual(printed(index), whole, what);
      assert.deepEqual(records(index), records(scanned), `${what}: records`);
      // A list that stops (a capped one) in any segment gets nothing from the segments after it.
      for (const stopAt of [1, Math.ceil(whole.length / parts), Math.ceil(whole.length / 2), whole.length - 1]) {
        let handed = 0;
        eachDiagnostic(index, () => ++handed < stopAt);
        assert.equal(handed, stopAt, `${what}: stopped at ${stopAt}`);
      }
    }
  }
});


/**
 * Runs `body` with check's windowed build off (MSGLOG_CHECK_WINDOWS=0): these tests are of the parted
 * build it falls back on (windowedCheck.test.ts has the windowed one).
 */
async function withoutWindows(body: () => Promise<void>): Promise<void> {
  const was = process.env.MSGLOG_CHECK_WINDOWS;
  process.env.MSGLOG_CHECK_WINDOWS = '0';
  try {
    await body();
  } finally {
    if (was === undefined) delete process.env.MSGLOG_CHECK_WINDOWS;
    else process.env.MSGLOG_CHECK_WINDOWS = was;
  }
}

/** This thread's steps through the log in these tests: small, so that the worker surely comes in time to take parts. */
const SLOW_CHUNK = 4096;

/**
 * LogSet.open of one large log on two threads with a worker started ahead, opened again (up to five
 * times) until the worker took parts: it takes them only if it started before this thread was through
 * the log, which a busy machine may delay. Every opening is checked by `check`; returns how many times
 * the worker took parts.
 */
async function openUntilWorkerTakes(logFile: LogFile, options: LogSetOptions, took: (set: LogSet) => boolean, check: (set: LogSet) => void): Promise<number> {
  let taken = 0;
  for (let attempt = 0; attempt < 5 && taken === 0; attempt++) {
    startEarlyPartWorker();
    const set = await withThreads('2', () => LogSet.open([logFile], options));
    try {
      if (took(set)) taken++;
      check(set);
    } finally {
      set.close();
    }
  }
  return taken;
}

/** check's lines of a log set of one file, as check writes them (a line of the log is a line of the file), the worker's after this thread's. */
function checkLines(set: LogSet, json: boolean, file: string | undefined): string {
  const sink = new CheckBytes();
  const counts = { errors: 0, warnings: 0, written: 0 };
  const index = set.sources[0].index;
  diagnosticFacts(index, (d) => writeCheckLine(sink, json, file, d.line + 1, d.endLine + 1, d, new CheckHeads(), counts));
  const later = index.laterCheckLines?.();
  if (later !== undefined) writeLaterLines(sink, json, later, counts);
  return Buffer.concat(sink.take()).toString('utf8');
}

const logFileOf = (file: string): LogFile => ({ path: file, name: '2026-01-15.log', display: file, arg: 0, dialect: dialect('communigate-log'), mtimeMs: CTX.mtimeMs ?? 0 });

test('a large log opened for check on two threads reads the worker\'s parts as segments, or has the worker write their lines, with one thread\'s diagnostics', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, () => withoutWindows(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-seg-'));
  try {
    // Large enough (and in parts small enough) that the worker, started ahead as check starts it, takes some.
    const logFile = logFileOf(generatedLog(dir, 'communigate', 56));
    const one = await withThreads('1', () => LogSet.open([logFile], CHECK));
    const expected = printed(one.sources[0].index);
    assert.ok(expected.length > 1000, 'the generated log has diagnostics');
    const formats = [
      { json: false, file: undefined },
      { json: true, file: undefined },
      { json: false, file: logFile.display },
      { json: true, file: logFile.display },
    ];
    const expectedLines = formats.map(({ json, file }) => checkLines(one, json, file));
    one.close();
    // Left as segments, read by this thread.
    const segmentsTaken = await openUntilWorkerTakes(
      logFile,
      { ...CHECK, segments: true, parts: 16, chunkSize: SLOW_CHUNK },
      (set) => set.sources[0].index.segments().length > 1,
      (set) => {
        assert.equal(set.sources[0].index.laterCheckLines, undefined);
        assert.deepEqual(printed(set.sources[0].index), expected);
      },
    );
    assert.equal(segmentsTaken, 1, 'the worker\'s parts are segments');
    // Kept by the worker, which writes their lines.
    for (const [i, { json, file }] of formats.entries()) {
      const keptTaken = await openUntilWorkerTakes(
        logFile,
        { ...CHECK, segments: true, parts: 16, chunkSize: SLOW_CHUNK, check: { json, named: file !== undefined } },
        (set) => set.sources[0].index.laterCheckLines !== undefined,
        (set) => assert.equal(checkLines(set, json, file), expectedLines[i], `json ${json}, file ${file}`),
      );
      assert.equal(keptTaken, 1, `json ${json}, file ${file}: the worker writes the lines of its parts`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}));

test('parts a worker kept that cannot be segments (no record in them) are handed over after all, with one thread\'s diagnostics', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, () => withoutWindows(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-seg-'));
  try {
    const file = generatedLog(dir, 'communigate', 40);
    // 12 MB of continuation lines at the end: the worker's first parts (from the back) hold no record.
    fs.appendFileSync(file, `${'  a continuation line of the last record, long enough to fill parts quickly\n'.repeat(160_000)}`);
    const logFile = logFileOf(file);
    const one = await withThreads('1', () => LogSet.open([logFile], CHECK));
    const expected = checkLines(one, false, undefined);
    assert.ok(expected.length > 1000);
    one.close();
    // The worker's first parts (from the back) hold no record: whatever it kept is handed over and adopted
    // (no segments, no lines written by the worker).
    startEarlyPartWorker();
    const handed = await withThreads('2', () => LogSet.open([logFile], { ...CHECK, segments: true, parts: 16, chunkSize: SLOW_CHUNK, check: { json: false, named: false } }));
    const index = handed.sources[0].index;
    assert.equal(index.laterCheckLines, undefined, 'not written by the worker');
    assert.equal(index.segments().length, 1, 'adopted, not segments');
    assert.equal(checkLines(handed, false, undefined), expected);
    handed.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}));

test('a worker\'s check lines go after this thread\'s: a JSON item\'s `,` dropped only before the first of all', () => {
  const written = (json: boolean, before: number, chunks: string[], items: number): string => {
    const out = new CheckBytes();
    const counts = { errors: 1, warnings: 0, written: before };
    writeLaterLines(out, json, { lines: chunks.map((c) => new Uint8Array(Buffer.from(c))), errors: 2, warnings: 3, written: items }, counts);
    assert.deepEqual(counts, { errors: 3, warnings: 3, written: before + items });
    return Buffer.concat(out.take()).toString('utf8');
  };
  assert.equal(written(true, 0, [',\n{"line":1}', ',\n{"line":2}'], 2), '\n{"line":1},\n{"line":2}');
  assert.equal(written(true, 0, ['', ',', '\n{"line":1}'], 1), '\n{"line":1}', 'the `,` alone in a chunk after an empty one');
  assert.equal(written(true, 4, [',\n{"line":5}'], 1), ',\n{"line":5}');
  assert.equal(written(false, 0, ['1: warning level: x\n'], 1), '1: warning level: x\n');
  assert.equal(written(true, 0, [], 0), '');
});

test('a worker\'s check lines in 1 MB buffers: in order across buffers, a write longer than one, nothing lost to a take', () => {
  const sink = new CheckBytes();
  const expected: string[] = [];
  for (let i = 0; i < 40_000; i++) {
    const line = `${i}: warning level: ${'x'.repeat(i % 61)}\n`;
    expected.push(line);
    if (i % 3 === 0) sink.write(line);
    else {
      const bytes = Buffer.from(line);
      sink.copy(bytes, 0, bytes.length);
    }
  }
  const long = `${'é'.repeat(700_000)}\n`;
  sink.write(long);
  expected.push(long);
  const first = sink.take();
  assert.ok(first.length > 2, `${first.length} buffers`);
  assert.equal(Buffer.concat(first).toString('utf8'), expected.join(''));
  sink.decimal(12);
  assert.equal(Buffer.concat(sink.take()).toString('utf8'), '12', 'what is written after a take is in new buffers');
  assert.equal(Buffer.concat(first).toString('utf8'), expected.join(''), 'the buffers taken first are left as they were');
});
