// Both cores: a large log on disk is split at line boundaries into parts. This thread indexes parts
// from the front, one after another into the index itself; worker threads (indexWorker.ts) take parts
// from the back, until the two meet. The workers' parts are then stitched on in order (LogIndex
// adoptPart / PortableStore.adopt): the index one thread would have built.
import { receiveMessageOnPort } from 'worker_threads';
import type { MessagePort, Worker } from 'worker_threads';
import { CancelledError, LogIndex } from './logIndex';
import type { BuildOptions, StorePart } from './logIndex';
import type { Dialect, DialectId, ParseContext } from './types';
import type { HeaderLinesJob } from './quickFilter';
import type { SearchJob } from './parallelSearch';
import type { LogSource } from './source';
import { BACK, claimFront, splitAtLines } from './partPlan';
import { touchesAhead } from './pageToucher';
import { WORKER_START_LIMIT_MS, workerEnded, workerStarted } from './workerEnd';
import type { StartedWorker } from './workerStart';
import { startWorker, takeHandedOverWorker, workerFile } from './workerStart';
import type { HeldPart, KeptPartsOrder } from './keptParts';
import { SlotsAhead, Stitcher } from './stitcher';
import type { BackHalfJob } from './windowedCheck';
import type { FrontEnd } from './halfFit';
import type { RowsWord, SessionsHalfJob, SessionsWord } from './windowedSessions';

// Defined in workerStart.ts, which the launcher's bundle takes in without the rest of the engine.
export type { EarlyPartJob } from './workerStart';
export { PARALLEL_MIN_BYTES, threadsFor, threadsForced, workerFile } from './workerStart';

/** What a worker is asked to index: the parts it claims from `claims`, one after another. */
export interface PartJob {
  path: string;
  /** Offsets that split the log into parts (part k is `[bounds[k], bounds[k + 1])`). */
  bounds: number[];
  /** The parts claimed so far, from the front and from the back (claimFront, claimBack), shared by every thread of the build. */
  claims: SharedArrayBuffer;
  dialect: DialectId;
  ctx: ParseContext;
  toleranceMs: number;
  /** Text to search while indexing (BuildOptions.search), whether to keep problem lines (BuildOptions.problemLines), and to skip keys (BuildOptions.keyless). */
  search: string | undefined;
  problemLines: boolean;
  keyless: boolean;
  /** Keep the parts, post what each is (HeldPart), and wait for this thread's word once all are in (keptParts.ts). */
  keep: boolean;
  /** Int32 count of answers posted (notified after each); the last answer has `last` set. */
  done: SharedArrayBuffer;
  port: MessagePort;
}

/** A worker's answer for one part (k), or its error; `last` when it claims no more. */
export type PartAnswer = ({ k: number; part: StorePart; scannedTo: number; endsInPartialLine: boolean } | { k: number; held: HeldPart } | { error: string } | { k: -1 }) & {
  last?: boolean;
  /** On the last answer of a worker that kept its parts: more comes once this thread has said what to do with them. */
  more?: boolean;
};

/**
 * Whether a log of this dialect may be split into parts indexed on their own (Dialect.partable, or
 * splitsWithState: 'keyless' ones only when no session key is interned).
 */
