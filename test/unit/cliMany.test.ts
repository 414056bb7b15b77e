// Several logs as one and message tracing through msglog (docs/FORMATS.md §9, §10): real processes,
// real files (copied from test/fixtures/many into a temporary directory; .gz made there with zlib).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
const FIXTURES = path.join(ROOT, 'test/fixtures/many');
let dir = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs msglog in the temporary directory, so that paths print as given. */
function msglog(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
const fixture = (rel: string): string => fs.readFileSync(path.join(FIXTURES, rel), 'utf8');

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-many-'));
  fs.cpSync(FIXTURES, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'README.md'));
  // Yesterday's log gzipped, as a log rotation job leaves it; a .gz cut short; another archive kind.
  fs.mkdirSync(path.join(dir, 'archived'));
  fs.writeFileSync(path.join(dir, 'archived/2026-01-14.log.gz'), zlib.gzipSync(fixture('cgp/2026-01-14.log')));
  fs.copyFileSync(path.join(FIXTURES, 'cgp/2026-01-15.log'), path.join(dir, 'archived/2026-01-15.log'));
  const gz = zlib.gzipSync(fixture('cgp/2026-01-15.log'));
  fs.writeFileSync(path.join(dir, 'corrupt.log.gz'), gz.subarray(0, gz.length - 12));
  fs.writeFileSync(path.join(dir, 'logs.zip'), 'PK\x03\x04');
  fs.mkdirSync(path.join(dir, 'nologs'));
  fs.writeFileSync(path.join(dir, 'nologs/notes.txt'), 'nothing to see\n');
  fs.symlinkSync(path.join(dir, 'gone.log'), path.join(dir, 'dangling.log'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('merge: cluster members interleave by time, equal times in argument order, lines prefixed as grep does', () => {
  const r = msglog('merge', 'cgp', 'member2/2026-01-15.log');
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out.length, 8 + 7 + 1 + 3);
  assert.deepEqual(out.slice(7, 11), [
    'cgp/2026-01-14.log:23:59:59.010 4 IMAP-000001([198.51.100.4]) inp: 1 LOGIN bob ****',
    'member2/2026-01-15.log:00:00:00.500 2 IMAP-000001([203.0.113.5]) connected',
    'cgp/2026-01-15.log:00:00:01.250 4 IMAP-000001([198.51.100.4]) inp: 2 SELECT INBOX',
    'cgp/2026-01-15.log:00:00:02.000 3 IMAP-000001([198.51.100.4]) protocol error: bad command',
  ]);
  assert.equal(out[11], 'cgp/2026-01-15.log:***', 'the overflow marker stays after its record');
  const at5 = out.filter((l) => l.includes(':00:00:05.000 '));
  assert.deepEqual(at5.map((l) => l.split(':')[0]), ['cgp/2026-01-15.log', 'member2/2026-01-15.log']);
  const swapped = lines(msglog('merge', 'member2/2026-01-15.log', 'cgp').stdout).filter((l) => l.includes(':00:00:05.000 '));
  assert.deepEqual(swapped.map((l) => l.split(':')[0]), ['member2/2026-01-15.log', 'cgp/2026-01-15.log']);
  assert.equal(out[out.length - 1], 'cgp/2026-01-15_12-00.log:12:00:00.000 2 SYSTEM rotated at noon');
  const numbered = lines(msglog('merge', 'cgp', 'member2/2026-01-15.log', '--line-numbers').stdout);
  assert.equal(numbered[8], 'member2/2026-01-15.log:1:00:00:00.500 2 IMAP-000001([203.0.113.5]) connected');
  assert.equal(numbered[9], 'cgp/2026-01-15.log:1:00:00:01.250 4 IMAP-000001([198.51.100.4]) inp: 2 SELECT INBOX');
});

test('rotated CommuniGate files with a day missing between them: each file on its own date', () => {
  fs.mkdirSync(path.join(dir, 'gap'));
  fs.writeFileSync(path.join(dir, 'gap/2026-01-14.log'), '23:59:00.000 2 IMAP-000001([10.0.0.1]) connected\n');
  fs.writeFileSync(path.join(dir, 'gap/2026-01-16.log'), '00:00:01.000 2 IMAP-000001([10.0.0.1]) closed\n');
  assert.equal(msglog('goto', 'gap', '2026-01-15 12:00').stdout, 'gap/2026-01-16.log:1\n', 'nothing on the 15th');
  assert.equal(msglog('goto', 'gap', '2026-01-16 00:00:01').stdout, 'gap/2026-01-16.log:1\n');
  const none = msglog('goto', 'gap', '2026-01-16 00:00:02');
  assert.equal(none.code, 1);
});

test('one file: no prefixes, output as before', () => {
  const r = msglog('merge', 'member2/2026-01-15.log', '--line-numbers');
  assert.equal(r.stdout, lines(fixture('member2/2026-01-15.log')).map((l, i) => `${i + 1}:${l}\n`).join(''));
});

test('sessions: one session over midnight across the files of a source, never across sources', () => {
  const r = msglog('sessions', 'cgp', 'member2', '--json');
  assert.equal(r.code, 0, r.stderr);
  const parsed = JSON.parse(r.stdout) as { dialect: string; sessions: Record<string, unknown>[] };
  assert.equal(parsed.dialect, 'communigate-log');
  const imap = parsed.sessions.filter((s) => s.key === 'IMAP-000001');
  assert.deepEqual(imap, [
    { key: 'IMAP-000001', component: 'IMAP', firstLine: 7, lastLine: 7, records: 5, start: '23:59:58.500', end: '00:00:09.900', problems: 1, file: 'cgp/2026-01-14.log', lastFile: 'cgp/2026-01-15.log', source: 'cgp' },
    { key: 'IMAP-000001', component: 'IMAP', firstLine: 1, lastLine: 2, records: 2, start: '00:00:00.500', end: '00:00:03.000', problems: 0, file: 'member2/2026-01-15.log', lastFile: 'member2/2026-01-15.log', source: 'member2/2026-01-15.log' },
  ]);
  const text = msglog('sessions', 'cgp', 'member2');
  assert.match(text.stdout, /^IMAP-000001\t23:59:58.500 – 00:00:09.900\t5 records\tcgp\/2026-01-14.log:7-cgp\/2026-01-15.log:7  1 problem$/m);
});

test('sessions of mixed dialects: "mixed", each session with its dialect; EMG spans go on across rotated files', () => {
  const r = msglog('sessions', 'emg', 'member2', '--json');
  const parsed = JSON.parse(r.stdout) as { dialect: string; sessions: Record<string, unknown>[] };
  assert.equal(parsed.dialect, 'mixed');
  const span = parsed.sessions.find((s) => s.key === '(smpp1)#1');
  assert.deepEqual(span, {
    key: '(smpp1)#1', component: '(smpp1)', firstLine: 1, lastLine: 2, records: 5, start: '2026-01-15 00:00:00.100', end: '2026-01-15 00:00:07.000', problems: 2,
    file: 'emg/connector.smpp.2', lastFile: 'emg/connector.smpp', source: 'emg/connector.smpp', dialect: 'emg-log',
  });
  assert.equal(parsed.sessions.find((s) => s.key === 'IMAP-000001')?.dialect, 'communigate-log');
});

test('rotated files are read oldest first: NAME.N highest first, time-suffixed names, then NAME', () => {
  const r = msglog('merge', 'emg/connector.smpp', 'emg/connector.smpp.1', 'emg/connector.smpp-20260115_000005', 'emg/connector.smpp.2', '--line-numbers');
  assert.deepEqual(lines(r.stdout).map((l) => l.replace(/:\d{4}-.*/, '')), [
    'emg/connector.smpp.2:1',
    'emg/connector.smpp.1:1',
    'emg/connector.smpp-20260115_000005:1',
    'emg/connector.smpp:1',
    'emg/connector.smpp:2',
  ]);
});

test('.gz: read by decompression, named without .gz, nothing written next to it', () => {
  const before = fs.readdirSync(path.join(dir, 'archived')).sort();
  const r = msglog('merge', 'archived');
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  assert.equal(out[0], 'archived/2026-01-14.log:23:58:10.001 2 SMTPI-000010([192.0.2.7]) connected from [192.0.2.7]:40123');
  assert.equal(out.length, 8 + 7);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'archived')).sort(), before);
  const sessions = JSON.parse(msglog('sessions', 'archived', '--json').stdout) as { sessions: Record<string, unknown>[] };
  const imap = sessions.sessions.find((s) => s.key === 'IMAP-000001');
  assert.deepEqual([imap?.file, imap?.lastFile, imap?.records], ['archived/2026-01-14.log', 'archived/2026-01-15.log', 5], 'the .gz is rotated with the plain file');
  assert.equal(msglog('detect', 'archived/2026-01-14.log.gz').stdout, 'communigate-log\n');
});

