// Axigen's fused hot loop (axigenFastScan.ts) must build exactly the index that reading every line
// through its header parser builds — records, zone offsets, sessions, diagnostics — keyed and keyless
// (what `msglog check` builds), whatever the chunking, the line ends and the lines between its runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { axigen } from '../../server/src/engine/dialects/axigen';
import { AxigenFastScan } from '../../server/src/engine/dialects/axigenFastScan';
import { axigenWasmScan } from '../../server/src/engine/wasm/axigenScan';
import { LogIndex, MemorySource } from '../../server/src/engine';
import type { Dialect, FastScan } from '../../server/src/engine/types';
import { assertScansAgree, generatedLog, keylessFastRecords, ROOT, snapshot } from './helpers';

const CTX = { fileName: 'everything.txt' };
const DAY = '2026-01-15';
const at = (clock: string, rest: string, zone = '+0200', level = '08'): string => `${DAY} ${clock} ${zone} ${level} ${rest}`;

function indexOf(bytes: Buffer, fastScan: boolean, keyless: boolean, chunkSize?: number, dialect: Dialect = axigen): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), dialect, CTX, { fastScan });
  index.build({ chunkSize, keyless, problemLines: keyless });
  return index;
}

/** Axigen with its JavaScript loop for keyless indexes too (they go through the WebAssembly scan). */
const JS_LOOP: Dialect = { ...axigen, createFastScan: () => new AxigenFastScan(false) };

/**
 * The index of `bytes` read with the fast scan, in chunks of each size, keyed and keyless (the
 * WebAssembly scan, and the JavaScript loop), is the one the parser alone builds.
 */
function assertSame(bytes: Buffer, label: string, chunkSizes: (number | undefined)[] = [undefined]): void {
  for (const keyless of [false, true]) {
    const slow = snapshot(indexOf(bytes, false, keyless));
    for (const chunkSize of chunkSizes) {
      assert.deepEqual(snapshot(indexOf(bytes, true, keyless, chunkSize)), slow, `${label}, ${keyless ? 'keyless' : 'keyed'}, chunks of ${chunkSize ?? 'default size'}`);
      if (keyless) assert.deepEqual(snapshot(indexOf(bytes, true, true, chunkSize, JS_LOOP)), slow, `${label}, keyless, JavaScript loop, chunks of ${chunkSize ?? 'default size'}`);
    }
  }
}

