// EMG's fused hot loop (emgFastScan.ts) must build exactly the index that reading every line through
// EmgParser.header() builds — records, sessions and their span numbers, diagnostics — keyed and keyless,
// whatever the chunking, the line ends, the file's kind and the shapes of lines between its runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { emg, EVENT_BYTES, EVENT_FAILS, ORPHANED } from '../../server/src/engine/dialects/emg';
import type { EmgParser } from '../../server/src/engine/dialects/emg';
import { EmgFastScan } from '../../server/src/engine/dialects/emgFastScan';
import { emgWasmScan } from '../../server/src/engine/wasm/emgScan';
import { HeaderScratch, LogIndex, MemorySource } from '../../server/src/engine';
import type { Dialect, FastScan, LineParser, ParseContext } from '../../server/src/engine';
import { RecordFlag, Severity } from '../../server/src/engine/types';
import { assertScansAgree, countLoopCalls, generatedLog, keylessFastRecords, mixedEndings, snapshot } from './helpers';

const MARCH_2026 = Date.UTC(2026, 2, 1);
const CONNECTOR = { fileName: 'connector.smpp1', mtimeMs: MARCH_2026 };
/** The kind decided by the first record (a connector record in every input here but GENERAL_FIRST). */
const AUTO = { fileName: '2026-01-15.log', mtimeMs: MARCH_2026 };
let dir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-fast-emg-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function indexOf(bytes: Buffer, ctx: ParseContext, fastScan: boolean, keyless: boolean, chunkSize?: number, dialect: Dialect = emg): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), dialect, ctx, { fastScan });
  index.build({ chunkSize, keyless });
  return index;
}

/** The parser's fused scan (the index's EmgParser), through the WebAssembly scan for keyless indexes or (`wasm` false) the JavaScript loop alone. */
function fastScanOf(parser: LineParser, wasm: boolean): EmgFastScan {
  return new EmgFastScan(parser as EmgParser, wasm);
}

/** EMG with its JavaScript loop for keyless indexes too (they go through the WebAssembly scan). */
const JS_LOOP: Dialect = { ...emg, createFastScan: (parser) => fastScanOf(parser, false) };

function assertSame(bytes: Buffer, ctx: ParseContext, label: string, chunkSizes: (number | undefined)[]): void {
  for (const keyless of [false, true]) {
    const slow = snapshot(indexOf(bytes, ctx, false, keyless));
    for (const chunkSize of chunkSizes) {
      // Keyless: the WebAssembly scan (with the JavaScript loop for the lines it leaves), and the JavaScript loop alone.
      for (const dialect of keyless ? [emg, JS_LOOP] : [emg]) {
        assert.deepEqual(snapshot(indexOf(bytes, ctx, true, keyless, chunkSize, dialect)), slow, `${label}, ${keyless ? 'keyless' : 'keyed'}${dialect === JS_LOOP ? ', JavaScript loop' : ''}, chunks of ${chunkSize ?? 'default size'}`);
      }
    }
  }
}

/**
 * Connector records of every event, status and INFO the parser tells apart, spans opened and closed
 * (keys count them), and between them the lines the fused loop leaves to the parser: malformed headers,
 * stamps that are no header, blanks before a stamp, continuation and blank lines, markers.
 */
