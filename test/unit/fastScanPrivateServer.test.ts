// PrivateServer's fused scan (privateServerFastScan.ts) must build exactly the index that reading every
// line through the parser builds: every table, TAB and comma rows, the lines it leaves to the parser
// between its runs, keyed and keyless, whatever the chunking and the line ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { privateServer } from '../../server/src/engine/dialects/privateServer';
import { PrivateServerFastScan } from '../../server/src/engine/dialects/privateServerFastScan';
import type { RowReader } from '../../server/src/engine/dialects/privateServerFastScan';
import { privateServerWasmScan } from '../../server/src/engine/wasm/privateServerScan';
import { LogIndex, MemorySource } from '../../server/src/engine';
import type { Dialect, LineParser } from '../../server/src/engine/types';
import { HeaderScratch, RecordFlag, Severity } from '../../server/src/engine/types';
import { assertScansAgree, countLoopCalls, generatedLog, keylessFastRecords, ROOT, snapshot } from './helpers';

const CTX = { fileName: 'sessions.tsv' };

function indexOf(bytes: Buffer, fastScan: boolean, keyless: boolean, chunkSize?: number, dialect: Dialect = privateServer): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), dialect, CTX, { fastScan });
  index.build({ chunkSize, keyless });
  return index;
}

/** The parser's fused scan (the parser reads rows through row(): RowReader), through the WebAssembly scan for keyless indexes or (`wasm` false) the JavaScript loop alone. */
function fastScanOf(parser: LineParser, wasm: boolean): PrivateServerFastScan {
  return new PrivateServerFastScan(parser as unknown as RowReader, wasm);
}

/** PrivateServer with its JavaScript loop for keyless indexes too (they go through the WebAssembly scan). */
const JS_LOOP: Dialect = { ...privateServer, createFastScan: (parser) => fastScanOf(parser, false) };

function assertSame(bytes: Buffer, label: string, chunkSizes: (number | undefined)[] = [undefined]): void {
  for (const keyless of [false, true]) {
    const slow = snapshot(indexOf(bytes, false, keyless));
    for (const chunkSize of chunkSizes) {
      // Keyless: the WebAssembly scan (with the JavaScript loop for the rows it leaves), and the JavaScript loop alone.
      for (const dialect of keyless ? [privateServer, JS_LOOP] : [privateServer]) {
        assert.deepEqual(snapshot(indexOf(bytes, true, keyless, chunkSize, dialect)), slow, `${label}, ${keyless ? 'keyless' : 'keyed'}${dialect === JS_LOOP ? ', JavaScript loop' : ''}, chunks of ${chunkSize ?? 'default size'}`);
      }
    }
  }
}