/** Every shape header() tells apart, and lines it rejects, between runs of common records. */
const SHAPES = [
  'Axigen log export',
  at('10:00:00', 'mail.example.com SMTP-IN:0000001A: connection accepted from [1.2.3.4:5000]'),
  at('10:00:01', 'mail.example.com SMTP-IN:0000001A: << MAIL FROM:<a@b.com>', '+0200', '16'),
  at('10:00:01', 'mail.example.com SMTP-IN:0000001A: minus zero', '-0000'),
  '   continuation of the record',
  '\tanother, after a TAB',
  '',
  at('10:00:01', 'mail.example.com SMTP-IN:0000001A: >> 450 try later', '+0200', '04'),
  at('10:00:02', 'mail.example.com SMTP-IN:0000001A: Authentication error for user: invalid credentials', '+0200', '02'),
  at('10:00:02', 'mail01 IMAP:00000B02: User x@example.com authenticated'),
  at('10:00:02', 'mail01 IMAP:00000B02: Authenticated sender, no error at all'),
  at('10:00:02', 'mail01 IMAP:00000B02: AUTH LOGIN, then authenticated; later authentication was REJECTED'),
  at('10:00:02', `mail01 IMAP:00000B02: auth ${'x'.repeat(90)} failed (too far from auth)`),
  at('10:00:02', 'authhost SMTP-IN:0000001B: failed, but auth only in the host'),
  at('10:00:02', 'mail01 SMTP-IN:0000001B: >> A1 NO AUTHENTICATE failed'),
  at('10:00:02', 'mail01 AUTHSVC:00000001: login failed, the word only in the key'),
  // A failure word that ends where its reach does (80 bytes after `auth`), and one a byte beyond; every word, in capitals; `auth` last.
  at('10:00:02', `mail01 IMAP:00000B02: auth${'x'.repeat(76)}fail`),
  at('10:00:02', `mail01 IMAP:00000B02: auth${'x'.repeat(77)}fail`),
  ...['FAIL', 'ERROR', 'INVALID', 'DENIED', 'REJECT', 'INCORRECT'].map((word) => at('10:00:02', `mail01 IMAP:00000B02: AUTH ${word}`)),
  at('10:00:02', 'mail01 IMAP:00000B02: authenticatedfail, then authINCORRECT'),
  at('10:00:02', 'mail01 IMAP:00000B02: nothing failed before auth'),
  at('10:00:03', 'mail.example.com PROCESSING: queue corrupted', '+0200', '01'),
  at('09:00:04', 'mail.example.com IMAP:0000002B: << 1 LOGIN', '+0100', '10'),
  at('10:00:05', 'mail01 IMAP:0000002B: zone west of UTC', '-0530', '03'),
  at('10:00:05', 'mail01 IMAP:0000002B: zone +9999', '+9999'),
  at('10:00:05', 'IMAP:0000002C: no host', '+0200', '06'),
  at('10:00:05', 'DNR: host-less and key-only'),
  at('10:00:05', 'mail01 IMAP:0000002C:'),
  at('10:00:05', 'mail01 IMAP:0000002C:  two spaces after the key'),
  at('10:00:05', 'mail01  IMAP:0000002C: two spaces after the host'),
  at('10:00:05', ' mail01 IMAP:0000002C: a space before the host'),
  at('10:00:05', 'mail\t01 IMAP:0000002C: a TAB in the host'),
  at('10:00:05', 'mail01 IMAP:000\x01002C: a control byte in the key'),
  at('10:00:05', 'mail01 IMAP:\x0bX: a control byte after a colon in the key'),
  at('10:00:05', 'mail01 IMAP:\tX: a TAB after a colon in the key'),
  at('10:00:05', 'mail01:\tx IMAP:0000002C: a TAB after a colon in the host'),
  at('10:00:05.123', 'mail01 IMAP:0000002C: a fraction of a second'),
  at('10:00:05.', 'mail01 IMAP:0000002C: a dot without digits'),
  at('10:00:60', 'mail01 IMAP:0000002C: a leap second'),
  at('24:00:00', 'mail01 IMAP:0000002C: hour 24'),
  at('10:60:00', 'mail01 IMAP:0000002C: minute 60'),
  at('10:00:61', 'mail01 IMAP:0000002C: second 61'),
  '2026-13-15 10:00:06 +0200 08 mail01 IMAP:0000002C: month 13',
  '2026-00-15 10:00:06 +0200 08 mail01 IMAP:0000002C: month 0',
  '2026-01-00 10:00:06 +0200 08 mail01 IMAP:0000002C: day 0',
  '2026-02-31 10:00:06 +0200 08 mail01 IMAP:0000002C: day 31 of February',
  '2026-01-99 10:00:06 +0200 08 mail01 IMAP:0000002C: day 99',
  '0000-01-15 10:00:06 +0200 08 mail01 IMAP:0000002C: year 0',
  '2026/01/15 10:00:06 +0200 08 mail01 IMAP:0000002C: slashes',
  '2026-01-15T10:00:06 +0200 08 mail01 IMAP:0000002C: a T',
  '2026-01-15 10:00:06 0200 08 mail01 IMAP:0000002C: a zone without a sign',
  '2026-01-15 10:00:06 *0200 08 mail01 IMAP:0000002C: a zone with a star',
  '2026-01-15 10:00:06 +02:00 08 mail01 IMAP:0000002C: a zone with a colon',
  '2026-01-15 10:00:06 +0200 8 mail01 IMAP:0000002C: one digit level',
  '2026-01-15 10:00:06 +0200 0x mail01 IMAP:0000002C: a level not a number',
  '2026-01-15 10:00:06 +0200 08 mail01 IMAP 0000002C no colon',
  '2026-01-15 10:00:06 +0200 08 mail01',
  '2026-01-15 10:00:06 +0200 08 mail01 ',
  '2026-01-15 10:00:06 +0200 08 m',
  '2026-01-15 10:00:06 +0200 08 ',
  '2026-01-15 10:00:06 +0200 08',
  '2026-01-15 10:00:06 +0200 08 x:',
  '2026-01-15 10:00:06 +0200 08 x: ',
  '2026-01-15 10:00:06 +0200 08 mail01 IMAP:',
  '  2026-01-15 10:00:07 +0200 08 mail01 IMAP:0000002D: an indented header',
  '\t2026-01-15 10:00:07 +0200 08 mail01 IMAP:0000002D: a header after a TAB',
  at('10:00:07', 'mäil01 IMAP:0000002D: Ünïcödé host, message € and 日本'),
  at('10:00:07', 'mail01 ÎMAP:0000002D: a non-ASCII key, authentification échouée failed'),
  at('10:00:07', 'mail01 IMAP:0000002D: level 99', '+0200', '99'),
  at('10:00:07', 'mail01 IMAP:0000002D: level 00', '+0200', '00'),
  at('10:00:07', 'mail01 IMAP:0000002D: level 12', '+0200', '12'),
  at('10:00:07', 'mail01 IMAP:0000002D: level 31', '+0200', '31'),
  '***',
  '***   ',
  'an orphan after the markers',
  at('10:00:08', 'mail01 IMAP:0000002D: after the markers'),
  at('09:00:08', 'mail01 IMAP:0000002D: back in time (a regression)'),
  '2026-01-16 00:00:01 +0200 08 mail01 IMAP:0000002D: the next day, auth denied',
  '2026-01-16 00:00:01 +0200 08 mail01 IMAP:0000002D: ' + 'long '.repeat(300) + 'auth error',
  '2026-01-16 00:00:02 +0200 08 mail01 IMAP:0000002D: the last one',
];

