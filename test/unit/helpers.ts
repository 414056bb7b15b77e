// Test helpers: open inline logs and read the index back as plain values.
import type { OpenOptions, LogIndex, FilterQuery } from '../../server/src/engine';
import { openLog, SEVERITY_NAMES, diagnostics, runFilter, listSessions, filterPieces } from '../../server/src/engine';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LogCache } from '../../server/src/logCache';
import { KeyTable } from '../../server/src/engine/keyTable';
import { SessionDialogs } from '../../server/src/engine/sessionDialogs';
import type { FastRecords, FastScan } from '../../server/src/engine/types';

export const ROOT = path.resolve(__dirname, '../../..');

/** A log of the project's generator (scripts/gen-logs.mjs), about `megabytes` MB, as `dir/DIALECT-MB/2026-01-15.log` (named as the logs are). */
export function generatedLog(dir: string, dialect: string, megabytes: number): string {
  const file = path.join(dir, `${dialect}-${megabytes}`, '2026-01-15.log');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), dialect, String(megabytes), file, '7'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return file;
}
export const REAL_LOG = path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log');

export function open(text: string, options: OpenOptions = {}): LogIndex {
  return openLog(Buffer.from(text, 'utf8'), options);
}

export interface RecordView {
  line: number;
  endLine: number;
  key: string;
  severity: string;
  level: number;
}

export function records(index: LogIndex): RecordView[] {
  const out: RecordView[] = [];
  for (let r = 0; r < index.recordCount; r++) {
    out.push({
      line: index.recStartLine[r],
      endLine: index.recEndLine[r],
      key: index.sessionKey(index.recSession[r]),
      severity: SEVERITY_NAMES[index.recSeverity[r]],
      level: index.recLevel[r],
    });
  }
  return out;
}

export function keys(index: LogIndex): string[] {
  return records(index).map((r) => r.key);
}

/** Diagnostics as `line:code:severity` strings (0-based lines). */
export function diagnosticCodes(index: LogIndex): string[] {
  return [...diagnostics(index)].map((d) => `${d.line}:${d.code}:${d.severity}`);
}

/** The filter's output text, as the CLI prints it. */
export function filterText(index: LogIndex, query: FilterQuery): string {
  return [...filterPieces(index, runFilter(index, query))].map((p) => p.bytes.toString('utf8')).join('');
}

/** Everything observable about an index, as plain values: indexes built in other ways must equal it. */
export function snapshot(index: LogIndex): unknown {
  const recs = [];
  for (let r = 0; r < index.recordCount; r++) {
    recs.push([
      index.recStartLine[r],
      index.recEndLine[r],
      index.recStartOffset[r],
      index.recEndOffset[r],
      index.recWall[r],
      index.recFlags[r],
      index.sessionKey(index.recSession[r]),
      index.recLevel[r],
      index.recSeverity[r],
      index.recBodyCol[r],
      index.recOffsetMin[r],
      index.timestampText(r),
    ]);
  }
  return {
    dialect: index.dialect.id,
    lineCount: index.lineCount,
    preambleLines: index.preambleLines,
    scannedTo: index.scannedTo,
    endsInPartialLine: index.endsInPartialLine,
    descending: index.descending,
    dated: index.dated,
    logOffsetMin: index.logOffsetMin,
    recs,
    sessions: listSessions(index),
    dialogs: [...index.sessionDialog].sort((a, b) => a[0] - b[0]),
    overflow: index.overflow,
    diagnostics: [...diagnostics(index)],
    filter: runFilter(index, { text: 'a', keyed: true }).items,
  };
}

/** CommuniGate lines with the edge cases of record boundaries: preamble, continuation, markers, orphans, regression, rollover. */
export const EDGE_LINES = [
  'title line',
  '12:00:00.000 2 IMAP-1([1.2.3.4]) connected',
  '  continuation',
  '***',
  '***',
  'orphan after marker',
  '12:00:01.000 3 IMAP-1([1.2.3.4]) a problem',
  '12:00:00.000 5 SMTP-2 earlier by a second (regression)',
  '23:59:00.000 5 SMTP-2 same day',
  '00:00:01.000 5 SMTP-2 next day',
];

/** The lines ended by LF, CRLF and lone CR in turn, as the editor counts lines. */
export function mixedEndings(lines: string[]): string {
  return lines.map((l, i) => l + ['\n', '\r\n', '\r'][i % 3]).join('');
}

/** A language server's document cache on its own (no server): failures are thrown to the test. */
export function logCache(): LogCache {
  return new LogCache(() => undefined, {
    changed: () => undefined,
    evicted: () => undefined,
    backgroundProgress: () => Promise.resolve(undefined),
    failed: (e) => {
      throw e;
    },
  });
}

/** Runs `body` with MSGLOG_THREADS set to `threads` (the threads LogSet.open gives a large log), then as it was. */
export async function withThreads<T>(threads: string, body: () => Promise<T>): Promise<T> {
  const was = process.env.MSGLOG_THREADS;
  process.env.MSGLOG_THREADS = threads;
  try {
    return await body();
  } finally {
    if (was === undefined) delete process.env.MSGLOG_THREADS;
    else process.env.MSGLOG_THREADS = was;
  }
}

/** Empty arrays for `slots` records, keyless (with zone offsets for a `zoned` scan), as the index hands them to a fast scan. */
export function keylessFastRecords(slots: number, zoned = false): FastRecords {
  return {
    recordCount: 0, line: 0, recStartLine: new Uint32Array(slots), recStartOffset: new Uint32Array(slots), recBodyCol: new Uint16Array(slots),
    recWall: new Float64Array(slots), recLevel: new Uint8Array(slots), recSeverity: new Uint8Array(slots), recFlags: new Uint8Array(slots),
    recSession: new Uint32Array(slots), sessionFirst: new Uint32Array(1), sessionLast: new Uint32Array(1), sessionRecordCount: new Uint32Array(1),
    sessionDialog: new SessionDialogs(), keys: new KeyTable(), keyless: true, prevWall: 0, lastEndLine: 0, lastEndOffset: 0, offsets: zoned ? new Int16Array(slots) : undefined, prevOffset: 0,
  };
}

/**
 * A fused scan through its WebAssembly module (`wasm`) and the same scan on its JavaScript loop alone
 * (`js`), each over `bytes` into fresh keyless arrays: they must stop at the same place and write the same.
 */
export function assertScansAgree(wasm: FastScan, js: FastScan, bytes: Buffer, label: string, zoned = false): void {
  const byJs = keylessFastRecords(8, zoned);
  const byWasm = keylessFastRecords(8, zoned);
  const jsStop = js.scan(bytes, 0, bytes.length, 1000, byJs);
  const wasmStop = wasm.scan(bytes, 0, bytes.length, 1000, byWasm);
  assert.equal(wasmStop, jsStop, label);
  assert.deepEqual(byWasm, byJs, label);
}

/** A fused scan's JavaScript loop (its private `loop`, given the lines its WebAssembly module leaves). */
interface WithLoop {
  loop: FastScan['scan'];
}

/** Counts the calls of `scan`'s JavaScript loop from now on: `count()` says how many so far. */
export function countLoopCalls(scan: FastScan): { count(): number } {
  const holder = scan as unknown as WithLoop;
  const loop = holder.loop.bind(scan);
  let calls = 0;
  holder.loop = (...args) => {
    calls++;
    return loop(...args);
  };
  return { count: () => calls };
}
