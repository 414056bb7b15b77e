// Both cores: a large log on disk is split at line boundaries into parts; this thread indexes the
// first, worker threads (indexWorker.ts) the others, and the parts are stitched in order (LogIndex
// adoptPart / PortableStore.adopt) into the index one thread would have built.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { MessagePort } from 'worker_threads';
import { LF } from './bytes';
import { CancelledError, LogIndex } from './logIndex';
import type { BuildOptions, StorePart } from './logIndex';
import type { LogSource } from './source';
import type { DialectId, ParseContext } from './types';
import type { HeaderLinesJob } from './quickFilter';
import type { SearchJob } from './parallelSearch';

/** Below this size one thread is quicker than starting workers. */
export const PARALLEL_MIN_BYTES = 48 << 20;
/** No part smaller than this. */
const MIN_PART_BYTES = 24 << 20;

/** What a worker is asked to index: the parts it claims from `claims`, one after another. */
export interface PartJob {
  path: string;
  /** Offsets that split the log into parts (part k is `[bounds[k], bounds[k + 1])`). */
  bounds: number[];
  /** Int32 counter of parts claimed so far, shared by every thread of the build (Atomics.add). */
  claims: SharedArrayBuffer;
  dialect: DialectId;
  ctx: ParseContext;
  toleranceMs: number;
  /** Text to search while indexing (BuildOptions.search), whether to keep problem lines (BuildOptions.problemLines), and to skip keys (BuildOptions.keyless). */
  search: string | undefined;
  problemLines: boolean;
  keyless: boolean;
  /** Int32 count of answers posted (notified after each); the last answer has `last` set. */
  done: SharedArrayBuffer;
  port: MessagePort;
}

/** A worker's answer for one part (k), or its error; `last` when it claims no more. */
export type PartAnswer = ({ k: number; part: StorePart; scannedTo: number; endsInPartialLine: boolean } | { error: string } | { k: -1 }) & { last?: boolean };

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
  return Math.max(1, Math.min(cores, 4, Math.floor(size / MIN_PART_BYTES)));
}

