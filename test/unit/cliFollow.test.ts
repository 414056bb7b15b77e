// msglog --follow on real growing and rotating files (docs/FORMATS.md §9): output is awaited by
// polling for it, never by sleeping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'child_process';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
let dir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-follow-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Follower {
  child: ChildProcess;
  output: () => string;
}

function start(...args: string[]): Follower {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => (out += d));
  return { child, output: () => out };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stop(f: Follower): Promise<void> {
  const exited = new Promise((resolve) => f.child.once('exit', resolve));
  f.child.kill('SIGINT');
  await exited;
}

test('merge --follow prints new records of each file as it grows, and goes on in the new file after rotation', async () => {
  const a = path.join(dir, 'connector.smpp');
  const b = path.join(dir, 'connector.http');
  fs.writeFileSync(a, '2026-01-15 00:00:01.000 (smpp1) CONNECT OK\n');
  fs.writeFileSync(b, '2026-01-15 00:00:00.500 (http3) CONNECT OK\n');
  const f = start('merge', '--follow', 'connector.smpp', 'connector.http');
  try {
    await waitFor('the existing records', () => f.output().split('\n').length === 3);
    assert.equal(f.output(), 'connector.http:2026-01-15 00:00:00.500 (http3) CONNECT OK\nconnector.smpp:2026-01-15 00:00:01.000 (smpp1) CONNECT OK\n');
    // A line written in two parts is printed once it is complete.
    fs.appendFileSync(a, '2026-01-15 00:00:02.000 (smpp1) SEND OK 001:X1');
    fs.appendFileSync(b, '2026-01-15 00:00:02.500 (http3) RECEIVE OK 001:X2\n');
    await waitFor('the new http record', () => f.output().includes('RECEIVE OK 001:X2'));
    assert.doesNotMatch(f.output(), /001:X1/);
    fs.appendFileSync(a, '\n');
    await waitFor('the completed smpp line', () => f.output().includes('SEND OK 001:X1\n'));
    // Rotation as log managers do it: the live file renamed, a new one created under the name.
    fs.renameSync(a, `${a}.1`);
    fs.writeFileSync(a, '2026-01-15 00:00:03.000 (smpp1) DISCONNECT OK\n');
    await waitFor('the record of the new file', () => f.output().includes('DISCONNECT OK'));
    assert.deepEqual(f.output().trim().split('\n').slice(-3), [
      'connector.http:2026-01-15 00:00:02.500 (http3) RECEIVE OK 001:X2',
      'connector.smpp:2026-01-15 00:00:02.000 (smpp1) SEND OK 001:X1',
      'connector.smpp:2026-01-15 00:00:03.000 (smpp1) DISCONNECT OK',
    ]);
  } finally {
    await stop(f);
  }
});

test('filter --follow --keyed prints new records of remembered and newly matching sessions only', async () => {
  const log = path.join(dir, '2026-01-15.log');
  fs.writeFileSync(log, '10:00:00.000 2 IMAP-000001([10.0.0.1]) connected\n10:00:00.100 3 IMAP-000001([10.0.0.1]) protocol error\n10:00:00.200 2 SMTPI-000002([10.0.0.2]) connected\n');
  const f = start('filter', '2026-01-15.log', '--text', 'error', '--keyed', '--follow');
  try {
    await waitFor('the existing session', () => f.output().includes('protocol error'));
    fs.appendFileSync(log, '10:00:01.000 2 SMTPI-000002([10.0.0.2]) quit\n10:00:01.100 2 IMAP-000001([10.0.0.1]) closed\n10:00:01.200 2 POP-000003([10.0.0.3]) connected\n10:00:01.300 3 POP-000003([10.0.0.3]) auth error\n10:00:01.400 2 POP-000003([10.0.0.3]) closed\n');
    await waitFor('the new records', () => f.output().includes('POP-000003([10.0.0.3]) closed'));
    assert.equal(f.output(), [
      '10:00:00.000 2 IMAP-000001([10.0.0.1]) connected',
      '10:00:00.100 3 IMAP-000001([10.0.0.1]) protocol error',
      '10:00:01.100 2 IMAP-000001([10.0.0.1]) closed',
      '10:00:01.300 3 POP-000003([10.0.0.3]) auth error',
      '10:00:01.400 2 POP-000003([10.0.0.3]) closed',
      '',
    ].join('\n'));
  } finally {
    await stop(f);
  }
});

test('filter --follow --keyed --level keeps the level for new records of remembered sessions too', async () => {
  const log = path.join(dir, '2026-01-16.log');
  fs.writeFileSync(log, '10:00:00.000 2 IMAP-000001([10.0.0.1]) connected\n10:00:00.100 3 IMAP-000001([10.0.0.1]) protocol error\n');
  const f = start('filter', '2026-01-16.log', '--text', 'error', '--keyed', '--level', '3', '--follow');
  try {
    await waitFor('the existing session', () => f.output().includes('protocol error'));
    // Level 5 (All Info) is above the threshold 3: hidden, though its session is remembered.
    fs.appendFileSync(log, '10:00:01.000 5 IMAP-000001([10.0.0.1]) inp: NOOP\n10:00:01.100 2 IMAP-000001([10.0.0.1]) closed\n');
    await waitFor('the new record', () => f.output().includes('closed'));
    assert.equal(f.output(), [
      '10:00:00.000 2 IMAP-000001([10.0.0.1]) connected',
      '10:00:00.100 3 IMAP-000001([10.0.0.1]) protocol error',
      '10:00:01.100 2 IMAP-000001([10.0.0.1]) closed',
      '',
    ].join('\n'));
  } finally {
    await stop(f);
  }
});

test('merge --follow on a CommuniGate directory goes on in the next day\'s file when it appears', async () => {
  fs.mkdirSync(path.join(dir, 'SystemLogs'));
  fs.writeFileSync(path.join(dir, 'SystemLogs/2026-01-15.log'), '23:59:59.000 2 IMAP-000007([10.0.0.7]) connected\n');
  const f = start('merge', '--follow', 'SystemLogs');
  try {
    await waitFor('the existing record', () => f.output().includes('connected'));
    fs.writeFileSync(path.join(dir, 'SystemLogs/2026-01-16.log'), '00:00:02.000 2 IMAP-000007([10.0.0.7]) closed\n');
    await waitFor('the record of the new day', () => f.output().includes('closed'));
    assert.equal(f.output(), 'SystemLogs/2026-01-15.log:23:59:59.000 2 IMAP-000007([10.0.0.7]) connected\nSystemLogs/2026-01-16.log:00:00:02.000 2 IMAP-000007([10.0.0.7]) closed\n');
  } finally {
    await stop(f);
  }
});
