// Problem lines kept while scanning (BuildOptions.problemLines, for `msglog check`) must be exactly
// the lines read back otherwise (headerLine), for every problem record, whatever the chunking, the line
// ends, the dialect and the threads, and the diagnostics must not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diagnostics, LogIndex, MemorySource, openLogFile } from '../../server/src/engine';
import { DIALECTS } from '../../server/src/engine/dialects';
import type { LogSource } from '../../server/src/engine/source';
import { NO_LEVEL, RecordFlag, Severity } from '../../server/src/engine/types';
import { EDGE_LINES, REAL_LOG, ROOT } from './helpers';

const SAMPLES: [string, string][] = [
  ['communigate-log', 'samples/communigate/SystemLogs/2026-01-15.log'],
  ['emg-log', 'samples/emg/log/connector.smpp1'],
  ['axigen-log', 'samples/axigen/log/everything.txt'],
  ['messaging-server-log', 'samples/messaging-server/imap.log'],
  ['privateserver-log', 'samples/privateserver/sip-sessions.tsv'],
];
const CTX = { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 0, 15, 12) };

/** The records a diagnostic quotes: a level at Warning or worse, or a failed event. */
function problemRecords(index: LogIndex): number[] {
  const out: number[] = [];
  for (let r = 0; r < index.recordCount; r++) {
    if ((index.recLevel[r] !== NO_LEVEL && index.recSeverity[r] <= Severity.Warning) || index.recFlags[r] & RecordFlag.EventError) out.push(r);
  }
  return out;
}

/** A source that counts its reads (after the build: what the diagnostics read back). */
class CountingSource extends MemorySource {
  reads = 0;
  override read(start: number, end: number): Buffer {
    this.reads++;
    return super.read(start, end);
  }
}

function assertKept(index: LogIndex, without: LogIndex, label: string): void {
  const kept = index.problemLines;
  assert.ok(kept !== undefined, `${label}: kept`);
  const problems = problemRecords(index);
  assert.ok(problems.length > 0, `${label}: the log has problems`);
  assert.equal(kept.size, problems.length, `${label}: one line per problem record`);
  for (const r of problems) assert.equal(kept.lineOf(r), index.headerLine(r), `${label}: record ${r}`);
  assert.deepEqual([...diagnostics(index)], [...diagnostics(without)], `${label}: diagnostics`);
}

test('problem lines kept while scanning are the lines read back, on every dialect, chunking and line end', () => {
  for (const [id, file] of SAMPLES) {
    const d = DIALECTS.find((x) => x.id === id)!;
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8') + (id === 'communigate-log' ? EDGE_LINES.join('\n') : '');
    for (const [ending, bytes] of [
      ['LF', Buffer.from(text)],
      ['CRLF', Buffer.from(text.replace(/\r?\n/g, '\r\n'))],
      ['a lone CR', Buffer.from(text.replace(/\r?\n/, '\r'))],
      // The next CR is looked up once a line passes it: CRs before, in and after problem lines.
      ['lone CRs among LFs', Buffer.from(text.split(/\r?\n/).map((line, i) => line + (i % 3 === 1 ? '\r' : '\n')).join(''))],
    ] as const) {
      const without = new LogIndex(new MemorySource(bytes), d, CTX);
      without.build();
      assert.equal(without.problemLines, undefined);
      for (const chunkSize of [undefined, 53, 4096]) {
        const source = new CountingSource(bytes);
        const index = new LogIndex(source, d, CTX);
        index.build({ chunkSize, problemLines: true });
        assertKept(index, without, `${id}, ${ending}, chunks of ${chunkSize ?? 'default'}`);
      }
    }
  }
});

test('problem lines: the diagnostics of level problems read nothing back', () => {
  const d = DIALECTS.find((x) => x.id === 'communigate-log')!;
  // Level problems only (no time regression, whose message quotes the time before it).
  const lines = Array.from({ length: 300 }, (_, i) => `12:00:${String(Math.floor(i / 10)).padStart(2, '0')}.${i % 10}00 ${i % 3 === 0 ? 1 : 2} IMAP-${i % 17}([10.0.0.1]) line ${i}`);
  const count = (problemLines: boolean): number => {
    const source = new CountingSource(Buffer.from(lines.join('\n') + '\n'));
    const index = new LogIndex(source, d, CTX);
    index.build({ problemLines });
    source.reads = 0;
    assert.equal([...diagnostics(index)].length, 100);
    return source.reads;
  };
  assert.equal(count(true), 0);
  assert.ok(count(false) > 0, 'without them, the lines are read back');
});

test('problem lines from worker threads (parts stitched) equal one thread; windows keep none', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-problems-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    fs.writeFileSync(file, Array.from({ length: 5 }, () => fs.readFileSync(REAL_LOG, 'utf8')).join(''));
    const close = (index: LogIndex): void => (index.source as LogSource & { close(): void }).close();
    const one = openLogFile(file, { ...CTX, threads: 1, problemLines: true });
    const without = openLogFile(file, { ...CTX, threads: 1 });
    assertKept(one, without, 'one thread');
    for (const [threads, parts] of [[2, undefined], [3, 7]]) {
      const index = openLogFile(file, { ...CTX, threads, parts, problemLines: true });
      assertKept(index, without, `${threads} threads, ${parts ?? 'default'} parts`);
      assert.equal(index.problemLines?.size, one.problemLines?.size);
      close(index);
    }
    close(one);
    close(without);
    const windowed = new LogIndex(new MemorySource(fs.readFileSync(file)), DIALECTS.find((x) => x.id === 'communigate-log')!, CTX);
    windowed.buildSessionEnds(1 << 16, { problemLines: true });
    assert.equal(windowed.problemLines, undefined, 'records forgotten window by window: no lines kept');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
