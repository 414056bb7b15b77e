// msglog sessions on two threads, window by window (windowedSessions.ts): this thread's half exact, the
// worker's gathered as if nothing came before it, with its own keys, and taken in only where that
// changes nothing. Whatever the split and the windows, the sessions must be one scan's: every field of
// every session, and for JSON the bytes the worker writes after this thread's. The worker's functions
// run on this thread here (HereHalf), and through a real worker at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JsonBytes, LogIndex, LogSet, MemorySource, rowWidths, SessionJson, SessionRows, listSessions } from '../../server/src/engine';
import type { Dialect, LogFile, LogSource } from '../../server/src/engine';
import { DIALECTS } from '../../server/src/engine/dialects';
import { FileSource } from '../../server/src/engine/source';
import { PartWorker, startEarlyPartWorker, workerFile } from '../../server/src/engine/parallel';
import { answerWord, gatherHalf, halfKeys, readHalves } from '../../server/src/engine/windowedSessions';
import type { HalfReading, HalfWorker, RowsWord, SessionsHalfAnswer, SessionsHalfJob, SessionsWord } from '../../server/src/engine/windowedSessions';
import { generatedLog, mixedEndings, REAL_LOG, withThreads } from './helpers';
import { CTX, lineStarts, SAMPLES } from './partSamples';

function dialect(id: string): Dialect {
  const d = DIALECTS.find((x) => x.id === id);
  assert.ok(d, id);
  return d;
}

type Job = { from: number; to: number } & HalfReading;

/** The worker's side run on this thread: what it posts is queued for waitSync. */
class HereHalf implements HalfWorker {
  private readonly answers: (SessionsHalfAnswer | { error: string })[] = [];
  private readonly gathered: ReturnType<typeof gatherHalf>;
  word: SessionsWord['take'] | undefined;
  terminated = false;
  /** What serves this thread's second word (a text list's widths). */
  private rows: ((rows: RowsWord) => void) | undefined;

  constructor(source: LogSource, d: Dialect, job: Job) {
    const post = (answer: SessionsHalfAnswer): number => this.answers.push(answer);
    this.gathered = gatherHalf(source, d, CTX, job, undefined, (lead) => post({ k: -1, lead }));
    post({ k: -1, keys: halfKeys(this.gathered).keys, facts: this.gathered.facts });
  }

  waitSync(): SessionsHalfAnswer | { error: string } {
    return this.answers.shift() ?? { error: 'nothing posted' };
  }

  send(word: SessionsWord | RowsWord): void {
    if ('widths' in word) {
      assert.ok(this.rows, 'widths are asked for');
      this.rows(word);
      return;
    }
    this.word = word.take;
    this.rows = answerWord(this.gathered, word, (answer) => this.answers.push(answer));
  }

  terminate(): void {
    this.terminated = true;
  }
}

/** The JSON lines of an index's sessions as msglog sessions --json writes them, and those written after them by a worker. */
function jsonLines(index: LogIndex): string {
  const w = new JsonBytes();
  const writer = new SessionJson(index, { name: 'a.log', files: [{ display: 'a.log' }], locateRecord: () => ({ file: 0, line: 0 }), locate: () => ({ file: 0, line: 0 }) }, w, false, false);
  for (let s = 0; s < index.sessionCount; s++) writer.write(s, s === 0);
  let text = w.take().toString('utf8');
  for (const chunk of index.laterSessionsJson?.() ?? []) text += Buffer.from(chunk).toString('utf8');
  return text;
}

/** The rows of an index's sessions as msglog sessions writes them, and those written after them by a worker, with the same widths. */
function textRows(index: LogIndex): string {
  const later = index.laterSessionRows;
  const w = new JsonBytes();
  const rows = new SessionRows(index, { name: 'a.log', files: [{ display: 'a.log' }], locateRecord: () => ({ file: 0, line: 0 }), locate: () => ({ file: 0, line: 0 }) }, w, false, later?.widths ?? rowWidths([index]));
  for (let s = 0; s < index.sessionCount; s++) rows.write(s);
  let text = w.take().toString('utf8');
  for (const chunk of later?.chunks() ?? []) text += Buffer.from(chunk).toString('utf8');
  return text;
}

