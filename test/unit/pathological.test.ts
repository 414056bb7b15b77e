// Hostile files through msglog: each gets an answer (or one clear line and exit 2), never a hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
// Liveness bounds only (a hang is what fails), far above what these take.
const BOUND = { timeout: 60_000 };
let dir = '';
const file = (name: string): string => path.join(dir, name);

function msglog(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 50_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-hostile-'));
  const long = Buffer.alloc(50 * 1024 * 1024 + 20, 'x');
  long.write('12:00:00.000 2 A-1 ', 0);
  long[long.length - 2] = 0x79; // "y" at the very end of the line
  long[long.length - 1] = 0x0a;
  fs.writeFileSync(file('long.log'), Buffer.concat([long, Buffer.from('12:00:01.000 2 A-2 short\n')]));
  const binary = Buffer.alloc(100 * 1024 * 1024);
  for (let i = 0; i < binary.length; i += 4096) binary[i] = (i * 31) & 0xff;
  fs.writeFileSync(file('core.log'), binary);
  fs.writeFileSync(file('nul.log'), Buffer.from('12:00:00.000 2 A-1 x\n12:00:01.000 2 A-1 \u0000\u0000\n'));
  fs.writeFileSync(file('latin1.log'), Buffer.concat([Buffer.from('12:00:00.000 2 A-1 caf'), Buffer.from([0xe9, 0xff, 0xfe]), Buffer.from(' ok\n12:00:01.000 3 A-1 problem\n')]));
  fs.writeFileSync(file('mixed.log'), '12:00:00.000 2 A-1 lf\n12:00:01.000 2 A-1 crlf\r\n  cont cr\r12:00:02.000 3 A-2 last');
  fs.writeFileSync(file('empty.log'), '');
  fs.writeFileSync(file('stars.log'), '***\n***\r\n*** \n');
  fs.writeFileSync(file('tiny.log'), '12:00:00.000 2 A-1 x\n' + 'a\n'.repeat(10_000_000));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a 50 MB single line is indexed and searched', BOUND, () => {
  const r = msglog('filter', file('long.log'), '--text', 'xy', '--keyed');
  assert.equal(r.code, 0);
  assert.equal(r.stdout.length, 50 * 1024 * 1024 + 20);
  assert.match(msglog('sessions', file('long.log')).stdout, /^A-1  .*\nA-2  /);
  const catastrophic = msglog('filter', file('long.log'), '--regex', '(x+x+)+z');
  assert.equal(catastrophic.code, 1, 'a catastrophic pattern on the long line ends');
  assert.equal(catastrophic.stderr, 'msglog: note: 1 record(s) longer than 1 MiB were matched against their first MiB only\n');
});

test('a 100 MB binary file is refused at once with one line', BOUND, () => {
  for (const command of ['sessions', 'check', 'detect']) {
    const r = msglog(command, file('core.log'));
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'msglog: not a text log: binary data (NUL byte at offset 0)\n');
  }
});

test('NUL bytes, invalid UTF-8 and mixed line endings', BOUND, () => {
  assert.match(msglog('check', file('nul.log')).stderr, /^msglog: not a text log: binary data \(NUL byte at offset 40\)\n$/);
  const latin = msglog('filter', file('latin1.log'), '--text', 'ok');
  assert.equal(latin.code, 0);
  assert.deepEqual(Buffer.from(latin.stdout, 'utf8').subarray(0, 22).toString('latin1').slice(0, 18), '12:00:00.000 2 A-1');
  assert.match(msglog('check', file('latin1.log')).stdout, /^2: warning level: 3 Problems/);
  const mixed = msglog('sessions', file('mixed.log'), '--json');
  assert.deepEqual(JSON.parse(mixed.stdout).sessions.map((s: { key: string; lastLine: number }) => [s.key, s.lastLine]), [['A-1', 3], ['A-2', 4]]);
});

test('an empty file and a file of only markers', BOUND, () => {
  assert.deepEqual(msglog('sessions', file('empty.log')), { code: 2, stdout: '', stderr: 'msglog: not a log of a known dialect: the file is empty\n' });
  assert.deepEqual(msglog('detect', file('empty.log')), { code: 1, stdout: 'unknown\n', stderr: '' });
  const stars = msglog('check', file('stars.log'), '--json');
  assert.deepEqual(JSON.parse(stars.stdout).diagnostics, [{ line: 1, endLine: 3, severity: 'warning', code: 'overflow', message: "3 overflow markers (***): the server's log manager dropped records here" }]);
  assert.deepEqual(msglog('filter', file('stars.log'), '--text', 'x'), { code: 1, stdout: '***\n', stderr: 'msglog: no record matched\n' });
});

test('nothing is written next to the logs', () => {
  const before = fs.readdirSync(dir).sort();
  for (const command of [['sessions'], ['check', '--json'], ['filter', '--text', 'a', '--keyed'], ['goto', '12:00'], ['detect']]) {
    for (const name of before) msglog(command[0], file(name), ...command.slice(1));
  }
  assert.deepEqual(fs.readdirSync(dir).sort(), before);
});

test('ten million tiny lines', BOUND, () => {
  const r = msglog('--dialect', 'communigate-log', 'sessions', file('tiny.log'), '--json');
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout).sessions[0], { key: 'A-1', component: 'A', firstLine: 1, lastLine: 10_000_001, records: 1, start: '12:00:00.000', end: '12:00:00.000', problems: 0 });
});
