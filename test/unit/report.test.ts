// Reports (docs/FORMATS.md §12): every count on logs written here, and the time histogram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { buildReport, maskText, openLog, problemRegex, reportTables, runFilter, timeHistogram, bucketSize } from '../../server/src/engine';
import type { CommunigateCounts, EmgCounts, PictureLog, LogReport, PrivateServerCounts, ServiceCounts } from '../../server/src/engine';
import { open, REAL_LOG } from './helpers';
import { SIP_FIXTURE } from './sipDialog.test';

/**
 * Every table row with a filter and a single count finds exactly that many records in the log (what
 * the report panel opens when the row is clicked). Returns how many rows were checked.
 */
function checkRowFilters(report: LogReport, files: PictureLog[]): number {
  let checked = 0;
  for (const table of reportTables(report)) {
    if (table.columns.length !== 2 || table.id === 'severities') continue;
    for (const row of table.rows) {
      if (!row.filter) continue;
      const found = files.reduce((n, f) => n + runFilter(f.index, { ...row.filter }).records, 0);
      assert.equal(found, row.cells[1], `${table.id} ${String(row.cells[0])}: ${JSON.stringify(row.filter)}`);
      checked++;
    }
  }
  return checked;
}

const sip = (): PictureLog => ({ index: openLog(fs.readFileSync(SIP_FIXTURE), { fileName: '2026-02-19.log' }), file: 'sip.log' });

test('totals, severities, components, hours and top problems of a CommuniGate log', () => {
  const r = buildReport([sip()]);
  assert.deepEqual([r.dialects, r.records, r.sessions, r.utc], [['communigate-log'], 100, 15, false]);
  assert.deepEqual(r.bySeverity, { critical: 0, error: 1, warning: 2, info: 16, debug: 1, trace: 80 });
  assert.deepEqual(r.byComponent, [
    { component: 'SIPDATA', records: 93, sessions: 11, problems: 0 },
    { component: 'IMAP', records: 2, sessions: 1, problems: 1 },
    { component: 'SIGNAL', records: 2, sessions: 1, problems: 1 },
    { component: 'SYSTEM', records: 2, sessions: 1, problems: 0 },
    { component: 'HTTPU', records: 1, sessions: 1, problems: 1 },
  ]);
  assert.deepEqual(r.perHour, [
    { hour: '2026-02-19T09', critical: 0, error: 1, warning: 2, info: 15, debug: 1, trace: 80 },
    { hour: '2026-02-19T10', critical: 0, error: 0, warning: 0, info: 1, debug: 0, trace: 0 },
  ]);
  assert.deepEqual(r.topProblems.map((p) => [p.message, p.count, p.firstLine + 1, p.severity]), [
    ['IMAP-#([<ip>]) read failed. Error Code=read time-out', 1, 51, 'warning'],
    ['SIGNAL-# call failed: # Busy Here', 1, 61, 'error'],
    ['HTTPU-#([<ip>]:#) read failed. Error Code=read time-out', 1, 99, 'warning'],
  ]);
  const c = r.byDialect['communigate-log'] as CommunigateCounts;
  assert.deepEqual(c.sipRequests, [{ name: 'ACK', count: 2 }, { name: 'INVITE', count: 2 }, { name: 'REGISTER', count: 1 }]);
  assert.deepEqual(c.sipResponses, [{ name: '1xx', count: 3 }, { name: '4xx', count: 3 }]);
});

test('like problems group under one masked message, most frequent first; hours without a date are HH', () => {
  const index = open(
    [
      '08:00:00.000 3 IMAP-000001([1.2.3.4]) read failed after 120 ms',
      '08:10:00.000 3 IMAP-000002([5.6.7.8]) read failed after 7 ms',
      '08:20:00.000 1 SMTP-000003([9.9.9.9]) <a@b.example> rejected, id 4f3c2a1b9e',
      '09:00:00.000 3 IMAP-000004([1.2.3.4]) read failed after 9 ms',
      '',
    ].join('\n'),
  );
  const r = buildReport([{ index, file: 'x' }]);
  assert.deepEqual(r.topProblems.map((p) => [p.message, p.count, p.firstLine]), [
    ['IMAP-#([<ip>]) read failed after # ms', 3, 0],
    ['SMTP-#([<ip>]) <address> rejected, id <id>', 1, 2],
  ]);
  assert.deepEqual(r.perHour.map((h) => [h.hour, h.warning, h.error]), [['08', 2, 1], ['09', 1, 0]]);
  // The row's filter finds the records it groups.
  const regex = new RegExp(problemRegex(r.topProblems[0].message));
  assert.ok(regex.test('IMAP-000009([10.0.0.1]) read failed after 33 ms'));
  assert.ok(!regex.test('IMAP-000009([10.0.0.1]) write failed after 33 ms'));
});