test('Axigen fused scan = header parser: every line shape, line end and chunk size, keyed and keyless', () => {
  const text = [...SHAPES, ...SHAPES.slice(1)].join('\n');
  const middle = text.indexOf('\n', text.length >> 1);
  for (const [label, bytes] of [
    ['LF', Buffer.from(text + '\n')],
    ['no final LF', Buffer.from(text)],
    ['CRLF', Buffer.from(text.replace(/\n/g, '\r\n') + '\r\n')],
    ['CRLF after the middle', Buffer.from(text.slice(0, middle) + text.slice(middle).replace(/\n/g, '\r\n'))],
    ['a lone CR', Buffer.from(text.replace(`\n${DAY} 10:00:05 -0530`, `\r${DAY} 10:00:05 -0530`) + '\n')],
    ['lone CRs', Buffer.from(text.replace(/\n/g, '\r') + '\r')],
  ] as const) {
    assertSame(bytes, label, [undefined, 37, 101, 4096]);
  }
});

test('Axigen fused scan = header parser over one shape at a time among common records', () => {
  const common = Array.from({ length: 12 }, (_, i) => at(`11:00:${String(10 + i).padStart(2, '0')}`, `mail01 SMTP-IN:00000A${10 + i}: line ${i}`, '+0200', i % 3 === 0 ? '16' : '08'));
  for (const shape of SHAPES) {
    const text = [...common.slice(0, 6), shape, ...common.slice(6)].join('\n') + '\n';
    assertSame(Buffer.from(text), JSON.stringify(shape), [undefined, 64]);
  }
});

test('Axigen fused scan = header parser where the arrays must grow: short records, many sessions', () => {
  // Records of 40 bytes outgrow the slots sized from the bytes (one per 64), and 3000 keys the 256 session slots.
  const short = Array.from({ length: 3000 }, (_, i) => at('12:00:00', `h S:${i}:`));
  const zones = Array.from({ length: 1500 }, (_, i) => at(`12:${String(i % 60).padStart(2, '0')}:00`, `mail01 IMAP:${i % 700}: zone`, i % 500 === 0 ? '-0100' : '+0200'));
  assertSame(Buffer.from([...short, ...zones].join('\n') + '\n'), 'short records', [undefined, 997]);
});

