// Whether an index worker this thread waits on has ended. msglog waits for its workers' answers
// blocked in Atomics.wait (PartWorker.waitSync), where the worker's 'exit' and 'error' events never
// arrive: a worker that ended without answering (its heap exhausted, stopped, an error outside its
// jobs' own catch) would keep this thread waiting for ever. So the worker says, in the cells its
// answers are counted in, that its code runs, that it ends (when its JavaScript still runs) and which
// thread it is (on Linux, so that a thread gone without a word, such as one out of memory, is seen
// missing too). A worker whose code never runs (a bundle that does not load) is given up on after a while.
import * as fs from 'node:fs';

/** The shared cells of a worker's answers: how many it has posted, then these three. */
export const ANSWER_CELLS = 4;
/** 1 once the worker's thread runs its exit handlers. */
const ENDING = 1;
/** The worker's thread id (Linux), 0 when unknown. */
const THREAD = 2;
/** 1 once the worker's code runs (tellEnd). */
const STARTED = 3;

/**
 * How long a worker may take to start its code before this thread gives up on it: a worker's start
 * takes 50–300 ms here, seconds on a machine under load; one that has not started in this long will not.
 */
export const WORKER_START_LIMIT_MS = 30_000;

/** In the worker, once its code runs: says in `cells` that it runs, which thread it is, and that it ends when it does. */
export function tellEnd(cells: SharedArrayBuffer): void {
  const view = new Int32Array(cells);
  if (view.length < ANSWER_CELLS) return;
  Atomics.store(view, THREAD, ownThreadId());
  Atomics.store(view, STARTED, 1);
  process.once('exit', () => {
    Atomics.store(view, ENDING, 1);
    // Wakes a thread blocked on the count of answers: it looks at ENDING when it wakes.
    Atomics.notify(view, 0);
  });
}

/** Whether the worker whose answers are counted in `view` has run its code. */
export function workerStarted(view: Int32Array): boolean {
  return Atomics.load(view, STARTED) === 1;
}

/**
 * Whether the worker whose answers are counted in `view` has ended (or is ending), or has not started
 * its code by `startBy` (a Date.now() time).
 */
export function workerEnded(view: Int32Array, startBy: number): boolean {
  if (Atomics.load(view, ENDING) === 1) return true;
  if (!workerStarted(view)) return Date.now() > startBy;
  const thread = Atomics.load(view, THREAD);
  return thread > 0 && !fs.existsSync(`/proc/self/task/${thread}`);
}

/** This thread's id as Linux knows it (`/proc/thread-self` names it), or 0 elsewhere. */
function ownThreadId(): number {
  if (process.platform !== 'linux') return 0;
  try {
    const id = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(id) && id > 0 ? id : 0;
  } catch {
    return 0;
  }
}