test('masking: addresses, IPs with ports, IPv6, long ids and numbers', () => {
  assert.equal(maskText('from <joe@x.org> [10.1.2.3]:5060 fe80::1 id=ABCDEF12345 took 1,234.5 s'), 'from <address> [<ip>]:# <ip> id=<id> took # s');
});

test('CommuniGate supplementary logs: logins and failures per account, deliveries by state, recipient domains', () => {
  const T = '\t';
  const index = open(
    [
      ['10:00:00.000', '01', 'login', 'joe', '[1.2.3.4]:1234', 'IMAP'].join(T),
      ['10:00:01.000', '01', 'failure', 'joe', '[1.2.3.4]:1234', 'IMAP'].join(T),
      ['10:00:02.000', '01', 'failure', 'ann', '[1.2.3.5]:1234', 'POP'].join(T),
      ['10:00:02.500', '01', 'failure', 'ann', '[1.2.3.5]:1234', 'POP'].join(T),
      ['10:00:03.000', '01', 'RELAY', '<a@x.org>', '<a@x.org>', '-', '-', '1.1.1.1', '11', '<m1@x>', '100', '<b@Example.COM>', 'SMTP(example.com)', 'ok'].join(T),
      ['10:00:04.000', '01', 'ERROR', '<a@x.org>', '<a@x.org>', '-', '-', '1.1.1.1', '12', '<m2@x>', '100', '<c@example.com>', 'SMTP(example.com)', 'failed'].join(T),
      ['10:00:05.000', '01', 'TMPER', '<a@x.org>', '<a@x.org>', '-', '-', '1.1.1.1', '13', '<m3@x>', '100', '<d@other.net>', 'SMTP(other.net)', 'later'].join(T),
      '',
    ].join('\n'),
    { dialect: 'communigate-log' },
  );
  const r = buildReport([{ index, file: 'x' }]);
  const c = r.byDialect['communigate-log'] as CommunigateCounts;
  assert.deepEqual(c.logins, [{ account: 'ann', logins: 0, failures: 2 }, { account: 'joe', logins: 1, failures: 1 }]);
  assert.deepEqual(c.deliveries, [{ name: 'ERROR', count: 1 }, { name: 'RELAY', count: 1 }, { name: 'TMPER', count: 1 }]);
  assert.deepEqual(c.recipientDomains, [{ name: 'example.com', count: 2 }, { name: 'other.net', count: 1 }]);
  assert.equal(checkRowFilters(r, [{ index, file: 'x' }]), 5, 'deliveries and domains rows');
  const logins = reportTables(r).find((t) => t.id === 'communigate-log.logins')!;
  assert.equal(runFilter(index, { ...logins.rows[0].filter }).records, 2, 'ann: her two failures');
  assert.deepEqual(r.bySeverity, { critical: 0, error: 1, warning: 4, info: 2, debug: 0, trace: 0 });
});

test('EMG: RECEIVE and SEND by status per connector log and instance, error codes', () => {
  const index = open(
    [
      'Jan 15 08:12:04.306 (2) CONNECT OK (info="127.0.0.1")',
      'Jan 15 08:12:04.433 (2) RECEIVE OK 001:71 008:1234',
      'Jan 15 08:12:05.000 (4) SEND OK 001:71',
      'Jan 15 08:13:31.502 (4) SEND ERR (pdu=1/1,info="72") 001:72',
      'Jan 15 08:13:32.502 (4) SEND ERR (info="72") 001:73',
      'Jan 15 09:02:12.133 (5) LOGIN ERR (info="invalid password")',
      '',
    ].join('\n'),
    { fileName: 'connector.smpp1' },
  );
  const r = buildReport([{ index, file: 'log/connector.smpp1' }]);
  const e = r.byDialect['emg-log'] as EmgCounts;
  assert.deepEqual(e.connectors, [
    { connector: 'connector.smpp1 (2)', receiveOk: 1, receiveErr: 0, sendOk: 0, sendErr: 0 },
    { connector: 'connector.smpp1 (4)', receiveOk: 0, receiveErr: 0, sendOk: 1, sendErr: 2 },
  ]);
  assert.deepEqual(e.errorCodes, [{ name: 'SEND 72', count: 2 }, { name: 'LOGIN invalid password', count: 1 }]);
  assert.equal(checkRowFilters(r, [{ index, file: 'log/connector.smpp1' }]), 2);
});

