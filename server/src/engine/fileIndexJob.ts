// A whole log file indexed by a worker thread while this thread does something else: the server starts
// one when the editor says it is opening a large log from disk, so that the index is built while the
// document's text is still on its way. The worker reads the file in chunks (a 50 MB read at once cost
// the worker 150–200 ms of new pages on the bench's host, the index's whole head start) and answers
// with a kept state (LogIndex.exportState, arrays transferred) and the file's stamp; before that, the
// worker's entry may post parts of its own made from the index (the server's: its first answers,
// features/firstAnswers.ts). The index and the parts are used only if the document's bytes are the
// file's, as this thread reads it (while they arrive, when they are followed: fileStamp.ts), under the
// same stamp.
import * as fs from 'fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { MessagePort } from 'worker_threads';
import { dialectById } from './dialects';
import { prepareLogSource } from './prepareLog';
import type { IndexState } from './logIndex';
import { LogIndex } from './logIndex';
import type { FileStamp } from './fileStamp';
import { ArrivingComparison, fileStampIfHolding, NOT_FOLLOWED, sameStamp, stampOf } from './fileStamp';
import { FileSource, MemorySource } from './source';
import type { DialectId, ParseContext } from './types';

/** What a file's index is for: the document the editor opens from it. */
export interface FileIndexOptions {
  /** The dialect the document's language names, or undefined to detect it (as for a document). */
  dialect: DialectId | undefined;
  ctx: ParseContext;
  toleranceMs: number;
  /** A file larger than this is not read. */
  maxBytes: number;
}

/** What the worker is asked: index the file as a document of these bytes would be indexed. */
export interface FileIndexJob extends FileIndexOptions {
  kind: 'file';
  path: string;
  port: MessagePort;
  /** What the worker's entry makes of the index besides it (the server's: the settings of its first answers). */
  extra?: unknown;
}

/** A worker started ahead of any file (startStandbyWorker): it warms up, then takes one FileIndexJob (without its port) from `port`. */
export interface StandbyJob {
  kind: 'standby';
  port: MessagePort;
}

/** The worker's answer: the index of the file's bytes and the file's stamp while it read them, or why there is none. */
export type FileIndexAnswer = { stamp: FileStamp; dialect: DialectId; state: IndexState } | { error: string };

/** Something made of the index by the worker's entry, posted before the answer: named, with a key saying what it was made with. */
export interface FileIndexPart {
  name: string;
  key: string;
  stamp: FileStamp;
  bytes: Uint8Array;
}

/** Below this size an array is copied rather than transferred (small Buffers share Node's pool). */
const TRANSFER_MIN_BYTES = 64 * 1024;

/**
 * In the worker: indexes the file, read in chunks, and names the buffers to transfer with the answer.
 * `withIndex` is given the index and the file's stamp before the index is handed over, when the file
 * did not change while it was indexed.
 */
export function indexFile(job: Omit<FileIndexJob, 'port'>, withIndex?: (index: LogIndex, stamp: FileStamp) => void): { answer: FileIndexAnswer; transfer: ArrayBuffer[] } {
  const stamp = stampOf(fs.statSync(job.path));
  if (stamp.size > job.maxBytes) return { answer: { error: `larger than ${job.maxBytes} bytes` }, transfer: [] };
  const source = new FileSource(job.path);
  let state: IndexState;
  let dialect: DialectId;
  try {
    if (source.size !== stamp.size) return { answer: { error: 'the file changed while it was opened' }, transfer: [] };
    const options = { ...job.ctx, dialect: job.dialect, toleranceMs: job.toleranceMs };
    const index = prepareLogSource(source, options);
    // Only a partable dialect's scan state can be kept (an edit at the end appends after it).
    if (index.dialect.partable !== true) return { answer: { error: `${index.dialect.id} keeps state from line to line` }, transfer: [] };
    index.build();
    if (!sameStamp(stamp, stampOf(fs.statSync(job.path)))) return { answer: { error: 'the file changed while it was indexed' }, transfer: [] };
    withIndex?.(index, stamp);
    state = index.exportState(true);
    dialect = index.dialect.id;
  } finally {
    source.close();
  }
  const { keyTable, portableDialogs } = state.store;
  const views: (ArrayBufferView | undefined)[] = [state.scan, ...Object.values(state.store.arrays), keyTable?.slots, keyTable?.hashes, keyTable?.pool, keyTable?.bounds];
  if (portableDialogs !== undefined) views.push(portableDialogs.sessions, portableDialogs.starts, portableDialogs.pool);
  const transfer = new Set<ArrayBuffer>();
  for (const view of views) {
    if (view !== undefined && view.buffer instanceof ArrayBuffer && view.buffer.byteLength >= TRANSFER_MIN_BYTES) transfer.add(view.buffer);
  }
  return { answer: { stamp, dialect, state }, transfer: [...transfer] };
}