test('bad files among several: one line each, the others still read, exit 2 at the end', () => {
  const r = msglog('merge', 'member2', 'corrupt.log.gz', 'dangling.log', 'logs.zip', 'nologs');
  assert.equal(r.code, 2);
  assert.equal(lines(r.stdout).length, 3, 'member2 is still read');
  const err = lines(r.stderr);
  assert.deepEqual(err.map((l) => l.replace(/:.*/, '')), ['msglog', 'msglog', 'msglog', 'msglog', 'msglog']);
  assert.match(err[0], /^msglog: corrupt\.log\.gz: corrupt \.gz file: unexpected end of file$/);
  assert.match(err[1], /^msglog: cannot read dangling\.log: no such file$/);
  assert.match(err[2], /^msglog: logs\.zip: not read: only plain logs and \.gz files are read/);
  assert.match(err[3], /^msglog: nologs\/notes\.txt: skipped: not a log of a known dialect$/);
  assert.match(err[4], /^msglog: nologs: no logs of a known dialect in this directory$/);
  const alone = msglog('sessions', 'corrupt.log.gz');
  assert.deepEqual([alone.code, alone.stdout, alone.stderr], [2, '', 'msglog: corrupt .gz file: unexpected end of file\n']);
});

test('a directory: files of unknown dialect skipped with one line, the rest read', () => {
  fs.writeFileSync(path.join(dir, 'member2/notes.txt'), 'not a log\n');
  try {
    const r = msglog('check', 'member2');
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'msglog: member2/notes.txt: skipped: not a log of a known dialect\n');
  } finally {
    fs.rmSync(path.join(dir, 'member2/notes.txt'));
  }
});

