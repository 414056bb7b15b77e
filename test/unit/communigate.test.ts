import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { open, records, keys, diagnosticCodes, filterText } from './helpers';
import { goToTime, listSessions, crossReferencesInLine, QueryError } from '../../server/src/engine';
import { DAY_MS } from '../../server/src/engine/time';
import { clockBytes, clockText } from '../../server/src/engine/dialects/clock';

const MAIN = [
  '00:06:23 4 IMAP-437425([1.2.3.4]) got connection on [10.0.0.1]:143',
  '00:06:23.2 5 IMAP-437425([1.2.3.4]) out: * OK CommuniGate Pro IMAP Server',
  '00:06:23.26 5 IMAP-437425([1.2.3.4]) inp: 1 CAPABILITY',
  "00:06:23.261 2 IMAP-437425([1.2.3.4]) 'user1' connected from [1.2.3.4]",
  '00:06:23.2612 3 IMAP-437425([1.2.3.4]) protocol error: unexpected command',
  '00:06:23.26123 5 SIGNAL(3) 000056: processing INITIAL',
  '00:06:23.261234 1 ACCOUNT(user1) failed to store message',
  '  continuation line of the failure',
  '  another continuation',
  '***',
  '*** ',
  '00:06:24.000 0 SYSTEM crashed in module X',
  '00:06:25.000 2 SIPDATA-000502 out: req udp [1.2.3.4]:5060 REGISTER(680 bytes)',
  '00:06:25.000 5 SIPDATA-000502 out: Call-ID: abc@host',
  '00:06:25.010 2 SIPDATA-000503 inp: rsp udp [1.2.3.4]:5060 200-REGISTER(566 bytes)',
  '00:06:25.010 5 SIPDATA-000503 inp: Call-ID: abc@host',
  '00:06:25.010 2 SIPDATA-000503 sent to SIPC-000234',
  '00:06:26.000 2 TLS-000010 closed by HTTPU-000029, used in 4 other',
  '00:06:26.001 2 HTTPU-000029([10.10.0.83]:47320) closing connection',
];

