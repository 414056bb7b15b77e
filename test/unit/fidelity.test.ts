// Fidelity on logs as administrators meet them: pasted headers, cut-off headers, text copied from the
// log, mixed zones, failed logins, one message's DEQUEUER records. Fixtures written for these tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, records, keys, diagnosticCodes, filterText } from './helpers';
import { diagnostics, NO_LEVEL, RecordFlag } from '../../server/src/engine';

const messages = (index: ReturnType<typeof open>, code: string): string[] => [...diagnostics(index)].filter((d) => d.code === code).map((d) => d.message);

test('Messaging Server: a header pasted after blanks still starts a record, and its wrapped lines continue it', () => {
  const log = [
    '[12/Mar/2026:08:00:00 +0100] mx1 imapd[4100]: Account Notice: login [10.1.2.3:5000] alice plaintext',
    '  [12/Mar/2026:08:00:07 +0100] mx1 imapd[4100]: Account Notice: badlogin:',
    '[10.1.2.3:5001] plaintext mallory authentication failure',
    '\t[12/Mar/2026:08:00:09 +0100] mx1 imapd[4100]: Network Warning: client timed out',
  ].join('\n');
  const index = open(log + '\n');
  assert.equal(index.dialect.id, 'messaging-server-log');
  assert.deepEqual(records(index).map((r) => [r.line, r.endLine, r.key]), [
    [0, 0, 'imapd[4100]'],
    [1, 2, 'imapd[4100]'],
    [3, 3, 'imapd[4100]'],
  ]);
  assert.equal(index.preambleLines, 0);
  assert.equal(index.timestampText(1), '12/Mar/2026:08:00:07 +0100');
  assert.equal(index.timestampText(2), '12/Mar/2026:08:00:09 +0100');
  assert.equal(index.body(1), 'mx1 imapd[4100]: Account Notice: badlogin:\n[10.1.2.3:5001] plaintext mallory authentication failure');
  const lines = log.split('\n');
  assert.equal(filterText(index, { text: 'Account Notice: badlogin' }), `${lines[1]}\n${lines[2]}\n`);
});

test('Axigen and EMG headers pasted after blanks start records; CommuniGate indented lines stay continuation lines', () => {
  const axigen = open(['2026-03-12 08:00:00 +0100 08 mx1 IMAP:00000001: connection accepted', '   2026-03-12 08:00:01 +0100 08 mx1 IMAP:00000001: << A1 LOGOUT'].join('\n'));
  assert.deepEqual(keys(axigen), ['IMAP:00000001', 'IMAP:00000001']);
  assert.equal(axigen.timestampText(1), '2026-03-12 08:00:01 +0100');
  assert.equal(axigen.body(1), 'mx1 IMAP:00000001: << A1 LOGOUT');

  const emg = open(['2026-03-12 08:00:00.100 (smsc1) CONNECT OK', ' 2026-03-12 08:00:00.200 (smsc1) LOGIN OK'].join('\n'), { fileName: 'connector.smsc1' });
  assert.deepEqual(keys(emg), ['(smsc1)#1', '(smsc1)#1']);
  assert.equal(emg.timestampText(1), '2026-03-12 08:00:00.200');

  // In CommuniGate a blank at the start marks a continuation line, even one that looks like a header.
  const cgp = open(['08:00:00.000 2 SMTPI-000101([10.1.2.3]) received a message', '  08:00:00.500 2 SMTPI-000101([10.1.2.3]) quoted by a peer'].join('\n'));
  assert.deepEqual(records(cgp).map((r) => [r.line, r.endLine]), [[0, 1]]);
});

test('Messaging Server: a header cut off after PROCESS[PID]: is a record of that process with no level and a malformed warning', () => {
  const log = [
    '[12/Mar/2026:08:00:00 +0100] mx1 imapd[4100]: Account Notice: login [10.1.2.3:5000] alice plaintext',
    '[12/Mar/2026:08:00:05 +0100] mx1 stored[77]:',
    '[12/Mar/2026:08:00:06 +0100] mx1 stored[77]: expunge finished for 12 folders',
    '[12/Mar/2026:08:00:02 +0100] mx1 imapd[4100]: Account Notice: logout alice',
  ].join('\n');
  const index = open(log);
  assert.deepEqual(records(index).map((r) => [r.line, r.endLine, r.key, r.level]), [
    [0, 0, 'imapd[4100]', 4],
    [1, 1, 'stored[77]', NO_LEVEL],
    [2, 2, 'stored[77]', NO_LEVEL],
    [3, 3, 'imapd[4100]', 4],
  ]);
  assert.ok(index.recFlags[1] & RecordFlag.Malformed);
  // Its time counts: the last record goes back from 08:00:06, written by the second cut-off header.
  assert.deepEqual(diagnosticCodes(index), ['1:malformed:warning', '2:malformed:warning', '3:time-regression:warning']);
  assert.match(messages(index, 'malformed')[0], /cut off after PROCESS\[PID\]/);
  assert.match(messages(index, 'time-regression')[0], /after 12\/Mar\/2026:08:00:06 \+0100\)$/);
  // A line without PROCESS[PID]: stays a continuation line.
  const other = open(['[12/Mar/2026:08:00:00 +0100] mx1 imapd[4100]: Account Notice: login alice', '[12/Mar/2026:08:00:05 +0100] mx1 not a process'].join('\n'));
  assert.deepEqual(records(other).map((r) => [r.line, r.endLine]), [[0, 1]]);
});