test('zones: UTC unless --utc-offset; an offset written in the log is honoured', () => {
  const utc = lines(msglog('merge', 'other/axigen.log', 'member2').stdout);
  assert.match(utc[1], /^other\/axigen\.log:2026-01-15 01:00:01 \+0100/, '01:00:01+01:00 is 00:00:01Z, after 00:00:00.5');
  const shifted = lines(msglog('merge', 'other/axigen.log', 'member2', '--utc-offset', '+01:00').stdout);
  assert.match(shifted[3], /^other\/axigen\.log:/, 'member2 read at +01:00 is an hour earlier');
  const bad = msglog('merge', 'member2', '--utc-offset', 'CET');
  assert.deepEqual([bad.code, bad.stderr], [2, 'msglog: bad --utc-offset "CET": use ±HH:MM, such as +02:00 or -05:00\n']);
});

test('a source without a date is placed on the first date of the others, and stderr says so', () => {
  const r = msglog('merge', 'other/xims.log', 'member2');
  assert.equal(r.stderr, 'msglog: note: other/xims.log has no date (none in its file name): placed on 2026-01-15\n');
  assert.deepEqual(lines(r.stdout).map((l) => l.split(':')[0]), ['member2/2026-01-15.log', 'member2/2026-01-15.log', 'other/xims.log', 'member2/2026-01-15.log']);
  assert.equal(msglog('goto', 'other/xims.log', 'member2', '2026-01-15 00:00:03.500').stdout, 'other/xims.log:1\n');
});

test('detect, goto and check with several files', () => {
  const d = msglog('detect', 'emg', 'member2/2026-01-15.log', 'nologs');
  assert.equal(d.stdout, ['emg/connector.http: emg-log', 'emg/connector.smpp: emg-log', 'emg/connector.smpp-20260115_000005: emg-log', 'emg/connector.smpp.1: emg-log', 'emg/connector.smpp.2: emg-log', 'member2/2026-01-15.log: communigate-log', 'nologs/notes.txt: unknown', ''].join('\n'));
  assert.equal(d.code, 1);
  assert.deepEqual(msglog('goto', 'cgp', 'member2', '2026-01-15 00:00:02.5'), { code: 0, stdout: 'member2/2026-01-15.log:2\n', stderr: '' });
  const none = msglog('goto', 'cgp', 'member2', '2026-01-16 00:00');
  assert.equal(none.code, 1);
  const check = msglog('check', 'member2', 'cgp');
  assert.equal(check.stdout, 'cgp/2026-01-15.log:2: warning level: 3 Problems: IMAP-000001([198.51.100.4]) protocol error: bad command\ncgp/2026-01-15.log:3: warning overflow: Overflow marker (***): the server\'s log manager dropped records here\n');
  const json = JSON.parse(msglog('check', 'emg', '--json').stdout) as { diagnostics: Record<string, unknown>[] };
  assert.deepEqual(json.diagnostics.map((x) => [x.file, x.line, x.code]), [['emg/connector.smpp.1', 1, 'event-error'], ['emg/connector.smpp-20260115_000005', 1, 'event-error']]);
});

test('filter: keyed remembers (source, key) pairs; PATH:N: with --line-numbers', () => {
  const r = msglog('filter', 'cgp', 'member2', '--text', 'protocol error', '--keyed', '--line-numbers');
  assert.equal(r.code, 0);
  assert.deepEqual(lines(r.stdout).map((l) => l.replace(/^([^:]+:\d+):.*/, '$1')), [
    'cgp/2026-01-14.log:7', 'cgp/2026-01-14.log:8', 'cgp/2026-01-15.log:1', 'cgp/2026-01-15.log:2', 'cgp/2026-01-15.log:3', 'cgp/2026-01-15.log:7',
  ]);
  assert.equal(msglog('filter', 'cgp', 'member2', '--text', 'no such words').code, 1);
});

