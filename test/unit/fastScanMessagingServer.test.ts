// Messaging Server's fused hot loop (messagingServerFastScan.ts) must build exactly the index that
// reading every line through its header parser builds, keyed and keyless: records, zone offsets,
// sessions, markers, diagnostics — whatever the chunking, the line ends and the shapes of lines
// between its runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { messagingServer } from '../../server/src/engine/dialects/messagingServer';
import { MessagingServerFastScan } from '../../server/src/engine/dialects/messagingServerFastScan';
import { messagingServerWasmScan } from '../../server/src/engine/wasm/messagingServerScan';
import type { Dialect } from '../../server/src/engine/types';
import { LogIndex, MemorySource } from '../../server/src/engine';
import type { FastScan } from '../../server/src/engine/types';
import { RecordFlag } from '../../server/src/engine/types';
import { assertScansAgree, generatedLog, keylessFastRecords, ROOT, snapshot } from './helpers';

const CTX = { fileName: 'imap.log' };
const CHUNK_SIZES = [undefined, 37, 101, 4096];

function indexOf(bytes: Buffer, fastScan: boolean, keyless: boolean, chunkSize?: number, dialect: Dialect = messagingServer): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), dialect, CTX, { fastScan });
  index.build({ chunkSize, keyless, problemLines: true });
  return index;
}

/** Messaging Server with its JavaScript loop for keyless indexes too (they go through the WebAssembly scan). */
const JS_LOOP: Dialect = { ...messagingServer, createFastScan: () => new MessagingServerFastScan(false) };

/** What the index carries from its last record to the next (an append): unseen in records with a time, as Messaging Server's all are. */
interface CarriedState {
  prevWall: number;
  prevOffset: number;
  hasOffset: boolean;
  logOffsetMin: number;
  lastEndLine: number;
  lastEndOffset: number;
}

function carried(index: LogIndex): CarriedState {
  const { prevWall, prevOffset, hasOffset, logOffsetMin, lastEndLine, lastEndOffset } = index as unknown as CarriedState;
  return { prevWall, prevOffset, hasOffset, logOffsetMin, lastEndLine, lastEndOffset };
}

function assertSame(bytes: Buffer, label: string, chunkSizes: (number | undefined)[] = [undefined]): void {
  for (const keyless of [false, true]) {
    const slowIndex = indexOf(bytes, false, keyless);
    const slow = snapshot(slowIndex);
    for (const chunkSize of chunkSizes) {
      // Keyless: the WebAssembly scan (with the JavaScript loop for the stamps it leaves), and the JavaScript loop alone.
      for (const dialect of keyless ? [messagingServer, JS_LOOP] : [messagingServer]) {
        const what = `${label}, ${keyless ? 'keyless' : 'keyed'}${dialect === JS_LOOP ? ', JavaScript loop' : ''}, chunks of ${chunkSize ?? 'default size'}`;
        const fast = indexOf(bytes, true, keyless, chunkSize, dialect);
        assert.deepEqual(snapshot(fast), slow, what);
        assert.deepEqual(carried(fast), carried(slowIndex), `${what}: the state carried to an append`);
      }
    }
  }
}

const T = '[15/Jan/2026:10:02:11 +0100] mailhost';

