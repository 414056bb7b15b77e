// msglog check on two threads, window by window (windowedCheck.ts): this thread's half exact, the
// worker's written as if nothing came before it and kept only where that changes nothing. Whatever the
// split and the windows, the lines must be one scan's, byte for byte, text and JSON; the paths where the
// worker's assumption fails (a day rolled over, a time regression, the same time at the split) must be
// taken, and each gives one scan's lines too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckBytes, CheckHeads, diagnosticFacts, LogIndex, LogSet, MemorySource, writeCheckLine, writeLaterLines } from '../../server/src/engine';
import type { CheckBodies, CheckFormat, CheckLines, Dialect, LogFile } from '../../server/src/engine';
import type { DiagnosticFacts } from '../../server/src/engine/diagnostics';
import { CheckLinesAt } from '../../server/src/engine/checkLinesAt';
import { openSpillFile } from '../../server/src/engine/spillFile';
import { DIALECTS } from '../../server/src/engine/dialects';
import { startEarlyPartWorker } from '../../server/src/engine/parallel';
import { BackHalf, backHalfLines, frontHalf } from '../../server/src/engine/windowedCheck';
import { generatedLog, mixedEndings, REAL_LOG, withThreads } from './helpers';
import { CTX, lineStarts, SAMPLES, TABLES } from './partSamples';

const FORMATS: CheckFormat[] = [
  { json: false, file: undefined },
  { json: true, file: undefined },
  { json: false, file: 'a.log' },
  { json: true, file: 'a.log' },
];

function dialect(id: string): Dialect {
  const d = DIALECTS.find((x) => x.id === id);
  assert.ok(d, id);
  return d;
}

/** Lines written one after another as check writes them (a JSON item's first `,` dropped). */
function joined(json: boolean, parts: (CheckLines | CheckBodies)[]): string {
  const out = new CheckBytes();
  const counts = { errors: 0, warnings: 0, written: 0 };
  for (const p of parts) writeLaterLines(out, json, p, counts);
  return `${Buffer.concat(out.take()).toString('utf8')}|${counts.errors}|${counts.warnings}|${counts.written}`;
}

/** check's lines of one scan of the whole log. */
function oneScan(bytes: Buffer, d: Dialect, format: CheckFormat): string {
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  index.build({ keyless: true, problemLines: true });
  const sink = new CheckBytes();
  const counts = { errors: 0, warnings: 0, written: format.json ? 1 : 0 };
  diagnosticFacts(index, (d) => writeCheckLine(sink, format.json, format.file, d.line + 1, d.endLine + 1, d, new CheckHeads(), counts));
  return joined(format.json, [{ lines: sink.take(), errors: counts.errors, warnings: counts.warnings, written: counts.written - (format.json ? 1 : 0) }]);
}

type Fit = 'keep' | 'again' | 'whole';

/** Both halves on this thread, as the two threads do them: the lines, and whether the worker's stood. */
function windowed(bytes: Buffer, d: Dialect, split: number, windowBytes: number, format: CheckFormat, grown = Buffer.alloc(0)): { lines: string | undefined; fit: Fit } {
  // The log as the worker reads it may have grown since this thread took its size: it checks up to that.
  const source = new MemorySource(Buffer.concat([bytes, grown]));
  const job = { from: split, to: bytes.length, toleranceMs: 1000, utcOffsetMin: 0, format, windowBytes };
  const half = new BackHalf(source, d, CTX, job);
  let lead: ReturnType<LogIndex['leadSoFar']> | undefined;
  half.run((l) => (lead = l));
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  const sink = new CheckBytes();
  const counts = { errors: 0, warnings: 0, written: format.json ? 1 : 0 };
  const front = frontHalf(index, split, windowBytes, format, sink, counts, () => {
    assert.ok(lead, 'the lead is posted before the front half ends');
    return lead;
  });
  if (front === undefined) return { lines: undefined, fit: 'whole' };
  const fit = half.fits(front, d.timeOfDay?.(CTX));
  const later = backHalfLines(half, front, source, d, CTX, job);
  if (later === undefined) return { lines: undefined, fit };
  const own = { lines: sink.take(), errors: counts.errors, warnings: counts.warnings, written: counts.written - (format.json ? 1 : 0) };
  return { lines: joined(format.json, [own, later]), fit };
}