const T = '\t';
/** A SIP session table with the rows the fused scan takes and every kind it leaves to the parser. */
const SESSIONS = [
  'SessionLogEntry List',
  '',
  ['Timestamp', 'Event', 'Source', 'Peername', 'Account', 'Details', 'Useragent', 'Remoteaddr'].join(T),
  ['2026-01-15 23:59:59.951', 'DISCONNECT', 'CLIENT', '1932', '', 'CLIENT_CLOSED', 'Yealink', '10.0.0.1:5060'].join(T),
  ['2026-01-15 23:59:59.9', 'DISCONNECT', 'CLIENT', '1939', '', 'NETWORK_ERROR', 'Zoiper', '10.0.0.2:5060'].join(T),
  ['2026-01-15T23:59:58', 'REGISTER', 'CLIENT', '1915', 'Rupert', '200 OK', 'snom', '10.0.0.3:5060'].join(T),
  ['2026-01-15 23:59:57.123456', 'REGISTER', 'CLIENT', '', 'Alice', '200 OK', 'snom', '10.0.0.4:5060'].join(T),
  ['  2026-01-15 23:59:56.5  ', ' UNREGISTER ', 'CLIENT', ' 1932 ', 'Alice', '200 OK', 'snom', '10.0.0.1:5060'].join(T),
  ['', 'REGISTER', 'CLIENT', '1940', 'Niaj', 'no time', 'snom', '10.0.0.5:5060'].join(T),
  ['2026-01-15 23:59:55.000', 'REGISTER', 'CLIENT', '1941'].join(T),
  ['2026-01-15 23:59:54.000', 'REGISTER', 'CLIENT', '1942', 'Judy', '200 OK', 'snom', '10.0.0.6:5060', 'extra', 'cells'].join(T),
  ['2026-01-15 23:59:53.000 UTC', 'REGISTER', 'CLIENT', '1943', 'Judy', 'a zone', 'snom', '10.0.0.7:5060'].join(T),
  ['2026-01-15 23:59:52.000', 'REGISTER', 'CLIENT', '1944', 'Zoë', 'not ASCII', 'snom', '10.0.0.8:5060'].join(T),
  ['2026-01-15 23:59:51.000', 'event', 'CLIENT', '1945', 'Judy', 'names a column', 'snom', '10.0.0.9:5060'].join(T),
  ['2026-01-15 23:59:50.0000000', 'REGISTER', 'CLIENT', '1946', 'Judy', 'seven digits', 'snom', '10.0.0.9:5060'].join(T),
  ['2026-13-15 23:59:50', 'REGISTER', 'CLIENT', '1947', 'Judy', 'month 13', 'snom', '10.0.0.9:5060'].join(T),
  ['2026-01-15 2x:59:50', 'REGISTER', 'CLIENT', '1948', 'Judy', 'not a time', 'snom', '10.0.0.9:5060'].join(T),
  ['x', 'REGISTER', 'CLIENT', '1948', 'Judy', 'a time of one byte', 'snom', '10.0.0.9:5060'].join(T),
  '***',
  ['2026-01-15 23:59:49.000', 'REGISTER', 'CLIENT', '1949', 'Judy', 'after a marker', 'snom', '10.0.0.9:5060'].join(T),
  ['***', 'REGISTER', 'CLIENT', '1950', 'Judy', 'stars', 'snom', '10.0.0.9:5060'].join(T),
  ['2026-01-16 00:00:01.000', 'REGISTER', 'CLIENT', '1951', 'Judy', 'later than the rest', 'snom', '10.0.0.9:5060'].join(T),
  '',
  ['2026-01-15 23:59:48.000', 'REGISTER', 'CLIENT', '1952', 'Judy', 'after a blank line', 'snom', '10.0.0.9:5060'].join(T),
];

/** A CDR export (comma rows: quotes and thousands groups are the parser's), after the sessions: a second table. */
const CDR = [
  'Cdr List',
  '',
  'Call Date ▼,Src,Dst,Duration,Disposition',
  '2026-01-15 23:59:57,942,+39063321255,4,733,ANSWERED',
  '2026-01-15 23:59:55,936,952,0,BUSY',
  '2026-01-15 23:59:54,937,953,12,FAILED',
  '2026-01-15 23:59:53,"938",954,1,FAILED',
  '2026-01-15 23:59:52,939,955,1',
  '2026-01-15 23:59:51,940\t,956,1,ANSWERED',
];

/** Registered accounts: the time is not the first cell, so a `***` line with blanks after it may split into cells. */
const ACCOUNTS = [
  'Registered Accounts',
  '',
  ['Id', 'Username', 'IpAddr', 'Port', 'Description', 'Registration Expires', 'UserAgent'].join(T),
  ['1', '1658', '10.0.0.1', '25158', 'Erin', '2026-01-15 01:00:03', 'Zoiper'].join(T),
  '***\t\t',
  ['2', '1557', '10.0.0.2', '37336', 'Marco', '2026-01-15 01:00:06', 'snom'].join(T),
  ['3', '1558'].join(T),
  ['***', '1559', '10.0.0.3', '37336', 'Marco', '2026-01-15 01:00:09', 'a marker with cells'].join(T),
  ['4', '1560', '10.0.0.3', '37336', 'Marco', '2026-01-15 01:00:09', 'snom'].join(T),
  '\tRegistered Accounts\t',
];

/** Authentication events with TABs: the problem rule that compares the start of a cell. */
const AUTH = [
  'AuthenticationEvent List',
  '',
  ['Date Created', 'Event Type', 'Principal', 'IP Address'].join(T),
  ['2026-01-15 23:59:53', 'LOGIN_SUCCESS', 'trent@example.com', '10.0.0.1'].join(T),
  ['2026-01-15 23:59:52', 'FAILED_LOGIN', 'erin@example.com', '10.0.0.2'].join(T),
  ['2026-01-15 23:59:51', ' FAIL ', 'erin@example.com', '10.0.0.2'].join(T),
  ['2026-01-15 23:59:50', 'FAI', 'erin@example.com', '10.0.0.2'].join(T),
  ['2026-01-15 23:59:49', 'fail', 'erin@example.com', '10.0.0.2'].join(T),
  ['2026-01-15 23:59:48', '', 'erin@example.com', '10.0.0.2'].join(T),
];

