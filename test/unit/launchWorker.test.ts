// msglog's launcher starts the part worker of one large log before msglog's bundle loads (cli/launch.ts,
// engine/workerStart.ts); msglog takes it where it would start one, and stops it otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PARTED_COMMANDS, startPartWorkerEarly } from '../../server/src/cli/launch';
import { COMMANDS } from '../../server/src/cli/commands';
import { dropHandedOverWorker, earlyPartWorkerWaiting, startEarlyPartWorker, takeEarlyPartWorker } from '../../server/src/engine/parallel';
import { handOverWorker, PARALLEL_MIN_BYTES, takeHandedOverWorker } from '../../server/src/engine/workerStart';
import { ROOT } from './helpers';

let dir = '';
/** A file large enough for two threads that takes no disk (a hole after one log line). */
let large = '';
let small = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-launch-'));
  large = path.join(dir, '2026-01-15.log');
  fs.writeFileSync(large, '00:00:00.012 2 SYSTEM started\n');
  fs.truncateSync(large, PARALLEL_MIN_BYTES + (1 << 20));
  small = path.join(dir, 'small.log');
  fs.writeFileSync(small, '00:00:00.012 2 SYSTEM started\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the launcher knows the commands that index one log on two threads', () => {
  assert.deepEqual([...PARTED_COMMANDS].sort(), COMMANDS.filter((c) => c.partedIndex !== undefined).map((c) => c.name).sort());
});

test('the launcher starts the worker for `COMMAND FILE` of a parted command and a large log only', () => {
  // A session list of this size is gathered on one thread (windowedSessions.ts' HALVES_MIN_BYTES).
  for (const argv of [['filter', large], ['sessions', large], ['check', small], ['check', path.join(dir, 'missing.log')], ['check', dir], ['check', '--dialect', 'emg', large], ['check', large, small], ['check']]) {
    assert.equal(startPartWorkerEarly(argv), false, argv.join(' '));
    assert.equal(takeHandedOverWorker(), undefined, argv.join(' '));
  }
  const previous = process.env.MSGLOG_THREADS;
  try {
    for (const threads of ['1', '2']) {
      process.env.MSGLOG_THREADS = threads;
      assert.equal(startPartWorkerEarly(['check', large]), false, `MSGLOG_THREADS=${threads}: left to msglog`);
    }
  } finally {
    if (previous === undefined) delete process.env.MSGLOG_THREADS;
    else process.env.MSGLOG_THREADS = previous;
  }
});

test("msglog takes the launcher's worker as its early worker, and it runs", async () => {
  assert.equal(startPartWorkerEarly(['check', '--json', large]), true);
  const handed = takeHandedOverWorker();
  assert.ok(handed !== undefined);
  // Started unreferenced (it must not hold msglog up): referenced here, so that this test waits for its events.
  handed.worker.ref();
  // Handed over again, as the launcher leaves it (taken above to look at it): startEarlyPartWorker must take this one.
  handOverWorker(handed);
  startEarlyPartWorker();
  assert.equal(takeHandedOverWorker(), undefined, 'taken');
  assert.equal(earlyPartWorkerWaiting(), true);
  const early = takeEarlyPartWorker();
  assert.ok(early !== undefined);
  await once(handed.worker, 'online');
  const exited = once(handed.worker, 'exit');
  early.terminate();
  await exited;
});

test('a worker the launcher started that msglog does not take is stopped', async () => {
  assert.equal(startPartWorkerEarly(['check', large]), true);
  const handed = takeHandedOverWorker();
  assert.ok(handed !== undefined);
  handed.worker.ref();
  handOverWorker(handed);
  const exited = once(handed.worker, 'exit');
  dropHandedOverWorker();
  await exited;
  assert.equal(takeHandedOverWorker(), undefined);
});

test('the launcher runs msglog when run as a script (the second start of a large input runs it so)', () => {
  const failed = path.join(dir, 'failed.log');
  fs.writeFileSync(failed, '00:00:00.012 1 SYSTEM failed to start\n');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'server/out/launch.js'), 'check', failed], { encoding: 'utf8' });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '1: error level: 1 Failure: SYSTEM failed to start\n');
  assert.equal(r.status, 1);
});