const WINDOWED = ['communigate-log', 'axigen-log', 'messaging-server-log', 'emg-log'];

/**
 * windowed() of `lines` (three line endings) at every split, windows of 1, 40 and 4096 bytes, each format:
 * `each` is given what it made and one scan's lines; returns how often the worker's lines stood.
 */
function everySplit(d: Dialect, lines: string[], each: (got: ReturnType<typeof windowed>, expected: string, what: string) => void): Map<Fit, number> {
  const fits = new Map<Fit, number>();
  for (const bytes of [Buffer.from(lines.join('\n')), Buffer.from(lines.join('\r\n') + '\r\n'), Buffer.from(mixedEndings(lines))]) {
    for (const format of FORMATS) {
      const expected = oneScan(bytes, d, format);
      for (const split of lineStarts(bytes)) {
        for (const windowBytes of [1, 40, 4096]) {
          const got = windowed(bytes, d, split, windowBytes, format);
          fits.set(got.fit, (fits.get(got.fit) ?? 0) + 1);
          each(got, expected, `split at ${split}, windows of ${windowBytes}, ${JSON.stringify(format)}`);
        }
      }
    }
  }
  return fits;
}

for (const id of WINDOWED) {
  test(`${id}: windowed check at every split, windows of 1, 40 and 4096 bytes, text and JSON, equals one scan`, () => {
    const d = dialect(id);
    assert.ok(d.partable || d.splitsWithState !== undefined, 'a dialect checked in windows');
    const fits = everySplit(d, SAMPLES[id], (got, expected, what) => {
      assert.notEqual(got.fit, 'whole', `${id}: every record writes a zone offset, or none does`);
      assert.equal(got.lines, expected, `${id} ${what}`);
    });
    assert.ok((fits.get('keep') ?? 0) > 0, `${id}: the worker's lines stand at some splits`);
    // Messaging Server's and EMG's samples have no time regression: every split keeps the worker's lines.
    if (id !== 'messaging-server-log' && id !== 'emg-log') assert.ok((fits.get('again') ?? 0) > 0, `${id}: the worker's half is read again at some splits (a rollover or regression at the split)`);
  });
}

test('privateserver-log: tables newest or oldest first, windowed at every split in the order their first records give: one scan\'s lines, or the whole check as before where the whole goes the other way', () => {
  const d = dialect('privateserver-log');
  const tables: Record<string, string[]> = { ...TABLES, sample: SAMPLES['privateserver-log'], 'timed, untimed, timed': [TABLES['newest first'][0], TABLES['newest first'][1], TABLES['newest first'][2], 'x\tshort', ...TABLES['newest first'].slice(3)] };
  for (const [name, lines] of Object.entries(tables)) {
    const fits = everySplit(d, lines, (got, expected, what) => {
      if (got.fit !== 'whole') assert.equal(got.lines, expected, `${name}: ${what}`);
    });
    const [keep, again, whole] = [fits.get('keep') ?? 0, fits.get('again') ?? 0, fits.get('whole') ?? 0];
    assert.ok(keep > 0, `${name}: the worker's lines stand at some splits`);
    if (name === 'newest first' || name === 'oldest first') assert.ok(again > 0, `${name}: its half is read again at a regression at the split`);
    // Read a line a window, these go the other way than their first pair: never in windows.
    if (name.includes('then more')) assert.ok(whole > 0, `${name}: checked as before where the head goes the other way`);
  }
});

