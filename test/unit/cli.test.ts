// msglog as users run it: a real process, real files, exit codes and stderr (FORMATS §6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, REAL_LOG } from './helpers';
import { diagnostics, openLogFile } from '../../server/src/engine';

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

test('sessions --json has exactly the FORMATS §6 shape', () => {
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
  assert.equal(
    text.stdout,
    ['IMAP-437425   00:06:23.261 – 00:06:24.000  3 records  lines 1-6  1 problem', 'SMTPI-000001  00:06:23.270 – 00:06:23.270  1 record   lines 3-4', ''].join('\n'),
    'aligned columns',
  );
});

test('sessions text: columns line up, and a table exported newest first shows earliest – latest', () => {
  const table = ['SessionLogEntry List', '', 'Timestamp\tEvent\tSource\tPeername\tAccount\tDetails\tUseragent\tRemoteaddr\tTiscipher\tReconciled'];
  table.push('2026-01-15 17:10:02.447\tUNREGISTER\tCLIENT\t1932\tLuca\t200 OK\tPGSM\t93.57.41.37:33998\t\ttrue');
  table.push('2026-01-15 17:09:24.626\tREGISTER\tCLIENT\t904\tSara\t200 OK\tsnom\t93.57.41.37:28224\t\ttrue');
  table.push('2026-01-15 17:02:51.903\tCONNECT\tCLIENT\t1932\t\t\tPGSM\t93.57.41.37:33998\tTLS\ttrue');
  fs.writeFileSync(file('sessions.tsv'), table.join('\n') + '\n');
  const rows = msglog('sessions', file('sessions.tsv')).stdout.trimEnd().split('\n');
  assert.deepEqual(rows, [
    '1932  2026-01-15 17:02:51.903 – 2026-01-15 17:10:02.447  2 records  lines 4-6',
    '904   2026-01-15 17:09:24.626 – 2026-01-15 17:09:24.626  1 record   lines 5-5',
  ]);
  const json = JSON.parse(msglog('sessions', file('sessions.tsv'), '--json').stdout) as { sessions: { start: string; end: string }[] };
  assert.deepEqual([json.sessions[0].start, json.sessions[0].end], ['2026-01-15 17:10:02.447', '2026-01-15 17:02:51.903'], 'JSON keeps first and last record as written');
});

test('check: exit 1 on an error diagnostic, or when warnings exceed --max-warnings', () => {
  // The shared log has two warnings and no error.
  assert.equal(msglog('check', file('2026-01-15.log')).code, 0);
  assert.equal(msglog('check', file('2026-01-15.log'), '--max-warnings', '2').code, 0);
  const over = msglog('check', file('2026-01-15.log'), '--max-warnings', '1');
  assert.equal(over.code, 1);
  assert.equal(over.stdout.trimEnd().split('\n').length, 2, 'every diagnostic is still listed');
  fs.writeFileSync(file('failure.log'), '00:00:01.000 2 SMTP-000001 connected\n00:00:02.000 1 SMTP-000001 failed to deliver\n');
  const failed = msglog('check', file('failure.log'), '--json');
  assert.equal(failed.code, 1);
  assert.equal((JSON.parse(failed.stdout) as { diagnostics: unknown[] }).diagnostics.length, 1);
  const bad = msglog('check', file('2026-01-15.log'), '--max-warnings', 'many');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^msglog: --max-warnings needs a whole number/);
});

