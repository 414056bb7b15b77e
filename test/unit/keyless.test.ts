// A keyless index (BuildOptions.keyless, what `msglog check` builds) puts every record in one session and
// interns no key: its records and diagnostics must be those of the keyed index, on every dialect, chunk
// size and thread count, because `check` prints nothing else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diagnostics, LogIndex, MemorySource, openLogFile } from '../../server/src/engine';
import { DIALECTS } from '../../server/src/engine/dialects';
import type { BuildOptions, FileSource } from '../../server/src/engine';
import { EDGE_LINES, generatedLog, mixedEndings, REAL_LOG } from './helpers';

const CTX = { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 5, 1) };
let dir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-keyless-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const generated = (dialect: string, megabytes: number): string => generatedLog(dir, dialect, megabytes);

/** What `check` prints of an index, and the records it reads: all but their sessions. */
function checked(index: LogIndex): unknown {
  const n = index.recordCount;
  const records = Array.from({ length: n }, (_, r) => [index.recStartLine[r], index.endLineOf(r), index.recStartOffset[r], index.recWall[r], index.recLevel[r], index.recSeverity[r], index.recFlags[r], index.recBodyCol[r]]);
  const lines = index.problemLines === undefined ? [] : Array.from({ length: n }, (_, r) => index.problemLines?.lineOf(r));
  return { records, lines, lineCount: index.lineCount, overflow: index.overflow, diagnostics: [...diagnostics(index)] };
}

function inMemory(bytes: Buffer, dialect: string, options: BuildOptions): LogIndex {
  const d = DIALECTS.find((x) => x.id === dialect);
  assert.ok(d, dialect);
  const index = new LogIndex(new MemorySource(bytes), d, CTX);
  index.build(options);
  return index;
}

function assertKeyless(index: LogIndex, what: string): void {
  assert.equal(index.sessionCount, 1, `${what}: one session`);
  assert.equal(index.keys.keyOf(0), '', `${what}: the empty key`);
  for (let r = 0; r < index.recordCount; r++) assert.equal(index.recSession[r], 0, `${what}: record ${r}`);
  assert.equal(index.sessionRecordCount[0], index.recordCount, `${what}: all records in it`);
  assert.equal(index.sessionDialog.size, 0, `${what}: no SIP dialog read`);
}

test('keyless: the records and diagnostics of a keyed index, on every dialect, line end and chunk size', () => {
  const inputs: [string, Buffer][] = [
    ['communigate-log', Buffer.from(EDGE_LINES.join('\n'))],
    ['communigate-log', Buffer.from(mixedEndings(EDGE_LINES))],
    ['communigate-log', fs.readFileSync(REAL_LOG)],
  ];
  for (const [dialect, name] of [['communigate-log', 'communigate'], ['emg-log', 'emg'], ['axigen-log', 'axigen'], ['messaging-server-log', 'messaging-server'], ['privateserver-log', 'privateserver']]) {
    inputs.push([dialect, fs.readFileSync(generated(name, 1))]);
  }
  for (const [dialect, bytes] of inputs) {
    for (const fastScan of [true, false]) {
      const keyed = inMemory(bytes, dialect, { problemLines: true });
      const expected = checked(keyed);
      assert.ok(keyed.sessionCount > 1, `${dialect}: the keyed index has sessions`);
      for (const chunkSize of [undefined, 4096, 7]) {
        if (chunkSize === 7 && bytes.length > 100_000) continue;
        const d = DIALECTS.find((x) => x.id === dialect)!;
        const index = new LogIndex(new MemorySource(bytes), d, CTX, { fastScan });
        index.build({ problemLines: true, keyless: true, chunkSize });
        const what = `${dialect} (${bytes.length} bytes, chunk ${chunkSize ?? 'default'}, fast scan ${fastScan})`;
        assert.deepEqual(checked(index), expected, what);
        assertKeyless(index, what);
      }
    }
  }
});

test('keyless: a log indexed on several threads (worker parts stitched) checks as one keyed thread does', () => {
  for (const name of ['communigate', 'axigen', 'messaging-server']) {
    const file = generated(name, 3);
    const keyed = openLogFile(file, { ...CTX, threads: 1, problemLines: true });
    const expected = checked(keyed);
    (keyed.source as FileSource).close();
    for (const [threads, parts] of [[1, undefined], [2, undefined], [3, 7]]) {
      const index = openLogFile(file, { ...CTX, threads, parts, problemLines: true, keyless: true });
      const what = `${name} on ${threads} threads, ${parts ?? 'default'} parts`;
      assert.deepEqual(checked(index), expected, what);
      assertKeyless(index, what);
      (index.source as FileSource).close();
    }
  }
});

test('keyless: a log that grows stays keyless, and an index with records is not made keyless', () => {
  const lines = fs.readFileSync(REAL_LOG, 'utf8').split('\n');
  const half = Buffer.from(lines.slice(0, 400).join('\n') + '\n');
  const rest = Buffer.from(lines.slice(400).join('\n'));
  const d = DIALECTS.find((x) => x.id === 'communigate-log')!;
  const source = new MemorySource(half);
  const index = new LogIndex(source, d, CTX);
  index.build({ keyless: true });
  source.append(rest);
  index.build();
  assertKeyless(index, 'appended');
  assert.deepEqual(checked(index), checked(inMemory(Buffer.concat([half, rest]), 'communigate-log', {})));

  const keyed = new LogIndex(new MemorySource(half), d, CTX);
  keyed.build();
  const sessions = keyed.sessionCount;
  keyed.build({ keyless: true });
  assert.equal(keyed.sessionCount, sessions, 'a keyed index keeps its sessions');
});