/** CDRs with TABs: the problem rule that compares a whole cell. */
const CDR_TABS = [
  'Cdr List',
  '',
  ['Call Date', 'Src', 'Dst', 'Duration', 'Disposition'].join(T),
  ['2026-01-15 23:59:57', '942', '+39063321255', '4', 'ANSWERED'].join(T),
  ['2026-01-15 23:59:56', '943', '952', '0', 'FAILED'].join(T),
  ['2026-01-15 23:59:55', '944', '952', '0', 'FAILED '].join(T),
  ['2026-01-15 23:59:54', '945', '952', '0', 'FAILEDX'].join(T),
  ['2026-01-15 23:59:53', '946', '952', '0'].join(T),
  ['2026-01-15 23:59:52', '947', '952', '0', 'BUSY', 'FAILED'].join(T),
];

test('PrivateServer fused scan = parser: every row shape, one table and two, every chunk size and line end', () => {
  for (const [label, lines] of [
    ['sessions', SESSIONS],
    ['sessions, then CDRs', [...SESSIONS, '', ...CDR]],
    ['CDRs', CDR],
    ['accounts', ACCOUNTS],
    ['authentication events', AUTH],
    ['CDRs with TABs', CDR_TABS],
    ['authentication events, then sessions', [...AUTH, '', ...SESSIONS]],
  ] as const) {
    const text = lines.join('\n');
    for (const [ends, bytes] of [
      ['LF', Buffer.from(text + '\n')],
      ['no final LF', Buffer.from(text)],
      ['CRLF after the middle', Buffer.from(text.slice(0, text.length >> 1) + text.slice(text.length >> 1).replace(/\n/g, '\r\n'))],
      ['a lone CR', Buffer.from(text.replace('\n2026-01-15 23:59:59.9', '\r2026-01-15 23:59:59.9'))],
    ] as const) {
      assertSame(bytes, `${label}, ${ends}`, [undefined, 37, 101, 4096]);
    }
  }
});