/** How long after a standby worker answered the next one is started. */
const STANDBY_DELAY_MS = 2000;

/** A worker and the port it answers on. */
interface WorkerLine {
  worker: Worker;
  port: MessagePort;
}

/**
 * The worker waiting for the next file, warmed up (startStandbyWorker), and its entry. A worker's start
 * (about 50 ms) and its first scan, run by code V8 has not optimised yet, made a cold worker slower
 * than this thread.
 */
let standby: (WorkerLine & { entry: string }) | undefined;

/**
 * Starts a worker of `entry` (a script that serves StandbyJob and FileIndexJob: the server's
 * openingWorker.ts) that warms up and waits for the next WorkerFileIndex (one at a time; it does not
 * keep the process alive).
 */
export function startStandbyWorker(entry: string): void {
  if (standby !== undefined || !fs.existsSync(entry)) return;
  const channel = new MessageChannel();
  const job: StandbyJob = { kind: 'standby', port: channel.port2 };
  const worker = new Worker(entry, { workerData: job, transferList: [channel.port2] });
  worker.unref();
  channel.port1.unref();
  const line = { worker, port: channel.port1, entry };
  worker.once('error', () => undefined);
  worker.once('exit', () => {
    if (standby === line) standby = undefined;
  });
  standby = line;
}

/** A file being indexed by a worker; `answer` settles once (an error answer when stopped or failed). */
export class WorkerFileIndex {
  readonly answer: Promise<FileIndexAnswer>;
  private readonly worker: Worker;
  /** Parts posted before the answer and not given yet, and who waits for the ones still to come. */
  private readonly parts = new Map<string, FileIndexPart>();
  private readonly partWaiters = new Map<string, ((part: FileIndexPart | undefined) => void)[]>();
  private answered = false;
  /** The document bytes compared with the file, and the file's stamp when they were its bytes. */
  private holding: { bytes: Uint8Array; stamp: Promise<FileStamp | undefined> } | undefined;
  /** The document's bytes compared with the file as they arrive (follow), until a caller asks. */
  private arriving: ArrivingComparison | undefined;
  /** How many parts were given. */
  partsGiven = 0;

  private constructor(line: WorkerLine, readonly path: string, readonly options: FileIndexOptions) {
    this.worker = line.worker;
    this.answer = new Promise<FileIndexAnswer>((resolve) => {
      const settle = (answer: FileIndexAnswer): void => {
        if (this.answered) return;
        this.answered = true;
        line.port.close();
        for (const [name, waiters] of this.partWaiters) for (const waiter of waiters) waiter(this.parts.get(name));
        this.partWaiters.clear();
        resolve(answer);
      };
      const take = (message: FileIndexAnswer | FileIndexPart): void => {
        if ('name' in message) this.partCame(message);
        else settle(message);
      };
      line.port.on('message', take);
      line.port.ref();
      line.worker.once('error', (e) => settle({ error: e.message }));
      // The worker exits right after posting: its last messages may still wait in the port when 'exit' comes.
      line.worker.once('exit', () => {
        for (let left = receiveMessageOnPort(line.port); left !== undefined && !this.answered; left = receiveMessageOnPort(line.port)) take(left.message as FileIndexAnswer | FileIndexPart);
        settle({ error: 'the index worker stopped without an answer' });
      });
    });
  }

