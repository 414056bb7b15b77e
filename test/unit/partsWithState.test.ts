// Dialects whose parsers keep state from line to line (Dialect.splitsWithState) split into parts:
// each part starts in the state the log's head leaves (a PrivateServer table, an EMG file kind); a
// part that starts or leaves another state is indexed again, in order, on the stitching thread.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildParallelAsync, canSplit, diagnosticCounts, LogIndex, MemorySource, openLogFile } from '../../server/src/engine';
import { FileSource } from '../../server/src/engine/source';
import { DIALECTS } from '../../server/src/engine/dialects';
import type { Dialect, FileOpenOptions, ParseContext } from '../../server/src/engine';
import { snapshot } from './helpers';
import { CTX, evenBounds, lineStarts } from './partSamples';

function dialect(id: string): Dialect {
  const d = DIALECTS.find((x) => x.id === id);
  assert.ok(d, id);
  return d;
}

/** A PrivateServer sessions table of `rows` rows, newest first, as the web console exports it. */
function sessionsTable(rows: number, firstAccount: number): string[] {
  const lines = ['SessionLogEntry List', '', 'Timestamp\tEvent\tSource\tPeername\tAccount\tDetails'];
  for (let i = 0; i < rows; i++) {
    const t = new Date(Date.UTC(2026, 0, 15, 23, 59, 59) - i * 1000).toISOString().replace('T', ' ').replace('Z', '');
    lines.push(`${t}\t${i % 7 === 0 ? 'DISCONNECT' : 'REGISTER'}\tCLIENT\t${firstAccount + (i % 40)}\tAccount ${i % 40}\t${i % 7 === 0 ? 'NETWORK_ERROR' : '200 OK'}`);
  }
  return lines;
}

/** A CDR table (comma separated, a sort glyph in its header row), another kind of table. */
function cdrTable(rows: number): string[] {
  const lines = ['Cdr List', '', 'Call Date ▼,Src,Dst,Duration,Disposition'];
  for (let i = 0; i < rows; i++) lines.push(`2026-01-15 10:${String(59 - (i % 60)).padStart(2, '0')}:00,${100 + (i % 9)},200,${i % 90},${i % 11 === 0 ? 'FAILED' : 'ANSWERED'}`);
  return lines;
}

