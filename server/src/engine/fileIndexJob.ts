// A whole log file indexed by a worker thread while this thread does something else: the server starts
// one when the editor says it is opening a large log from disk, so that the index is built while the
// document's text is still on its way (decoding a 50 MB didOpen takes this thread about 200 ms). The
// index comes back as a kept state (LogIndex.exportState, arrays transferred) with the bytes it was
// built from, and is used only if the document's bytes turn out to be those bytes.
import * as fs from 'fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { MessagePort } from 'worker_threads';
import { dialectById } from './dialects';
import { prepareLog } from './prepareLog';
import type { IndexState } from './logIndex';
import { LogIndex } from './logIndex';
import { workerFile } from './parallel';
import { MemorySource } from './source';
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
}

/** A worker started ahead of any file (startStandbyWorker): it warms up, then takes one FileIndexJob (without its port) from `port`. */
export interface StandbyJob {
  kind: 'standby';
  port: MessagePort;
}

/** The worker's answer: the bytes it read and their index, or why there is none. */
export type FileIndexAnswer = { bytes: Uint8Array; dialect: DialectId; state: IndexState } | { error: string };

/** Below this size an array is copied rather than transferred (small Buffers share Node's pool). */
const TRANSFER_MIN_BYTES = 64 * 1024;

/** In the worker: reads and indexes the file, and names the buffers to transfer with the answer. */
export function indexFile(job: Omit<FileIndexJob, 'port'>): { answer: FileIndexAnswer; transfer: ArrayBuffer[] } {
  const size = fs.statSync(job.path).size;
  if (size > job.maxBytes) return { answer: { error: `larger than ${job.maxBytes} bytes` }, transfer: [] };
  const bytes = fs.readFileSync(job.path);
  const index = prepareLog(bytes, { ...job.ctx, dialect: job.dialect, toleranceMs: job.toleranceMs });
  // Only a partable dialect's scan state can be kept (an edit at the end appends after it).
  if (index.dialect.partable !== true) return { answer: { error: `${index.dialect.id} keeps state from line to line` }, transfer: [] };
  index.build();
  const state = index.exportState(true);
  const { keyTable, portableDialogs } = state.store;
  const views: (ArrayBufferView | undefined)[] = [bytes, state.scan, ...Object.values(state.store.arrays), keyTable?.slots, keyTable?.hashes, keyTable?.pool, keyTable?.bounds];
  if (portableDialogs !== undefined) views.push(portableDialogs.sessions, portableDialogs.starts, portableDialogs.pool);
  const transfer = new Set<ArrayBuffer>();
  for (const view of views) {
    if (view !== undefined && view.buffer instanceof ArrayBuffer && view.buffer.byteLength >= TRANSFER_MIN_BYTES) transfer.add(view.buffer);
  }
  return { answer: { bytes, dialect: index.dialect.id, state }, transfer: [...transfer] };
}

/** How long after a standby worker answered the next one is started. */
const STANDBY_DELAY_MS = 2000;

/** A worker and the port it answers on. */
interface WorkerLine {
  worker: Worker;
  port: MessagePort;
}

/**
 * The worker waiting for the next file, warmed up (startStandbyWorker). A worker's start (about 50 ms)
 * and its first scan, run by code V8 has not optimised yet, made a cold worker slower than this thread.
 */
let standby: WorkerLine | undefined;

/** Starts a worker that warms up and waits for the next WorkerFileIndex (one at a time; it does not keep the process alive). */
export function startStandbyWorker(): void {
  const entry = workerFile();
  if (standby !== undefined || entry === undefined) return;
  const channel = new MessageChannel();
  const job: StandbyJob = { kind: 'standby', port: channel.port2 };
  const worker = new Worker(entry, { workerData: job, transferList: [channel.port2] });
  worker.unref();
  channel.port1.unref();
  const line = { worker, port: channel.port1 };
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

  private constructor(line: WorkerLine, readonly options: FileIndexOptions) {
    this.worker = line.worker;
    this.answer = new Promise<FileIndexAnswer>((resolve) => {
      let settled = false;
      const settle = (answer: FileIndexAnswer): void => {
        if (settled) return;
        settled = true;
        line.port.close();
        resolve(answer);
      };
      line.port.once('message', (message: FileIndexAnswer) => settle(message));
      line.port.ref();
      line.worker.once('error', (e) => settle({ error: e.message }));
      // The worker exits right after posting: its answer may still wait in the port when 'exit' comes.
      line.worker.once('exit', () => settle((receiveMessageOnPort(line.port)?.message as FileIndexAnswer | undefined) ?? { error: 'the index worker stopped without an answer' }));
    });
  }

  /**
   * Starts indexing `path` in the standby worker (then starts the next standby once this one has
   * answered), or in a new worker; undefined when workers are not available (index as usual).
   */
  static start(path: string, options: FileIndexOptions): WorkerFileIndex | undefined {
    const job: Omit<FileIndexJob, 'port'> = { kind: 'file', path, ...options };
    const waiting = standby;
    if (waiting !== undefined) {
      standby = undefined;
      waiting.port.postMessage(job);
      const index = new WorkerFileIndex(waiting, options);
      // The next one starts a little later: its start-up and warm-up would slow this document's answers.
      void index.answer.then(() => setTimeout(startStandbyWorker, STANDBY_DELAY_MS).unref());
      return index;
    }
    const entry = workerFile();
    if (entry === undefined) return undefined;
    const channel = new MessageChannel();
    const worker = new Worker(entry, { workerData: { ...job, port: channel.port2 }, transferList: [channel.port2] });
    return new WorkerFileIndex({ worker, port: channel.port1 }, options);
  }

  /** Stops the worker (its answer becomes an error, if it had not come). */
  stop(): void {
    void this.worker.terminate();
  }

  /**
   * The index of a document whose text is `text`, taken from the worker's answer when `text` is the
   * bytes the worker read (decoded, or as bytes: compared as they are); undefined otherwise (changed on
   * disk, another encoding or a byte order mark, unsaved edits, an error). The index reads the worker's
   * bytes: `text` is not encoded.
   */
  async indexOf(text: string | Uint8Array): Promise<LogIndex | undefined> {
    const answer = await this.answer;
    if ('error' in answer || !(typeof text === 'string' ? isTextOf(text, answer.bytes) : Buffer.from(text.buffer, text.byteOffset, text.byteLength).equals(answer.bytes))) return undefined;
    const dialect = dialectById(answer.dialect);
    const bytes = Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.length);
    return dialect ? LogIndex.fromState(new MemorySource(bytes), dialect, this.options.ctx, answer.state) : undefined;
  }
}

/** Characters of text encoded at a time by isTextOf. */
const COMPARE_CHARS = 1 << 18;

/**
 * Whether `bytes` are `text` in UTF-8, compared a piece at a time: encoding all of a 50 MB text at once
 * (Buffer.from) took four times as long, most of it spent touching new memory.
 */
export function isTextOf(text: string, bytes: Uint8Array): boolean {
  const piece = Buffer.allocUnsafeSlow(3 * COMPARE_CHARS);
  let at = 0;
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + COMPARE_CHARS);
    // A surrogate pair is encoded whole: a piece does not end between its halves.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    const n = piece.write(i === 0 && end === text.length ? text : text.substring(i, end), 0, 'utf8');
    if (at + n > bytes.length || piece.compare(bytes, at, at + n, 0, n) !== 0) return false;
    at += n;
    i = end;
  }
  return at === bytes.length;
}