test('check quotes records as the diagnostics say them: ASCII copied as bytes, long text cut, other text decoded', () => {
  const long = 'x'.repeat(150);
  const bytes = Buffer.concat([
    Buffer.from(
      [
        '00:00:01.000 3 IMAP-1([1.2.3.4]) short plain text',
        `00:00:02.000 1 IMAP-2([1.2.3.4]) ${long}`,
        `00:00:02.500 3 IMAP-2([1.2.3.4]) ${'y'.repeat(120 - 'IMAP-2([1.2.3.4]) '.length)}`,
        '00:00:03.000 3 IMAP-3([1.2.3.4]) café für José — ✓',
        `00:00:04.000 1 SMTP-4([1.2.3.4]) ${'é'.repeat(130)}`,
        '00:00:05.000 0 KERNEL crashed here',
        '00:00:01.000 5 IMAP-1([1.2.3.4]) back in time',
        '00:00:06.000 3 IMAP-5([1.2.3.4]) bad byte: ',
      ].join('\n'),
    ),
    Buffer.from([0xff, 0xfe, 0x41, 0x0a]),
    Buffer.from('00:00:07.000 3 IMAP-6(\u00e9\u00e9) body after a non-ASCII header\n'),
  ]);
  const log = file('quotes-2026-01-15.log');
  fs.writeFileSync(log, bytes);
  const index = openLogFile(log, { threads: 1 });
  const expected = [...diagnostics(index)].map((d) => `${d.line + 1}: ${d.severity} ${d.code}: ${d.message}\n`).join('');
  (index.source as { close(): void } & typeof index.source).close();
  assert.match(expected, /: IMAP-2\(\[1\.2\.3\.4\]\) x{102}…\n/, 'a long ASCII text is cut at 120 characters');
  assert.match(expected, /: IMAP-2\(\[1\.2\.3\.4\]\) y{102}\n/, 'an ASCII text of exactly 120 characters is not');
  assert.match(expected, /: SMTP-4\(\[1\.2\.3\.4\]\) é{102}…\n/, 'a long non-ASCII text is cut by characters');
  assert.match(expected, /\uFFFD/, 'invalid UTF-8 is decoded as U+FFFD');
  const text = msglog('check', log);
  assert.equal(text.stdout, expected);
  const json = JSON.parse(msglog('check', log, '--json').stdout) as { diagnostics: { message: string }[] };
  assert.deepEqual(json.diagnostics.map((d) => d.message), [...expected.matchAll(/^\d+: \w+ [\w-]+: (.*)$/gm)].map((m) => m[1]));
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
  assert.deepEqual(none, { code: 1, stdout: '***\n', stderr: 'msglog: no record matched\n' }, 'the marker is printed, and said not to be a match');
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

test('--dialect forces a dialect; one that recognises no record says so (exit 1)', () => {
  assert.deepEqual(msglog('--dialect', 'communigate-log', 'sessions', file('2026-01-15.log')).code, 0);
  const nothing = msglog('--dialect', 'communigate-log', 'sessions', file('notes.txt'));
  assert.equal(nothing.code, 1);
  assert.equal(nothing.stdout, '');
  assert.match(nothing.stderr, /^msglog: .*notes\.txt: no line is a record of CommuniGate Pro \(forced with --dialect communigate-log\)\n$/);
  const bad = msglog('sessions', file('notes.txt'), '--dialect', 'nonsense');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^msglog: unknown dialect "nonsense"/);
});

test('bad input: one line on stderr, exit 2, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['sessions', file('missing.log')], /^msglog: cannot read .*missing\.log: no such file\n$/],
    [['check', file('binary.log')], /^msglog: not a text log: binary data \(NUL byte at offset 4\)\n$/],
    [['detect', file('binary.log')], /^msglog: not a text log/],
    [['filter', file('2026-01-15.log'), '--regex', '(unclosed'], /^msglog: bad regular expression: \/\(unclosed\/: Unterminated group\n$/],
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

test('help: an overview with examples, and msglog help COMMAND / COMMAND --help', () => {
  const overview = msglog('--help');
  assert.equal(overview.code, 0);
  assert.match(overview.stdout, /^usage:\n {2}msglog detect FILE/);
  assert.match(overview.stdout, /\nexamples:\n {2}msglog detect /);
  // Every command the overview lists (its usage lines), each with its own help and examples.
  const names = [...new Set([...overview.stdout.split('\nexamples:')[0].matchAll(/^ {2}msglog ([a-z]+) /gm)].map((m) => m[1]))];
  assert.ok(names.length >= 5, names.join(' '));
  for (const name of names) {
    const help = msglog('help', name);
    assert.equal(help.code, 0, name);
    assert.match(help.stdout, new RegExp(`^usage:\\n {2}msglog ${name} `), name);
    assert.match(help.stdout, new RegExp(`\\nexamples:\\n {2}(\\S+ \\| )?msglog ${name} `), name);
    assert.equal(msglog(name, '--help').stdout, help.stdout, `${name} --help`);
  }
  assert.equal(msglog('help').stdout, overview.stdout);
  const unknown = msglog('help', 'frobnicate');
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, `msglog: no help on "frobnicate": the commands are ${names.join(', ')}\n`);
});

test('- reads standard input', () => {
  const input = fs.readFileSync(file('2026-01-15.log'));
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });
  assert.equal(run('detect', '-').stdout, 'communigate-log\n');
  const filtered = run('filter', '-', '--text', 'protocol error', '--keyed');
  assert.equal(filtered.status, 0);
  assert.equal(filtered.stdout, [LOG[0], LOG[1], '***', LOG[5]].join('\n') + '\n');
  assert.equal(run('sessions', '-').stdout, msglog('sessions', file('2026-01-15.log')).stdout);
  assert.equal(run('goto', '-', '00:06:23.265').stdout, '3\n');
});