const SHAPES = [
  'Jan 15 08:00:00.000 (7) SEND OK (pdu=1/1) 001:71 008:4670001 095:1031776530 096:269 017:3',
  'Jan 15 08:00:00.100 (2) CONNECT OK (info="127.0.0.1")',
  'Jan 15 08:00:00.200 (2) LOGIN OK (info="emguser")',
  'Jan 15 08:00:00.300 (2) RECEIVE OK (orphaned) 001:71 034: 022:stenor 059:mgp 008:1234 017:3',
  'Jan 15 08:00:00.310 (2) RECEIVE OK (info="x", orphaned) 001:72',
  'Jan 15 08:00:00.320 (2) RECEIVE OK (orphaned=1,a=2) 001:73',
  'Jan 15 08:00:00.330 (2) RECEIVE OK (notorphaned) 001:74',
  'Jan 15 08:00:00.340 (2) RECEIVE OK (orphaned',
  'Jan 15 08:00:00.350 (2) RECEIVE OK 001:75 002:46703260266 008:46706741154 (orphaned)',
  'Jan 15 08:00:00.360 (2) RECEIVE OK (',
  'Jan 15 08:00:00.370 (2) LOGOUT OK ',
  'Jan 15 08:00:00.400 (2) DISCONNECT OK',
  'Jan 15 08:00:00.500 (2) LOGIN OK after the span closed: a span of its own',
  'Jan 15 08:00:01.000 (4) CONNECT ERR (info="connection refused by 203.0.113.20:2775")',
  'Jan 15 08:00:01.100 (4) CONNECT OK',
  'Jan 15 08:00:01.200 (4) LOGIN ERR (info="invalid password")',
  'Jan 15 08:00:01.300 (4) SEND ERR (pdu=1/1,info="72") 001:71 008:1234 017:3',
  'Jan 15 08:00:01.400 (4) REJECT ERR (info="bad destination")',
  'Jan 15 08:00:01.500 (4) MAXFAIL ERR (info="max retries reached") 001:71',
  'Jan 15 08:00:01.600 (4) EXPIRE ERR (info="validity period elapsed") 001:71',
  'Jan 15 08:00:01.700 (4) LOGOUT ERR',
  'Jan 15 08:00:01.800 (4) DISCONNECT ERR (info="connection reset by peer")',
  'Jan 15 08:00:01.900 (4) RECEIVE ERR (info="é, non-ASCII")',
  'Jan 15 08:00:02.000 (long instance name) SEND OK (info="ünïcödé") 022:Ærø',
  'Jan 15 08:00:02.100 () SEND OK',
  // Malformed: a stamp, no valid connector header (a record of the `general` session).
  'Jan 15 08:00:03.000 this line has a timestamp but no connector header',
  'Jan 15 08:00:03.100 (7 SEND OK no closing parenthesis',
  'Jan 15 08:00:03.200 (7)SEND OK',
  'Jan 15 08:00:03.250 (7)xSEND OK',
  'Jan 15 08:00:03.260x(7) SEND OK a byte other than a space after the stamp',
  'Jan 15 08:00:03.300 (7) SEND',
  'Jan 15 08:00:03.400 (7) SEND OKAY',
  'Jan 15 08:00:03.500 (7) SEND ER',
  'Jan 15 08:00:03.600 (7) SEND ERR2',
  'Jan 15 08:00:03.700 (7) send OK',
  'Jan 15 08:00:03.800 (7) RE OK',
  'Jan 15 08:00:03.900 (7) REC OK',
  'Jan 15 08:00:04.000 (7) L OK',
  'Jan 15 08:00:04.100 (7) LOGINS OK',
  'Jan 15 08:00:04.200 (7) FOO OK',
  'Jan 15 08:00:04.300 (7)  SEND OK',
  'Jan 15 08:00:04.400 (7) SEND  OK',
  'Jan 15 08:00:04.500 (7) SEND OK',
  // Stamps of every form, and what is no stamp.
  'Jan  5 08:00:05.5 (7) SEND OK padded day',
  'Jan 5 08:00:05.6 (7) SEND OK unpadded day',
  'JAN 15 08:00:05.123456 (7) SEND OK six fraction digits',
  'jan 15 08:00:05.1234567 (7) SEND OK seven: no stamp',
  'Jan 15 08:00:06 (7) SEND OK no fraction: no stamp',
  'Jan 15 08:00:06. (7) SEND OK a dot without digits',
  'Jan 15 24:00:00.000 (7) SEND OK hour 24',
  'Jan 15 23:59:60.500 (7) SEND OK a leap second',
  'Jux 15 08:00:07.000 (7) SEND OK no month',
  'Jan 00 08:00:07.000 (7) SEND OK day 0',
  'Jan 15 08:00:07.000',
  'Jan 15 08:00:07.000 ',
  'Sep 30 08:00:08.000 (7) SEND OK after the modification month: the year before',
  'Jan 16 08:00:09.000 (7) SEND OK the next day',
  'Jan 15 07:00:00.000 (7) SEND OK back in time (a regression)',
  '2026-01-15 08:00:10.123456 (1) CONNECT OK LOGYEAR stamp',
  '2026-01-15 08:00:10.200 (1) DISCONNECT OK',
  '2026-13-15 08:00:10.300 (1) SEND OK month 13',
  '2026-01-16 08:00:10.400 (1) SEND OK',
  '2026-01-15T08:00:10.500 (1) SEND OK',
  // Lines of no record, and blanks before a header (skipped by the index, not by the fused loop).
  '  Jan 15 08:00:11.000 (9) CONNECT OK indented',
  '\tJan 15 08:00:11.100 (9) LOGIN OK tab-indented',
  '    continuation text é',
  '',
  '***',
  'Jan 15 08:00:12.000 (9) SEND OK after a marker',
  'Jan 15 08:00:12.100 (9) DISCONNECT OK',
];