/** Every field of every session (what the outline shows), and the lines. */
function summaries(index: LogIndex): string {
  return JSON.stringify({ lines: index.lineCount, sessions: listSessions(index) });
}

/** How the worker's half is taken: every session in here ('all'), or the worker writing the JSON lines or text rows of its own. */
type Mode = 'all' | 'json' | 'text';
const MODES: Mode[] = ['all', 'json', 'text'];

/** What the list shows in that mode: every session's fields, or the lines written. */
function listed(index: LogIndex, mode: Mode): string {
  return mode === 'all' ? summaries(index) : mode === 'json' ? jsonLines(index) : textRows(index);
}

function oneScan(bytes: Buffer, d: Dialect, windowBytes: number): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  index.buildSessionEnds(windowBytes);
  return index;
}

type Fit = 'keep' | 'again' | 'whole';

/** Both halves on this thread, as the two threads do them: the index, and whether the worker's half stood. */
function windowed(bytes: Buffer, d: Dialect, split: number, windowBytes: number, mode: Mode, grown = Buffer.alloc(0)): { index: LogIndex | undefined; fit: Fit } {
  // The log as the worker reads it may have grown since this thread took its size: it reads up to that.
  const job: Job = { from: split, to: bytes.length, toleranceMs: 1000, utcOffsetMin: 0, windowBytes };
  const back = new HereHalf(new MemorySource(Buffer.concat([bytes, grown])), d, job);
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  if (!readHalves(index, back, job, CTX, mode === 'all' ? undefined : mode)) return { index: undefined, fit: 'whole' };
  return { index, fit: back.word !== undefined ? 'keep' : 'again' };
}

const WINDOWED = ['communigate-log', 'axigen-log', 'messaging-server-log'];

for (const id of WINDOWED) {
  test(`${id}: sessions in two halves at every split, windows of 1, 40 and 4096 bytes, taken in or written by the worker as JSON and as text, are one scan's`, () => {
    const d = dialect(id);
    assert.ok(d.partable === true || d.splitsWithState === 'always', 'a dialect read in parts with its keys');
    const fits = new Map<Fit, number>();
    for (const bytes of [Buffer.from(SAMPLES[id].join('\n')), Buffer.from(SAMPLES[id].join('\r\n') + '\r\n'), Buffer.from(mixedEndings(SAMPLES[id]))]) {
      for (const windowBytes of [1, 40, 4096]) {
        const one = oneScan(bytes, d, windowBytes);
        const expected = new Map(MODES.map((mode) => [mode, listed(one, mode)]));
        for (const split of lineStarts(bytes)) {
          for (const mode of MODES) {
            const got = windowed(bytes, d, split, windowBytes, mode);
            fits.set(got.fit, (fits.get(got.fit) ?? 0) + 1);
            if (got.index === undefined) continue;
            assert.equal(listed(got.index, mode), expected.get(mode), `${id} split at ${split}, windows of ${windowBytes}, ${mode}`);
          }
        }
      }
    }
    assert.ok((fits.get('keep') ?? 0) > 0, `${id}: the worker's sessions stand at some splits`);
    // A back half whose zone offset the front half did not write (its first records): read as before, only there.
    assert.ok((fits.get('whole') ?? 0) <= (fits.get('keep') ?? 0) / 4, `${id}: read as before at few splits (${fits.get('whole')})`);
    if (id === 'communigate-log') assert.ok((fits.get('again') ?? 0) > 0, `${id}: the worker's half is read again at some splits (a regression, or a record without a time, at the split)`);
  });
}