test('trace a queue id: received, enqueued, dequeued, relayed and the Delivery-log record, in time order', () => {
  const r = msglog('trace', 'cgp', 'delivery', 'member2', '4411');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout).map((l) => l.replace(/^([^:]+):(\S+)\s(?:\d )?(\S+).*/, '$1 $3')), [
    'cgp/2026-01-14.log SMTPI-000010([192.0.2.7])',
    'cgp/2026-01-14.log QUEUE([4411])',
    'cgp/2026-01-14.log DEQUEUER',
    'delivery/2026-01-14.log 01',
    'cgp/2026-01-14.log SMTP-000031(example.org)',
  ]);
  assert.equal(msglog('trace', 'cgp', 'delivery', '[4411]').stdout, r.stdout.replace(/^member2.*\n/gm, ''));
});

test('trace by Message-ID (with or without <>) and by address, through the Delivery log', () => {
  const json = JSON.parse(msglog('trace', 'cgp', 'delivery', '<m-4412@example.net>', '--json').stdout) as { id: string; records: Record<string, unknown>[] };
  assert.equal(json.id, '<m-4412@example.net>');
  assert.deepEqual(json.records[0], {
    file: 'cgp/2026-01-15.log', line: 4, time: '00:00:05.000', session: 'SMTPI-000011', component: 'SMTPI',
    text: '00:00:05.000 2 SMTPI-000011([192.0.2.9]) received(1) [4412] 900 bytes Message-ID: <m-4412@example.net>',
  });
  assert.deepEqual(json.records.map((x) => [x.file, x.line]), [['cgp/2026-01-15.log', 4], ['cgp/2026-01-15.log', 5], ['cgp/2026-01-15.log', 6], ['delivery/2026-01-15.log', 1]]);
  assert.equal(msglog('trace', 'cgp', 'delivery', 'm-4412@example.net').stdout, msglog('trace', 'cgp', 'delivery', '4412').stdout);
  // By the Delivery log only: the Message-ID is in no main-log record of this set.
  assert.equal(lines(msglog('trace', 'delivery', 'm-4411@example.com').stdout).length, 1);
  // Addresses: the sender (QUEUE from <…> and return-path), and a recipient (Delivery-log fields only).
  assert.equal(msglog('trace', 'cgp', 'delivery', 'Alice@Example.com').stdout, msglog('trace', 'cgp', 'delivery', '4411').stdout);
  assert.equal(msglog('trace', 'cgp', 'delivery', 'bob@example.com').stdout, msglog('trace', 'cgp', 'delivery', '4412').stdout);
});

test('trace --sessions adds whole numbered sessions, not DEQUEUER or LOCAL', () => {
  const r = msglog('trace', 'cgp', 'delivery', '4411', '--sessions', '--json');
  const json = JSON.parse(r.stdout) as { records: { session: string; line: number }[] };
  assert.deepEqual(json.records.map((x) => `${x.session}@${x.line}`), [
    'SMTPI-000010@1', 'SMTPI-000010@2', 'SMTPI-000010@3', 'QUEUE([4411])@4', 'DEQUEUER@5', 'queue:4411@1', 'SMTP-000031@6',
  ]);
});

test('trace an EMG message id and a phone number across connector files', () => {
  const r = msglog('trace', 'emg', '001:A1B2C3');
  assert.equal(r.code, 0);
  assert.deepEqual(lines(r.stdout).map((l) => l.replace(/:\d{4}-\d\d-\d\d \S+ (\(\S+\) \S+ \S+).*/, ' $1')), [
    'emg/connector.http (http3) RECEIVE OK',
    'emg/connector.smpp.1 (smpp1) SEND ERR',
    'emg/connector.smpp-20260115_000005 (smpp1) SEND ERR',
    'emg/connector.smpp (smpp1) SEND OK',
  ]);
  assert.equal(msglog('trace', 'emg', 'A1B2C3').stdout, r.stdout);
  assert.equal(lines(msglog('trace', 'emg', '46705555555').stdout).length, 1);
  assert.equal(lines(msglog('trace', 'emg', '46709876543').stdout).length, 4);
  const none = msglog('trace', 'emg', 'C0FFEE');
  assert.deepEqual([none.code, none.stdout], [1, '']);
});

test('trace refuses dialects that keep no message ids', () => {
  const r = msglog('trace', 'other/axigen.log', 'member2', '4411');
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'msglog: trace reads CommuniGate Pro and EMG logs only; other/axigen.log is Axigen (axigen-log)\n');
  assert.equal(msglog('trace', 'member2').stderr, 'msglog: missing ID\n');
});
