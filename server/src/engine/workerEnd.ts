// Whether an index worker this thread waits on has ended. msglog waits for its workers' answers
// blocked in Atomics.wait (PartWorker.waitSync), where the worker's 'exit' and 'error' events never
// arrive: a worker that ended without answering (its heap exhausted, stopped, an error outside its
// jobs' own catch) would keep this thread waiting for ever. So the worker says, in the cells its
// answers are counted in, that it ends (when its JavaScript still runs) and which thread it is (on
// Linux, so that a thread gone without a word, such as one out of memory, is seen missing too).
import * as fs from 'node:fs';

/** The shared cells of a worker's answers: how many it has posted, then these two. */
export const ANSWER_CELLS = 3;
/** 1 once the worker's thread runs its exit handlers. */
const ENDING = 1;
/** The worker's thread id (Linux), 0 when unknown. */
const THREAD = 2;

/** In the worker: says in `cells` which thread it is, and that it ends when it does. */
export function tellEnd(cells: SharedArrayBuffer): void {
  const view = new Int32Array(cells);
  if (view.length < ANSWER_CELLS) return;
  Atomics.store(view, THREAD, ownThreadId());
  process.once('exit', () => {
    Atomics.store(view, ENDING, 1);
    // Wakes a thread blocked on the count of answers: it looks at ENDING when it wakes.
    Atomics.notify(view, 0);
  });
}

/** Whether the worker whose answers are counted in `view` has ended (or is ending). */
export function workerEnded(view: Int32Array): boolean {
  if (Atomics.load(view, ENDING) === 1) return true;
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