test('a split where CommuniGate\'s day rolls over keeps the worker\'s sessions, their times a day on; one at a record written late reads its half again', () => {
  const d = dialect('communigate-log');
  const bytes = Buffer.from(SAMPLES['communigate-log'].join('\n'));
  const at = (text: string): number => bytes.indexOf(`\n${text}`) + 1;
  const nextDay = at('00:10:00.000 5 NEXT-9');
  const late = at('00:00:02.000 5 SMTP-2');
  assert.ok(nextDay > 0 && late > 0);
  const one = oneScan(bytes, d, 64);
  for (const mode of MODES) {
    const rolled = windowed(bytes, d, nextDay, 64, mode);
    assert.equal(rolled.fit, 'keep', 'the first record after the split is on the next day');
    assert.ok(rolled.index);
    assert.equal(listed(rolled.index, mode), listed(one, mode), mode);
    const regressed = windowed(bytes, d, late, 64, mode);
    assert.equal(regressed.fit, 'again', 'the first record after the split goes back in time');
    assert.ok(regressed.index);
    assert.equal(listed(regressed.index, mode), listed(one, mode), mode);
  }
  // The rolled over sessions do end a day on: the list shows it.
  assert.match(summaries(one), /"key":"NEXT-9"/);
});

test('a log that grows while its sessions are listed is read as far as this thread took its size, its last line without an end included', () => {
  for (const id of WINDOWED) {
    const d = dialect(id);
    const whole = Buffer.from(SAMPLES[id].join('\n') + '\n');
    const cut = whole.length - 5;
    const bytes = whole.subarray(0, cut);
    const grown = Buffer.concat([whole.subarray(cut), Buffer.from(SAMPLES[id].join('\n'))]);
    const one = oneScan(bytes, d, 64);
    for (const split of lineStarts(bytes)) {
      for (const mode of MODES) {
        const got = windowed(bytes, d, split, 64, mode, grown);
        if (got.index === undefined) continue;
        assert.equal(listed(got.index, mode), listed(one, mode), `${id} split at ${split}, ${mode}`);
      }
    }
  }
});

test('the real CommuniGate log, its sessions in two halves at 25 splits with 1 KB windows, are one scan\'s', () => {
  const bytes = fs.readFileSync(REAL_LOG);
  const d = dialect('communigate-log');
  const starts = lineStarts(bytes);
  const one = oneScan(bytes, d, 1024);
  assert.ok(one.sessionCount > 100, 'the real log has sessions');
  const expected = new Map(MODES.map((mode) => [mode, listed(one, mode)]));
  for (let k = 1; k <= 25; k++) {
    const split = starts[Math.floor((starts.length * k) / 26)];
    for (const mode of MODES) {
      const got = windowed(bytes, d, split, 1024, mode);
      assert.ok(got.index, `split at ${split}: the worker's half fits or is read again`);
      assert.equal(listed(got.index, mode), expected.get(mode), `split at ${split}, ${mode}`);
    }
  }
});

const logFileOf = (file: string, id: string): LogFile => ({ path: file, name: '2026-01-15.log', display: file, arg: 0, dialect: dialect(id), mtimeMs: CTX.mtimeMs ?? 0 });

