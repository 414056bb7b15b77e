// An index worker that ends without answering must not keep msglog waiting for ever: this thread waits
// for its answers blocked (Atomics.wait), where the worker's events never arrive (workerEnd.ts). Real
// workers, ended as they are done or stopped from here, or made to end in the middle of a real `msglog
// check` by a module loaded first in each thread (NODE_OPTIONS). Each case runs in a process of its
// own with a time limit: a wait that never ends would block this one's event loop, time limit and all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generatedLog, ROOT } from './helpers';

let dir = '';
let log = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-worker-end-'));
  log = generatedLog(dir, 'communigate', 40);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const ENGINE = path.join(ROOT, 'out/server/src/engine');

/**
 * Runs `body` (a script's statements, with `engine(name)` requiring a compiled engine module and `log`
 * the generated log's path) in a new Node; returns what it printed, failing when it is still waiting
 * after 60 s.
 */
function inProcess(body: string): string {
  const script = `const engine = (name) => require(${JSON.stringify(ENGINE)} + '/' + name); const log = ${JSON.stringify(log)};\n${body}`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.signal, null, `still waiting after 60 s: ${run.stdout}${run.stderr}`);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

/** Script lines: `worker`, a real worker gathering the back half of the log's sessions, once it has said its lead (it runs). */
const RUNNING_WORKER = `
  const { PartWorker, workerFile } = engine('parallel');
  const size = require('fs').statSync(log).size;
  const job = { kind: 'sessions-half', path: log, from: Math.floor(size / 2), to: size, dialect: 'communigate-log', ctx: { fileName: '2026-01-15.log' }, toleranceMs: 1000, utcOffsetMin: 0, windowBytes: 1 << 20 };
  const worker = new PartWorker(workerFile(), job);
  const lead = worker.waitSync();
  if (!('lead' in lead)) throw new Error('no lead: ' + JSON.stringify(lead));
`;

test('waitSync takes what a worker posted before it ended, then says there is no more', () => {
  const out = inProcess(`
    const { PartWorker, workerFile } = engine('parallel');
    // A search answers once and its worker ends.
    const worker = new PartWorker(workerFile(), { kind: 'search', path: log, from: 0, to: 1 << 20, needle: 'SMTP' });
    const answer = worker.waitSync();
    const after = worker.waitSync();
    console.log(JSON.stringify({ found: answer.offsets.length > 0, after, ended: worker.ended }));
  `);
  assert.deepEqual(JSON.parse(out), { found: true, after: { error: 'it stopped without an answer' }, ended: true });
});

test('waitSync answers with an error when its worker is stopped in the middle of its work', () => {
  const out = inProcess(`${RUNNING_WORKER}
    worker.terminate();
    // Its keys may have come before it stopped: then the error.
    let answer = worker.waitSync();
    if ('keys' in answer) answer = worker.waitSync();
    console.log(JSON.stringify(answer));
  `);
  assert.deepEqual(JSON.parse(out), { error: 'it stopped without an answer' });
});

test('the stitcher of a parted build stops with an error when its worker has ended', () => {
  const out = inProcess(`${RUNNING_WORKER}
    worker.terminate();
    const { Stitcher } = engine('stitcher');
    const { LogIndex } = engine('logIndex');
    const { MemorySource } = engine('source');
    const { communigate } = engine('dialects/communigate');
    const index = new LogIndex(new MemorySource(Buffer.from('12:00:00.000 1 SYSTEM started\\n')), communigate, { fileName: '2026-01-15.log' });
    const stitcher = new Stitcher(index, 2, [worker], 1, {});
    try {
      // The worker's lead and keys are not parts: the stitcher drops them and waits for part 1.
      for (stitcher.add(); !stitcher.done; stitcher.add()) stitcher.block();
      console.log('done');
    } catch (e) {
      console.log(e.message);
    }
  `);
  assert.equal(out, 'index worker: it stopped before part 1 of 2');
});

test('a worker whose code never runs (a bundle that does not load) is given up on once its start is overdue', () => {
  const broken = path.join(dir, 'broken-worker.js');
  fs.writeFileSync(broken, "throw new Error('a bundle that does not load');\n");
  const out = inProcess(`
    const { PartWorker } = engine('parallel');
    // As a job is given to an early worker: it never takes it. A start limit of 300 ms instead of 30 s.
    const worker = new PartWorker(${JSON.stringify(broken)}, undefined, 300);
    const sync = worker.waitSync();
    const late = new PartWorker(${JSON.stringify(broken)}, undefined, 300);
    late.wait().then((async) => console.log(JSON.stringify({ sync, async, ended: worker.ended })));
  `);
  assert.deepEqual(JSON.parse(out), { sync: { error: 'it did not start' }, async: { error: 'it did not start' }, ended: true });
});

test("an asynchronous wait (the server's) ends too", () => {
  const out = inProcess(`${RUNNING_WORKER}
    worker.terminate();
    (async () => {
      let answer = await worker.wait();
      if ('keys' in answer) answer = await worker.wait();
      console.log(JSON.stringify(answer));
    })();
  `);
  assert.deepEqual(JSON.parse(out), { error: 'it stopped without an answer' });
});

test('msglog check ends with a one-line error when its worker ends in the middle of its part', () => {
  const reads = path.join(dir, 'reads');
  // In the worker only: its fourth read of the log ends the thread (its exit handlers run, as when a
  // worker's code calls process.exit) in the middle of its half.
  const probe = path.join(dir, 'probe.js');
  fs.writeFileSync(
    probe,
    `const wt = require('worker_threads'); const fs = require('fs');
     if (!wt.isMainThread) { const read = fs.readSync; let n = 0;
       fs.readSync = function (...args) { if (++n === 4) { fs.appendFileSync(${JSON.stringify(reads)}, 'ended\\n'); process.exit(7); } return read.apply(this, args); }; }`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(), MSGLOG_THREADS: '2', MSGLOG_HUGE_PAGES: '0' };
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/msglog.js'), 'check', log], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.signal, null, `msglog still waiting after 60 s: ${run.stderr}`);
  assert.equal(fs.readFileSync(reads, 'utf8'), 'ended\n', 'the worker ended in the middle of its half');
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^msglog: .*index worker.*stopped/);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
});