test('Axigen per service; Messaging Server per process and category', () => {
  const axigen = open(
    [
      '2026-01-15 09:14:02 +0200 08 mail01 SMTP-IN:00000A1F: Connection accepted from 203.0.113.45:52214',
      '2026-01-15 09:14:03 +0200 02 mail01 SMTP-IN:00000A1F: relay denied',
      '2026-01-15 09:14:04 +0200 08 mail01 IMAP:00000B01: login ok',
      '',
    ].join('\n'),
  );
  const ms = open(
    [
      '[15/Jan/2026:10:02:11 +0100] mailhost imapd[4411]: General Notice: Log created (1768467731)',
      '[15/Jan/2026:10:02:12 +0100] mailhost imapd[4411]: Store Error: cannot open mailbox INBOX',
      '[15/Jan/2026:10:02:14 +0100] mailhost popd[4412]: Account Notice: login [192.0.2.18] erin plaintext',
      '',
    ].join('\n'),
  );
  const r = buildReport([{ index: axigen, file: 'a' }, { index: ms, file: 'm' }]);
  assert.deepEqual(r.dialects, ['axigen-log', 'messaging-server-log']);
  assert.equal(r.utc, true, 'the logs write +0200 and +0100: hours in UTC');
  assert.deepEqual((r.byDialect['axigen-log'] as ServiceCounts).services, [{ service: 'SMTP-IN', records: 2, problems: 1 }, { service: 'IMAP', records: 1, problems: 0 }]);
  const m = r.byDialect['messaging-server-log'] as ServiceCounts;
  assert.deepEqual(m.services, [{ service: 'imapd', records: 2, problems: 1 }, { service: 'popd', records: 1, problems: 0 }]);
  assert.deepEqual(m.categories, [{ name: 'Account', count: 1 }, { name: 'General', count: 1 }, { name: 'Store', count: 1 }]);
  assert.deepEqual(r.perHour.map((h) => h.hour), ['2026-01-15T07', '2026-01-15T09']);
});

test('PrivateServer: CDR dispositions and durations per source, authentication failures per principal', () => {
  const cdr = open(['Cdr List', 'Call Date ▼,Src,Dst,Duration,Disposition', '2012-05-10 12:37:35 CEST,1122334462,600,5,ANSWERED', '2012-05-10 12:36:27 CEST,1122334462,600,"1,169",ANSWERED', '2012-05-10 12:35:00 CEST,777,600,0,FAILED', ''].join('\n'), { dialect: 'privateserver-log' });
  const T = '\t';
  const auth = open(['AuthenticationEvent List', ['Date Created ▼', 'Event Type', 'Principal', 'IP Address'].join(T), ['2012-05-10 17:29:42.000', 'FAIL_BAD_CREDENTIALS', 'admin', '1.2.3.4'].join(T), ['2012-05-10 17:29:37.000', 'FAIL_BAD_CREDENTIALS', 'admin', '1.2.3.4'].join(T), ['2012-05-10 17:29:30.000', 'SUCCESS_INTERACTIVE', 'admin', '1.2.3.4'].join(T), ''].join('\n'), { dialect: 'privateserver-log' });
  const r = buildReport([{ index: cdr, file: 'cdr.csv' }, { index: auth, file: 'auth.tsv' }]);
  const p = r.byDialect['privateserver-log'] as PrivateServerCounts;
  assert.deepEqual(p.dispositions, [{ name: 'ANSWERED', count: 2 }, { name: 'FAILED', count: 1 }]);
  assert.deepEqual(p.durations, [{ source: '1122334462', calls: 2, seconds: 1174 }, { source: '777', calls: 1, seconds: 0 }]);
  assert.deepEqual(p.authFailures, [{ name: 'admin', count: 2 }]);
  assert.equal(checkRowFilters(r, [{ index: cdr, file: 'cdr.csv' }, { index: auth, file: 'auth.tsv' }]), 3);
});

