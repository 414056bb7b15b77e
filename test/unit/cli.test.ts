// msglog as users run it: a real process, real files, exit codes and stderr (SPEC §6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, REAL_LOG } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
let dir = '';
const LOG = [
  '00:06:23.261 4 IMAP-437425([1.2.3.4]) got connection',
  '00:06:23.262 3 IMAP-437425([1.2.3.4]) protocol error',
  '00:06:23.270 2 SMTPI-000001([5.6.7.8]) connected',
  '  continuation',
  '***',
  '00:06:24.000 5 IMAP-437425([1.2.3.4]) out: bye',
];

function msglog(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-'));
  fs.writeFileSync(path.join(dir, '2026-01-15.log'), LOG.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello\nworld\n');
  fs.mkdirSync(path.join(dir, 'empty'));
  fs.writeFileSync(path.join(dir, 'binary.log'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const file = (name: string): string => path.join(dir, name);

test('detect', () => {
  assert.deepEqual(msglog('detect', file('2026-01-15.log')), { code: 0, stdout: 'communigate-log\n', stderr: '' });
  assert.deepEqual(msglog('detect', file('notes.txt')), { code: 1, stdout: 'unknown\n', stderr: '' });
});

test('sessions --json has exactly the SPEC shape', () => {
  const r = msglog('sessions', file('2026-01-15.log'), '--json');
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), {
    dialect: 'communigate-log',
    sessions: [
      { key: 'IMAP-437425', component: 'IMAP', firstLine: 1, lastLine: 6, records: 3, start: '00:06:23.261', end: '00:06:24.000', problems: 1 },
      { key: 'SMTPI-000001', component: 'SMTPI', firstLine: 3, lastLine: 4, records: 1, start: '00:06:23.270', end: '00:06:23.270', problems: 0 },
    ],
  });
  const text = msglog('sessions', file('2026-01-15.log'));
  assert.match(text.stdout, /^IMAP-437425\t00:06:23.261 – 00:06:24.000\t3 records\tlines 1-6  1 problem\n/);
});

test('check --json lists every diagnostic in line order', () => {
  const r = msglog('check', file('2026-01-15.log'), '--json');
  assert.equal(r.code, 0);
  const parsed = JSON.parse(r.stdout) as { dialect: string; diagnostics: Record<string, unknown>[] };
  assert.equal(parsed.dialect, 'communigate-log');
  assert.deepEqual(parsed.diagnostics.map((d) => Object.keys(d)), [['line', 'endLine', 'severity', 'code', 'message'], ['line', 'endLine', 'severity', 'code', 'message']]);
  assert.deepEqual(parsed.diagnostics.map((d) => [d.line, d.endLine, d.severity, d.code]), [[2, 2, 'warning', 'level'], [5, 5, 'warning', 'overflow']]);
  assert.match(msglog('check', file('2026-01-15.log')).stdout, /^2: warning level: 3 Problems: IMAP-437425/);
});

test('filter: keyed, line numbers, exit codes', () => {
  const keyed = msglog('filter', file('2026-01-15.log'), '--text', 'protocol error', '--keyed');
  assert.deepEqual(keyed, { code: 0, stdout: [LOG[0], LOG[1], '***', LOG[5]].join('\n') + '\n', stderr: '' });
  const numbered = msglog('filter', file('2026-01-15.log'), '--regex', 'conn', '--line-numbers');
  assert.equal(numbered.stdout, `1:${LOG[0]}\n3:${LOG[2]}\n4:${LOG[3]}\n5:***\n`);
  const none = msglog('filter', file('2026-01-15.log'), '--text', 'nothing like this');
  assert.deepEqual(none, { code: 1, stdout: '***\n', stderr: '' });
  const interval = msglog('filter', file('2026-01-15.log'), '--text', 'IMAP', '--from', '2026-01-15 00:06:23.262', '--to', '00:06:23.300', '--level', '3');
  assert.equal(interval.stdout, `${LOG[1]}\n***\n`, 'the marker after 00:06:23.270 is inside the interval');
});

test('goto prints the 1-based line or exits 1', () => {
  assert.deepEqual(msglog('goto', file('2026-01-15.log'), '00:06:23.265'), { code: 0, stdout: '3\n', stderr: '' });
  const none = msglog('goto', file('2026-01-15.log'), '23:00');
  assert.equal(none.code, 1);
  assert.equal(none.stdout, '');
});

test('an unknown --dialect is an error for every command: exit 2, one line naming the valid ids', () => {
  for (const args of [['detect', file('2026-01-15.log')], ['sessions', file('2026-01-15.log')], ['goto', file('2026-01-15.log'), '00:06']]) {
    const r = msglog('--dialect', 'bogus', ...args);
    assert.equal(r.code, 2, args[0]);
    assert.equal(r.stdout, '', `${args[0]} prints nothing`);
    assert.equal(r.stderr, 'msglog: unknown dialect "bogus": use one of communigate-log, emg-log, axigen-log, messaging-server-log, privateserver-log\n');
  }
  assert.deepEqual(msglog('--dialect', 'emg-log', 'detect', file('notes.txt')), { code: 0, stdout: 'emg-log\n', stderr: '' }, 'a valid id is printed as forced');
});

test('--dialect forces a dialect', () => {
  assert.equal(msglog('--dialect', 'communigate-log', 'sessions', file('notes.txt')).code, 0);
  const bad = msglog('sessions', file('notes.txt'), '--dialect', 'nonsense');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^msglog: unknown dialect "nonsense"/);
});

test('bad input: one line on stderr, exit 2, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['sessions', file('missing.log')], /^msglog: cannot read .*missing\.log: no such file\n$/],
    [['check', file('binary.log')], /^msglog: not a text log: binary data \(NUL byte at offset 4\)\n$/],
    [['detect', file('binary.log')], /^msglog: not a text log/],
    [['filter', file('2026-01-15.log'), '--regex', '(unclosed'], /^msglog: bad regular expression: .*\n$/],
    [['filter', file('2026-01-15.log'), '--text', 'x', '--from', 'noonish'], /^msglog: bad time "noonish": .*\n$/],
    [['goto', file('2026-01-15.log'), '99:99'], /^msglog: bad time "99:99"/],
    [['filter', file('2026-01-15.log')], /^msglog: filter needs --text S, --regex R, --exclude S or --exclude-regex R\n$/],
    [['frobnicate', file('2026-01-15.log')], /^msglog: unknown command "frobnicate"/],
    [['sessions', file('2026-01-15.log'), '--colour'], /^msglog: unknown option --colour\n$/],
    [['sessions', file('2026-01-15.log'), '--keyed'], /^msglog: sessions does not take --keyed\n$/],
    [['sessions', path.join(dir, 'empty')], /^msglog: .*empty: no logs of a known dialect in this directory\n$/],
  ];
  for (const [args, stderr] of cases) {
    const r = msglog(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, stderr, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  }
});

test('the real log through the command line', () => {
  const r = msglog('filter', REAL_LOG, '--text', 'read failed', '--keyed', '--level', '3');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.split('\n').length - 1, 17);
  assert.equal(msglog('goto', REAL_LOG, '12:40').stdout, '2483\n');
});
