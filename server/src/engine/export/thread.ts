// The worker thread of a two-thread export (exporter.ts): it is given a copy of the indexes and the
// slice bounds, writes the odd slices and posts each one's chunks; this thread takes them in order.
// The worker stays at most AHEAD slices ahead of what this thread has taken: a few MiB in flight.
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import type { MessagePort } from 'worker_threads';
import type { IndexCopy } from './exportIndex';
import type { OrderArrays, SliceOptions } from './serialiser';

/** Slices the worker may have written and this thread not yet taken. */
export const AHEAD = 2;
/** Slots of the shared counters: slices posted by the worker, slices taken by this thread. */
export const POSTED = 0;
export const TAKEN = 1;
/** Without a slice from the worker for this long, it is taken to have stopped. */
const STALL_MS = 120_000;

export interface ExportJob {
  inputs: { path: string; source?: string; dateBaseMs?: number; files?: { path: string; start: number; firstLine: number }[]; copy: IndexCopy }[];
  options: SliceOptions;
  order: OrderArrays | undefined;
  /** Slice bounds (positions of the order); the worker writes slices 1, 3, 5… */
  bounds: number[];
  chunkBytes: number;
}

export interface ExportWorkerData extends ExportJob {
  counters: SharedArrayBuffer;
  port: MessagePort;
}

/** A message of the worker: a slice's chunks, or why it stopped. */
export type SliceMessage = { slice: number; chunks: Uint8Array[] } | { error: string };

/** The bundled worker entry next to this code (server/out/exportWorker.js, or the compiled tests' copy). */
function workerFile(): string | undefined {
  const file = path.join(__dirname, 'exportWorker.js');
  return fs.existsSync(file) ? file : undefined;
}

export class ExportThread {
  private taken = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly counters: Int32Array,
    private readonly port: MessagePort,
  ) {}

  /** Starts the worker, or undefined when its entry is not there (one thread then writes it all). */
  static start(job: ExportJob): ExportThread | undefined {
    const file = workerFile();
    if (!file) return undefined;
    const counters = new SharedArrayBuffer(8);
    const channel = new MessageChannel();
    const data: ExportWorkerData = { ...job, counters, port: channel.port2 };
    const worker = new Worker(file, { workerData: data, transferList: [channel.port2] });
    // Failures come through the port; an error event must not take the process down with it.
    worker.on('error', () => undefined);
    worker.unref();
    return new ExportThread(worker, new Int32Array(counters), channel.port1);
  }

  /** The chunks of slice `k` (blocks until the worker has written it). */
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
    Atomics.store(this.counters, TAKEN, this.taken);
    Atomics.notify(this.counters, TAKEN);
    return message.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
