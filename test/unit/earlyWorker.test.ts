// msglog check and sessions start their part worker before they open the log (startEarlyPartWorker),
// only for a log that will be indexed in parts: one large file (check makes no key, so every dialect
// splits; sessions only in a dialect whose parts are read with their keys). Real msglog runs; a module
// loaded first in each (NODE_OPTIONS) records the workers started and what they were started for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generatedLog, ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
let dir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-early-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const generated = (dialect: string, megabytes: number): string => generatedLog(dir, dialect, megabytes);

/** `msglog ARGS` with a probe that writes the kind of job of every worker started (`part` for a part job) to a file; returns those kinds and the run. */
function withProbe(...args: string[]): { kinds: string[]; stdout: string; status: number | null } {
  return probed(undefined, args);
}

/** withProbe, with MSGLOG_THREADS set to `threads` (undefined: unset, the threads chosen by size). */
function probed(threads: string | undefined, args: string[]): { kinds: string[]; stdout: string; status: number | null } {
  const record = path.join(dir, `workers-${threads ?? ''}-${args.join('-').replace(/\W+/g, '_')}.txt`);
  fs.writeFileSync(record, '');
  const probe = path.join(dir, 'probe.js');
  fs.writeFileSync(
    probe,
    `const wt = require('worker_threads'); const fs = require('fs'); const Base = wt.Worker;
     wt.Worker = class extends Base { constructor(file, options) { super(file, options); const d = options && options.workerData; fs.appendFileSync(${JSON.stringify(record)}, ((d && d.kind) || 'part') + '\\n'); } };`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(), MSGLOG_HUGE_PAGES: '0' };
  delete env.MSGLOG_THREADS;
  if (threads !== undefined) env.MSGLOG_THREADS = threads;
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, maxBuffer: 256 << 20 });
  return { kinds: fs.readFileSync(record, 'utf8').split('\n').filter(Boolean), stdout: r.stdout, status: r.status };
}

test('check starts its part worker early for a large log read in parts (every dialect splits for check), and not for a small one', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, () => {
  const parted = generated('communigate', 56);
  const early = withProbe('check', parted);
  assert.deepEqual(early.kinds, ['early-part'], 'one worker, started early and given the parts');
  const oneThread = spawnSync(process.execPath, [BIN, 'check', parted], { encoding: 'utf8', env: { ...process.env, MSGLOG_THREADS: '1' }, maxBuffer: 256 << 20 });
  assert.equal(early.stdout, oneThread.stdout, 'the same diagnostics as one thread');
  assert.equal(early.status, oneThread.status);
  // The worker writes the lines of its parts (BuildOptions.checkFormat): as JSON, and with file names too.
  const small = generated('communigate', 1);
  for (const args of [['--json', parted], [parted, small], ['--json', small, parted], ['--max-warnings', '0', parted]]) {
    const two = withProbe('check', ...args);
    const one = spawnSync(process.execPath, [BIN, 'check', ...args], { encoding: 'utf8', env: { ...process.env, MSGLOG_THREADS: '1' }, maxBuffer: 256 << 20 });
    assert.equal(two.stdout, one.stdout, `check ${args.join(' ')}: the same as one thread`);
    assert.equal(two.status, one.status, `check ${args.join(' ')}: the same exit status`);
  }
  // EMG connector logs are read in parts by check (it makes no session key, whose connect spans run
  // from line to line; Dialect.splitsWithState): the part worker starts early for them too.
  const emg = generated('emg', 56);
  const emgEarly = withProbe('check', emg);
  assert.deepEqual(emgEarly.kinds, ['early-part']);
  const emgOne = spawnSync(process.execPath, [BIN, 'check', emg], { encoding: 'utf8', env: { ...process.env, MSGLOG_THREADS: '1' }, maxBuffer: 256 << 20 });
  assert.equal(emgEarly.stdout, emgOne.stdout, 'EMG: the same diagnostics as one thread');
  assert.ok(emgOne.stdout.length > 0, 'EMG: diagnostics to compare');
  // A PrivateServer table (newest first, read in parts with its table's state): the worker keeps its
  // parts and writes their lines once this thread has decided the table's order (keptParts.ts).
  const table = generated('privateserver', 56);
  for (const args of [[table], ['--json', table]]) {
    const two = withProbe('check', ...args);
    assert.deepEqual(two.kinds, ['early-part']);
    const one = spawnSync(process.execPath, [BIN, 'check', ...args], { encoding: 'utf8', env: { ...process.env, MSGLOG_THREADS: '1' }, maxBuffer: 256 << 20 });
    assert.ok(one.stdout.length > 1 << 20, 'PrivateServer: diagnostics to compare');
    assert.equal(two.stdout, one.stdout, `PrivateServer check ${args.join(' ')}: the same as one thread`);
    assert.equal(two.status, one.status);
  }
  // A command that makes keys (report) reads it on one thread: no part worker, only the one that maps
  // the record arrays' memory ahead of the scan on the idle core (pageToucher.ts).
  assert.deepEqual(withProbe('report', emg).kinds, ['touch']);
  // A small log: one thread, no worker.
  assert.deepEqual(withProbe('check', generated('axigen', 2)).kinds, []);
});

test('sessions (as JSON and as text) starts its worker early for a large log whose halves are read with their keys, and lists one thread\'s sessions', { skip: os.availableParallelism() < 2 && 'one core: no worker' }, () => {
  const parted = generated('communigate', 56);
  // Below 160 MB a list is gathered on one thread (the worker's start would cost more than its half saves).
  assert.deepEqual(withProbe('sessions', '--json', parted).kinds, []);
  for (const args of [['--json', parted], [parted]]) {
    // Two threads asked for: the size does not matter then.
    const two = probed('2', ['sessions', ...args]);
    assert.deepEqual(two.kinds, ['early-part'], `sessions ${args.join(' ')}: one worker, started early and given the back half`);
    const one = spawnSync(process.execPath, [BIN, 'sessions', ...args], { encoding: 'utf8', env: { ...process.env, MSGLOG_THREADS: '1' }, maxBuffer: 256 << 20 });
    assert.ok(one.stdout.length > 1 << 20, 'a long list to compare');
    assert.equal(two.stdout, one.stdout, `sessions ${args.join(' ')}: the same as one thread`);
    assert.equal(two.status, one.status);
  }
  // EMG's connection spans run from line to line: its sessions are gathered on one thread, with no worker.
  assert.deepEqual(probed('2', ['sessions', '--json', generated('emg', 56)]).kinds, []);
});
