import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, filterText } from './helpers';
import { QueryError, runFilter, CancelledError, detectDialect, NotTextError, openLog } from '../../server/src/engine';

const LOG = [
  'preamble title line',
  '***',
  '10:00:00.000 2 IMAP-1([1.1.1.1]) connected',
  '10:00:01.000 5 IMAP-1([1.1.1.1]) inp: 1 LOGIN user',
  '10:00:02.000 3 IMAP-2([2.2.2.2]) Protocol Error: bad command',
  '  detail of the error',
  '***',
  '10:00:03.000 5 IMAP-1([1.1.1.1]) out: 1 OK',
  '***',
  '***',
  '10:00:05.000 1 IMAP-2([2.2.2.2]) failed',
];
const text = LOG.join('\n') + '\n';

test('regular expressions and ignore-case match bodies, continuation lines included', () => {
  const index = open(text);
  assert.equal(filterText(index, { regex: 'detail of' }), '***\n' + LOG.slice(4, 7).join('\n') + '\n');
  assert.equal(filterText(index, { text: 'protocol error', ignoreCase: true }), '***\n' + LOG.slice(4, 7).join('\n') + '\n');
  assert.equal(filterText(index, { text: 'protocol error' }), '***\n', 'case-sensitive by default; markers with no record between them print once');
  assert.equal(filterText(index, { regex: '^IMAP-1\\(' }).split('\n').filter((l) => l.startsWith('10:')).length, 3);
  assert.throws(() => runFilter(index, { regex: '(' }), QueryError);
  assert.throws(() => runFilter(index, { text: 'x', level: 'loud' }), QueryError);
});

test('interval bounds are inclusive; a marker before any record is always inside; a marker takes the time of the record before it', () => {
  const index = open(text);
  assert.equal(filterText(index, { text: 'IMAP', from: '10:00:01', to: '10:00:02' }), '***\n' + LOG.slice(3, 6).join('\n') + '\n' + '***\n');
  assert.equal(filterText(index, { text: 'IMAP', from: '10:00:04' }), '***\n' + LOG[10] + '\n', 'markers after 10:00:02 and 10:00:03 are outside');
  assert.throws(() => runFilter(index, { text: 'x', from: 'noon' }), QueryError);
});

test('keyed filter with a severity threshold', () => {
  const index = open(text);
  assert.equal(filterText(index, { text: 'bad command', keyed: true, level: 'error' }), '***\n', 'pass 1 honours the threshold too');
  assert.equal(filterText(index, { text: 'bad command', keyed: true, level: '3' }), '***\n' + LOG.slice(4, 6).join('\n') + '\n***\n' + LOG[10] + '\n');
  const result = runFilter(index, { text: 'IMAP-', keyed: true });
  assert.equal(result.keyedSessions, 2);
  assert.equal(result.records, 5);
});

test('cancellation stops a filter mid-way', () => {
  const big = open(Array.from({ length: 70_000 }, (_, i) => `10:00:00.000 5 IMAP-${i} line`).join('\n'));
  // Not cancelled when it starts: only at its third look, after it has searched part of the log.
  // pauseMs 0: it looks between every two steps of work, however fast this machine is.
  let looks = 0;
  assert.throws(() => runFilter(big, { text: 'line' }, { isCancelled: () => ++looks >= 3, pauseMs: 0, chunkSize: 64 * 1024 }), CancelledError);
  assert.equal(looks, 3, 'it stopped at the first look that said cancelled');
  looks = -1_000_000;
  assert.equal(runFilter(big, { text: 'line' }, { isCancelled: () => ++looks >= 3, pauseMs: 0, chunkSize: 64 * 1024 }).records, 70_000, 'uncancelled, it filters the whole log');
  assert.ok(looks > -1_000_000 + 3, 'and it looked now and then while it did');
});

test('detection: each dialect, unknown text, binary data', () => {
  const samples: [string, string, string?][] = [
    ['12:00:00.000 2 SMTPI-1 hello\n', 'communigate-log'],
    ['Sep 11 22:34:34.306 (2) CONNECT OK (info="")\n', 'emg-log'],
    ['2026-01-15 10:00:00 +0200 08 mail SMTP-IN:1: hi\n', 'axigen-log'],
    ['[02/May/1998:17:37:32 -0700] host proc[1]: General Notice: hi\n', 'messaging-server-log'],
    ['Cdr List\nCall Date,Src,Dst,Duration,Disposition\n2012-05-10 12:37:35 CEST,1,600,5,ANSWERED\n', 'privateserver-log'],
    ['Sep 11 22:34:34.306 smpp1 Read data\n', 'emg-log', 'pdu.smpp1'],
  ];
  for (const [sample, id, name] of samples) assert.equal(detectDialect(Buffer.from(sample), name)?.id, id, sample);
  assert.equal(detectDialect(Buffer.from('hello world\nthis is not a log\n')), undefined);
  assert.throws(() => openLog(Buffer.from([0x31, 0x32, 0, 0, 0xff])), NotTextError);
});

test('empty logs, a log of only markers, invalid UTF-8', () => {
  const empty = open('', { dialect: 'communigate-log' });
  assert.equal(empty.recordCount, 0);
  assert.equal(filterText(empty, { text: 'x' }), '');
  const markers = open('***\n***\n', { dialect: 'communigate-log' });
  assert.equal(markers.recordCount, 0);
  assert.equal(filterText(markers, { text: 'x' }), '***\n');
  const bad = openLog(Buffer.concat([Buffer.from('12:00:00.000 2 A-1 caf'), Buffer.from([0xc3, 0x28]), Buffer.from(' ok\n')]));
  assert.equal(bad.recordCount, 1);
  assert.equal(filterText(bad, { text: 'ok' }).length > 0, true);
});