/** The lines of a general log (the fused loop reads none). */
const GENERAL_FIRST = ['Jan 15 08:00:00.000 INFO Server started', 'Jan 15 08:00:00.100 ERROR: Could not bind', ...SHAPES];

test('fused scan = header parser: every line shape, line end, chunk size, keyed and keyless', () => {
  const lines = [...SHAPES, ...SHAPES];
  const text = lines.join('\n');
  for (const [label, bytes] of [
    ['LF', Buffer.from(text + '\n')],
    ['no final LF', Buffer.from(text)],
    ['CRLF after the middle', Buffer.from(text.slice(0, text.length >> 1) + text.slice(text.length >> 1).replace(/\n/g, '\r\n'))],
    ['a lone CR', Buffer.from(text.replace('\nJan 15 08:00:00.200', '\rJan 15 08:00:00.200'))],
    ['LF, CRLF and CR in turn', Buffer.from(mixedEndings(lines))],
  ] as const) {
    for (const [kind, ctx] of [['connector by name', CONNECTOR], ['kind by the first record', AUTO]] as const) assertSame(bytes, ctx, `${label}, ${kind}`, [undefined, 37, 101, 4096]);
  }
});

test('fused scan = header parser on logs of other kinds: general, pdu, profiling (it reads none of them)', () => {
  const bytes = Buffer.from(GENERAL_FIRST.join('\n') + '\n');
  assertSame(bytes, AUTO, 'general by its first record', [undefined, 101]);
  for (const fileName of ['general.log', 'pdu.smpp1', 'profiling.log', 'connector.smpp1']) {
    assertSame(Buffer.from([...SHAPES, ...SHAPES].join('\n') + '\n'), { fileName, mtimeMs: MARCH_2026 }, fileName, [undefined, 101]);
  }
});

test('fused scan = header parser on a generated EMG log', () => {
  const bytes = fs.readFileSync(generatedLog(dir, 'emg', 2));
  assertSame(bytes, AUTO, 'generated', [undefined, 65536]);
  assertSame(bytes, CONNECTOR, 'generated, connector by name', [4096]);
});

/** The emg dialect with its fused scan counted: calls, and records it appended. */
function counted(): { dialect: Dialect; counts: { calls: number; records: number } } {
  const counts = { calls: 0, records: 0 };
  const dialect: Dialect = {
    ...emg,
    createFastScan: (parser) => {
      const fast = emg.createFastScan!(parser);
      const scan: FastScan = {
        scan: (buf, pos, stop, base, out) => {
          counts.calls++;
          const before = out.recordCount;
          const at = fast.scan(buf, pos, stop, base, out);
          counts.records += out.recordCount - before;
          return at;
        },
      };
      return scan;
    },
  };
  return { dialect, counts };
}