export function canSplit(dialect: Dialect, keyless: boolean | undefined): boolean {
  return dialect.partable === true || dialect.splitsWithState === 'always' || (dialect.splitsWithState === 'keyless' && keyless === true);
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
  /** When the worker is given up on if its code has not started (workerEnded). */
  private readonly startBy: number;

  /**
   * Starts the worker `file` on `job`; `job` undefined: a worker started early, whose job comes later
   * (assign). Or takes one started already (`file` a StartedWorker, by msglog's launcher).
   * `startLimitMs`: WORKER_START_LIMIT_MS (a test's own).
   */
  constructor(file: string | StartedWorker, job: Omit<PartJob, 'done' | 'port'> | Omit<SearchJob, 'done' | 'port'> | Omit<HeaderLinesJob, 'done' | 'port'> | BackHalfJob | SessionsHalfJob | undefined, startLimitMs = WORKER_START_LIMIT_MS) {
    const started = typeof file === 'string' ? startWorker(file, job) : file;
    this.startBy = started.startedAt + startLimitMs;
    this.flag = started.flag;
    this.port = started.port;
    this.worker = started.worker;
  }

  /** Whether the worker's code has started. */
  get started(): boolean {
    return workerStarted(this.flag);
  }

  /** Answers the worker has posted so far (a part each, and a last one that says it claims no more). */
  get posted(): number {
    return Atomics.load(this.flag, 0);
  }

  /** Gives a worker started early its job. */
  assign(job: Omit<PartJob, 'done' | 'port'> | BackHalfJob | SessionsHalfJob): this {
    this.port.postMessage(job);
    return this;
  }

  /** The worker's next answer (blocks), or an error once the worker has ended without it. */
  waitSync(): Answer | { error: string } {
    // Ended: take() finds the answer it posted before it ended, or says there is none.
    while (this.awaited()) Atomics.wait(this.flag, 0, this.taken, 1000);
    return this.take();
  }

  /** Whether an answer is still to come: none posted that is not taken yet, and the worker not ended. */
  private awaited(): boolean {
    return Atomics.load(this.flag, 0) <= this.taken && !workerEnded(this.flag, this.startBy);
  }

  /** Whether the worker has ended with every answer it posted taken: none is to come. */
  get ended(): boolean {
    // Ended first: its answers were all counted before it ended, so the count read after is its last.
    return workerEnded(this.flag, this.startBy) && Atomics.load(this.flag, 0) <= this.taken;
  }

  /** The worker's next answer if it has posted one, else undefined (does not wait). */
  poll(): Answer | { error: string } | undefined {
    return Atomics.load(this.flag, 0) > this.taken ? this.take() : undefined;
  }

  /** Waits (blocking) until the worker posts its next answer or `ms` pass (not at all once it has ended). */
  block(ms: number): void {
    if (this.awaited()) Atomics.wait(this.flag, 0, this.taken, ms);
  }

  /** The worker's next answer, waiting without blocking the event loop. */
  async wait(isCancelled?: () => boolean): Promise<Answer | { error: string }> {
    return (await this.answered(isCancelled)) ? this.take() : { error: 'cancelled' };
  }

  /** Resolves once the worker has posted an answer not yet taken; false when cancelled first (the worker is stopped). */
  async answered(isCancelled?: () => boolean): Promise<boolean> {
    // Ended without it: take() then says there is no answer.
    while (this.awaited()) {
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
    if (!message) return { error: workerStarted(this.flag) ? 'it stopped without an answer' : 'it did not start' };
    const answer = message.message as Answer & { last?: boolean; more?: boolean };
    // A search answers once; an index worker once per part it claimed, the last answer flagged.
    if ((answer.last === true && answer.more !== true) || !('k' in answer)) this.port.close();
    return answer;
  }

  /** Tells a worker that kept its parts what to do with them (keptParts.ts), or a windowed check's worker where the front half ends (windowedCheck.ts). */
  send(order: KeptPartsOrder | FrontEnd | SessionsWord | RowsWord): void {
    this.port.postMessage(order);
  }

  terminate(): void {
    void this.worker.terminate();
  }
}

/** What every part of a build is asked besides its records (BuildOptions). */
export type PartOptions = Pick<BuildOptions, 'search' | 'problemLines' | 'keyless' | 'segments' | 'checkFormat'>;

/** A part worker started ahead of a parted build (startEarlyPartWorker), until a build takes it. */
let earlyWorker: PartWorker | undefined;

/**
 * Starts a part worker now for a parted build to come (msglog check of a large log): its start (the
 * worker's own Node, 50–150 ms) then runs while this thread reads its arguments and opens the log,
 * not while the build waits for it. It does nothing else until its job comes: work on the other core
 * would slow this thread down (the cores share a lot here). Unused, it ends with the process.
 */
export function startEarlyPartWorker(): void {
  if (earlyWorker !== undefined) return;
  // One msglog's launcher started before this bundle loaded, if any: 40–70 ms sooner on the bench's host.
  const handed = takeHandedOverWorker();
  const entry = workerFile();
  if (handed !== undefined) earlyWorker = new PartWorker(handed, undefined);
  else if (entry !== undefined) earlyWorker = new PartWorker(entry, undefined);
}

/** Stops a worker msglog's launcher started that no build is going to take (a log that is not split after all). */
export function dropHandedOverWorker(): void {
  void takeHandedOverWorker()?.worker.terminate();
}

/** The part worker started early, taken for a build that gives it its job (assign); undefined when none waits. */
export function takeEarlyPartWorker(): PartWorker | undefined {
  const early = earlyWorker;
  earlyWorker = undefined;
  return early;
}

/** Whether a part worker started early waits for a build to take it. */
export function earlyPartWorkerWaiting(): boolean {
  return earlyWorker !== undefined;
}

/** Whether the part worker started early waits with its code running (its Node started, its bundle loaded). */
export function earlyPartWorkerReady(): boolean {
  return earlyWorker?.started === true;
}

/** Starts `threads - 1` workers that claim parts of the log (part 0 is the caller's, claimed already); the first is the early one, if any. */
function startWorkers(index: LogIndex, file: string, bounds: number[], claims: SharedArrayBuffer, threads: number, ctx: ParseContext, toleranceMs: number, options: PartOptions): PartWorker[] {
  const entry = workerFile();
  if (entry === undefined) throw new Error('no index worker');
  const workers: PartWorker[] = [];
  // One worker, for check: it keeps its parts (the tail of the log) and writes their diagnostics itself.
  // For a dialect whose parts may not follow (splitsWithState), this thread decides that from their
  // parser states (endKeptParts), and has them handed over to index them again here.
  const keep = threads === 2 && canSplit(index.dialect, true) && options.checkFormat !== undefined && options.segments === true && options.keyless === true && options.search === undefined;
  for (let t = 1; t < threads; t++) {
    const job = { path: file, bounds, claims, dialect: index.dialect.id, ctx: plainContext(ctx), toleranceMs, search: options.search, problemLines: options.problemLines === true, keyless: options.keyless === true, keep };
    workers.push(takeEarlyPartWorker()?.assign(job) ?? new PartWorker(entry, job));
  }
  return workers;
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

/** A build on several threads under way: the parts' bounds, the claims they are taken by, the workers. */
interface PartedBuild {
  bounds: number[];
  claims: Int32Array;
  workers: PartWorker[];
}

/**
 * Splits the log into parts and starts the workers, part 0 left to `index` itself (already set to
 * index it); undefined when the log is to be built on this thread alone.
 */
function startPartedBuild(index: LogIndex, file: string, threads: number, ctx: ParseContext, toleranceMs: number, options: BuildOptions): PartedBuild | undefined {
  const size = index.source.size;
  const bounds = splitAtLines(index.source, size, threads, options.parts);
  if (bounds.length <= 2 || !canSplit(index.dialect, options.keyless)) return undefined;
  if (bounds.length > BACK) throw new Error(`a log split into ${bounds.length - 1} parts: claims count fewer`);
  const shared = new SharedArrayBuffer(4);
  const claims = new Int32Array(shared);
  claimFront(claims, bounds.length - 1); // part 0, this thread's
  const workers = startWorkers(index, file, bounds, shared, threads, ctx, toleranceMs, options);
  index.reserve(Math.ceil(size / 64));
  index.startPart(0, bounds[1]);
  return { bounds, claims, workers };
}

/**
 * Builds `index` (new, over the file `file`) on `threads` threads: the log is split into a few parts
 * per thread; this thread indexes them from the front into `index` itself, one after another, while
 * the workers take them from the back; the workers' parts are stitched on in order. Same result as
 * build().
 */
export function buildParallel(index: LogIndex, file: string, threads: number, ctx: ParseContext, toleranceMs: number, options: BuildOptions = {}): void {
  const run = startPartedBuild(index, file, threads, ctx, toleranceMs, options);
  if (run === undefined) {
    // Not in parts (a dialect read in order): the other cores map its arrays' memory.
    index.build({ ...options, touchAhead: index.recordCount === 0 && touchesAhead(index.source.size, threads) });
    return;
  }
  const { bounds, claims, workers } = run;
  const parts = bounds.length - 1;
  const own = { ...options, onProgress: wholeLogProgress(options, bounds, workers) };
  try {
    index.build(own);
    index.finishSoFar();
    let next = 1; // the first part not in `index`
    for (let k = claimFront(claims, parts); k >= 0; k = claimFront(claims, parts)) {
      if (options.isCancelled?.()) throw new CancelledError();
      index.continuePart(bounds[k + 1]);
      index.build(own);
      index.finishSoFar();
      next = k + 1;
    }
    const stitcher = new Stitcher(index, parts, workers, next, options);
    const ahead = new SlotsAhead(index, bounds[next]);
    for (stitcher.add(); !stitcher.done; stitcher.add()) {
      // Waiting for a worker: the slots its parts will fill are mapped meanwhile, a slice at a time.
      if (stitcher.holding || !ahead.touchSlice()) stitcher.block();
    }
    stitcher.end();
    if (stitcher.alone) {
      // A part did not start in the state the parts before it left (splitsWithState): the rest is this thread's.
      for (const worker of workers) worker.terminate();
      index.goOnAlone(own);
    }
  } catch (e) {
    for (const worker of workers) worker.terminate();
    throw e;
  }
}

/** As buildParallel, giving the event loop turns (a server): cancellation stops the workers too. */
export async function buildParallelAsync(index: LogIndex, file: string, threads: number, ctx: ParseContext, toleranceMs: number, options: BuildOptions = {}): Promise<void> {
  const run = startPartedBuild(index, file, threads, ctx, toleranceMs, options);
  if (run === undefined) {
    await index.buildAsync({ ...options, touchAhead: index.recordCount === 0 && touchesAhead(index.source.size, threads) });
    return;
  }
  const { bounds, claims, workers } = run;
  const parts = bounds.length - 1;
  const progress = wholeLogProgress(options, bounds, workers);
  const own = { ...options, onProgress: progress };
  try {
    await index.buildAsync(own);
    index.finishSoFar();
    // The parts this thread claims are built with turns of the event loop too.
    let next = 1; // the first part not in `index`
    for (let k = claimFront(claims, parts); k >= 0; k = claimFront(claims, parts)) {
      index.continuePart(bounds[k + 1]);
      await index.buildAsync(own);
      index.finishSoFar();
      next = k + 1;
    }
    const stitcher = new Stitcher(index, parts, workers, next, options);
    for (stitcher.add(); !stitcher.done; stitcher.add()) {
      const [waiting] = stitcher.busy;
      if (waiting === undefined) throw new Error('index worker: a part is missing');
      await waiting.answered(options.isCancelled);
      if (options.isCancelled?.()) throw new CancelledError();
      stitcher.throwIfEnded(waiting);
      progress?.(index.scannedTo);
    }
    stitcher.end();
    if (stitcher.alone) {
      for (const worker of workers) worker.terminate();
      await index.goOnAloneAsync(own);
    }
  } catch (e) {
    for (const worker of workers) worker.terminate();
    throw e;
  }
}

/**
 * BuildOptions.onProgress of a parted build, for this thread's builds: the whole log's progress, as
 * what this thread has scanned from the front (`scanned`) and the parts the workers have answered
 * from the back, never going down. Undefined when the build reports none.
 */
function wholeLogProgress(options: BuildOptions, bounds: number[], workers: PartWorker[]): ((scanned: number) => void) | undefined {
  const report = options.onProgress;
  if (report === undefined) return undefined;
  const parts = bounds.length - 1;
  const size = bounds[parts];
  let reported = -1;
  return (scanned) => {
    let answered = 0;
    for (const worker of workers) answered += worker.posted;
    // The workers answer their parts from the back (and once more when they claim no more: counted as
    // a part, which is all the more reason to stop short of the end here).
    let done = scanned;
    for (let j = 0; j < Math.min(answered, parts); j++) done += bounds[parts - j] - bounds[parts - j - 1];
    done = Math.min(done, size - 1);
    if (done > reported) report((reported = done), size);
  };
}

/** The buffers of a part, to transfer rather than copy. */
export function transferables(part: StorePart): ArrayBuffer[] {
  const arrays = [part.recStartLine, part.recStartOffset, part.recBodyCol, part.recWall, part.offsets, part.recLevel, part.recSeverity, part.recFlags, part.recSession, part.keyPool, part.keyBounds, part.sessionFirst, part.sessionLast, part.sessionRecordCount, part.sessionDialogs.sessions, part.sessionDialogs.starts, part.sessionDialogs.pool, part.hits, part.problemLines?.records, part.problemLines?.starts, part.problemLines?.pool];
  const seen = new Set<ArrayBuffer>();
  for (const a of arrays) if (a !== undefined && a.buffer instanceof ArrayBuffer) seen.add(a.buffer);
  return [...seen];
}