/** Part 0 built here, the others indexed on their own: whether each fits after the index (LogIndex.fits), in order, until one does not. */
function fitsInOrder(bytes: Buffer, d: Dialect, bounds: number[], keyless: boolean): boolean[] {
  const whole = new LogIndex(new MemorySource(bytes), d, CTX);
  whole.startPart(0, bounds[1]);
  whole.build({ keyless });
  const fits: boolean[] = [];
  for (let k = 1; k + 1 < bounds.length; k++) {
    const part = new LogIndex(new MemorySource(bytes), d, CTX);
    part.startPart(bounds[k], bounds[k + 1]);
    part.build({ keyless });
    const p = structuredClone(part.part());
    fits.push(whole.fits(p));
    if (!fits[fits.length - 1]) break;
    whole.adoptPart(p, part.scannedTo, part.endsInPartialLine);
  }
  return fits;
}

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-state-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `bytes` written to the file `name` in this suite's directory; its path. */
function written(name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** The snapshot of `file` indexed by openLogFile with `options` (the source closed after). */
function indexed(file: string, options: FileOpenOptions): unknown {
  const index = openLogFile(file, options);
  try {
    return snapshot(index);
  } finally {
    (index.source as FileSource).close();
  }
}

/** The snapshot of `file` as the server builds it (buildParallelAsync) on 2 threads in `parts` parts. */
async function serverBuild(file: string, d: Dialect, ctx: ParseContext, parts: number): Promise<unknown> {
  const index = new LogIndex(new FileSource(file), d, ctx);
  try {
    await buildParallelAsync(index, file, 2, ctx, 1000, { parts });
    return snapshot(index);
  } finally {
    (index.source as FileSource).close();
  }
}

test('which dialects split with state, and only where: EMG in keyless builds, PrivateServer always', () => {
  assert.equal(canSplit(dialect('emg-log'), false), false, 'EMG spans are numbered from the start');
  assert.equal(canSplit(dialect('emg-log'), true), true);
  assert.equal(canSplit(dialect('privateserver-log'), false), true);
  for (const id of ['communigate-log', 'axigen-log', 'messaging-server-log']) assert.equal(canSplit(dialect(id), false), true, id);
});

test('a PrivateServer table split into parts: every part starts in the table the head set up and is stitched on', () => {
  const bytes = Buffer.from(sessionsTable(3000, 1000).join('\n') + '\n');
  const bounds = evenBounds(lineStarts(bytes), bytes.length, 4);
  for (const keyless of [false, true]) assert.deepEqual(fitsInOrder(bytes, dialect('privateserver-log'), bounds, keyless), [true, true, true], keyless ? 'keyless' : 'keyed');
});

test('a part after a second table does not fit and is indexed again in order; the index is the one thread builds, on 2 and 3 threads and in the server', async () => {
  const d = dialect('privateserver-log');
  const lines = [...sessionsTable(1500, 1000), ...cdrTable(800), ...sessionsTable(1500, 2000)];
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const bounds = evenBounds(lineStarts(bytes), bytes.length, 4);
  // Part 1 holds the CDR table's header row (the state changes inside it): it does not fit.
  assert.deepEqual(fitsInOrder(bytes, d, bounds, false), [false]);
  const file = written('sessions.tsv', bytes);
  const ctx = { ...CTX, fileName: 'sessions.tsv' };
  const keyed = openLogFile(file, { ...ctx, threads: 1 });
  assert.ok(keyed.sessionCount > 40, 'sessions of both sessions tables and the CDR table');
  (keyed.source as FileSource).close();
  for (const keyless of [false, true]) {
    const expected = indexed(file, { ...ctx, threads: 1, keyless });
    for (const [threads, parts] of [[2, undefined], [2, 7], [3, 13]]) {
      assert.deepEqual(indexed(file, { ...ctx, threads, parts, keyless }), expected, `${keyless ? 'keyless, ' : ''}${threads} threads, ${parts ?? 'default'} parts`);
    }
  }
  const expected = indexed(file, { ...ctx, threads: 1 });
  for (const parts of [2, 9]) assert.deepEqual(await serverBuild(file, d, ctx, parts), expected, `the server's build, ${parts} parts`);
});

test('parts that fit are adopted until one does not; this thread then indexes the rest in order (Stitcher: workers answered in any order)', async () => {
  const d = dialect('privateserver-log');
  // The second sessions table starts in the last part: the parts before it fit and are adopted first.
  const lines = [...sessionsTable(3000, 1000), ...sessionsTable(400, 2000)];
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const bounds = evenBounds(lineStarts(bytes), bytes.length, 4);
  assert.deepEqual(fitsInOrder(bytes, d, bounds, false), [true, true, false]);
  const file = written('sessions.tsv', bytes);
  const ctx = { ...CTX, fileName: 'sessions.tsv' };
  for (const keyless of [false, true]) {
    const expected = indexed(file, { ...ctx, threads: 1, keyless });
    // Parts from the back: the workers answer the misfit (last) part first, the ones that fit after it.
    for (const [threads, parts] of [[2, 4], [3, 4], [2, 9]]) {
      assert.deepEqual(indexed(file, { ...ctx, threads, parts, keyless }), expected, `${keyless ? 'keyless, ' : ''}${threads} threads, ${parts} parts`);
    }
    // check's build: the workers' parts held, then adopted up to the misfit (segments are for time-ordered logs).
    if (keyless) assert.deepEqual(indexed(file, { ...ctx, threads: 2, parts: 4, keyless, segments: true, problemLines: true }), expected, 'held parts');
  }
  assert.deepEqual(await serverBuild(file, d, ctx, 4), indexed(file, { ...ctx, threads: 1 }), "the server's build");
});

test('an EMG log of no kind by name takes the kind its first record shows in every part (keyless); keyed it stays whole', () => {
  const d = dialect('emg-log');
  const lines: string[] = ['', '  blank-led preamble'];
  for (let i = 0; i < 3000; i++) {
    const inst = i % 5;
    const event = i % 50 === 0 ? 'CONNECT OK' : i % 50 === 49 ? 'DISCONNECT OK' : i % 13 === 0 ? 'SEND ERR (info="x")' : 'SEND OK';
    lines.push(`Sep 11 ${String(10 + Math.floor(i / 3600)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')} (${inst}) ${event}`);
  }
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const bounds = evenBounds(lineStarts(bytes), bytes.length, 4);
  assert.deepEqual(fitsInOrder(bytes, d, bounds, true), [true, true, true]);
  const one = new LogIndex(new MemorySource(bytes), d, CTX);
  one.build({ keyless: true });
  assert.equal(one.recordCount, 3000);
  assert.ok(diagnosticCounts(one).errors + diagnosticCounts(one).warnings > 0, 'failed sends among them');
  const file = written('gateway.log', bytes);
  const ctx = { ...CTX, fileName: 'gateway.log' };
  for (const keyless of [true, false]) {
    const expected = indexed(file, { ...ctx, threads: 1, keyless });
    assert.deepEqual(indexed(file, { ...ctx, threads: 3, parts: 7, keyless }), expected, keyless ? 'keyless on 3 threads' : 'keyed: on one thread whatever is asked');
  }
});
