import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, records, keys, diagnosticCodes } from './helpers';
import { goToTime, listSessions, RecordFlag } from '../../server/src/engine';
import { parseGroupedNumber, splitRow } from '../../server/src/engine/dialects/privateServerTables';

const T = '\t';
const SIP = [
  'SessionLogEntry List',
  '',
  ['Timestamp', 'Event', 'Source', 'Peername', 'Account', 'Details', 'Useragent', 'Remoteaddr', 'Tiscipher', 'Reconciled'].join(T),
  ['2012-05-10 17:12:24.882', 'REGISTER', 'CLIENT', '909', 'Sara', '200 OK', 'snom320/8.4.18', '93.57.41.37:28224', '', 'true'].join(T),
  ['2012-05-10 17:12:11.347', 'REGISTER', 'CLIENT', '908', 'Marco', '200 OK', 'snom300/8.4.22', '93.57.41.37:25807', '', 'true'].join(T),
  ['2012-05-10 17:11:43.055', 'REGISTER', 'CLIENT', '904', 'Sara 0039', '200 OK', 'snom320/8.4.18', '93.57.41.37:28224', '', 'true'].join(T),
  ['2012-05-10 17:11:33.813', 'REGISTER', 'CLIENT', '909', 'Sara', '200 OK', 'snom320/8.4.18', '93.57.41.37:28224', '', 'true'].join(T),
  ['2012-05-10 17:09:24.626', 'DISCONNECT', 'CLIENT', '1932', '', 'NETWORK_ERROR', '', '93.57.41.37:33998', '', 'true'].join(T),
  ['2012-05-10 17:09:20.000', 'CONNECT', 'CLIENT', '1932'].join(T),
  ['2012-05-10 17:15:00.000', 'CONNECT', 'CLIENT', '1933', '', '', '', '93.57.41.37:34000', '', 'false'].join(T),
];

test('PrivateServer SIP sessions: descending table, Peername sessions, NETWORK_ERROR, malformed row', () => {
  const index = open(SIP.join('\n'));
  assert.equal(index.dialect.id, 'privateserver-log');
  assert.equal(index.descending, true);
  assert.equal(index.preambleLines, 3);
  assert.deepEqual(keys(index), ['909', '908', '904', '909', '1932', '1932', '1933']);
  assert.deepEqual(listSessions(index).map((s) => [s.key, s.component, s.records]), [['909', 'SIP sessions', 2], ['908', 'SIP sessions', 1], ['904', 'SIP sessions', 1], ['1932', 'SIP sessions', 2], ['1933', 'SIP sessions', 1]]);
  assert.deepEqual(diagnosticCodes(index), ['7:event-error:warning', '8:malformed:warning', '9:time-regression:warning']);
  assert.equal(index.body(0), ['REGISTER', 'CLIENT', '909', 'Sara', '200 OK', 'snom320/8.4.18', '93.57.41.37:28224', '', 'true'].join(T));
});

test('PrivateServer go to time in a descending log: the last record in file order at or after T', () => {
  const index = open(SIP.slice(0, 8).join('\n'));
  const line = (query: string): number => {
    const r = goToTime(index, query);
    return r < 0 ? -1 : index.recStartLine[r];
  };
  assert.equal(line('17:11:40'), 5);
  assert.equal(line('2012-05-10 17:12:20'), 3);
  assert.equal(line('17:13'), -1);
  assert.equal(line('17:00'), 7);
});

test('PrivateServer CSV CDRs: sort glyphs, zone names, quoted cells and thousands separators', () => {
  const cdr = [
    'Cdr List',
    'Call Date ▼,Src,Dst,Duration,Disposition',
    '2012-05-10 12:37:35 CEST,1122334462,600,5,ANSWERED',
    '2012-05-10 12:36:27 CEST,1122334462,600,1,169,FAILED',
    '2012-04-23 11:56:58 CEST,"1913",600,"2,001",NO_ANSWER',
    '2012-04-23 11:56:50 CEST,1913,600,0,BUSY,extra',
  ];
  const index = open(cdr.join('\r\n'));
  assert.equal(index.dialect.id, 'privateserver-log');
  assert.deepEqual(keys(index), ['1122334462', '1122334462', '1913', '1913']);
  assert.deepEqual(records(index).map((r) => r.severity), ['info', 'warning', 'info', 'info']);
  assert.deepEqual(diagnosticCodes(index), ['3:event-error:warning', '5:malformed:warning']);
  assert.equal(index.recOffsetMin[0], 120);
  assert.deepEqual(splitRow('2012-05-10 12:36:27 CEST,1122334462,600,1,169,FAILED', 5), ['2012-05-10 12:36:27 CEST', '1122334462', '600', '1,169', 'FAILED']);
  assert.equal(parseGroupedNumber('3,169'), 3169);
  assert.equal(parseGroupedNumber('23,665'), 23665);
  assert.ok(Number.isNaN(parseGroupedNumber('3,16')));
});

