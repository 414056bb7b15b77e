import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, records, keys, diagnosticCodes } from './helpers';
import { goToTime, listSessions } from '../../server/src/engine';
import { indexOfAuth } from '../../server/src/engine/dialects/axigen';

const LOG = [
  '2026-01-15 10:00:00 +0200 08 mail.example.com SMTP-IN:0000001A: connection accepted from [1.2.3.4:5000]',
  '2026-01-15 10:00:01 +0200 16 mail.example.com SMTP-IN:0000001A: << MAIL FROM:<a@b.com>',
  '2026-01-15 10:00:01 +0200 04 mail.example.com SMTP-IN:0000001A: >> 450 try later',
  '2026-01-15 10:00:02 +0200 02 mail.example.com SMTP-IN:0000001A: Authentication error for user: invalid credentials',
  '2026-01-15 10:00:03 +0200 01 mail.example.com PROCESSING: queue corrupted',
  '2026-01-15 09:00:04 +0100 10 mail.example.com IMAP:0000002B: << 1 LOGIN',
];

test('Axigen records, sessions and levels', () => {
  const index = open(LOG.join('\n'));
  assert.equal(index.dialect.id, 'axigen-log');
  assert.deepEqual(keys(index), ['SMTP-IN:0000001A', 'SMTP-IN:0000001A', 'SMTP-IN:0000001A', 'SMTP-IN:0000001A', 'PROCESSING', 'IMAP:0000002B']);
  assert.deepEqual(records(index).map((r) => r.severity), ['info', 'debug', 'warning', 'error', 'critical', 'debug']);
  assert.deepEqual(listSessions(index).map((s) => s.component), ['SMTP-IN', 'PROCESSING', 'IMAP']);
  assert.deepEqual(diagnosticCodes(index), ['2:level:warning', '3:level:error', '3:event-error:warning', '4:level:error']);
  assert.equal(index.body(4), 'mail.example.com PROCESSING: queue corrupted');
  assert.equal(index.timestampText(5), '2026-01-15 09:00:04 +0100');
});

test('Axigen time zones: normalised times honour the offset; clock queries use written time', () => {
  const index = open(LOG.join('\n'));
  // 09:00:04 +0100 is 10:00:04 +0200: later than the record before it, so no regression.
  assert.ok(index.normalized(5) > index.normalized(4));
  assert.equal(goToTime(index, '2026-01-15 10:00:04'), 5, 'a bare date-time is in the log’s own offset (+0200)');
  assert.equal(goToTime(index, '09:30'), 0, 'time of day compares the wall clock as written');
  const regress = open([LOG[0], '2026-01-15 09:59:00 +0200 08 mail.example.com SMTP-IN:0000001A: late'].join('\n'));
  assert.deepEqual(diagnosticCodes(regress), ['1:time-regression:warning']);
});

test('the search for `auth` in every Axigen message (by the byte a match ends with, moving on by up to four) finds what a byte-by-byte search finds', () => {
  // Byte by byte, case ignored as the dialect ignores it (a byte with 0x20 set).
  const reference = (buf: Uint8Array, p: number, end: number): number => {
    for (let i = p; i + 4 <= end; i++) if ([...'auth'].every((c, k) => (buf[i + k] | 0x20) === c.charCodeAt(0))) return i;
    return -1;
  };
  const pieces = ['auth', 'AUTH', 'Auth', 'aUtH', 'aut', 'uth', 'th', 'h', 'a', 'xauth', 'authauth', 'aaauth', 'auauth', 'autauth', ' ', 'hhhh', 'AuT'];
  let seed = 7;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  let found = 0;
  for (let t = 0; t < 20000; t++) {
    let text = '';
    for (let k = next(8); k > 0; k--) text += next(2) === 0 ? pieces[next(pieces.length)] : String.fromCharCode(32 + next(95));
    const buf = Buffer.from(text, 'latin1');
    const p = next(3);
    const end = Math.max(0, buf.length - next(3));
    const want = reference(buf, p, end);
    if (want >= 0) found++;
    assert.equal(indexOfAuth(buf, p, end), want, JSON.stringify({ text, p, end }));
  }
  assert.ok(found > 1000, 'many texts hold a match');
});
