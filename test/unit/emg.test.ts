import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { open, records, keys, diagnosticCodes, filterText } from './helpers';
import { diagnostics, goToTime, listSessions } from '../../server/src/engine';
import { DAY_MS, daysFromCivil, monthFromBytes } from '../../server/src/engine/time';
import { emg } from '../../server/src/engine/dialects/emg';
import { HeaderScratch } from '../../server/src/engine/types';

const CONNECTOR = [
  'Sep 11 22:34:30.000 (7) SEND OK (pdu=1/1) 001:71 008:4670001 095:1031776530 096:269 017:3',
  'Sep 11 22:34:34.306 (2) CONNECT OK (info="")',
  'Sep 11 22:34:34.316 (2) LOGIN OK (info="emguser")',
  'Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 034: 022:stenor 059:mgp 093:1031776474 094:393 008:1234 017:3',
  'Sep 11 22:34:34.468 (2) LOGOUT OK',
  'Sep 11 22:34:34.471 (2) DISCONNECT OK',
  'Sep 11 22:35:28.664 (4) CONNECT OK',
  'Sep 11 22:35:29.071 (4) LOGIN OK',
  'Sep 11 22:35:30.275 (4) SEND ERR (pdu=1/1,info="72") 001:71 008:1234 017:3',
  'Sep 11 22:35:31.000 (4) REJECT ERR (info="bad destination")',
  'Sep 11 22:35:32.5 (2) CONNECT OK',
  'Sep 11 22:35:33.000001 this line has a timestamp but no connector header',
  'Sep 11 22:35:34.000 (4) DISCONNECT OK',
];
const MARCH_2026 = Date.UTC(2026, 2, 1);
const OCTOBER_2026 = Date.UTC(2026, 9, 1);

test('month names are read from bytes in any case (EMG and Messaging Server stamps); anything else is 0', () => {
  const names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  names.forEach((name, k) => {
    for (const written of [name, name.toUpperCase(), name.toLowerCase()]) assert.equal(monthFromBytes(Buffer.from(`15/${written}/2026`), 3), k + 1, written);
  });
  for (const other of ['Jux', '123', 'Ja ', '   ', 'J@N']) assert.equal(monthFromBytes(Buffer.from(other), 0), 0, other);
  // Cut short by the buffer's end: no month, and no read past it.
  assert.equal(monthFromBytes(Buffer.from('xJa'), 1), 0);
});

