// msglog filter with several conditions, exclusions and context (FORMATS §14), as a real process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
const LOG = [
  '10:00:00.000 2 IMAP-1([10.0.0.1]) connected',
  '10:00:01.000 5 IMAP-1([10.0.0.1]) inp: 1 LOGIN alice',
  '10:00:02.000 3 IMAP-2([10.0.0.2]) Protocol Error: bad command',
  '  detail of the error',
  '10:00:03.000 5 IMAP-1([10.0.0.1]) out: 1 OK LOGIN completed',
  '10:00:04.000 2 SMTPI-7([10.0.0.9]) connected',
  '10:00:05.000 1 IMAP-2([10.0.0.2]) failed: LOGIN refused',
  '10:00:06.000 2 SMTPI-7([10.0.0.9]) closed',
];
let dir = '';
let file = '';

function msglog(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'filter', file, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lines = (...n: number[]): string => n.map((i) => (i < 0 ? '--' : LOG[i]) + '\n').join('');

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-filter-'));
  file = path.join(dir, '2026-03-12.log');
  fs.writeFileSync(file, LOG.join('\n') + '\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('repeated --text/--regex must all match; --exclude/--exclude-regex drop; --ignore-case covers all', () => {
  assert.deepEqual(msglog('--text', 'LOGIN', '--text', 'IMAP-1'), { code: 0, stdout: lines(1, 4), stderr: '' });
  assert.equal(msglog('--text', 'LOGIN', '--regex', 'IMAP-2', '--regex', 'refused$').stdout, lines(6));
  assert.equal(msglog('--text', 'LOGIN', '--exclude', 'alice', '--exclude-regex', 'refused').stdout, lines(4));
  assert.equal(msglog('--text', 'login', '--exclude', 'ALICE', '--ignore-case').stdout, lines(4, 6));
  assert.equal(msglog('--exclude', 'IMAP-').stdout, lines(5, 7), 'exclusions alone filter out');
  assert.deepEqual(msglog('--text', 'LOGIN', '--exclude', 'LOGIN'), { code: 1, stdout: '', stderr: '' });
});

test('keyed: exclusions act in pass 1, whole sessions print', () => {
  assert.equal(msglog('--text', 'LOGIN', '--exclude', 'alice', '--keyed').stdout, lines(0, 1, 2, 3, 4, 6));
  assert.equal(msglog('--text', 'connected', '--exclude', 'SMTPI', '--keyed', '--level', '2').stdout, lines(0), 'the threshold holds in both passes');
});

test('--context N with `--` between groups and grep numbering (N- context, N: hits)', () => {
  assert.equal(msglog('--text', 'alice', '--context', '1').stdout, lines(0, 1, 2, 3));
  assert.equal(msglog('--regex', 'alice|closed', '--context', '0').stdout, lines(1, -1, 7));
  assert.equal(
    msglog('--regex', 'alice|closed', '--context', '1', '--line-numbers').stdout,
    ['1-' + LOG[0], '2:' + LOG[1], '3-' + LOG[2], '4-' + LOG[3], '--', '7-' + LOG[6], '8:' + LOG[7]].join('\n') + '\n',
  );
  assert.equal(msglog('--text', 'alice', '--context', '1', '--keyed', '--exclude', 'completed').stdout, lines(0, 1, 2, 3, 4, 5), 'keyed hits: all of IMAP-1; context around them');
});

test('bad --context: one line, exit 2', () => {
  for (const bad of ['-1', 'x', '1.5']) {
    const r = msglog('--text', 'x', '--context', bad);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /^msglog: bad --context ".*": use a whole number of records, 0 or more\n$/);
  }
});

test('several files: context and groups per file, `PATH-N-` for context and `PATH:N:` for hits', () => {
  const other = path.join(dir, 'member2');
  fs.mkdirSync(other, { recursive: true });
  const second = path.join(other, '2026-03-12.log');
  fs.writeFileSync(second, ['10:00:00.500 2 IMAP-9([10.0.0.5]) connected', '10:00:01.500 5 IMAP-9([10.0.0.5]) inp: 1 LOGIN carol', '10:00:09.000 2 IMAP-9([10.0.0.5]) closed'].join('\n') + '\n');
  const r = spawnSync(process.execPath, [BIN, 'filter', file, second, '--text', 'LOGIN carol', '--context', '1', '--line-numbers'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [`${second}-1-10:00:00.500 2 IMAP-9([10.0.0.5]) connected`, `${second}:2:10:00:01.500 5 IMAP-9([10.0.0.5]) inp: 1 LOGIN carol`, `${second}-3-10:00:09.000 2 IMAP-9([10.0.0.5]) closed`].join('\n') + '\n');
  // Hits in both files, merged by time: a group changes file, so `--` comes between.
  const both = spawnSync(process.execPath, [BIN, 'filter', file, second, '--text', 'LOGIN', '--exclude', 'completed', '--context', '0'], { encoding: 'utf8' });
  assert.equal(both.stdout, [`${file}:${LOG[1]}`, '--', `${second}:10:00:01.500 5 IMAP-9([10.0.0.5]) inp: 1 LOGIN carol`, '--', `${file}:${LOG[6]}`].join('\n') + '\n');
});