  /**
   * Starts indexing `path` in the standby worker (then starts the next standby once this one has
   * answered), or in a new worker of `entry`; undefined when workers are not available (index as usual).
   */
  static start(path: string, options: FileIndexOptions, entry: string, extra?: unknown): WorkerFileIndex | undefined {
    const job: Omit<FileIndexJob, 'port'> = { kind: 'file', path, ...options, extra };
    const waiting = standby;
    if (waiting !== undefined && waiting.entry === entry) {
      standby = undefined;
      waiting.port.postMessage(job);
      const index = new WorkerFileIndex(waiting, path, options);
      // The next one starts a little later: its start-up and warm-up would slow this document's answers.
      void index.answer.then(() => setTimeout(() => startStandbyWorker(entry), STANDBY_DELAY_MS).unref());
      return index;
    }
    if (!fs.existsSync(entry)) return undefined;
    const channel = new MessageChannel();
    const worker = new Worker(entry, { workerData: { ...job, port: channel.port2 }, transferList: [channel.port2] });
    return new WorkerFileIndex({ worker, port: channel.port1 }, path, options);
  }

  /** Stops the worker (its answer becomes an error, if it had not come). */
  stop(): void {
    this.arriving?.close();
    this.arriving = undefined;
    void this.worker.terminate();
  }

  /**
   * The index of a document whose bytes are `bytes`, taken from the worker's answer when they are the
   * file's bytes, read here while the worker indexes, under the stamp the worker saw; undefined
   * otherwise (changed on disk, another encoding or a byte order mark, unsaved edits, an error). The
   * index reads `bytes`.
   */
  async indexOf(bytes: Buffer): Promise<LogIndex | undefined> {
    const [answer, seen] = await Promise.all([this.answer, this.stampIfHolding(bytes)]);
    if ('error' in answer || seen === undefined || !sameStamp(answer.stamp, seen)) return undefined;
    const dialect = dialectById(answer.dialect);
    return dialect ? LogIndex.fromState(new MemorySource(bytes), dialect, this.options.ctx, answer.state) : undefined;
  }

  /**
   * The part `name` the worker made with `key`, for a document whose bytes are `bytes` (as indexOf);
   * undefined when it was not made, was made with another key, or was given already (each is given once).
   */
  async partOf(name: string, key: string, bytes: Uint8Array): Promise<Uint8Array | undefined> {
    const [part, seen] = await Promise.all([this.partNamed(name), this.stampIfHolding(bytes)]);
    if (part === undefined || part.key !== key || seen === undefined || !sameStamp(part.stamp, seen) || this.parts.get(name) !== part) return undefined;
    this.parts.delete(name);
    this.partsGiven++;
    return part.bytes;
  }

  private partCame(part: FileIndexPart): void {
    this.parts.set(part.name, part);
    const waiters = this.partWaiters.get(part.name) ?? [];
    this.partWaiters.delete(part.name);
    for (const waiter of waiters) waiter(part);
  }

  /** The part `name` once posted, or undefined once the answer came without it. */
  private partNamed(name: string): Promise<FileIndexPart | undefined> {
    const part = this.parts.get(name);
    if (part !== undefined || this.answered) return Promise.resolve(part);
    return new Promise((resolve) => {
      const waiters = this.partWaiters.get(name);
      if (waiters === undefined) this.partWaiters.set(name, [resolve]);
      else waiters.push(resolve);
    });
  }

  /**
   * Compares the document's bytes with the file while they arrive: `advance` is given them so far (a
   * growing view of one buffer). indexOf and partOf then have little left to compare.
   */
  follow(): (text: Uint8Array) => void {
    this.arriving?.close();
    const arriving = (this.arriving = new ArrivingComparison(this.path));
    return (text) => arriving.advance(text);
  }

  /** The file's stamp when it holds `bytes` (compared as they arrived, else now), found once however many ask. */
  private stampIfHolding(bytes: Uint8Array): Promise<FileStamp | undefined> {
    if (this.holding?.bytes !== bytes) {
      const followed = this.arriving?.finish(bytes) ?? NOT_FOLLOWED;
      this.arriving = undefined;
      this.holding = { bytes, stamp: followed === NOT_FOLLOWED ? fileStampIfHolding(this.path, bytes) : Promise.resolve(followed) };
    }
    return this.holding.stamp;
  }
}
