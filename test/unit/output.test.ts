// msglog's stdout (cli/output.ts): text encoded into a reused buffer, byte views queued as they are, in
// order, whatever the mix — checked in a real process, whose stdout is the pipe Output writes to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const OUTPUT = path.join(__dirname, '../../server/src/cli/output.js');

/** Runs `body` (JavaScript using `out`, an Output) in a new process, then flushes `out`. */
function run(body: string): { stdout: Buffer; stderr: Buffer } {
  const script = `const { Output } = require(${JSON.stringify(OUTPUT)}); const out = new Output();\n${body}\nout.flush();`;
  const r = spawnSync(process.execPath, ['-e', script], { maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr.toString());
  return r;
}

const written = (body: string): Buffer => run(body).stdout;

test('Output: many short lines with non-ASCII text, byte views between them, in order', () => {
  // The script keeps what it queued and reports its digest on stderr: stdout must be those bytes.
  const r = run(`
    const parts = [];
    for (let i = 0; i < 200000; i++) {
      const s = i % 7 === 0 ? i + ': warning level: 3 Problems: café … 😀\\n' : i + ': error crash: x\\n';
      out.write(s);
      parts.push(Buffer.from(s));
      if (i % 1000 === 0) {
        const b = Buffer.from('<bytes ' + i + '>\\n');
        out.bytes(b);
        parts.push(b);
      }
      if (i % 3 === 0) {
        // Copied bytes: a piece of a larger buffer, which is changed right after (copy() keeps what it was).
        const line = Buffer.from('[copied ' + i + ' é]\\n');
        out.copy(line, 1, line.length);
        parts.push(Buffer.from(line.subarray(1)));
        line.fill(0x21);
      }
    }
    out.flush();
    const expected = Buffer.concat(parts);
    process.stderr.write(require('crypto').createHash('md5').update(expected).digest('hex') + ' ' + expected.length);
  `);
  const [digest, length] = r.stderr.toString().split(' ');
  assert.equal(r.stdout.length, Number(length));
  assert.equal(createHash('md5').update(r.stdout).digest('hex'), digest);
});

test('Output: a text longer than the buffer, and numbered lines', () => {
  const long = 'é'.repeat(700_000); // 1.4 MB of UTF-8: more than a flush's worth at once
  const got = written(`
    out.write('before\\n');
    out.write('é'.repeat(700000));
    out.write('\\nafter\\n');
    out.numbered(Buffer.from('one\\ntwo\\nthree'), 41);
    out.numbered(Buffer.from('ctx\\n'), 7, '-');
    out.copy(Buffer.from('x'.repeat(1200000)), 100000, 1200000); // more than the whole buffer
    out.copy(Buffer.from('<end>'), 0, 5);
  `);
  assert.equal(got.toString('utf8'), `before\n${long}\nafter\n41:one\n42:two\n43:three7-ctx\n${'x'.repeat(1_100_000)}<end>`);
});

test('Output: nothing written, nothing out; a flush after a flush writes nothing twice', () => {
  assert.equal(written('').length, 0);
  assert.equal(written(`out.write('a'); out.flush(); out.flush(); out.write('b');`).toString(), 'ab');
});

test('Output: decimal numbers as String(n) writes them, between text and bytes', () => {
  const numbers = [0, 7, 9, 10, 99, 100, 4095, 123456789, 2 ** 53 - 1, 1.5, -3, Number.NaN];
  const got = written(`
    for (const n of ${JSON.stringify(numbers.map(String))}.map(Number)) { out.decimal(n); out.write(':'); out.copy(Buffer.from('<x>'), 1, 2); }
  `);
  assert.equal(got.toString(), numbers.map((n) => `${n}:x`).join(''));
});

/** User and system CPU of process `pid` so far, in clock ticks (Linux: /proc/PID/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

test('Output: a non-blocking stdout whose reader falls behind gets every byte, and the writer waits for it instead of spinning', { skip: process.platform !== 'linux' && '/proc is Linux' }, async () => {
  // Touching process.stdout on a pipe makes Node set it non-blocking: writeSync then fails with EAGAIN
  // while the pipe is full. 40 MB of numbered lines, far more than a pipe holds.
  const script = `process.stdout; const { Output } = require(${JSON.stringify(OUTPUT)}); const out = new Output();
    for (let i = 0; i < 2_000_000; i++) out.write(i + ' a line of the output, long enough to fill pipes\\n');
    out.flush();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  const pid = child.pid as number;
  // Once the first bytes are in, nothing is read for a while: the writer meets a full pipe.
  const first = await new Promise<Buffer>((resolve) => child.stdout.once('data', resolve));
  chunks.push(first);
  child.stdout.pause();
  const before = cpuTicks(pid);
  const pausedMs = 1000;
  await new Promise((resolve) => setTimeout(resolve, pausedMs));
  const used = cpuTicks(pid) - before;
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdout.resume();
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(status, 0);
  const lines = Buffer.concat(chunks).toString('utf8').split('\n');
  assert.equal(lines.length, 2_000_001, 'every line, then the empty string after the last');
  for (const i of [0, 1, 999_999, 1_999_999]) assert.equal(lines[i], `${i} a line of the output, long enough to fill pipes`);
  // Spinning on EAGAIN keeps a core busy the whole second (about 100 ticks); waiting uses a few. The
  // second is the window measured, not a wait for something to happen.
  assert.ok(used < 40, `${used} ticks of CPU while the reader was away for ${pausedMs} ms`);
});