test('PrivateServer registered accounts and authentication events', () => {
  const accounts = [
    'Registered Accounts',
    ['Id', 'Username', 'IpAddr', 'Port', 'Description', 'Registration Expires', 'UserAgent'].join(T),
    ['575', '822208948', '93.186.30.117', '23,665', 'Selfregistration user (822208948)', '2012-05-10 17:33:11 CEST', 'PGSM-10.3.1626-blackberry'].join(T),
    ['3,169', '592023684', '62.196.64.113', '52,034', 'Selfregistration user (592023684)', '2012-05-10 17:49:20 CEST', ''].join(T),
  ];
  const index = open(accounts.join('\n'));
  assert.deepEqual(keys(index), ['822208948', '592023684']);
  assert.equal(listSessions(index)[0].component, 'Registered accounts');
  assert.equal(index.timestampText(1), '2012-05-10 17:49:20 CEST');
  const auth = [
    'AuthenticationEvent List',
    ['Date Created ▼', 'Event Type', 'Principal', 'IP Address'].join(T),
    ['2012-05-10 17:29:42.000', 'SUCCESS_INTERACTIVE', 'admin', '93.57.41.37'].join(T),
    ['2012-05-10 17:29:37.000', 'FAIL_BAD_CREDENTIALS', 'admin', '93.57.41.37'].join(T),
  ];
  const events = open(auth.join('\n'));
  assert.deepEqual(keys(events), ['admin', 'admin']);
  assert.deepEqual(diagnosticCodes(events), ['3:event-error:warning']);
});