test('the fused scan runs: most records of a connector log go through it, keyed and keyless', () => {
  const lines = [...SHAPES.slice(0, 3), ...Array.from({ length: 2000 }, (_, i) => `Jan 15 08:00:${String(10 + (i % 50)).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')} (${i % 40}) ${['CONNECT', 'SEND', 'RECEIVE', 'DISCONNECT'][i % 4]} OK 001:${i}`)];
  const bytes = Buffer.from(lines.join('\n') + '\n');
  for (const keyless of [true, false]) {
    const { dialect, counts } = counted();
    const index = indexOf(bytes, AUTO, true, keyless, undefined, dialect);
    assert.equal(index.recordCount, 2003);
    // It stops where an array must grow (addRecord grows it) and at the lines it leaves to the parser.
    assert.ok(counts.records >= 1900 && counts.calls < 120, `${keyless ? 'keyless' : 'keyed'}: ${counts.records} records in ${counts.calls} calls`);
  }
  // The records of a generated day nearly all (its first is read by the parser: the kind is decided there).
  const generated = fs.readFileSync(generatedLog(dir, 'emg', 1));
  const { dialect, counts } = counted();
  const index = indexOf(generated, AUTO, true, true, undefined, dialect);
  assert.ok(counts.records >= index.recordCount - 10, `${counts.records} of ${index.recordCount} records`);
});

test('the fused scan leaves the records of other kinds of logs to the parser', () => {
  for (const fileName of ['general.log', 'pdu.smpp1', 'profiling.log']) {
    const { dialect, counts } = counted();
    indexOf(Buffer.from(SHAPES.join('\n') + '\n'), { fileName, mtimeMs: MARCH_2026 }, true, true, undefined, dialect);
    assert.equal(counts.records, 0, fileName);
  }
});

test('a stamp is read from its own bytes: one parser over many lines = a new parser for each line', () => {
  // The parser keeps the last date it read (EmgStamps): lines whose first bytes are those of that date
  // and differ after them must not be taken for it.
  const tricky = [
    'Jan 15 08:00:00.000 (7) SEND OK',
    'Jan 15008:00:00.000 (7) SEND OK',
    'Jan 15 08:00:00.000 (7) SEND OK',
    'Jan 1508:00:00.000 (7) SEND OK',
    'Jan 1 08:00:00.000 (7) SEND OK',
    'Jan 10 08:00:00.000 (7) SEND OK',
    'Jan 1 08:00:00.000 (7) SEND OK',
    'Jan 1  08:00:00.000 (7) SEND OK',
    'Jan  1 08:00:00.000 (7) SEND OK',
    'Jan  108:00:00.000 (7) SEND OK',
    '2026-01-15 08:00:00.000 (7) SEND OK',
    '2026-01-15008:00:00.000 (7) SEND OK',
    '2026-01-15 08:00:00.000 (7) SEND OK',
    '2026-01-1 08:00:00.000 (7) SEND OK',
    'Jan 15',
    'Jan 15 ',
    'Jan 15 0',
  ];
  const one = emg.createParser(CONNECTOR);
  one.dropKeys?.();
  const h = new HeaderScratch();
  for (const line of [...tricky, ...SHAPES, ...tricky.reverse()]) {
    const bytes = Buffer.from(line);
    const fresh = emg.createParser(CONNECTOR);
    fresh.dropKeys?.();
    const g = new HeaderScratch();
    h.reset();
    const read = one.header(bytes, 0, bytes.length, h);
    assert.equal(read, fresh.header(bytes, 0, bytes.length, g), line);
    assert.deepEqual([h.wall, h.bodyCol, h.flags, h.severity, h.level], [g.wall, g.bodyCol, g.flags, g.severity, g.level], line);
  }
});

/** A parser that has read `first` (a connector record: the kind and a date), and its fused scan (`wasm`: see fastScanOf). */
function scanAfter(first: string, wasm: boolean): EmgFastScan {
  const parser = emg.createParser(CONNECTOR);
  parser.dropKeys?.();
  const bytes = Buffer.from(first);
  parser.header(bytes, 0, bytes.length, new HeaderScratch());
  return fastScanOf(parser, wasm);
}

