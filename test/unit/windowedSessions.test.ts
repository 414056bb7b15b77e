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
import { JsonBytes, LogIndex, LogSet, MemorySource, SessionJson, listSessions } from '../../server/src/engine';
import type { Dialect, LogFile, LogSource } from '../../server/src/engine';
import { DIALECTS } from '../../server/src/engine/dialects';
import { FileSource } from '../../server/src/engine/source';
import { PartWorker, startEarlyPartWorker, workerFile } from '../../server/src/engine/parallel';
import { answerWord, gatherHalf, halfKeys, readHalves } from '../../server/src/engine/windowedSessions';
import type { HalfReading, HalfWorker, SessionsHalfAnswer, SessionsHalfJob, SessionsWord } from '../../server/src/engine/windowedSessions';
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

  constructor(source: LogSource, d: Dialect, job: Job) {
    const post = (answer: SessionsHalfAnswer): number => this.answers.push(answer);
    this.gathered = gatherHalf(source, d, CTX, job, undefined, (lead) => post({ k: -1, lead }));
    post({ k: -1, keys: halfKeys(this.gathered).keys, facts: this.gathered.facts });
  }

  waitSync(): SessionsHalfAnswer | { error: string } {
    return this.answers.shift() ?? { error: 'nothing posted' };
  }

  send(word: SessionsWord): void {
    this.word = word.take;
    answerWord(this.gathered, word, (answer) => this.answers.push(answer));
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

/** Every field of every session (what the text list and the outline show), and the lines. */
function summaries(index: LogIndex): string {
  return JSON.stringify({ lines: index.lineCount, sessions: listSessions(index) });
}

function oneScan(bytes: Buffer, d: Dialect, windowBytes: number): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  index.buildSessionEnds(windowBytes);
  return index;
}

type Fit = 'keep' | 'again' | 'whole';

/** Both halves on this thread, as the two threads do them: the index, and whether the worker's half stood. */
function windowed(bytes: Buffer, d: Dialect, split: number, windowBytes: number, json: boolean, grown = Buffer.alloc(0)): { index: LogIndex | undefined; fit: Fit } {
  // The log as the worker reads it may have grown since this thread took its size: it reads up to that.
  const job: Job = { from: split, to: bytes.length, toleranceMs: 1000, utcOffsetMin: 0, windowBytes };
  const back = new HereHalf(new MemorySource(Buffer.concat([bytes, grown])), d, job);
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  if (!readHalves(index, back, job, CTX, json)) return { index: undefined, fit: 'whole' };
  return { index, fit: back.word !== undefined ? 'keep' : 'again' };
}

const WINDOWED = ['communigate-log', 'axigen-log', 'messaging-server-log'];