test('Axigen fused scan = header parser on the sample, the fixture and a generated day', () => {
  assertSame(fs.readFileSync(path.join(ROOT, 'samples/axigen/log/everything.txt')), 'sample', [undefined, 37, 4096]);
  assertSame(fs.readFileSync(path.join(ROOT, 'test/fixtures/many/other/axigen.log')), 'fixture', [undefined, 37]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-fast-axigen-'));
  try {
    assertSame(fs.readFileSync(generatedLog(dir, 'axigen', 2)), 'generated', [undefined, 65536, 3 << 20]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The records the fast scan appends while `bytes` are indexed, and the calls it took. */
function fastCounts(bytes: Buffer, keyless: boolean): { records: number; calls: number; index: LogIndex } {
  let calls = 0;
  let records = 0;
  const fast = axigen.createFastScan!(axigen.createParser(CTX));
  const counting: FastScan = {
    zoned: fast.zoned,
    scan(...args) {
      calls++;
      const before = args[4].recordCount;
      const to = fast.scan(...args);
      records += args[4].recordCount - before;
      return to;
    },
  };
  const index = indexOf(bytes, true, keyless, undefined, { ...axigen, createFastScan: () => counting });
  return { records, calls, index };
}

test('the Axigen fused scan runs: nearly every record of a generated day goes through it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-fast-axigen-'));
  try {
    const bytes = fs.readFileSync(generatedLog(dir, 'axigen', 1));
    for (const keyless of [true, false]) {
      // Counted through the arrays it writes to: a fast scan that did nothing would leave the parser all of them.
      const { records, calls, index } = fastCounts(bytes, keyless);
      assert.ok(index.recordCount > 9000, `${index.recordCount} records`);
      // The first record is the parser's (it stores the log's zone offset); the scan stops at a chunk's
      // end and where the session arrays must grow.
      assert.ok(records >= index.recordCount - 20 && calls < 40, `${keyless ? 'keyless' : 'keyed'}: ${records} of ${index.recordCount} records in ${calls} calls`);
      assert.equal(index.logOffsetMin, 120);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Axigen fused scan writes each record’s zone offset, across a change of zone too', () => {
  const lines = [at('10:00:00', 'mail01 A:1: first'), at('10:00:01', 'mail01 A:1: same zone'), at('09:00:02', 'mail01 A:1: another zone', '+0100'), at('09:00:03', 'mail01 A:1: and again', '+0100')];
  const { records, index } = fastCounts(Buffer.from(lines.join('\n') + '\n'), true);
  assert.equal(records, 3);
  assert.deepEqual([...index.recOffsetMin.subarray(0, 4)], [120, 120, 60, 60]);
  assert.equal(index.logOffsetMin, 120);
});

test('keyless: the Axigen WebAssembly scan writes what the JavaScript loop writes, and stops where it stops', () => {
  // Every shape alone between two records, so that each stop is compared: where, and what was written before it.
  // And each as the last line, so that what it leaves the next record (the zone offset, -0 for `-0000`) is compared too.
  for (const shape of SHAPES) {
    for (const text of [`${at('09:00:00', 'mail01 IMAP:1: first')}\n${shape}\n${at('23:00:00', 'mail01 IMAP:2: last')}\n`, `${at('09:00:00', 'mail01 IMAP:1: first')}\n${shape}\n`]) {
      assertScansAgree(new AxigenFastScan(), new AxigenFastScan(false), Buffer.from(text), shape, true);
    }
  }
  // The module was made (the calls above made it): else both sides were the JavaScript loop.
  assert.ok(axigenWasmScan([], { success: 'authenticated', failures: [], reach: 0 }) !== undefined, 'no WebAssembly scan');
  // 2.5 MB in one call (copies of 1 MiB end mid-line), failed logins in every copy, two days, two zones.
  const lines = Array.from({ length: 30_000 }, (_, i) =>
    at(`${String(10 + (i % 13)).padStart(2, '0')}:00:${String(i % 60).padStart(2, '0')}`, i % 7 === 0 ? `mail01 IMAP:${i}: AUTH failed for user${i}` : i % 11 === 0 ? `mail01 SMTP-IN:${i}: Authenticated sender` : `mail01 IMAP:${i}: ${'x'.repeat(i % 90)}`, i % 5 === 0 ? '-0530' : '+0200', i % 3 === 0 ? '16' : '08').replace(DAY, i < 15_000 ? DAY : '2026-01-16'),
  );
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const js = keylessFastRecords(40_000, true);
  const wasm = keylessFastRecords(40_000, true);
  const scan = new AxigenFastScan();
  scan.beginChunk(bytes);
  assert.equal(scan.scan(bytes, 0, bytes.length, 7, wasm), new AxigenFastScan(false).scan(bytes, 0, bytes.length, 7, js));
  scan.endChunk();
  assert.equal(wasm.recordCount, 30_000);
  assert.ok(wasm.recFlags.subarray(0, 30_000).filter((f) => f !== 0).length === Math.ceil(30_000 / 7), 'a failed login every seventh record');
  assert.deepEqual(wasm, js);
});
