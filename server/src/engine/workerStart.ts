// How many threads index a log, and how a part worker starts. Small on purpose: msglog's launcher
// (cli/launch.ts) bundles it to start the worker of a large log before msglog's own bundle loads,
// and hands it over through a global (the launcher and msglog are two bundles, each with its own
// copy of this module); parallel.ts takes it from there.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, Worker } from 'worker_threads';
import type { MessagePort } from 'worker_threads';
import { MIN_THREAD_BYTES } from './partPlan';
import { ANSWER_CELLS } from './workerEnd';

/** Below this size one thread is quicker than starting workers. */
export const PARALLEL_MIN_BYTES = 48 << 20;

/**
 * Logs from this size on are gathered in two halves. Below it the worker's start, and its code not yet
 * optimised, cost more than its half saves: CommuniGate, six pairs each against one thread, 60 MB
 * 0.73–0.84 s against 0.56–0.72 s, 120 MB 0.82–0.87 against 0.72–0.75 s, 200 MB 0.98–1.03 against
 * 0.96–1.01 s; 350 MB 1.27–1.32 against 1.42–1.65 s, 1 GB 2.65–2.91 against 3.55–3.71 s. Dialects
 * that cost more a byte gain sooner: Axigen 200 MB 1.32–1.41 against 1.72–1.77 s (60 MB: even).
 */
export const HALVES_MIN_BYTES = 160 << 20;

/** The bundled worker entry next to this code (server/out/indexWorker.js, or the compiled tests' copy). */
export function workerFile(): string | undefined {
  const file = path.join(__dirname, 'indexWorker.js');
  return fs.existsSync(file) ? file : undefined;
}

/** How many threads to use for a log of `size` bytes: 1 for small logs or when workers are unavailable. */
export function threadsFor(size: number, requested = threadsFromEnvironment()): number {
  if (requested !== undefined) return requested > 1 && workerFile() !== undefined ? Math.min(requested, 16) : 1;
  if (size < PARALLEL_MIN_BYTES || workerFile() === undefined) return 1;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4, Math.floor(size / MIN_THREAD_BYTES)));
}

/** Whether MSGLOG_THREADS sets the threads (every size of log then takes them, as tests ask). */
export function threadsForced(): boolean {
  return threadsFromEnvironment() !== undefined;
}

/** MSGLOG_THREADS=N sets the threads of every large index (1: one thread, as before workers). */
function threadsFromEnvironment(): number | undefined {
  const n = Number(process.env.MSGLOG_THREADS);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** A part worker started before its job (startEarlyPartWorker): it waits for the PartJob (without `done` and `port`) on `port`. */
export interface EarlyPartJob {
  kind: 'early-part';
  done: SharedArrayBuffer;
  port: MessagePort;
}

/** A worker just started: its thread, the cells its answers are counted in (workerEnd.ts), this side of its port, and when it was started (Date.now()). */
export interface StartedWorker {
  worker: Worker;
  flag: Int32Array;
  port: MessagePort;
  startedAt: number;
}

/** Starts the worker `file` on `job` (given its cells and port here), or, with none, to wait for its job (EarlyPartJob). */
export function startWorker(file: string, job: object | undefined): StartedWorker {
  const done = new SharedArrayBuffer(ANSWER_CELLS * 4);
  const channel = new MessageChannel();
  const full = job === undefined ? ({ kind: 'early-part', done, port: channel.port2 } satisfies EarlyPartJob) : { ...job, done, port: channel.port2 };
  const worker = new Worker(file, { workerData: full, transferList: [channel.port2] });
  // The answer comes through the port; an error event must not take the process down with it.
  worker.on('error', () => undefined);
  // Never holds the process up: a worker started early and not used ends with it.
  worker.unref();
  return { worker, flag: new Int32Array(done), port: channel.port1, startedAt: Date.now() };
}

/** Where the launcher's worker waits for msglog: a global, since the two are separate bundles. */
const HANDED_OVER = Symbol.for('msglog.partWorkerStartedByLauncher');

/** The launcher's side: leaves `started` (startWorker with no job) for msglog's startEarlyPartWorker. */
export function handOverWorker(started: StartedWorker): void {
  (globalThis as Record<symbol, unknown>)[HANDED_OVER] = started;
}

/** The worker the launcher handed over, taken (undefined when there is none). */
export function takeHandedOverWorker(): StartedWorker | undefined {
  const slots = globalThis as Record<symbol, unknown>;
  const started = slots[HANDED_OVER] as StartedWorker | undefined;
  delete slots[HANDED_OVER];
  return started;
}