/** Every shape of line the header parser tells apart, each between records of the common shape. */
const SHAPES = [
  'a title line before any record',
  `${T} imapd[4411]: General Notice: Log created (1768467731)`,
  `${T} imapd[4411]: Account Notice: login [192.0.2.18] erin plaintext`,
  `${T} imapd[4412]: Store Catastrophe: database corrupt`,
  `${T} imapd[4412]: Store Critical: mboxlist is corrupt`,
  `${T} cgi_service[343]: General Error: function=getserverhello|port=2500|error=failed to connect`,
  `${T} imapd[4411]: Network Warning: Connection reset by client [198.51.100.9]`,
  `${T} stored[3170]: Stats Information: 52 users, 1,842 messages expunged`,
  `${T} imapd[4415]: General Debug: 42 sessions active`,
  // Failed logins: the word `badlogin` and what may follow it.
  `${T} imapd[4411]: Account Notice: badlogin: [10.0.1.155:10313] SASL PLAIN trent`,
  `${T} imapd[4411]: Account Notice:   badlogin [10.0.1.155:10313]`,
  `${T} imapd[4411]: Account Notice: badlogin\tx`,
  `${T} imapd[4411]: Account Notice: badlogin`,
  `${T} imapd[4411]: Account Notice: badlogins are not failed logins`,
  `${T} imapd[4411]: Account Notice:badlogin without a space`,
  `${T} imapd[4411]: Account Notice: badlogi`,
  `${T} imapd[4411]: Account Notice: Badlogin: not the word`,
  `${T} imapd[4411]: Account Notice: badloginX`,
  // Cut off after PROCESS[PID]: or without a level word: malformed records of that process.
  `${T} job_controller[2890]: unable to lock /var/opt/sun/comms/messaging/queue/tcp_local (pid 4711)`,
  `${T} job_controller[2890]:`,
  `${T} job_controller[2890]: `,
  `${T} job_controller[2890]: General`,
  `${T} job_controller[2890]: General Notice`,
  `${T} job_controller[2890]: General Verbose: not a level word`,
  `${T} job_controller[2890]: General notice: a level word in the wrong case`,
  `${T} job_controller[2890]:  Notice: no category`,
  `${T} job_controller[2890]: General Noticed: a longer word`,
  `${T} job_controller[2890]: General Informatio: a shorter word`,
  `${T} job_controller[2890]: General Crash: a C word of its own`,
  `${T} job_controller[2890]: General Catastroph: a C word one byte short`,
  `${T} job_controller[2890]: General Criticals: a C word one byte long`,
  `${T} job_controller[2890]: General Catastrophe`,
  `${T} job_controller[2890]: General Error:`,
  `${T} job_controller[2890]: General Notice:badlogin`,
  `${T} job_controller[2890]: General Not:ice: a colon inside`,
  `${T} job_controller[2890]: General Nptice: the second byte wrong`,
  `${T} job_controller[2890]: General Crutical: the second byte of a C word wrong`,
  `${T} job_controller[2890]: General Catastrophf: the last byte wrong`,
  `${T} job_controller[2890]: General Debug : a space before the colon`,
  `${T} job_controller[2890]: General  Debug: two spaces`,
  // Not a process token: not a header (a continuation line of the record before).
  `${T} imapd[]: General Notice: no pid`,
  `${T} imapd[12]:General Notice: no space after the token`,
  `${T} [12]: General Notice: no process name`,
  `${T} imapd[1x]: General Notice: a letter in the pid`,
  `${T} imapd[12] General Notice: no colon`,
  '[15/Jan/2026:10:02:11 +0100]  imapd[4411]: General Notice: no host',
  '[15/Jan/2026:10:02:11 +0100] mailhost',
  '[15/Jan/2026:10:02:11 +0100] ',
  '[15/Jan/2026:10:02:11 +0100]',
  '[15/Jan/2026:10:02:11',
  '[',
  // Stamps of every form header() reads, and those it rejects.
  '[15/Jan/2026 10:02:12 +0100] mailhost imapd[4411]: General Notice: a space after the date',
  '[15/jan/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: a month in lower case',
  '[15/JAN/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: a month in upper case',
  '[15/Jam/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: no month',
  '[15/01/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: a numeric month',
  '[15/13/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: month 13',
  '[15/00/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: month 00',
  '[00/Jan/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: day 0',
  '[99/Feb/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: day 99',
  '[1/Jan/2026:10:02:12 +0100] mailhost imapd[4411]: General Notice: one digit for the day',
  '[15/Jan/20x6:10:02:12 +0100] mailhost imapd[4411]: General Notice: a letter in the year',
  '[15/Jan/2026-10:02:12 +0100] mailhost imapd[4411]: General Notice: a dash after the date',
  '[15/Jan/2026:10:02:12.250 +0100] mailhost imapd[4411]: General Notice: a fraction',
  '[15/Jan/2026:10:02:12.123456 +0100] mailhost imapd[4411]: General Notice: six digits',
  '[15/Jan/2026:10:02:12.1234567 +0100] mailhost imapd[4411]: General Notice: seven digits',
  '[15/Jan/2026:10:02:12. +0100] mailhost imapd[4411]: General Notice: a dot without digits',
  '[15/Jan/2026:24:00:00 +0100] mailhost imapd[4411]: General Notice: hour 24',
  '[15/Jan/2026:23:60:00 +0100] mailhost imapd[4411]: General Notice: minute 60',
  '[15/Jan/2026:23:59:60 +0100] mailhost imapd[4411]: General Notice: a leap second',
  '[15/Jan/2026:23:59:61 +0100] mailhost imapd[4411]: General Notice: second 61',
  '[15/Jan/2026:10:0a:12 +0100] mailhost imapd[4411]: General Notice: a letter in the clock',
  '[15/Jan/2026:10-02-12 +0100] mailhost imapd[4411]: General Notice: dashes in the clock',
  '[15/Jan/2026:10:02:12 -0530] mailhost imapd[4411]: General Notice: another zone',
  '[15/Jan/2026:10:02:12 -0000] mailhost imapd[4411]: General Notice: minus zero',
  '[15/Jan/2026:10:02:12 +9999] mailhost imapd[4411]: General Notice: zone 99:99',
  '[15/Jan/2026:10:02:12 0100] mailhost imapd[4411]: General Notice: no sign',
  '[15/Jan/2026:10:02:12 +01] mailhost imapd[4411]: General Notice: a short zone',
  '[15/Jan/2026:10:02:12] mailhost imapd[4411]: General Notice: no zone',
  '[15/Jan/2026:10:02:12 +0100 mailhost imapd[4411]: General Notice: no bracket',
  '[15/Jan/2026:10:02:12 +0100]mailhost imapd[4411]: General Notice: no space',
  '15/Jan/2026:10:02:13 +0100 mailhost imapd[4411]: General Notice: a bare stamp',
  '03/12/1998 06:54:32 +0200 SiroePost imapd[232]: Account Notice: close [127.0.0.1] [unauthenticated] 1998/12/3 6:54:32 0:00:00 0 115 0',
  '  [15/Jan/2026:10:02:13 +0100] mailhost imapd[4411]: General Notice: indented by blanks',
  '\t[15/Jan/2026:10:02:13 +0100] mailhost imapd[4411]: General Notice: indented by a TAB',
  // Continuation lines, blank lines, markers, bytes that are not ASCII.
  '  a continuation line',
  '',
  '',
  '***',
  '***   ',
  '[15/Jan/2026:10:02:14 +0100] mailhost imapd[4411]: General Notice: after markers',
  '[15/Jan/2026:10:02:14 +0100] hôte imapd[4411]: Général Notice: café ☕',
  '[15/Jan/2026:10:02:14 +0100] mailhost imapd[4411]: Account Notice: login [192.0.2.18] zoë 🙂',
  '[15/Jan/2026:10:02:14 +0100] mailhost ïmapd[4411]: Account Notice: a process name not in ASCII',
  // Time going back (a regression), the next day, the year before.
  '[15/Jan/2026:09:00:00 +0100] mailhost imapd[4411]: General Notice: back in time',
  '[16/Jan/2026:00:00:01 +0100] mailhost imapd[4411]: General Notice: the next day',
  '[31/Dec/2025:23:59:59 +0100] mailhost imapd[4411]: General Notice: the year before',
  `${T} imapd[4411]: General Notice: the last line`,
];