test('privateserver-log: an order first given by a window whose timed record before it is forgotten measures from that record', () => {
  const d = dialect('privateserver-log');
  // The first window ends among rows without a time: its one timed record is forgotten before the
  // next window gives the order (newest first, by three pairs to two), whose second row is later by
  // more than a second than that record but not than the row before it.
  const [title, header, first] = TABLES['newest first'];
  const at = (s: number, ms: number): string => first.replace(/ \d\d:\d\d:\d\d\.\d{3}/, ` 00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.${String(ms).padStart(3, '0')}`);
  const lines = [title, header, at(900, 0), ...Array.from({ length: 40 }, () => 'x\tshort'), at(900, 500), at(901, 200), at(890, 0), at(880, 0), at(870, 0), at(860, 0)];
  const bytes = Buffer.from(lines.join('\n'));
  const starts = lineStarts(bytes);
  for (const format of FORMATS) {
    const expected = oneScan(bytes, d, format);
    assert.match(expected, /time-regression/, 'one scan finds the row a second and more after the first');
    const got = windowed(bytes, d, starts[starts.length - 1], 400, format);
    assert.equal(got.fit, 'keep');
    assert.equal(got.lines, expected, JSON.stringify(format));
  }
});

test('a split where CommuniGate\'s day rolls over keeps the worker\'s lines (its times a day on); one at a record written late reads its half again', () => {
  const d = dialect('communigate-log');
  const lines = SAMPLES['communigate-log'];
  const bytes = Buffer.from(lines.join('\n'));
  const at = (text: string): number => bytes.indexOf(`\n${text}`) + 1;
  const nextDay = at('00:10:00.000 5 NEXT-9');
  const late = at('00:00:02.000 5 SMTP-2');
  assert.ok(nextDay > 0 && late > 0);
  for (const format of FORMATS) {
    const expected = oneScan(bytes, d, format);
    const rolled = windowed(bytes, d, nextDay, 64, format);
    assert.equal(rolled.fit, 'keep', 'the first record after the split is on the next day');
    assert.equal(rolled.lines, expected);
    const regressed = windowed(bytes, d, late, 64, format);
    assert.equal(regressed.fit, 'again', 'the first record after the split goes back in time');
    assert.equal(regressed.lines, expected);
  }
});

test('a log that grows while it is checked is checked as far as this thread read it, its last record and its last line without an end included', () => {
  for (const id of WINDOWED) {
    const d = dialect(id);
    const lines = SAMPLES[id];
    // Cut in the middle of a line: a writer caught mid-line.
    const whole = Buffer.from(lines.join('\n') + '\n');
    const cut = whole.length - 5;
    const bytes = whole.subarray(0, cut);
    const grown = Buffer.concat([whole.subarray(cut), Buffer.from(lines.join('\n'))]);
    for (const format of FORMATS.slice(0, 2)) {
      const expected = oneScan(bytes, d, format);
      for (const split of lineStarts(bytes)) {
        assert.equal(windowed(bytes, d, split, 64, format, grown).lines, expected, `${id} split at ${split}, ${JSON.stringify(format)}`);
      }
    }
  }
});

test('the real CommuniGate log, windowed at 25 splits with 1 KB windows, equals one scan', () => {
  const bytes = fs.readFileSync(REAL_LOG);
  const d = dialect('communigate-log');
  const starts = lineStarts(bytes);
  for (const format of FORMATS.slice(0, 2)) {
    const expected = oneScan(bytes, d, format);
    assert.ok(expected.length > 1000, 'the real log has diagnostics');
    for (let k = 1; k <= 25; k++) {
      const split = starts[Math.floor((starts.length * k) / 26)];
      assert.equal(windowed(bytes, d, split, 1024, format).lines, expected, `split at ${split}, ${JSON.stringify(format)}`);
    }
  }
});