for (const id of WINDOWED) {
  test(`${id}: sessions in two halves at every split, windows of 1, 40 and 4096 bytes, as a list and as JSON, are one scan's`, () => {
    const d = dialect(id);
    assert.ok(d.partable === true || d.splitsWithState === 'always', 'a dialect read in parts with its keys');
    const fits = new Map<Fit, number>();
    for (const bytes of [Buffer.from(SAMPLES[id].join('\n')), Buffer.from(SAMPLES[id].join('\r\n') + '\r\n'), Buffer.from(mixedEndings(SAMPLES[id]))]) {
      for (const windowBytes of [1, 40, 4096]) {
        const one = oneScan(bytes, d, windowBytes);
        const expected = { list: summaries(one), json: jsonLines(one) };
        for (const split of lineStarts(bytes)) {
          for (const json of [false, true]) {
            const got = windowed(bytes, d, split, windowBytes, json);
            fits.set(got.fit, (fits.get(got.fit) ?? 0) + 1);
            if (got.index === undefined) continue;
            const at = `${id} split at ${split}, windows of ${windowBytes}, json ${json}`;
            if (json) assert.equal(jsonLines(got.index), expected.json, at);
            else assert.equal(summaries(got.index), expected.list, at);
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
  for (const json of [false, true]) {
    const rolled = windowed(bytes, d, nextDay, 64, json);
    assert.equal(rolled.fit, 'keep', 'the first record after the split is on the next day');
    assert.ok(rolled.index);
    assert.equal(json ? jsonLines(rolled.index) : summaries(rolled.index), json ? jsonLines(one) : summaries(one));
    const regressed = windowed(bytes, d, late, 64, json);
    assert.equal(regressed.fit, 'again', 'the first record after the split goes back in time');
    assert.ok(regressed.index);
    assert.equal(json ? jsonLines(regressed.index) : summaries(regressed.index), json ? jsonLines(one) : summaries(one));
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
      for (const json of [false, true]) {
        const got = windowed(bytes, d, split, 64, json, grown);
        if (got.index === undefined) continue;
        assert.equal(json ? jsonLines(got.index) : summaries(got.index), json ? jsonLines(one) : summaries(one), `${id} split at ${split}, json ${json}`);
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
  const expected = { list: summaries(one), json: jsonLines(one) };
  for (let k = 1; k <= 25; k++) {
    const split = starts[Math.floor((starts.length * k) / 26)];
    for (const json of [false, true]) {
      const got = windowed(bytes, d, split, 1024, json);
      assert.ok(got.index, `split at ${split}: the worker's half fits or is read again`);
      assert.equal(json ? jsonLines(got.index) : summaries(got.index), json ? expected.json : expected.list, `split at ${split}, json ${json}`);
    }
  }
});

const logFileOf = (file: string, id: string): LogFile => ({ path: file, name: '2026-01-15.log', display: file, arg: 0, dialect: dialect(id), mtimeMs: CTX.mtimeMs ?? 0 });

test('sessions --json of a generated log go through a real worker (started early or not): one thread\'s JSON; a text list is one thread\'s', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-sessions-windows-'));
  try {
    for (const id of ['communigate', 'axigen', 'messaging-server']) {
      const logFile = logFileOf(generatedLog(dir, id, 6), `${id}-log`);
      for (const json of [false, true]) {
        const options = { sessionEnds: true, sessionsJson: json };
        const one = await withThreads('1', () => LogSet.open([logFile], options));
        const index = one.sources[0].index;
        const expected = json ? jsonLines(index) : summaries(index);
        assert.ok(index.sessionCount > (id === 'messaging-server' ? 5 : 1000), `${id}: the generated log has sessions (${index.sessionCount})`);
        one.close();
        for (const early of [true, false]) {
          if (early) startEarlyPartWorker();
          const set = await withThreads('2', () => LogSet.open([logFile], options));
          try {
            const two = set.sources[0].index;
            // A list written as JSON leaves the back half's new sessions to the worker; a text list is read on one thread.
            assert.equal(two.laterSessionsJson !== undefined, json, `${id}: the worker writes its sessions' lines for JSON only`);
            assert.equal(json ? jsonLines(two) : summaries(two), expected, `${id}, json ${json}, early worker ${early}`);
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

test('a worker writes more JSON than its ring holds: it waits for this thread to write each slot out, and the lines come in order, none lost', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, () => {
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
    const index = new LogIndex(source, d, CTX);
    assert.ok(readHalves(index, back, job, CTX, true, {}, 2), 'the worker\'s half fits');
    // Each chunk is read as it comes (its slot is written over after): counted on the way.
    const later = index.laterSessionsJson;
    assert.ok(later, 'the worker writes its sessions\' lines');
    let chunks = 0;
    index.laterSessionsJson = function* () {
      for (const chunk of later()) {
        chunks++;
        yield chunk;
      }
    };
    assert.equal(jsonLines(index), expected);
    assert.ok(chunks > 4, `more chunks than the ring's 2 slots (${chunks})`);
    source.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a gathered half\'s keys are handed to this thread where they are (shared memory, nothing copied or transferred), and find the same sessions', () => {
  const bytes = fs.readFileSync(REAL_LOG);
  const d = dialect('communigate-log');
  const split = lineStarts(bytes)[100];
  const g = gatherHalf(new MemorySource(bytes), d, CTX, { from: split, to: bytes.length, toleranceMs: 1000, utcOffsetMin: 0, windowBytes: 1024 });
  const { keys, transfer } = halfKeys(g);
  assert.ok(keys.pool.buffer instanceof SharedArrayBuffer && keys.bounds.buffer instanceof SharedArrayBuffer && keys.hashes.buffer instanceof SharedArrayBuffer, 'the key table grew over shared memory');
  assert.deepEqual(transfer, []);
  assert.equal(keys.sessions, g.index.sessionCount);
  assert.ok(keys.sessions > 50);
  for (let s = 0; s < keys.sessions; s++) {
    assert.equal(g.index.keys.idOf(keys.pool, keys.bounds[2 * s], keys.bounds[2 * s + 1], keys.hashes[s]), s);
    assert.equal(Buffer.from(keys.pool.subarray(keys.bounds[2 * s], keys.bounds[2 * s + 1])).toString('utf8'), g.index.keys.keyOf(s));
  }
});
