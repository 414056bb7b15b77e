// The dialect's fused hot loop (Dialect.createFastScan) must build exactly the index that reading
// every line through its header parser builds: records, sessions, dialogs, markers, diagnostics —
// whatever the chunking, the line ends and the shapes of lines between its runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { communigate, communigateFastScan } from '../../server/src/engine/dialects/communigate';
import { LogIndex, MemorySource } from '../../server/src/engine';
import { communigateWasmScan } from '../../server/src/engine/wasm/communigateScan';
import { EDGE_LINES, keylessFastRecords, ROOT, snapshot } from './helpers';

const CTX = { fileName: '2026-01-15.log' };

function indexOf(bytes: Buffer, fastScan: boolean, chunkSize?: number): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), communigate, CTX, { fastScan });
  index.build({ chunkSize });
  return index;
}

function assertSame(bytes: Buffer, label: string, chunkSizes: (number | undefined)[] = [undefined]): void {
  const slow = snapshot(indexOf(bytes, false));
  for (const chunkSize of chunkSizes) assert.deepEqual(snapshot(indexOf(bytes, true, chunkSize)), slow, `${label}, chunks of ${chunkSize ?? 'default size'}`);
}

/** Main records of every key form and clock form, with the lines the fast loop leaves to the parser between them. */
const SHAPES = [
  '12:00:00.000 2 IMAP-000001([10.0.0.1]) connected',
  '12:00:00.1 5 HTTPU [0.0.0.0]:443 <- [10.0.0.2]:1234 connection request',
  '12:00:00 4 SMTPI-000002([10.0.0.3]) got connection',
  '12:00:00.123456 5 SIPDATA-000001 inp: Call-ID: abc@10.0.0.4',
  '12:00:00.124 5 SIPDATA-000001 inp: INVITE sip:x@y SIP/2.0',
  '12:00:00.125 5 SIPDATA-000002 out: i: compact@10.0.0.5',
  '12:00:00.126 5 SIPDATA-000003 inp: req udp [10.0.0.4]:5060 INVITE(872 bytes)',
  '  Call-ID: in-a-continuation@host',
  '12:00:01.000 2 SIGNAL(3) 000056: processing INITIAL',
  '12:00:01.000 2 SIGNAL-000056 also by name',
  '12:00:01.000 3 QUEUE([113457753]) stored',
  '12:00:01.000 3 ACCOUNT(user1) changed',
  '12:00:01.000 2 DEQUEUER [4411] processing',
  '12:00:01.000 2  leading blank: an empty key',
  '12:00:01.000 2 ROUTER',
  '12:00:01.1234567 2 IMAP-000001 seven digits: not a header',
  '12:00:01. 2 IMAP-000001 a dot without digits',
  '12:00:01.000 6 IMAP-000001 level 6: not a header',
  '24:00:00.000 2 IMAP-000001 hour 24',
  '1a:00:00.000 2 IMAP-000001 a letter in the hour: not a header',
  '12:0/:00.000 2 IMAP-000001 a slash in the minutes: not a header',
  '12:00:0:.000 2 IMAP-000001 a colon in the seconds: not a header',
  '23:59:60.500 2 IMAP-000001 a leap second',
  '12:00:02.000\t01\tlogin\tbob\t[10.0.0.2]:143\tIMAP',
  '12:00:02.000\t01\tRELAY\t<a@b>\tfrom@x\tauth\tsubmit\t10.0.0.1\t4411\t<m@x>\t1200\trcpt\ttarget\treport',
  '***',
  '12:00:03.000 2 IMAP-000001 after a marker',
  '11:00:00.000 2 IMAP-000003 back in time (a regression)',
  '00:00:01.000 2 IMAP-000003 the next day',
  '12:00:04.000 1 IMAP-99999999999 many digits',
  '12:00:04.000 0 SYSTEM crash',
];