describe('EMG connector log', () => {
  test('connect spans are sessions; records before a CONNECT form their own span', () => {
    const index = open(CONNECTOR.join('\n'), { fileName: 'connector.smpp1', mtimeMs: MARCH_2026 });
    assert.equal(index.dialect.id, 'emg-log');
    assert.deepEqual(keys(index), ['(7)#1', '(2)#1', '(2)#1', '(2)#1', '(2)#1', '(2)#1', '(4)#1', '(4)#1', '(4)#1', '(4)#1', '(2)#2', 'general', '(4)#1']);
    const sessions = listSessions(index);
    assert.deepEqual(sessions.map((s) => [s.key, s.component, s.records]), [['(7)#1', '(7)', 1], ['(2)#1', '(2)', 5], ['(4)#1', '(4)', 5], ['(2)#2', '(2)', 1], ['general', 'general', 1]]);
  });

  test('status severities and event diagnostics: ERR warning, fatal events error, orphaned warning, malformed', () => {
    const index = open(CONNECTOR.join('\n'), { fileName: 'connector.smpp1', mtimeMs: MARCH_2026 });
    assert.deepEqual(records(index).map((r) => r.severity).slice(2, 10), ['info', 'warning', 'info', 'info', 'info', 'info', 'warning', 'error']);
    assert.deepEqual(diagnosticCodes(index), ['3:event-error:warning', '8:event-error:warning', '9:event-error:error', '11:malformed:warning']);
    // An orphaned RECEIVE has status OK: it is said as what it is, not as a failed event.
    const messages = [...diagnostics(index)].map((d) => d.message.split(':').slice(0, 2).join(':'));
    assert.deepEqual(messages.slice(0, 3), ['Orphaned: no route', 'Failed event: (4) SEND ERR (pdu=1/1,info="72") 001', 'Failed event: (4) REJECT ERR (info="bad destination")']);
  });

  test('year-less stamps take the file year, one less for months after the modification month', () => {
    const march = open(CONNECTOR.join('\n'), { fileName: 'connector.smpp1', mtimeMs: MARCH_2026 });
    assert.equal(march.recWall[1], daysFromCivil(2025, 9, 11) * DAY_MS + ((22 * 60 + 34) * 60 + 34) * 1000 + 306);
    const october = open(CONNECTOR.join('\n'), { fileName: 'connector.smpp1', mtimeMs: OCTOBER_2026 });
    assert.equal(october.recWall[1], daysFromCivil(2026, 9, 11) * DAY_MS + ((22 * 60 + 34) * 60 + 34) * 1000 + 306);
    assert.equal(goToTime(october, '2026-09-11 22:35:30'), 8);
    assert.equal(goToTime(october, '22:35:32.4'), 10);
    assert.equal(october.timestampText(10), 'Sep 11 22:35:32.5');
    assert.equal(october.timestampText(11), 'Sep 11 22:35:33.000001');
  });

  test('LOGYEAR stamps and single-digit days padded with a space', () => {
    const index = open(['2026-01-15 08:00:00.123456 (1) CONNECT OK', 'Jan  5 08:00:01.5 (1) LOGIN OK'].join('\n'), { mtimeMs: MARCH_2026 });
    assert.equal(index.dialect.id, 'emg-log');
    assert.equal(index.recWall[0], daysFromCivil(2026, 1, 15) * DAY_MS + 8 * 3600_000 + 123.456);
    assert.equal(index.recWall[1], daysFromCivil(2026, 1, 5) * DAY_MS + 8 * 3600_000 + 1500);
    assert.deepEqual(diagnosticCodes(index), ['1:time-regression:warning']);
  });

  test('told no key is read (msglog check), the parser composes none and reads every other field alike', () => {
    const ctx = { fileName: 'connector.smpp1', mtimeMs: MARCH_2026 };
    const keyed = emg.createParser(ctx);
    const keyless = emg.createParser(ctx);
    keyless.dropKeys?.();
    const fields = (h: HeaderScratch): unknown => [h.wall, h.offsetMin, h.level, h.severity, h.bodyCol, h.flags];
    const keyOf = (h: HeaderScratch): string => Buffer.from(h.keyBuf.subarray(h.keyStart, h.keyEnd)).toString('latin1');
    const [a, b] = [new HeaderScratch(), new HeaderScratch()];
    const seen: string[][] = [];
    for (const line of CONNECTOR) {
      const bytes = Buffer.from(line);
      a.reset();
      b.reset();
      assert.equal(keyless.header(bytes, 0, bytes.length, b), keyed.header(bytes, 0, bytes.length, a), line);
      assert.deepEqual(fields(b), fields(a), line);
      seen.push([keyOf(a), keyOf(b)]);
    }
    // Spans are numbered for keys only; a malformed record still says it is `general`.
    assert.deepEqual(seen.slice(9, 12), [['(4)#1', ''], ['(2)#2', ''], ['general', 'general']]);
    assert.ok(seen.every(([k, kl]) => k !== '' && (kl === '' || kl === k)));
  });

  test('keyed filter on an option finds the whole connect span', () => {
    const index = open(CONNECTOR.join('\n') + '\n', { fileName: 'connector.smpp1', mtimeMs: MARCH_2026 });
    assert.equal(filterText(index, { text: '022:stenor', keyed: true }), CONNECTOR.slice(1, 6).join('\n') + '\n');
    assert.equal(filterText(index, { text: 'ERR', level: 'warning' }), CONNECTOR.slice(8, 10).join('\n') + '\n');
  });
});

describe('EMG general, pdu and profiling logs', () => {
  test('general: optional level words, one session', () => {
    const index = open(['Sep 11 22:34:34.306 INFO Server started', 'Sep 11 22:34:35.000 ERROR Could not bind port 2775', 'Sep 11 22:34:36.000 plain text without level', '  continued'].join('\n'), { fileName: 'general', mtimeMs: MARCH_2026 });
    assert.deepEqual(records(index).map((r) => [r.key, r.severity, r.endLine]), [['general', 'info', 0], ['general', 'error', 1], ['general', 'info', 3]]);
    assert.deepEqual(diagnosticCodes(index), ['1:level:error']);
    assert.equal(index.body(1), 'Could not bind port 2775');
  });

  test('pdu: key is the instance name; profiling: key is the thread', () => {
    const pdu = open('Sep 11 22:34:34.306 smpp1 Read bind_transmitter system_id=emg\nSep 11 22:34:34.310 smpp1 Write bind_transmitter_resp\n', { fileName: 'pdu.smpp1', mtimeMs: MARCH_2026 });
    assert.deepEqual(keys(pdu), ['smpp1', 'smpp1']);
    const profiling = open('Sep 11 22:34:34.306 |140234| operation 0.120s\nSep 11 22:34:34.400 |140235| roundtrip 0.300s\n', { fileName: 'profiling', mtimeMs: MARCH_2026 });
    assert.deepEqual(keys(profiling), ['140234', '140235']);
  });
});