/** A run of common records between the shapes, so that the fast scan is running when each shape comes. */
function withRuns(lines: string[]): string[] {
  const out: string[] = [];
  lines.forEach((shape, i) => {
    out.push(shape);
    out.push(`[15/Jan/2026:10:03:${String(i % 60).padStart(2, '0')} +0100] mailhost imapd[${4411 + (i % 3)}]: Protocol Information: select INBOX [10.0.0.${i}:143] user${i}`);
  });
  return out;
}

test('Messaging Server fused scan = header parser: every line shape, line end and chunk size, keyed and keyless', () => {
  const text = withRuns([...SHAPES, ...SHAPES]).join('\n');
  for (const [label, bytes] of [
    ['LF', Buffer.from(text + '\n')],
    ['no final LF', Buffer.from(text)],
    ['CRLF after the middle', Buffer.from(text.slice(0, text.length >> 1) + text.slice(text.length >> 1).replace(/\n/g, '\r\n'))],
    ['a lone CR', Buffer.from(text.replace('\n[15/Jan/2026:10:02:12.250', '\r[15/Jan/2026:10:02:12.250') + '\n')],
    ['a line longer than a chunk', Buffer.from(`${text}\n${T} imapd[4411]: General Notice: ${'x'.repeat(5000)}\n${text}\n`)],
  ] as const) {
    assertSame(bytes, label, CHUNK_SIZES);
  }
});