/** MSGLOG_THREADS=N sets the threads of every large index (1: one thread, as before workers). */
function threadsFromEnvironment(): number | undefined {
  const n = Number(process.env.MSGLOG_THREADS);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** Offsets that split `[0, size)` into about `parts` parts, each starting at a line boundary (after an LF). */
export function splitAtLines(source: LogSource, size: number, parts: number): number[] {
  const bounds = [0];
  for (let k = 1; k < parts; k++) {
    let pos = Math.max(Math.floor((size * k) / parts), bounds[bounds.length - 1]);
    let cut = -1;
    while (pos < size) {
      const window = source.read(pos, Math.min(size, pos + (1 << 16)));
      const nl = window.indexOf(LF);
      if (nl >= 0) {
        cut = pos + nl + 1;
        break;
      }
      pos += window.length;
    }
    if (cut < 0 || cut >= size) break;
    if (cut > bounds[bounds.length - 1]) bounds.push(cut);
  }
  bounds.push(size);
  return bounds;
}

/**
 * A worker indexing the parts it claims (or searching one range). Its answers come through a port;
 * a shared counter says how many were posted, so this thread can block on it (the command line has
 * nothing else to do) or look at it between turns of the event loop (a server).
 */
export class PartWorker<Answer = PartAnswer> {
  private readonly flag: Int32Array;
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private taken = 0;

  constructor(file: string, job: Omit<PartJob, 'done' | 'port'> | Omit<SearchJob, 'done' | 'port'> | Omit<HeaderLinesJob, 'done' | 'port'>) {
    const done = new SharedArrayBuffer(4);
    this.flag = new Int32Array(done);
    const channel = new MessageChannel();
    this.port = channel.port1;
    const full = { ...job, done, port: channel.port2 };
    this.worker = new Worker(file, { workerData: full, transferList: [channel.port2] });
    // The answer comes through the port; an error event must not take the process down with it.
    this.worker.on('error', () => undefined);
    this.worker.unref();
  }

  /** The worker's next answer (blocks). */
  waitSync(): Answer | { error: string } {
    while (Atomics.load(this.flag, 0) <= this.taken) Atomics.wait(this.flag, 0, this.taken, 1000);
    return this.take();
  }

  /** The worker's next answer if it has posted one, else undefined (does not wait). */
  poll(): Answer | { error: string } | undefined {
    return Atomics.load(this.flag, 0) > this.taken ? this.take() : undefined;
  }

  /** Waits (blocking) until the worker posts its next answer or `ms` pass. */
  block(ms: number): void {
    if (Atomics.load(this.flag, 0) <= this.taken) Atomics.wait(this.flag, 0, this.taken, ms);
  }

  /** The worker's next answer, waiting without blocking the event loop. */
  async wait(isCancelled?: () => boolean): Promise<Answer | { error: string }> {
    return (await this.posted(isCancelled)) ? this.take() : { error: 'cancelled' };
  }

  /** Resolves once the worker has posted an answer not yet taken; false when cancelled first (the worker is stopped). */
  async posted(isCancelled?: () => boolean): Promise<boolean> {
    while (Atomics.load(this.flag, 0) <= this.taken) {
      if (isCancelled?.()) {
        void this.worker.terminate();
        return false;
      }
      // A look every 20 ms: the answer takes seconds, and the event loop stays free meanwhile.
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  private take(): Answer | { error: string } {
    this.taken++;
    const message = receiveMessageOnPort(this.port);
    if (!message) return { error: 'the index worker stopped without an answer' };
    const answer = message.message as Answer & { last?: boolean };
    // A search answers once; an index worker once per part it claimed, the last answer flagged.
    if (answer.last === true || !('k' in answer)) this.port.close();
    return answer;
  }

  terminate(): void {
    void this.worker.terminate();
  }
}

/** Parts per thread: small enough that a thread slowed by others hands its share to the rest. */
const PARTS_PER_THREAD = 2;

/** What every part of a build is asked besides its records (BuildOptions). */
export type PartOptions = Pick<BuildOptions, 'search' | 'problemLines' | 'keyless'>;

/** Starts `threads - 1` workers that claim parts of the log (part 0 is the caller's, claimed already). */
function startWorkers(index: LogIndex, file: string, bounds: number[], claims: SharedArrayBuffer, threads: number, ctx: ParseContext, toleranceMs: number, options: PartOptions): PartWorker[] {
  const entry = workerFile();
  if (entry === undefined) throw new Error('no index worker');
  const workers: PartWorker[] = [];
  for (let t = 1; t < threads; t++) {
    workers.push(new PartWorker(entry, { path: file, bounds, claims, dialect: index.dialect.id, ctx: plainContext(ctx), toleranceMs, search: options.search, problemLines: options.problemLines === true, keyless: options.keyless === true }));
  }
  return workers;
}

/**
 * Adopts the parts of a parted build in order as they arrive (this thread's and the workers'), so
 * that stitching runs while a worker still scans its last part instead of after it.
 */
class Stitcher {
  private readonly parts = new Map<number, PartAnswer>();
  private next = 1;
  private readonly finished = new Set<PartWorker>();

  constructor(
    private readonly index: LogIndex,
    private readonly count: number,
    private readonly workers: PartWorker[],
  ) {}

  get done(): boolean {
    return this.next >= this.count;
  }

  /** Files a part (this thread's), takes what the workers have posted, and adopts every part now in order. */
  add(answer: PartAnswer | undefined): void {
    if (answer !== undefined) this.file(answer, undefined);
    for (const worker of this.workers) {
      if (this.finished.has(worker)) continue;
      for (let a = worker.poll(); a !== undefined; a = this.finished.has(worker) ? undefined : worker.poll()) this.file(a, worker);
    }
    for (let part = this.parts.get(this.next); part !== undefined; part = this.parts.get(this.next)) {
      adopt(this.index, part);
      this.parts.delete(this.next++);
    }
  }

  /** Waits a little for the next answer of a worker that has not finished (blocking). */
  block(): void {
    const waiting = this.workers.find((w) => !this.finished.has(w));
    if (waiting === undefined) throw new Error(`index worker: part ${this.next} of ${this.count} is missing`);
    waiting.block(this.workers.length > 1 ? 5 : 1000);
  }

  /** The workers that have not posted their last answer. */
  get busy(): PartWorker[] {
    return this.workers.filter((w) => !this.finished.has(w));
  }

  private file(answer: PartAnswer | { error: string }, worker: PartWorker | undefined): void {
    if ('error' in answer) throw new Error(`index worker: ${answer.error}`);
    if (answer.last === true && worker !== undefined) this.finished.add(worker);
    if ('k' in answer && answer.k >= 0) this.parts.set(answer.k, answer);
  }
}

/** One part of a log indexed on its own (what a worker does with the parts it claims). */
export function indexPart(source: LogSource, dialect: LogIndex['dialect'], ctx: ParseContext, toleranceMs: number, from: number, to: number, options: PartOptions, k: number): PartAnswer {
  const part = new LogIndex(source, dialect, ctx, { toleranceMs });
  part.startPart(from, Math.min(to, source.size));
  part.build({ search: options.search, problemLines: options.problemLines, keyless: options.keyless });
  return { k, part: part.part(), scannedTo: part.scannedTo, endsInPartialLine: part.endsInPartialLine };
}

export function plainContext(ctx: ParseContext): ParseContext {
  return { fileName: ctx.fileName, mtimeMs: ctx.mtimeMs };
}

/** A build on several threads under way: the parts' bounds, the counter they are claimed from, the workers. */
interface PartedBuild {
  bounds: number[];
  counter: Int32Array;
  workers: PartWorker[];
}

/**
 * Splits the log into parts and starts the workers, part 0 left to `index` itself (already set to
 * index it); undefined when the log is to be built on this thread alone.
 */
function startPartedBuild(index: LogIndex, file: string, threads: number, ctx: ParseContext, toleranceMs: number, options: BuildOptions): PartedBuild | undefined {
  const size = index.source.size;
  const bounds = splitAtLines(index.source, size, options.parts ?? partsFor(size, threads));
  if (bounds.length <= 2 || !index.dialect.partable) return undefined;
  const claims = new SharedArrayBuffer(4);
  const counter = new Int32Array(claims);
  Atomics.store(counter, 0, 1);
  const workers = startWorkers(index, file, bounds, claims, threads, ctx, toleranceMs, options);
  index.reserve(Math.ceil(size / 64));
  index.startPart(0, bounds[1]);
  return { bounds, counter, workers };
}

/**
 * Builds `index` (new, over the file `file`) on `threads` threads: the log is split into a few parts
 * per thread, this thread indexes the first into `index` itself, then every thread (this one and
 * the workers) claims the next part left until none is; the parts are stitched in order. Same result
 * as build().
 */
export function buildParallel(index: LogIndex, file: string, threads: number, ctx: ParseContext, toleranceMs: number, options: BuildOptions = {}): void {
  const run = startPartedBuild(index, file, threads, ctx, toleranceMs, options);
  if (run === undefined) {
    index.build(options);
    return;
  }
  const { bounds, counter, workers } = run;
  try {
    index.build(options);
    const stitcher = new Stitcher(index, bounds.length - 1, workers);
    for (let k = Atomics.add(counter, 0, 1); k + 1 < bounds.length; k = Atomics.add(counter, 0, 1)) {
      if (options.isCancelled?.()) throw new CancelledError();
      stitcher.add(indexPart(index.source, index.dialect, ctx, toleranceMs, bounds[k], bounds[k + 1], options, k));
    }
    for (stitcher.add(undefined); !stitcher.done; stitcher.add(undefined)) stitcher.block();
    index.endParts();
  } catch (e) {
    for (const worker of workers) worker.terminate();
    throw e;
  }
}

/** As buildParallel, giving the event loop turns (a server): cancellation stops the workers too. */
export async function buildParallelAsync(index: LogIndex, file: string, threads: number, ctx: ParseContext, toleranceMs: number, options: BuildOptions = {}): Promise<void> {
  const run = startPartedBuild(index, file, threads, ctx, toleranceMs, options);
  if (run === undefined) {
    await index.buildAsync(options);
    return;
  }
  const { bounds, counter, workers } = run;
  try {
    await index.buildAsync(options);
    // The parts this thread claims are built with turns of the event loop too.
    const stitcher = new Stitcher(index, bounds.length - 1, workers);
    for (let k = Atomics.add(counter, 0, 1); k + 1 < bounds.length; k = Atomics.add(counter, 0, 1)) {
      const part = new LogIndex(index.source, index.dialect, ctx, { toleranceMs });
      part.startPart(bounds[k], Math.min(bounds[k + 1], index.source.size));
      await part.buildAsync({ search: options.search, problemLines: options.problemLines, keyless: options.keyless, isCancelled: options.isCancelled });
      stitcher.add({ k, part: part.part(), scannedTo: part.scannedTo, endsInPartialLine: part.endsInPartialLine });
    }
    for (stitcher.add(undefined); !stitcher.done; stitcher.add(undefined)) {
      const [waiting] = stitcher.busy;
      if (waiting === undefined) throw new Error('index worker: a part is missing');
      await waiting.posted(options.isCancelled);
      if (options.isCancelled?.()) throw new CancelledError();
    }
    index.endParts();
  } catch (e) {
    for (const worker of workers) worker.terminate();
    throw e;
  }
}

/** How many parts to split a log of `size` bytes into for `threads` threads. */
function partsFor(size: number, threads: number): number {
  return Math.max(threads, Math.min(threads * PARTS_PER_THREAD, Math.floor(size / MIN_PART_BYTES)));
}

function adopt(index: LogIndex, answer: PartAnswer): void {
  if ('error' in answer) throw new Error(`index worker: ${answer.error}`);
  if (!('part' in answer)) throw new Error('index worker: no part in its answer');
  index.adoptPart(answer.part, answer.scannedTo, answer.endsInPartialLine);
}

/** The buffers of a part, to transfer rather than copy. */
export function transferables(part: StorePart): ArrayBuffer[] {
  const arrays = [part.recStartLine, part.recStartOffset, part.recBodyCol, part.recWall, part.offsets, part.recLevel, part.recSeverity, part.recFlags, part.recSession, part.keyPool, part.keyBounds, part.sessionFirst, part.sessionLast, part.sessionRecordCount, part.sessionDialogs.sessions, part.sessionDialogs.starts, part.sessionDialogs.pool, part.hits, part.problemLines?.records, part.problemLines?.starts, part.problemLines?.pool];
  const seen = new Set<ArrayBuffer>();
  for (const a of arrays) if (a !== undefined && a.buffer instanceof ArrayBuffer) seen.add(a.buffer);
  return [...seen];
}
