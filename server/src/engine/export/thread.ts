// The worker thread of a two-thread export (exporter.ts). It is given each log's files, session keys
// and dialogs once; then this thread sends it the records of slices (their values gathered from the
// indexes, a few MiB each), it posts back each slice's chunks, and this thread takes them in order.
// At most AHEAD slices are with the worker at a time.
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { MessagePort } from 'worker_threads';
import { type IndexNews, type InputSetup, type SliceArrays, sliceBuffers } from './exportIndex';
import { returnTo } from './jsonBytes';
import type { SliceOptions } from './serialiser';

/** Slices sent to the worker and not yet taken back. */
export const AHEAD = 4;
/** Slot of the shared counter of slices the worker has posted. */
export const POSTED = 0;
/** Without a slice from the worker for this long, it is taken to have stopped. */
const STALL_MS = 120_000;

export interface ExportJob {
  inputs: { path: string; source?: string; dateBaseMs?: number; files?: { path: string; start: number; firstLine: number }[]; setup: InputSetup }[];
  options: SliceOptions;
  chunkBytes: number;
}

export interface ExportWorkerData extends ExportJob {
  counters: SharedArrayBuffer;
  port: MessagePort;
}

/** To the worker: a slice to write. */
export interface SliceJob {
  slice: number;
  arrays: SliceArrays;
  /** What each input's index gained since the last slice sent (a streamed export). */
  news?: (IndexNews | undefined)[];
  /** Buffers of the worker's chunks, written out: for its next chunks (jsonBytes.ts recycle). */
  spare?: ArrayBuffer[];
}

/** From the worker: a slice's chunks, or why it stopped. */
export type SliceMessage = { slice: number; chunks: Uint8Array[] } | { error: string };

/** The bundled worker entry next to this code (server/out/exportWorker.js, or the compiled tests' copy). */
function workerFile(): string | undefined {
  const file = path.join(__dirname, 'exportWorker.js');
  return fs.existsSync(file) ? file : undefined;
}

/** Buffers of the worker's chunks held for it at most (it keeps 16 spare). */
const SPARE_HELD = 16;

export class ExportThread {
  private taken = 0;
  /**
   * The worker's chunks, written out (recycled), to go back with the next slice: it writes into them
   * again rather than into new memory, whose first touch costs more here than the writing (a 1 MiB
   * chunk, 3–4 ms of page faults on the bench's host).
   */
  private readonly spare: ArrayBuffer[] = [];
  private readonly giveBack = (buffer: ArrayBuffer): void => {
    if (this.spare.length < SPARE_HELD) this.spare.push(buffer);
  };

  private constructor(
    private readonly worker: Worker,
    private readonly counters: Int32Array,
    private readonly port: MessagePort,
  ) {}

  /** Starts the worker, or undefined when its entry is not there (one thread then writes it all). */
  static start(job: ExportJob): ExportThread | undefined {
    const file = workerFile();
    if (!file) return undefined;
    const counters = new SharedArrayBuffer(4);
    const channel = new MessageChannel();
    const data: ExportWorkerData = { ...job, counters, port: channel.port2 };
    const worker = new Worker(file, { workerData: data, transferList: [channel.port2] });
    // Failures come through the port; an error event must not take the process down with it.
    worker.on('error', () => undefined);
    worker.unref();
    return new ExportThread(worker, new Int32Array(counters), channel.port1);
  }

  /** Hands the worker slice `k`'s records (their buffers are transferred). */
  send(k: number, arrays: SliceArrays, news?: (IndexNews | undefined)[]): void {
    const spare = this.spare.splice(0);
    const job: SliceJob = { slice: k, arrays, news, spare };
    const transfer = [...sliceBuffers(arrays), ...spare];
    for (const n of news ?? []) if (n) transfer.push(n.keys.pool.buffer as ArrayBuffer, n.keys.bounds.buffer as ArrayBuffer);
    this.port.postMessage(job, transfer);
  }

  /** Whether the next slice sent is back (slice() would not block). */
  ready(): boolean {
    return Atomics.load(this.counters, POSTED) > this.taken;
  }

  /** The chunks of slice `k`, the next one sent (blocks until the worker has written it). */
  slice(k: number): Buffer[] {
    let waited = 0;
    while (Atomics.load(this.counters, POSTED) <= this.taken) {
      if (Atomics.wait(this.counters, POSTED, this.taken, 1000) === 'timed-out' && (waited += 1000) >= STALL_MS) throw new Error('the export worker stopped answering');
    }
    const message = receiveMessageOnPort(this.port)?.message as SliceMessage | undefined;
    if (!message) throw new Error('the export worker stopped without an answer');
    if ('error' in message) throw new Error(message.error);
    if (message.slice !== k) throw new Error(`the export worker sent slice ${message.slice} for ${k}`);
    this.taken++;
    return message.chunks.map((c) => {
      const chunk = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      returnTo(chunk, this.giveBack);
      return chunk;
    });
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