test('Messaging Server fused scan = header parser on each shape alone after one record', () => {
  // The shape right after the log's first record (the parser's), and as its last line, with and without a terminator.
  for (const shape of SHAPES) {
    const text = `${T} imapd[4411]: General Notice: first\n${T} imapd[4411]: General Notice: second\n${shape}`;
    assertSame(Buffer.from(text), JSON.stringify(shape));
    assertSame(Buffer.from(text + '\n'), `${JSON.stringify(shape)} with LF`);
  }
});

const LEVELS = ['Catastrophe', 'Critical', 'Error', 'Warning', 'Notice', 'Information', 'Debug'];

/**
 * The level and failed login of a header line as FORMATS §2.5 has them, read from its text: after
 * `PROCESS[PID]: `, a category up to a space, then the level word up to the first colon; a message
 * that starts (after spaces) with the word `badlogin`.
 */
function levelAndBadlogin(line: string): [string, boolean] {
  const token = /\S+\[\d+\]:(?: |$)/.exec(line);
  assert.ok(token, line);
  const rest = line.slice(token.index + token[0].length);
  const sp = rest.indexOf(' ');
  const colon = sp > 0 ? rest.indexOf(':', sp + 1) : -1;
  const word = colon < 0 ? '' : rest.slice(sp + 1, colon);
  if (!LEVELS.includes(word)) return ['', false];
  return [word, /^ *badlogin(?:[: \t]|$)/.test(rest.slice(colon + 1))];
}

test('Messaging Server header(): the level word and failed logins of every line shape, as FORMATS has them', () => {
  const bytes = Buffer.from(withRuns(SHAPES).join('\n') + '\n');
  const index = indexOf(bytes, false, false);
  let levels = 0;
  for (let r = 0; r < index.recordCount; r++) {
    const start = index.recStartOffset[r];
    const line = bytes.subarray(start, bytes.indexOf(0x0a, start)).toString('utf8');
    const [level, badlogin] = levelAndBadlogin(line);
    assert.equal(messagingServer.levelName(index.recLevel[r]), level, line);
    assert.equal((index.recFlags[r] & RecordFlag.EventError) !== 0, badlogin, line);
    if (level !== '') levels++;
  }
  assert.ok(levels > index.recordCount / 2, `${levels} levels in ${index.recordCount} records`);
});

test('Messaging Server fused scan = header parser when the session arrays must grow (a process per record)', () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `[15/Jan/2026:10:05:${String(i % 60).padStart(2, '0')} -0700] mailhost imapd[${i}]: Account Notice: login [10.0.0.1:143] user${i}`);
  assertSame(Buffer.from(lines.join('\n') + '\n'), 'a process per record', [undefined, 4096]);
});