describe('CommuniGate main log', () => {
  for (const [name, eol, finalNewline] of [
    ['LF', '\n', true],
    ['CRLF', '\r\n', true],
    ['LF without final newline', '\n', false],
  ] as const) {
    test(`records, keys and lines (${name})`, () => {
      const text = MAIN.join(eol) + (finalNewline ? eol : '');
      const index = open(text);
      assert.equal(index.dialect.id, 'communigate-log');
      assert.equal(index.lineCount, MAIN.length);
      assert.deepEqual(keys(index), [
        'IMAP-437425', 'IMAP-437425', 'IMAP-437425', 'IMAP-437425', 'IMAP-437425',
        'SIGNAL-000056', 'ACCOUNT(user1)', 'SYSTEM',
        'SIPDATA-000502', 'SIPDATA-000502', 'SIPDATA-000503', 'SIPDATA-000503', 'SIPDATA-000503',
        'TLS-000010', 'HTTPU-000029',
      ]);
      const rs = records(index);
      assert.deepEqual(rs[6], { line: 6, endLine: 8, key: 'ACCOUNT(user1)', severity: 'error', level: 1 });
      assert.equal(rs[7].line, 11, 'the overflow markers are neither records nor continuations');
      assert.equal(index.body(6), 'ACCOUNT(user1) failed to store message\n  continuation line of the failure\n  another continuation');
      assert.equal(index.recordText(14), MAIN[18] + (finalNewline ? eol : ''));
    });
  }

  test('time precision from 0 to 6 fraction digits', () => {
    const index = open(MAIN.join('\n'));
    const base = (6 * 60 + 23) * 1000;
    const walls = Array.from(index.recWall.subarray(0, 7));
    const expected = [base, base + 200, base + 260, base + 261, base + 261.2, base + 261.23, base + 261.234];
    walls.forEach((w, i) => assert.ok(Math.abs(w - expected[i]) < 1e-6, `record ${i}: ${w} vs ${expected[i]}`));
    assert.equal(index.timestampText(5), '00:06:23.26123');
    assert.equal(index.timestampText(6), '00:06:23.261234');
  });

  test('three fraction digits (read as one integer) only where the clock is whole: no fourth digit, not at the line end', () => {
    const lines = [
      '23:59:59.999 2 IMAP-000001 the last millisecond',
      '00:00:00.000 2 IMAP-000001 the first',
      '12:34:56.789 2 IMAP-000001 a header',
      '12:34:56.789', // the clock alone: not a header
      '12:34:56.78x 2 IMAP-000001 a letter in the fraction: not a header',
      '12:34:56.7890 2 IMAP-000001 four digits',
      '12:34:56.7891234 2 IMAP-000001 seven digits: not a header',
      '12:34:56.789 3 IMAP-000001 a header again',
    ];
    const index = open(lines.join('\n'));
    const headers = [0, 1, 2, 5, 7];
    assert.deepEqual(Array.from(index.recStartLine.subarray(0, index.recordCount)), headers);
    const wall = (h: number, m: number, s: number, ms: number): number => ((h * 60 + m) * 60 + s) * 1000 + ms;
    // 00:00:00 after 23:59:59 is the next day.
    const expected = [wall(23, 59, 59, 999), DAY_MS, DAY_MS + wall(12, 34, 56, 789), DAY_MS + wall(12, 34, 56, 789), DAY_MS + wall(12, 34, 56, 789)];
    headers.forEach((_, r) => assert.equal(index.normalized(r) - index.normalized(0) + expected[0], expected[r], `record ${r}`));
    assert.equal(index.timestampText(2), '12:34:56.789');
    assert.equal(index.timestampText(3), '12:34:56.7890');
  });

  test('stamps written as bytes (a session list\'s JSON) are the stamps as text, at every precision and time of day', () => {
    const index = open(MAIN.join('\n'));
    const out = Buffer.alloc(40);
    for (let r = 0; r < index.recordCount; r++) {
      const end = index.stampBytes(r, out, 3);
      assert.equal(out.toString('latin1', 3, end), index.timestampText(r), `record ${r}`);
    }
    // Times across a day, each at 0 to 6 fraction digits, the digits rounded as written (also past midnight's last microsecond).
    const dialect = index.dialect;
    for (const tod of [0, 0.0004, 999.9996, 59_999.999, 3_599_999.5, 45_296_789.123, 86_399_999.999, 86_399_999.9996]) {
      for (const bodyCol of [11, 13, 14, 15, 16, 17, 18]) {
        const text = dialect.stampText?.(tod, 0, bodyCol, 2, 0);
        const end = dialect.stampBytes?.(tod, 0, bodyCol, 2, 0, out, 0) ?? -1;
        assert.equal(end < 0 ? undefined : out.toString('latin1', 0, end), text, `${tod} ms, body at ${bodyCol}`);
      }
    }
    assert.equal(dialect.stampBytes?.(1000, 0, 12, 2, 0, out, 0), -1, 'a stamp of 9 characters is not rebuilt');
    // Days after the log's date read as the time of day they are (a rollover); before it, no stamp is rebuilt.
    const dayBase = Date.UTC(2026, 0, 15);
    for (const days of [1, 2, 40]) {
      const end: number = dialect.stampBytes?.(dayBase + days * 86_400_000 + 45_296_789.123, dayBase, 15, 2, 0, out, 0) ?? -1;
      assert.equal(out.toString('latin1', 0, end), '12:34:56.789', `${days} days on`);
    }
    assert.equal(dialect.stampBytes?.(dayBase - 1000, dayBase, 15, 2, 0, out, 0), -1, 'a time before the day');
    assert.equal(dialect.stampText?.(dayBase - 1000, dayBase, 15, 2, 0), undefined);
  });

  test('a time of day as bytes is clockText\'s, for 20,000 times at every precision', () => {
    const out = Buffer.alloc(20);
    let seed = 7;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < 20_000; k++) {
      // Whole milliseconds, then microseconds, then any double, up to the day's last microsecond.
      const ms = Math.floor(random() * 86_400_000);
      const tod = k % 3 === 0 ? ms : k % 3 === 1 ? ms + Math.floor(random() * 1000) / 1000 : random() * 86_400_000;
      for (let n = 0; n <= 6; n++) {
        const end = clockBytes(tod, n, out, 2);
        assert.equal(out.toString('latin1', 2, end), clockText(tod, n), `${tod} ms, ${n} digits`);
      }
    }
  });

  test('levels map to severities: 0 critical, 1 error, 2 info, 3 warning, 4 debug, 5 trace', () => {
    const rs = records(open(MAIN.join('\n')));
    assert.deepEqual(rs.slice(0, 5).map((r) => r.severity), ['debug', 'trace', 'trace', 'info', 'warning']);
    assert.equal(rs[7].severity, 'critical');
  });

  test('diagnostics: level, consecutive overflow markers as one, crash', () => {
    const index = open(MAIN.join('\n'));
    assert.deepEqual(diagnosticCodes(index), ['4:level:warning', '6:level:error', '9:overflow:warning', '11:crash:error']);
    const overflow = [...require('../../server/src/engine').diagnostics(index)].find((d: { code: string }) => d.code === 'overflow');
    assert.equal(overflow.endLine, 10);
    assert.match(overflow.message, /^2 overflow markers/);
  });

  test('SIP packets belong to their dialog by Call-ID', () => {
    const index = open(MAIN.join('\n'));
    const sessions = listSessions(index);
    const sip = sessions.filter((s) => s.component === 'SIPDATA');
    assert.deepEqual(sip.map((s) => [s.key, s.dialog]), [['SIPDATA-000502', 'abc@host'], ['SIPDATA-000503', 'abc@host']]);
  });

  test('cross references name existing sessions only', () => {
    const index = open(MAIN.join('\n'));
    const own = index.recSession[13];
    const refs = crossReferencesInLine(index, MAIN[17], own);
    assert.deepEqual(refs.map((r) => [index.sessionKey(r.session), MAIN[17].slice(r.start, r.end)]), [['HTTPU-000029', 'HTTPU-000029']]);
    assert.deepEqual(crossReferencesInLine(index, MAIN[16], index.recSession[12]), [], 'SIPC-000234 is not a session of this log');
  });

  test('sessions in order of first record with problems counted', () => {
    const sessions = listSessions(open(MAIN.join('\n')));
    assert.deepEqual(sessions.map((s) => s.key), ['IMAP-437425', 'SIGNAL-000056', 'ACCOUNT(user1)', 'SYSTEM', 'SIPDATA-000502', 'SIPDATA-000503', 'TLS-000010', 'HTTPU-000029']);
    const imap = sessions[0];
    assert.deepEqual([imap.firstLine, imap.lastLine, imap.records, imap.problems, imap.start, imap.end], [0, 4, 5, 1, '00:06:23', '00:06:23.2612']);
    assert.equal(sessions[2].lastLine, 8);
  });

  test('keyed filter on a SIP Call-ID outputs every packet of the dialog', () => {
    const index = open(MAIN.join('\n') + '\n');
    assert.equal(filterText(index, { text: 'Call-ID: abc@host', keyed: true }), '***\n' + MAIN.slice(12, 17).join('\n') + '\n');
  });

  test('keyed filter from a problem record gives the whole session (the seed scenario)', () => {
    const index = open(MAIN.join('\n') + '\n');
    assert.equal(filterText(index, { text: 'protocol error', keyed: true, level: '5' }), MAIN.slice(0, 5).join('\n') + '\n***\n');
    assert.equal(filterText(index, { text: 'protocol error' }), MAIN[4] + '\n***\n', 'plain filter: only the record, markers kept');
  });

  test('level threshold keeps written levels <= N; the filter never matches timestamps or levels', () => {
    const index = open(MAIN.join('\n') + '\n');
    assert.equal(filterText(index, { text: '', level: '1' }), [...MAIN.slice(6, 10), MAIN[11]].join('\n') + '\n');
    assert.equal(filterText(index, { text: '00:06' }), '***\n');
    assert.equal(filterText(index, { text: ' 5 ' }), '***\n');
  });

  test('day rollover after a drop of more than 12 hours, and time regressions beyond the tolerance', () => {
    const index = open(
      ['23:59:59.000 2 A-1 x', '00:00:01.000 2 A-1 y', '00:00:00.500 2 A-1 z', '23:00:00.000 2 A-1 w', '22:59:58.000 2 A-1 v'].join('\n'),
    );
    assert.equal(index.recWall[1], DAY_MS + 1000);
    assert.equal(index.recWall[3], DAY_MS + 23 * 3600_000, 'later on the next day, not another rollover');
    assert.deepEqual(diagnosticCodes(index), ['4:time-regression:warning']);
    const tolerant = open('12:00:05.000 2 A-1 x\n12:00:02.000 2 A-1 y\n', { toleranceMs: 5000 });
    assert.deepEqual(diagnosticCodes(tolerant), []);
    const strict = open('12:00:05.000 2 A-1 x\n12:00:02.000 2 A-1 y\n');
    assert.deepEqual(diagnosticCodes(strict), ['1:time-regression:warning']);
  });

  test('dates from the file name; go to time by time of day and by date-time', () => {
    const text = MAIN.join('\n');
    const dated = open(text, { fileName: '2026-01-15.log' });
    assert.equal(goToTime(dated, '00:06:25'), 8);
    assert.equal(goToTime(dated, '2026-01-15 00:06:25.005'), 10);
    assert.equal(goToTime(dated, '2026-01-15T00:06:23.2'), 1);
    assert.equal(goToTime(dated, '2026-01-16 00:00'), -1);
    const undated = open(text, { fileName: 'current.log' });
    assert.equal(goToTime(undated, '00:06:24'), 7);
    assert.throws(() => goToTime(undated, '2026-01-15 00:06:25'), QueryError);
    assert.throws(() => goToTime(undated, '25:00'), QueryError);
    assert.equal(goToTime(undated, '+1s', 0), 7, 'relative to the current record');
    const rolled = open('23:59:00.000 2 A-1 x\n00:01:00.000 2 A-1 y\n', { fileName: '2026-01-15_23-59.log' });
    assert.equal(goToTime(rolled, '2026-01-16 00:00'), 1);
  });
});