test('sessions of a generated log go through a real worker (started early or not): one thread\'s JSON lines and text rows', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-sessions-windows-'));
  try {
    for (const id of ['communigate', 'axigen', 'messaging-server']) {
      const logFile = logFileOf(generatedLog(dir, id, 6), `${id}-log`);
      for (const mode of ['json', 'text'] as const) {
        const options = { sessionEnds: true, sessionList: mode };
        const one = await withThreads('1', () => LogSet.open([logFile], options));
        const index = one.sources[0].index;
        const expected = listed(index, mode);
        assert.ok(index.sessionCount > (id === 'messaging-server' ? 5 : 1000), `${id}: the generated log has sessions (${index.sessionCount})`);
        one.close();
        for (const early of [true, false]) {
          if (early) startEarlyPartWorker();
          const set = await withThreads('2', () => LogSet.open([logFile], options));
          try {
            const two = set.sources[0].index;
            // The back half's new sessions are left to the worker, which writes their JSON lines or text rows.
            assert.ok((mode === 'json' ? two.laterSessionsJson : two.laterSessionRows) !== undefined, `${id}: the worker writes its sessions' ${mode}`);
            assert.equal(listed(two, mode), expected, `${id}, ${mode}, early worker ${early}`);
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

/** The answers of `back` as this thread takes them: how each of the worker's pieces came (the ring, or the spill file). */
function counted(back: PartWorker<SessionsHalfAnswer>): { worker: HalfWorker; ways: string[] } {
  const ways: string[] = [];
  const worker: HalfWorker = {
    waitSync: () => {
      const answer = back.waitSync();
      if ('slot' in answer) ways.push('ring');
      else if ('spilled' in answer) ways.push('file');
      return answer;
    },
    send: (word) => back.send(word),
    terminate: () => back.terminate(),
  };
  return { worker, ways };
}

for (const spill of [false, true]) {
  const how = spill ? 'it writes on into its spill file' : 'without a spill file, it waits for this thread to write each slot out';
  test(`a worker writes more JSON than its ring holds: ${how}, and the lines come in order, none lost`, { skip: os.availableParallelism() < 2 && 'one core: no worker' }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-sessions-ring-'));
    try {
      const file = generatedLog(dir, 'communigate', 40);
      const d = dialect('communigate-log');
      const source = new FileSource(file);
      const one = new LogIndex(source, d, CTX);
      one.buildSessionEnds(2 << 20);
      const expected = jsonLines(one);
      const split = lineStarts(fs.readFileSync(file)).find((start) => start > source.size / 4) ?? 0;
      const job: SessionsHalfJob = { kind: 'sessions-half', path: file, from: split, to: source.size, dialect: d.id, ctx: CTX, toleranceMs: 1000, utcOffsetMin: 0, windowBytes: 2 << 20 };
      const entry = workerFile();
      assert.ok(entry, 'the index worker is built');
      const back = new PartWorker(entry, job) as unknown as PartWorker<SessionsHalfAnswer>;
      const { worker, ways } = counted(back);
      const index = new LogIndex(source, d, CTX);
      assert.ok(readHalves(index, worker, job, CTX, 'json', {}, 2, spill), 'the worker\'s half fits');
      if (spill) {
        // Nothing written out yet: the worker fills the ring's 2 slots and goes on without waiting (its lead, keys and half taken: 3 answers).
        const deadline = Date.now() + 60_000;
        while (back.posted < 3 + 2 + 2 && Date.now() < deadline) back.block(1000);
        assert.ok(back.posted >= 3 + 2 + 2, `the worker posted pieces beyond its ring (${back.posted} answers)`);
      }
      assert.equal(jsonLines(index), expected);
      assert.ok(ways.length > 4, `more pieces than the ring's 2 slots (${ways.length})`);
      if (spill) assert.ok(ways.includes('file') && ways.includes('ring'), `pieces through the ring and the file (${ways.join(' ')})`);
      else assert.ok(ways.every((way) => way === 'ring'), 'every piece through the ring');
      source.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a gathered half\'s keys are handed to this thread where they are (shared memory, nothing copied or transferred), and find the same sessions; their record counts are a copy, transferred', () => {
  const bytes = fs.readFileSync(REAL_LOG);
  const d = dialect('communigate-log');
  const split = lineStarts(bytes)[100];
  const g = gatherHalf(new MemorySource(bytes), d, CTX, { from: split, to: bytes.length, toleranceMs: 1000, utcOffsetMin: 0, windowBytes: 1024 });
  const { keys, transfer } = halfKeys(g);
  assert.ok(keys.pool.buffer instanceof SharedArrayBuffer && keys.bounds.buffer instanceof SharedArrayBuffer && keys.hashes.buffer instanceof SharedArrayBuffer, 'the key table grew over shared memory');
  assert.deepEqual(transfer, [keys.records.buffer]);
  assert.deepEqual([...keys.records], [...g.index.sessionRecordCount.subarray(0, keys.sessions)]);
  assert.equal(keys.sessions, g.index.sessionCount);
  assert.ok(keys.sessions > 50);
  for (let s = 0; s < keys.sessions; s++) {
    assert.equal(g.index.keys.idOf(keys.pool, keys.bounds[2 * s], keys.bounds[2 * s + 1], keys.hashes[s]), s);
    assert.equal(Buffer.from(keys.pool.subarray(keys.bounds[2 * s], keys.bounds[2 * s + 1])).toString('utf8'), g.index.keys.keyOf(s));
  }
});