test('a back half that sets the log\'s zone offset when the front half wrote none: the whole check as before', () => {
  const d = dialect('axigen-log');
  const bytes = Buffer.from(SAMPLES['axigen-log'].join('\n'));
  const split = lineStarts(bytes)[3];
  const half = new BackHalf(new MemorySource(bytes), d, CTX, { from: split, to: bytes.length, toleranceMs: 1000, utcOffsetMin: 0, format: FORMATS[0], windowBytes: 64 });
  half.run();
  const start = { lineCount: 4, prevWall: NaN, prevOffset: -32768, hasOffset: false, logOffsetMin: 0, finishing: [0, -1, NaN, 0, NaN, 0, 0] };
  const order = { up: 0, down: 0, lastTimed: NaN };
  assert.equal(half.fits({ start, edge: { t: 0, text: '00:00:00' }, parserState: undefined, order }, undefined), 'whole', 'the front half has timed records, read in no offset');
  assert.equal(half.fits({ start, edge: { t: NaN, text: '' }, parserState: undefined, order }, undefined), 'keep', 'the front half has no timed record: the log\'s offset is the back half\'s first, as assumed');
  assert.equal(half.fits({ start: { ...start, hasOffset: true, logOffsetMin: 120 }, edge: { t: NaN, text: '' }, parserState: undefined, order }, undefined), 'keep');
  assert.equal(half.fits({ start: { ...start, hasOffset: true, logOffsetMin: 60 }, edge: { t: NaN, text: '' }, parserState: undefined, order }, undefined), 'keep', 'every record of the half writes its own offset');
});

const logFileOf = (file: string, id: string): LogFile => ({ path: file, name: '2026-01-15.log', display: file, arg: 0, dialect: dialect(id), mtimeMs: CTX.mtimeMs ?? 0 });

/** check's lines of a log set of one file, as check writes them. */
function checkOutput(set: LogSet, json: boolean): string {
  const index = set.sources[0].index;
  const parts: (CheckLines | CheckBodies)[] = [];
  if (index.windowedCheckLines !== undefined) parts.push(index.windowedCheckLines);
  else {
    const sink = new CheckBytes();
    const counts = { errors: 0, warnings: 0, written: json ? 1 : 0 };
    diagnosticFacts(index, (d) => writeCheckLine(sink, json, undefined, d.line + 1, d.endLine + 1, d, new CheckHeads(), counts));
    parts.push({ lines: sink.take(), errors: counts.errors, warnings: counts.warnings, written: counts.written - (json ? 1 : 0) });
  }
  const later = index.laterCheckLines?.();
  if (later !== undefined) parts.push(later);
  return joined(json, parts);
}