// Rows split as their header row (TABs, or commas without quotes) are read by a byte path
// (PrivateServerParser.dataRow); quoted cells and anything unusual by the text path. The same tables
// written these ways must index the same.
test('PrivateServer: TAB and comma rows (byte path) index as the same rows with a quoted cell (text path), every table and edge', () => {
  const tabRows = (rows: string[][]): string => rows.map((r) => r.join(T)).join('\n');
  const commaRows = (rows: string[][]): string => rows.map((r) => r.join(',')).join('\n');
  // The last cell of every data row quoted: splitRow reads the same cells, the byte path leaves the row.
  const quotedRows = (rows: string[][]): string => rows.map((r, i) => (r.length > 1 && i > 0 && rows[i - 1].length > 1 ? [...r.slice(0, -1), `"${r[r.length - 1]}"`] : r).join(',')).join('\n');
  const rows: string[][] = [
    ['SessionLogEntry List'],
    ['Timestamp', 'Event', 'Source', 'Peername', 'Account', 'Details', 'Useragent', 'Remoteaddr'],
    ['2026-01-15 10:00:00.5', 'DISCONNECT', 'CLIENT', '1932', '', 'x NETWORK_ERROR y', 'snom', '1.2.3.4:5'],
    ['2026-01-15 09:59:59', 'DISCONNECT', 'CLIENT', ' 1933 ', '', 'CLIENT_CLOSED', '', ''],
    ['  2026-01-15T09:59:58.123456  ', 'REGISTER', 'CLIENT', '', 'Sara'],
    ['2026-01-15 09:59:57.25 +02:00', 'CONNECT', 'CLIENT', '909', '', '', '', ''],
    ['2026-01-15 09:59:56 CET', 'CONNECT', 'CLIENT', '909', '', '', '', ''],
    ['not a time', 'CONNECT', 'CLIENT', '910', '', '', '', ''],
    ['', 'CONNECT', 'CLIENT', '911', '', '', '', ''],
    ['2026-01-15 09:59:55', 'event', 'CLIENT', '912', '', '', '', ''],
    // Times the byte path leaves to the text path: seven fraction digits, a dot alone, a letter for a digit.
    ['2026-01-15 09:59:54.1234567', 'CONNECT', 'CLIENT', '913', '', '', '', ''],
    ['2026-01-15 09:59:53.', 'CONNECT', 'CLIENT', '914', '', '', '', ''],
    ['2026-0a-15 09:59:52', 'CONNECT', 'CLIENT', '915', '', '', '', ''],
    ['2026-01-15 09:5:52.1', 'CONNECT', 'CLIENT', '916', '', '', '', ''],
    ['2026-01-15 23:59:59.999999', 'CONNECT', 'CLIENT', '917', '', '', '', ''],
    ['AuthenticationEvent List'],
    ['Date Created', 'Event Type', 'Principal', 'Remote Address'],
    ['2026-01-15 08:00:00', 'FAILURE_BAD_PASSWORD', 'sara', '1.2.3.4'],
    ['2026-01-15 08:00:01', 'FAI', '909', '1.2.3.4'],
    ['2026-01-15 08:00:02', 'SUCCESS', '1932', '1.2.3.4', 'extra'],
    ['Cdr List'],
    ['Call Date', 'Src', 'Dst', 'Disposition'],
    ['2026-01-15 07:00:00', '909', '910', 'FAILED'],
    ['2026-01-15 07:00:01', 'sara', '910', 'ANSWERED'],
    ['Registered Accounts'],
    ['Id', 'Username', 'Registration Expires'],
    ['1', '909', '2026-01-16 07:00:00'],
    ['2', '', ''],
  ];
  const facts = (text: string): unknown => {
    const index = open(text, { dialect: 'privateserver-log' });
    const out = [];
    for (let r = 0; r < index.recordCount; r++) {
      out.push([index.recStartLine[r], index.recWall[r], index.recOffsetMin[r], index.recFlags[r], index.recSeverity[r], index.sessionKey(index.recSession[r]), index.componentOf(index.recSession[r]), index.recBodyCol[r]]);
    }
    return { out, lines: index.lineCount, diagnostics: diagnosticCodes(index) };
  };
  const viaText = facts(quotedRows(rows));
  assert.deepEqual(facts(tabRows(rows)), viaText, 'TAB rows');
  assert.deepEqual(facts(commaRows(rows)), viaText, 'comma rows');
  // A thousands group in a comma row makes a cell more than the columns: the text path joins it again.
  const grouped = [['Cdr List'], ['Call Date', 'Src', 'Duration', 'Disposition'], ['2026-01-15 07:00:00', '909', '3', '169', 'FAILED'], ['2026-01-15 07:00:01', '910', '12', 'ANSWERED'],
    // Groups joined from the right only while there are too many cells; blanks keep a cell from joining.
    ['2026-01-15 07:00:02', '911', '1', '234', '567', 'ANSWERED'],
    ['2026-01-15 07:00:03', '912', ' 3', '169', 'FAILED'],
    ['2026-01-15 07:00:04', '12', '345', '6', 'FAILED'],
    ['2026-01-15 07:00:05', '913', '3', '1690', 'FAILED'],
  ];
  const groupedIndex = open(commaRows(grouped), { dialect: 'privateserver-log' });
  assert.equal(groupedIndex.recordCount, 6);
  assert.equal(groupedIndex.recFlags[0] & RecordFlag.Malformed, 0, 'the grouped row is not malformed');
  assert.deepEqual(facts(commaRows(grouped)), facts(quotedRows(grouped)), 'grouped');
  // And the rows did become records with what they say: times with fractions, trimmed keys, problems.
  const index = open(tabRows(rows), { dialect: 'privateserver-log' });
  assert.ok(index.recordCount >= 15, `${index.recordCount} records`);
  assert.equal(index.sessionKey(index.recSession[1]), '1933');
  assert.equal(index.sessionKey(index.recSession[2]), '(none)');
  assert.equal(index.componentOf(index.recSession[1]), 'SIP sessions');
  assert.equal(index.componentOf(index.recSession[0]), 'Authentication events', '1932 is last seen in the authentication table');
});

test('PrivateServer: a row with a byte past ASCII anywhere goes the text path, at every alignment of its bytes', () => {
  // The byte path reads rows four bytes at a time: the title's padding moves the rows across word boundaries.
  const header = ['Timestamp', 'Event', 'Source', 'Peername', 'Account', 'Details'].join(T);
  const facts = (text: string): unknown => {
    const index = open(text, { dialect: 'privateserver-log' });
    const out = [];
    for (let r = 0; r < index.recordCount; r++) out.push([index.recStartLine[r], index.recWall[r], index.recFlags[r], index.sessionKey(index.recSession[r])]);
    return out;
  };
  for (let pad = 0; pad < 8; pad++) {
    const rows = [`SessionLogEntry List${' '.repeat(pad)}`, header];
    // A no-break space (C2 A0) around a key, at each byte of a row in turn: text trims it, bytes would not.
    const plain = `2026-01-15 10:00:00${T}REGISTER${T}CLIENT${T}913${T}${T}ok`;
    for (let at = plain.indexOf('913'); at <= plain.indexOf('913') + 3; at++) rows.push(`${plain.slice(0, at)}\u00a0${plain.slice(at)}`);
    rows.push(plain, `${plain}${T}\u00a0`);
    const text = rows.join('\n');
    const viaText = facts(text.replaceAll(T, ','));
    assert.deepEqual(facts(text), viaText, `padded by ${pad}`);
    assert.ok((viaText as unknown[]).length === rows.length - 2, 'every row a record');
  }
});