test('Messaging Server: text copied from the log, level word included, is found', () => {
  const log = [
    '[12/Mar/2026:08:00:00 +0100] mx1 imapd[4100]: Account Notice: badlogin: [10.1.2.3:5001] plaintext mallory authentication failure',
    '[12/Mar/2026:08:00:01 +0100] mx1 imapd[4100]: Account Information: close [10.1.2.3] alice 0 115 1',
  ];
  const index = open(log.join('\n') + '\n');
  assert.equal(filterText(index, { text: 'Account Notice: badlogin' }), `${log[0]}\n`);
  assert.equal(filterText(index, { regex: 'Account (Notice|Information): close' }), `${log[1]}\n`);
  assert.equal(filterText(index, { text: 'account notice: BADLOGIN', ignoreCase: true }), `${log[0]}\n`);
  // Never the timestamp.
  assert.equal(filterText(index, { text: '12/Mar/2026' }), '');
});

test('time regressions quote the running maximum time as the log writes it, offset included', () => {
  const ms = open(
    [
      '[01/Sep/2026:10:00:00 +0200] mx1 imapd[1]: Account Notice: login alice',
      '[01/Sep/2026:01:10:00 -0700] mx2 imapd[2]: Account Notice: login bob',
      '[01/Sep/2026:00:30:00 -0700] mx2 imapd[2]: Account Notice: logout bob',
    ].join('\n'),
  );
  // 01:10 -0700 is 08:10 UTC, later than 10:00 +0200 (08:00 UTC): it becomes the maximum.
  assert.deepEqual(messages(ms, 'time-regression'), ['Time goes back by 40m 0.000s (after 01/Sep/2026:01:10:00 -0700)']);
  const axigen = open(['2026-09-01 10:00:00 +0200 08 mx1 SMTP-IN:0001: connection accepted', '2026-09-01 00:30:00 -0700 08 mx2 SMTP-IN:0002: connection accepted'].join('\n'));
  assert.deepEqual(messages(axigen, 'time-regression'), ['Time goes back by 30m 0.000s (after 2026-09-01 10:00:00 +0200)']);
});

test('failed logins are event-error warnings: Messaging Server badlogin, Axigen authentication errors', () => {
  const ms = open(
    [
      '[12/Mar/2026:08:00:00 +0100] mx1 imapd[4100]: Account Notice: badlogin: [10.1.2.3:5001] plaintext mallory authentication failure',
      '[12/Mar/2026:08:00:01 +0100] mx1 popd[4101]: Account Notice: badlogin [10.1.2.4:5002] apop bob account disabled (hold)',
      '[12/Mar/2026:08:00:02 +0100] mx1 imapd[4100]: Account Notice: login [10.1.2.5:5003] alice plaintext (badlogin earlier)',
    ].join('\n'),
  );
  assert.deepEqual(diagnosticCodes(ms), ['0:event-error:warning', '1:event-error:warning']);
  assert.match(messages(ms, 'event-error')[0], /^Failed event: mx1 imapd\[4100\]: Account Notice: badlogin/);

  const axigen = open(
    [
      '2026-03-12 08:00:00 +0100 02 mx1 IMAP:00000001: Authentication error for user mallory@example.com: invalid credentials',
      '2026-03-12 08:00:01 +0100 08 mx1 IMAP:00000002: User alice@example.com authenticated',
      '2026-03-12 08:00:02 +0100 16 mx1 SMTP-IN:00000003: >> 535 5.7.8 AUTH failed',
      '2026-03-12 08:00:03 +0100 08 mx1 WEBMAIL:00000004: authentication for user bob@example.com was rejected',
      '2026-03-12 08:00:04 +0100 04 mx1 SMTP-IN:00000005: Authenticated sender; error later in delivery to a.very.long.remote.host.example.com after the message was queued',
    ].join('\n'),
  );
  assert.deepEqual(diagnosticCodes(axigen), ['0:level:error', '0:event-error:warning', '2:event-error:warning', '3:event-error:warning', '4:level:warning']);
});

test('DEQUEUER [id] records keep the key DEQUEUER and expose their queue id', () => {
  const log = [
    '08:00:00.013 4 QUEUE([4411]) enqueued: from <alerts@example.net> size=2841',
    '08:00:01.004 2 DEQUEUER [4411] SMTP(example.org) relayed: relayed via [192.0.2.25]',
    '08:00:01.104 2 DEQUEUER [4412] LOCAL(bob) delivered: Delivered to the user mailbox',
    '08:00:01.200 2 SMTPI-000101([192.0.2.9]) closed',
  ];
  const index = open(log.join('\n'), { fileName: '2026-03-12.log' });
  assert.deepEqual(keys(index), ['QUEUE([4411])', 'DEQUEUER', 'DEQUEUER', 'SMTPI-000101']);
  assert.deepEqual([0, 1, 2, 3].map((r) => index.queueId(r)), ['4411', '4411', '4412', undefined]);
  const delivery = open('08:00:02.000\t01 FINAL <a@example.net> <a@example.net> - - 192.0.2.1 4411 <m1@example.net> 2841 bob@example.com LOCAL(bob) ok'.replace(/ /g, '\t'), { fileName: '2026-03-12.log' });
  assert.equal(delivery.sessionKey(delivery.recSession[0]), 'queue:4411');
  assert.equal(delivery.queueId(0), '4411');
});