test('check of a generated log on two threads goes window by window through a real worker (started early or not), with one thread\'s lines', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-windows-'));
  try {
    for (const id of ['communigate', 'axigen', 'messaging-server', 'emg']) {
      const logFile = logFileOf(generatedLog(dir, id, 6), `${id}-log`);
      for (const json of [false, true]) {
        const options = { keyless: true, problemLines: true, segments: true, check: { json, named: false } };
        const one = await withThreads('1', () => LogSet.open([logFile], options));
        const expected = checkOutput(one, json);
        one.close();
        assert.ok(expected.length > 10_000, `${id}: the generated log has diagnostics`);
        for (const early of [true, false]) {
          if (early) startEarlyPartWorker();
          const set = await withThreads('2', () => LogSet.open([logFile], options));
          try {
            assert.ok(set.sources[0].index.windowedCheckLines !== undefined, `${id}: checked in windows`);
            assert.ok(set.sources[0].index.recordCount < 100_000, `${id}: the index holds a window, not the log`);
            assert.equal(checkOutput(set, json), expected, `${id}, json ${json}, early worker ${early}`);
          } finally {
            set.close();
          }
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check lines\' numbers are written as String(n) writes them, and long pieces are copied whole', () => {
  const sink = new CheckBytes();
  const numbers = [0, 7, 9, 10, 11, 99, 100, 101, 999_999, 1_000_000, 123_456_789, 2 ** 32 + 5, 2 ** 40];
  const body = Buffer.from(`: warning level: ${'x'.repeat(200)}\n`);
  for (const n of numbers) {
    sink.decimal(n);
    sink.copy(body, 0, body.length);
  }
  const text = Buffer.concat(sink.take().map((c) => Buffer.from(c))).toString('latin1');
  assert.equal(text, numbers.map((n) => `${n}${body.toString('latin1')}`).join(''));
});

/** How a sink keeps its lines: in memory, through a spill file, or a spill file that has no room (/dev/full: the lines then stay in memory). */
const KEEPS = ['memory', 'spill file', ...(fs.existsSync('/dev/full') ? ['full spill file'] : [])] as const;

/** A spill file for `keep` (the caller closes it, as its owner does), or undefined for memory. */
function spillFor(keep: (typeof KEEPS)[number]): number | undefined {
  if (keep === 'memory') return undefined;
  const fd = keep === 'spill file' ? openSpillFile() : fs.openSync('/dev/full', 'r+');
  assert.ok(fd !== undefined, 'a spill file is made');
  return fd;
}

test('a worker\'s lines kept before their numbers: across 1 MB chunks and a body longer than one, in memory or a spill file, as check writes them with the numbers known', () => {
  const messages = Array.from({ length: 30_000 }, (_, i) => `message ${i} ${'x'.repeat(i % 97)}`);
  messages[12_345] = 'y'.repeat(1_500_000);
  for (const keep of KEEPS) {
    for (const json of [false, true]) {
      for (const file of [undefined, 'a.log']) {
        // Two alike: a spill file is closed once its bodies are written.
        const laters = [new CheckLinesAt(spillFor(keep)), new CheckLinesAt(spillFor(keep))];
        const sink = new CheckBytes();
        const counts = { errors: 0, warnings: 0, written: 1 };
        const fact = { line: 0, endLine: 0, severity: 'warning', code: 'level', message: '', record: -1, index: undefined as unknown as LogIndex } satisfies DiagnosticFacts;
        for (const [i, message] of messages.entries()) {
          const d = { ...fact, line: 3 * i, endLine: 3 * i + (i % 3), severity: i % 5 === 0 ? 'error' : 'warning', message } satisfies DiagnosticFacts;
          for (const later of laters) later.add(json, file, d.line, d.endLine, d, new CheckHeads());
          writeCheckLine(sink, json, file, 1000 + d.line + 1, 1000 + d.endLine + 1, d, new CheckHeads(), counts);
        }
        const expected = { lines: sink.take(), errors: counts.errors, warnings: counts.warnings, written: counts.written - 1 };
        const [first, second] = laters.map((later) => later.bodies(1000, { json, file }));
        if (keep !== 'memory') {
          const spill = first.spill;
          assert.ok(spill !== undefined, 'the bodies name their spill file');
          const spilled = spill.at.filter((at) => at >= 0).length;
          if (keep === 'spill file') assert.ok(spilled >= 1 && first.chunks.filter((c) => c.length === 0).length === spilled, `full chunks in the file, not in memory (${spilled})`);
          else assert.equal(spilled, 0, 'none in a file with no room');
        }
        const what = `${keep}, json ${json}, file ${file}`;
        assert.equal(joined(json, [first]), joined(json, [expected]), what);
        // After other lines: a JSON item's `,` before the first body, as before any other.
        assert.equal(joined(json, [expected, second]), joined(json, [expected, expected]), `after others: ${what}`);
        if (keep !== 'memory') assert.throws(() => fs.fstatSync(first.spill?.fd ?? -1), /EBADF/, 'the spill file is closed once written');
      }
    }
  }
});

test('this thread\'s lines held to the end, in memory or a spill file, read back as written: across 1 MB buffers, a piece longer than one, and the last one', () => {
  const pieces = Array.from({ length: 40_000 }, (_, i) => Buffer.from(`${i}: warning level: ${'z'.repeat(i % 131)}\n`));
  pieces[20_000] = Buffer.alloc(2_500_000, 0x71);
  const expected = Buffer.concat(pieces);
  for (const keep of KEEPS) {
    const fd = spillFor(keep);
    const sink = new CheckBytes(fd);
    for (const piece of pieces) sink.copy(piece, 0, piece.length);
    if (keep === 'spill file') assert.ok(fs.fstatSync(fd as number).size > 2 * (1 << 20), 'full buffers went to the file');
    const got: Buffer[] = [];
    // Each chunk is to be written out before the next is asked for: copied as it comes.
    for (const chunk of sink.read()) got.push(Buffer.from(chunk));
    assert.ok(Buffer.concat(got).equals(expected), keep);
    if (fd !== undefined) assert.throws(() => fs.fstatSync(fd), /EBADF/, 'the spill file is closed once read');
  }
});