test('keyless: the EMG WebAssembly scan writes what the JavaScript loop writes, and stops where it stops', () => {
  // Each shape alone between two records, and as the last line: where each stops, and what it wrote
  // (the lines the module leaves are the JavaScript loop's, given that line alone, which tells the
  // module the date it read).
  const first = SHAPES[0];
  for (const shape of SHAPES) {
    for (const text of [`${first}\n${shape}\n${first}\n`, `${first}\n${shape}\n`, `${first}\n${shape}`, `${first}\r\n${shape}\r\n${first}\r\n`]) {
      assertScansAgree(scanAfter(first, true), scanAfter(first, false), Buffer.from(text), JSON.stringify(text));
    }
  }
  // Before any date was read (a connector log by its name): a clock with no date is no stamp.
  for (const text of ['08:00:00.000 (7) SEND OK\n', 'Jan 15 08:00:00.000 (7) SEND OK\n']) assertScansAgree(scanAfter('not a record', true), scanAfter('not a record', false), Buffer.from(text), text);
  // The module was made (the calls above made it): else both sides were the JavaScript loop.
  assert.ok(emgWasmScan({ events: EVENT_BYTES, fails: EVENT_FAILS, orphaned: ORPHANED, finishMarked: () => undefined }) !== undefined, 'no WebAssembly scan');
  // 2.5 MB in one call (copies of 1 MiB end mid-line): every event and status, orphaned messages,
  // dates that change (the JavaScript loop reads the first record of each and tells the module) in
  // both forms, fractions the module leaves.
  const events = ['CONNECT', 'DISCONNECT', 'LOGIN', 'LOGOUT', 'SEND', 'RECEIVE', 'REJECT', 'MAXFAIL', 'EXPIRE'];
  const lines = Array.from({ length: 25_000 }, (_, i) => {
    const day = 10 + Math.floor(i / 5000);
    const date = i % 2500 < 1250 ? `Jan ${day}` : `2026-01-${day}`;
    const fraction = i % 101 === 0 ? '.5' : `.${String(i % 1000).padStart(3, '0')}`;
    const status = i % 3 === 0 ? 'ERR' : 'OK';
    const info = i % 7 === 0 ? ' (orphaned)' : i % 11 === 0 ? ' (info="x", orphaned=1)' : i % 13 === 0 ? ' (notorphaned)' : i % 2 ? ` (info="${'x'.repeat(i % 50)}")` : '';
    return `${date} ${String(i % 24).padStart(2, '0')}:00:${String(i % 60).padStart(2, '0')}${fraction} (${i % 40}) ${events[i % 9]} ${status}${info} 001:${i} 008:4670${i}`;
  });
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const js = keylessFastRecords(30_000);
  const wasm = keylessFastRecords(30_000);
  const scan = scanAfter(lines[0], true);
  // The lines the JavaScript loop reads: those the module leaves (it must learn each new date).
  const jsLines = countLoopCalls(scan);
  scan.beginChunk(bytes);
  assert.equal(scan.scan(bytes, 0, bytes.length, 7, wasm), scanAfter(lines[0], false).scan(bytes, 0, bytes.length, 7, js));
  scan.endChunk();
  assert.equal(wasm.recordCount, 25_000);
  assert.ok(jsLines.count() <= lines.filter((_, i) => i % 101 === 0 || i % 1250 === 0).length, `${jsLines.count()} lines left to the JavaScript loop`);
  const orphaned = lines.filter((_, i) => i % 3 !== 0 && i % 7 === 0).length;
  const failures = lines.filter((_, i) => i % 3 === 0 && [6, 7, 8].includes(i % 9)).length;
  assert.equal(wasm.recSeverity.subarray(0, 25_000).filter((v) => v === Severity.Error).length, failures, 'failed messages: errors');
  assert.equal(wasm.recFlags.subarray(0, 25_000).filter((f) => f === RecordFlag.EventError).length, lines.filter((_, i) => i % 3 === 0).length - failures + orphaned + lines.filter((_, i) => i % 3 !== 0 && i % 7 !== 0 && i % 11 === 0).length, 'other errors and orphaned messages: event-errors');
  assert.deepEqual(wasm, js);
});