test('PrivateServer fused scan = parser on the sample and on generated tables of every kind', () => {
  assertSame(fs.readFileSync(path.join(ROOT, 'samples/privateserver/sip-sessions.tsv')), 'sample', [undefined, 4096]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-fast-ps-'));
  try {
    assertSame(fs.readFileSync(generatedLog(dir, 'privateserver', 1)), 'generated sessions', [undefined, 65536]);
    for (const table of ['accounts', 'auth', 'cdr']) {
      const file = path.join(dir, `${table}.tsv`);
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'privateserver', '1', file, '7', '--table', table], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assertSame(fs.readFileSync(file), `generated ${table}`, [undefined, 65536]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the PrivateServer fused scan runs: most rows of a table go through it', () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ['2026-01-15 12:00:00.000', 'REGISTER', 'CLIENT', String(i % 50), 'Judy', '200 OK', 'snom', '10.0.0.1:5060'].join(T));
  const bytes = Buffer.from([...SESSIONS.slice(0, 3), ...rows].join('\n') + '\n');
  // Counted through the arrays it writes to: a fast scan that did nothing would leave the parser all of them.
  let calls = 0;
  let records = 0;
  const counting: Dialect = {
    ...privateServer,
    createFastScan: (parser) => {
      const fast = privateServer.createFastScan!(parser);
      return {
        scan: (...args: Parameters<typeof fast.scan>) => {
          calls++;
          const before = args[4].recordCount;
          const at = fast.scan(...args);
          records += args[4].recordCount - before;
          return at;
        },
      };
    },
  };
  for (const keyless of [false, true]) {
    calls = records = 0;
    const index = indexOf(bytes, true, keyless, undefined, counting);
    assert.equal(index.recordCount, 3000);
    // It stops where an array must grow (addRecord grows it) and at the lines it leaves to the parser.
    assert.ok(records >= 2900 && calls < 30, `${keyless ? 'keyless' : 'keyed'}: ${records} records in ${calls} calls`);
  }
});

/** A parser that has read `head` (a table's title and header row), and its fused scan (`wasm`: see fastScanOf). */
function scanAfter(head: readonly string[], wasm: boolean): PrivateServerFastScan {
  const parser = privateServer.createParser(CTX);
  for (const line of head) {
    const bytes = Buffer.from(line);
    parser.header(bytes, 0, bytes.length, new HeaderScratch());
  }
  return fastScanOf(parser, wasm);
}

test('keyless: the PrivateServer WebAssembly scan writes what the JavaScript loop writes, and stops where it stops', () => {
  // Each row alone between two common rows, and as the last line: where each stops, and what it wrote
  // (the rows the module leaves are the JavaScript loop's, given that line alone).
  for (const table of [SESSIONS, ACCOUNTS, AUTH, CDR_TABS]) {
    const head = table.slice(0, 3);
    const common = table[3];
    for (const row of table.slice(3)) {
      for (const text of [`${common}\n${row}\n${common}\n`, `${common}\n${row}\n`, `${common}\n${row}`, `${common}\r\n${row}\r\n`]) {
        assertScansAgree(scanAfter(head, true), scanAfter(head, false), Buffer.from(text), JSON.stringify(text));
      }
    }
  }
  // The module was made (the calls above made it): else both sides were the JavaScript loop.
  assert.ok(privateServerWasmScan() !== undefined, 'no WebAssembly scan');
  // 2.5 MB in one call (copies of 1 MiB end mid-line): problem rows, rows without a time, with more
  // or fewer cells, with blanks around cells, fractions of every length, two days, rows it leaves to
  // the JavaScript loop.
  const head = SESSIONS.slice(0, 3);
  const rows = Array.from({ length: 30_000 }, (_, i) => {
    const fraction = i % 7 === 0 ? '' : `.${String(i).padStart(6, '0').slice(0, i % 7)}`;
    const time = i % 101 === 0 ? '' : `2026-01-${i < 15_000 ? 15 : 16}${i % 2 ? ' ' : 'T'}${String(i % 24).padStart(2, '0')}:59:${String(i % 60).padStart(2, '0')}${fraction}`;
    const event = i % 3 === 0 ? 'DISCONNECT' : 'REGISTER';
    const details = i % 5 === 0 ? 'x NETWORK_ERROR y' : i % 11 === 0 ? 'NETWORK_ERRO' : 'CLIENT_CLOSED';
    const cells = [time, event, ' CLIENT ', String(i % 400), i % 13 === 0 ? '' : 'Judy', details, 'x'.repeat(i % 40), '10.0.0.1:5060'];
    if (i % 89 === 0) cells.push('extra');
    if (i % 97 === 0) cells.pop();
    // Rows the module leaves and the JavaScript loop takes: three cells (maybe a title), a cell as long as a column's name and with its first letter.
    return i % 1009 === 0 ? cells.slice(0, 3).join(T) : i % 997 === 0 ? [...cells.slice(0, 4), 'eXent', ...cells.slice(5)].join(T) : cells.join(T);
  });
  const bytes = Buffer.from(rows.join('\n') + '\n');
  const js = keylessFastRecords(35_000);
  const wasm = keylessFastRecords(35_000);
  const scan = scanAfter(head, true);
  // The lines the JavaScript loop reads: only those the module leaves.
  const jsLines = countLoopCalls(scan);
  scan.beginChunk(bytes);
  assert.equal(scan.scan(bytes, 0, bytes.length, 7, wasm), scanAfter(head, false).scan(bytes, 0, bytes.length, 7, js));
  scan.endChunk();
  assert.equal(wasm.recordCount, 30_000);
  // Those of three cells, and those with a cell as long as a column's name and with its first letter (`eXent`, `extra`: `event`).
  assert.equal(jsLines.count(), rows.filter((_, i) => i % 1009 === 0 || i % 997 === 0 || (i % 89 === 0 && i % 97 !== 0)).length, 'lines left to the JavaScript loop');
  const warnings = wasm.recSeverity.subarray(0, 30_000).filter((v) => v === Severity.Warning).length;
  assert.equal(warnings, rows.filter((_, i) => i % 15 === 0 && i % 1009 !== 0).length, 'a problem row every fifteenth (but those of three cells)');
  assert.ok(wasm.recFlags.subarray(0, 30_000).some((f) => f & RecordFlag.NoTime) && wasm.recFlags.subarray(0, 30_000).some((f) => f & RecordFlag.Malformed), 'rows without a time, malformed rows');
  assert.deepEqual(wasm, js);
});
