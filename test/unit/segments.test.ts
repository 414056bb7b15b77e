// msglog check reads a parted build's later parts where the workers indexed them (BuildOptions.segments,
// LogIndex.segments): the segments' records and diagnostics, one segment after another, must be those
// of one scan — lines, ends, times, messages, the time edge a regression is measured from — at every
// split, on every dialect read in parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diagnostics, LogIndex, LogSet, MemorySource } from '../../server/src/engine';
import type { Dialect, LogFile } from '../../server/src/engine';
import type { StorePart } from '../../server/src/engine/logIndex';
import { DIALECTS } from '../../server/src/engine/dialects';
import { startEarlyPartWorker } from '../../server/src/engine/parallel';
import { generatedLog, mixedEndings, REAL_LOG } from './helpers';
import { CTX, lineStarts, SAMPLES } from './partSamples';

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
 * the others on their own (as a worker does, through the structured clone), then left as segments
 * where they can be (else adopted). Returns the index and how many segments it has.
 */
function segmented(bytes: Buffer, d: Dialect, bounds: number[], front: number): { index: LogIndex; segments: number } {
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  index.startPart(0, bounds[1]);
  index.build({ ...CHECK, chunkSize: 5 });
  index.finishSoFar();
  for (let k = 1; k < front; k++) {
    index.continuePart(bounds[k + 1]);
    index.build({ ...CHECK, chunkSize: 5 });
    index.finishSoFar();
  }
  const parts: [StorePart, number, boolean][] = [];
  for (let k = front; k + 1 < bounds.length; k++) {
    const part = new LogIndex(new MemorySource(bytes), d, CTX);
    part.startPart(bounds[k], bounds[k + 1]);
    part.build(CHECK);
    parts.push([structuredClone(part.part()), part.scannedTo, part.endsInPartialLine]);
  }
  const asSegments = parts.every(([p]) => index.canSegment(p));
  if (!asSegments) for (const [p, to, partial] of parts) index.adoptPart(p, to, partial);
  index.endParts();
  if (asSegments) for (const [p, to, partial] of parts) index.addSegment(p, to, partial);
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
            assert.deepEqual(printed(index), whole, `${id} split at ${starts[i]}, ${starts[j]}, ${front} front parts`);
            assert.deepEqual(records(index), all, `${id} split at ${starts[i]}, ${starts[j]}, ${front} front parts: records`);
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
    const bounds = [0];
    for (let k = 1; k < parts; k++) bounds.push(starts[Math.floor((starts.length * k) / parts)]);
    bounds.push(bytes.length);
    for (let front = 1; front < parts; front++) {
      const { index, segments } = segmented(bytes, d, bounds, front);
      assert.equal(segments, parts - front + 1, `${parts} parts, ${front} in the index`);
      assert.deepEqual(printed(index), whole, `${parts} parts, ${front} in the index`);
      assert.deepEqual(records(index), records(scanned), `${parts} parts, ${front} in the index: records`);
    }
  }
});

test('a large log opened for check on two threads reads the worker\'s parts as segments, with one thread\'s diagnostics', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-seg-'));
  const threads = process.env.MSGLOG_THREADS;
  try {
    // Large enough (and in parts small enough) that the worker, started ahead as check starts it, takes some.
    const file = generatedLog(dir, 'communigate', 56);
    const logFile: LogFile = { path: file, name: '2026-01-15.log', display: file, arg: 0, dialect: dialect('communigate-log'), mtimeMs: CTX.mtimeMs ?? 0 };
    process.env.MSGLOG_THREADS = '1';
    const one = await LogSet.open([logFile], CHECK);
    const expected = printed(one.sources[0].index);
    one.close();
    assert.ok(expected.length > 1000, 'the generated log has diagnostics');
    process.env.MSGLOG_THREADS = '2';
    startEarlyPartWorker();
    const parted = await LogSet.open([logFile], { ...CHECK, segments: true, parts: 16 });
    const index = parted.sources[0].index;
    assert.ok(index.segments().length > 1, 'the worker\'s parts are segments');
    assert.deepEqual(printed(index), expected);
    parted.close();
  } finally {
    if (threads === undefined) delete process.env.MSGLOG_THREADS;
    else process.env.MSGLOG_THREADS = threads;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