/** Every shape between the edge lines, with its line ends four ways: LF, no final LF, CRLF after the middle, a lone CR. */
function lineEndVariants(): (readonly [string, Buffer])[] {
  const text = [...EDGE_LINES, ...SHAPES, ...SHAPES].join('\n');
  return [
    ['LF', Buffer.from(text + '\n')],
    ['no final LF', Buffer.from(text)],
    ['CRLF after the middle', Buffer.from(text.slice(0, text.length >> 1) + text.slice(text.length >> 1).replace(/\n/g, '\r\n'))],
    ['a lone CR', Buffer.from(text.replace('\n12:00:00 4', '\r12:00:00 4'))],
  ];
}

test('fused scan = header parser: every line shape, every chunk size', () => {
  for (const [label, bytes] of lineEndVariants()) assertSame(bytes, label, [undefined, 37, 101, 4096]);
});

test('fused scan = header parser on the real CommuniGate log and a generated day', () => {
  assertSame(fs.readFileSync(path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log')), 'real', [undefined, 4096]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-fast-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '3', file, '17'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assertSame(fs.readFileSync(file), 'generated', [undefined, 65536]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the fused scan runs: most records of a main log go through it', () => {
  const bytes = Buffer.from([...SHAPES.slice(0, 3), ...Array.from({ length: 2000 }, (_, i) => `12:00:05.000 2 IMAP-${i} line ${i}`)].join('\n') + '\n');
  // Counted through the arrays it writes to: a fast scan that did nothing would leave the parser all of them.
  let calls = 0;
  let records = 0;
  const fast = communigate.createFastScan!(communigate.createParser(CTX));
  const counting = { ...communigate, createFastScan: () => ({ scan: (...args: Parameters<typeof fast.scan>) => {
    calls++;
    const before = args[4].recordCount;
    const at = fast.scan(...args);
    records += args[4].recordCount - before;
    return at;
  } }) };
  const index = new LogIndex(new MemorySource(bytes), counting, CTX);
  index.build();
  assert.equal(index.recordCount, 2003);
  // It stops where an array must grow (addRecord grows it) and at the lines it leaves to the parser.
  assert.ok(records >= 1980 && calls < 20, `${records} records in ${calls} calls`);
});

// Keyless indexes (msglog check) go through the WebAssembly scan (wasm/communigateScan.ts); the
// JavaScript loop stays for keyed ones and where WebAssembly cannot be made. Both must build what the
// header parser builds.

/** The index `scan` builds keyless, as msglog check does: the header parser, the JavaScript loop or the WebAssembly scan. */
function keylessIndexOf(bytes: Buffer, scan: 'parser' | 'js' | 'wasm', chunkSize?: number): LogIndex {
  const dialect = scan === 'js' ? { ...communigate, createFastScan: () => communigateFastScan(false) } : communigate;
  const index = new LogIndex(new MemorySource(bytes), dialect, CTX, { fastScan: scan !== 'parser' });
  index.build({ chunkSize, keyless: true, problemLines: true });
  return index;
}

function assertSameKeyless(bytes: Buffer, label: string, chunkSizes: (number | undefined)[]): void {
  const slow = snapshot(keylessIndexOf(bytes, 'parser'));
  for (const chunkSize of chunkSizes) {
    for (const scan of ['js', 'wasm'] as const) assert.deepEqual(snapshot(keylessIndexOf(bytes, scan, chunkSize)), slow, `${label}, ${scan}, chunks of ${chunkSize ?? 'default size'}`);
  }
}

test('keyless: the WebAssembly scan writes what the JavaScript loop writes, and stops where it stops', () => {
  // Every shape alone after a record, so that each stop is compared: where, and what was written before it.
  for (const shape of SHAPES) {
    const bytes = Buffer.from(`12:00:00.000 2 IMAP-1 first\n${shape}\n12:00:09.000 2 IMAP-2 last\n`);
    const js = keylessFastRecords(8);
    const wasm = keylessFastRecords(8);
    const jsStop = communigateFastScan(false).scan(bytes, 0, bytes.length, 1000, js);
    const wasmStop = communigateFastScan().scan(bytes, 0, bytes.length, 1000, wasm);
    assert.equal(wasmStop, jsStop, shape);
    assert.deepEqual(wasm, js, shape);
  }
  // Keyless, a thread form's line is a record like any other (its key is not read): neither loop stops at it.
  const thread = Buffer.from('12:00:00.000 2 IMAP-1 a\n12:00:01.000 2 SIGNAL(3) 000056: processing INITIAL\n12:00:02.000 2 IMAP-2 b\n');
  for (const wasm of [true, false]) {
    const out = keylessFastRecords(8);
    assert.equal(communigateFastScan(wasm).scan(thread, 0, thread.length, 0, out), thread.length, `wasm ${wasm}`);
    assert.deepEqual([out.recordCount, out.recBodyCol[1]], [3, 15]);
  }
  // The module was made (the calls above made it): else both sides were the JavaScript loop. Asked
  // again, the thread's scan is the one made then, whatever the tables given now.
  assert.ok(communigateWasmScan([]) !== undefined, 'no WebAssembly scan');
  // And a run of them all: the records really are written (not both empty).
  const all = Buffer.from(SHAPES.slice(0, 7).join('\n') + '\n');
  const wasm = keylessFastRecords(16);
  communigateFastScan().scan(all, 0, all.length, 0, wasm);
  assert.equal(wasm.recordCount, 7);
  assert.deepEqual([...wasm.recWall.subarray(0, 7)], [43200000, 43200100, 43200000, 43200123.456, 43200124, 43200125, 43200126]);
  assert.deepEqual([wasm.sessionFirst[0], wasm.sessionLast[0], wasm.sessionRecordCount[0], wasm.lastEndLine, wasm.lastEndOffset], [0, 6, 7, 6, all.length]);
});

test('keyless: the WebAssembly scan over more than it copies at once, and more records than a call writes', () => {
  // 2 MB of 13- to 40-byte records in one call: copies of 1 MiB end mid-line, and a copy holds more
  // records than one call of the module writes (65,536).
  const lines = Array.from({ length: 130_000 }, (_, i) => (i % 10 !== 0 ? `12:00:${String(i % 60).padStart(2, '0')} ${i % 6} A` : `12:00:00.${String(i % 1000).padStart(3, '0')} 5 SIPDATA-${i} out: x`));
  const bytes = Buffer.from(lines.join('\n') + '\nnot a record\n12:00:00 2 A\n');
  // As a chunk the scanner holds (beginChunk: the copy is kept between calls) and as bytes given once; at a large offset too.
  for (const [base, held] of [[0, true], [0, false], [2 ** 32 - 1_000_000, true]] as const) {
    const js = keylessFastRecords(140_000);
    const wasm = keylessFastRecords(140_000);
    const second = bytes.indexOf(0x0a) + 1;
    const jsStop = communigateFastScan(false).scan(bytes, second, bytes.length, base, js);
    const scan = communigateFastScan();
    if (held) scan.beginChunk!(bytes);
    const wasmStop = scan.scan(bytes, second, bytes.length, base, wasm);
    scan.endChunk!();
    assert.equal(wasmStop, jsStop);
    assert.equal(wasm.recordCount, 129_999); // from the second line to the one that is not a record
    assert.deepEqual(wasm, js);
  }
});

test('keyless: WebAssembly scan = JavaScript loop = header parser, every line shape, every chunk size', () => {
  for (const [label, bytes] of lineEndVariants()) assertSameKeyless(bytes, label, [undefined, 37, 101, 4096]);
});

test('keyless: the same on the real log, a generated day, and chunks larger than the scan copies at once', () => {
  assertSameKeyless(fs.readFileSync(path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log')), 'real', [undefined, 4096]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-fast-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '3', file, '17'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assertSameKeyless(fs.readFileSync(file), 'generated', [undefined, 65536, 3 << 20]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The scan copies 1 MiB at a time and writes 65,536 records per call: 13-byte records (more of them
  // in a copy than a call writes), lines across each copy's end, and a line longer than a copy.
  const short = Array.from({ length: 90_000 }, (_, i) => `12:00:${String(i % 60).padStart(2, '0')} ${i % 6} A`);
  const long = `12:00:00.000 2 IMAP-7 ${'x'.repeat(1_200_000)}`;
  const text = [...short, long, ...short.slice(0, 40_000), 'SIGNAL(1) 000001: not a header', long.slice(0, 1_100_000)].join('\n') + '\n';
  assertSameKeyless(Buffer.from(text), 'long and short lines', [4 << 20, undefined]);
});