describe('CommuniGate supplementary logs', () => {
  const T = '\t';
  const SUPP = [
    ['12:00:00.001 01', 'FINAL', '<alice@example.com>', 'alice@example.com', '', 'SMTP [1.2.3.4]', '[10.0.0.1]', '113457753', '<m1@x>', '1234', 'bob@example.com', 'LOCAL(bob)', 'delivered'].join(T),
    ['12:00:00.002 01', 'TMPER', '<alice@example.com>', 'alice@example.com', '', 'SMTP [1.2.3.4]', '[10.0.0.1]', '113457754', '<m2@x>', '99', 'carol@example.org', 'SMTP(example.org)', 'remote host timed out'].join(T),
    ['12:00:00.003\t01', 'ERROR', '<alice@example.com>', 'alice@example.com', '', 'SMTP [1.2.3.4]', '[10.0.0.1]', '113457755', '<m3@x>', '99', 'dave@example.net', 'SMTP(example.net)', '"550 no such user"'].join(T),
    ['12:00:01.000 01', 'login', 'user1', '[1.2.3.4]:50000', 'IMAP', 'PLAIN'].join(T),
    ['12:00:02.000 01', 'failure', 'user1', '[1.2.3.4]:50001', 'IMAP', 'PLAIN'].join(T),
    ['12:00:03.000 02', 'p-change', 'user1', 'postmaster', 'WebAdmin', 'password reset'].join(T),
    ['12:00:04.000 SMTP', 'postmaster', '{Relay = YES;}'].join(T),
  ];

  test('delivery, access and settings records and their keys', () => {
    const index = open(SUPP.join('\n'));
    assert.equal(index.dialect.id, 'communigate-log');
    assert.deepEqual(keys(index), ['queue:113457753', 'queue:113457754', 'queue:113457755', 'account:user1', 'account:user1', 'account:user1', 'settings:SMTP']);
    assert.deepEqual(records(index).map((r) => r.severity), ['info', 'warning', 'error', 'info', 'warning', 'info', 'info']);
    assert.deepEqual(diagnosticCodes(index), ['1:event-error:warning', '2:event-error:error', '4:event-error:warning']);
  });

  test('a multi-line report continues its record', () => {
    const index = open(SUPP[2] + '\n  second line of the report\n' + SUPP[3] + '\n');
    assert.deepEqual(records(index).map((r) => [r.line, r.endLine]), [[0, 1], [2, 2]]);
  });
});