test('histogram: the bucket adapts to the span; counts by severity; each bar knows its first record and interval', () => {
  assert.equal(bucketSize(60_000, 60), 1000);
  assert.equal(bucketSize(3_600_000, 60), 60_000);
  assert.equal(bucketSize(3_600_001, 60), 120_000);
  assert.equal(bucketSize(7 * 86_400_000, 60), 3 * 3_600_000);
  const h = timeHistogram([sip()], 60);
  assert.equal(h.bucketMs, 60_000, '09:15 to 10:02 in minutes');
  assert.equal(h.buckets.length, 48);
  assert.deepEqual(h.buckets.map((b) => b.counts.reduce((a, c) => a + c, 0)).reduce((a, c) => a + c, 0), 100);
  assert.deepEqual([h.buckets[0].from, h.buckets[0].to, h.buckets[0].line], ['2026-02-19 09:15:00.000', '2026-02-19 09:15:59.999', 0]);
  assert.deepEqual(h.buckets[1].counts, [0, 0, 1, 2, 0, 8], '09:16: a warning, the REGISTER dialog');
  assert.equal(h.buckets[1].line, 88);
  assert.equal(h.buckets[47].line, 99);
  assert.deepEqual(h.buckets.slice(2, 47).map((b) => b.line), new Array(45).fill(-1), 'empty buckets have no record');
});

test('report tables: every table has rows matching its columns, and rows with filters', () => {
  const tables = reportTables(buildReport([sip()]));
  assert.deepEqual(tables.map((t) => t.id), ['severities', 'components', 'problems', 'communigate-log.logins', 'communigate-log.deliveries', 'communigate-log.recipientDomains', 'communigate-log.sipRequests', 'communigate-log.sipResponses']);
  for (const t of tables) for (const row of t.rows) assert.equal(row.cells.length, t.columns.length, t.id);
  assert.equal(checkRowFilters(buildReport([sip()]), [sip()]), 5, 'SIP methods and classes');
  const methods = tables.find((t) => t.id === 'communigate-log.sipRequests')!;
  assert.ok(new RegExp(methods.rows[1].filter!.regex!).test('SIPDATA-000701 inp: req udp [10.0.0.5]:5060 INVITE(812 bytes)'));
});

test('the real CommuniGate log: every count adds up to the records, sessions and problems', () => {
  const index = openLog(fs.readFileSync(REAL_LOG), { fileName: 'communigate-6.3.6a-xims-sip.log' });
  const r = buildReport([{ index, file: 'real.log' }]);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  assert.equal(r.records, index.recordCount);
  assert.equal(sum(Object.values(r.bySeverity)), r.records);
  assert.equal(sum(r.byComponent.map((c) => c.records)), r.records);
  assert.equal(sum(r.byComponent.map((c) => c.sessions)), r.sessions);
  assert.equal(sum(r.perHour.map((h) => h.critical + h.error + h.warning + h.info + h.debug + h.trace)), r.records);
  let problems = 0;
  for (let i = 0; i < index.recordCount; i++) if (index.isProblem(i)) problems++;
  assert.equal(sum(r.byComponent.map((c) => c.problems)), problems);
  assert.ok(r.topProblems.length > 0 && r.topProblems.length <= 20);
  assert.ok(sum(r.topProblems.map((p) => p.count)) <= problems);
  // The most frequent problem of this log: HTTPU read time-outs, with their numbers masked.
  assert.equal(r.topProblems[0].message, 'HTTPU-#([<ip>]:#) read failed. Error Code=read time-out');
  // Each group's filter finds its first record.
  for (const p of r.topProblems) assert.match(index.headerLine(index.recordAtLine(p.firstLine)), new RegExp(problemRegex(p.message)), p.message);
  const h = timeHistogram([{ index, file: 'real.log' }]);
  assert.equal(sum(h.buckets.map((b) => sum(b.counts))), r.records);
});

test('a log without a date is read as of the first date of the others (hours and histogram)', () => {
  const undated = open('08:30:00.000 2 SYSTEM started\n08:31:00.000 3 IMAP-000001 read failed\n');
  const files = [sip(), { index: undated, file: 'undated.log' }];
  const r = buildReport(files);
  assert.deepEqual(r.perHour.map((h) => h.hour), ['2026-02-19T08', '2026-02-19T09', '2026-02-19T10']);
  const h = timeHistogram(files, 60);
  assert.equal(h.bucketMs, 2 * 60_000, '08:30 to 10:02');
  assert.deepEqual([h.buckets[0].from, h.buckets[0].fileIndex, h.buckets[0].line], ['2026-02-19 08:30:00.000', 1, 0]);
});