test('Messaging Server fused scan = header parser on the sample log and a generated day', () => {
  assertSame(fs.readFileSync(path.join(ROOT, 'samples/messaging-server/imap.log')), 'sample', CHUNK_SIZES);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-fast-ms-'));
  try {
    const file = generatedLog(dir, 'messaging-server', 2);
    assertSame(fs.readFileSync(file), 'generated', [undefined, 65536, 3 << 20]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Messaging Server fused scan runs: nearly every record goes through it, keyed and keyless', () => {
  const lines = withRuns(SHAPES.slice(1, 12));
  for (let i = 0; i < 3000; i++) lines.push(`[15/Jan/2026:10:04:${String(i % 60).padStart(2, '0')} +0100] mailhost imapd[${4411 + (i % 5)}]: Account Notice: login [10.0.0.${i % 256}:143] user${i} plaintext`);
  const bytes = Buffer.from(lines.join('\n') + '\n');
  for (const keyless of [false, true]) {
    // Counted through the arrays it writes to: a fast scan that did nothing would leave the parser all of them.
    let calls = 0;
    let records = 0;
    const fast = messagingServer.createFastScan!(messagingServer.createParser(CTX));
    const counting: FastScan = {
      zoned: fast.zoned,
      scan: (...args: Parameters<FastScan['scan']>) => {
        calls++;
        const before = args[4].recordCount;
        const at = fast.scan(...args);
        records += args[4].recordCount - before;
        return at;
      },
    };
    const index = new LogIndex(new MemorySource(bytes), { ...messagingServer, createFastScan: () => counting }, CTX);
    index.build({ keyless });
    assert.equal(index.recordCount, lines.length);
    // The log's first record is the parser's (the zone offsets start with it); an array that must grow stops the scan.
    assert.ok(records >= lines.length - 30 && calls < 30, `${keyless ? 'keyless' : 'keyed'}: ${records} records of ${lines.length} in ${calls} calls`);
  }
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

test('keyless: the Messaging Server WebAssembly scan writes what the JavaScript loop writes, and stops where it stops', () => {
  // Every shape alone between two records: where each stops, and what it wrote (stamps of other forms
  // are the JavaScript loop's, given the line the module leaves).
  // And each as the last line, so that what it leaves the next record (the zone offset, -0 for `-0000`) is compared too.
  for (const shape of SHAPES) {
    for (const text of [`${T} imapd[1]: General Notice: first\n${shape}\n${T} imapd[2]: General Notice: last\n`, `${T} imapd[1]: General Notice: first\n${shape}\n`]) {
      assertScansAgree(new MessagingServerFastScan(), new MessagingServerFastScan(false), Buffer.from(text), shape, true);
    }
  }
  // The module was made (the calls above made it): else both sides were the JavaScript loop.
  assert.ok(messagingServerWasmScan([]) !== undefined, 'no WebAssembly scan');
  // 2.6 MB in one call (copies of 1 MiB end mid-line): failed logins, cut-off headers, other stamps and months, two days, two zones.
  const lines = Array.from({ length: 26_000 }, (_, i) => {
    // Every month, in three cases (a month's records in a row, as a log has them: the module looks a month up when it changes).
    const month = MONTHS[Math.floor(i / 1000) % 12];
    const written = [month, month.toLowerCase(), month.toUpperCase()][Math.floor(i / 400) % 3];
    const stamp = i % 97 === 0 ? `[${i < 13_000 ? 15 : 16}/01/2026:10:0${i % 10}:00.250 -0700]` : `[${i < 13_000 ? 15 : 16}/${written}/2026:1${i % 10}:00:${String(i % 60).padStart(2, '0')} ${i % 5 ? '+0100' : '-0700'}]`;
    const message = i % 7 === 0 ? 'Account Warning: badlogin: [10.0.0.1] user' : i % 13 === 0 ? 'Account Notice: bye' : i % 17 === 0 ? '' : `Protocol Information: ${'x'.repeat(i % 70)}`;
    return `${stamp} mailhost imapd[${i}]: ${message}`;
  });
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const js = keylessFastRecords(30_000, true);
  const wasm = keylessFastRecords(30_000, true);
  const scan = new MessagingServerFastScan();
  scan.beginChunk(bytes);
  assert.equal(scan.scan(bytes, 0, bytes.length, 7, wasm), new MessagingServerFastScan(false).scan(bytes, 0, bytes.length, 7, js));
  scan.endChunk();
  assert.equal(wasm.recordCount, 26_000);
  assert.ok(wasm.recFlags.subarray(0, 26_000).filter((f) => f === RecordFlag.EventError).length === Math.ceil(26_000 / 7), 'a failed login every seventh record');
  assert.deepEqual(wasm, js);
});
