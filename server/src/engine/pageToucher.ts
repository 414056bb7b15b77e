// The first write to a page of new memory is a page fault, which on the bench's host (a virtual
// machine) costs 11–15 µs a 4 KiB page (common/hugePages.ts): the record arrays of an index built on one
// thread cost it about 100 ms for a 200 MB log. Where the other core is idle, a worker maps those pages
// a little ahead of the scan: the arrays live in SharedArrayBuffers, and the worker adds 0 to one word
// of each page (an atomic add changes nothing the scan writes, before or after it). It goes no further
// than a little past the records scanned, so that slots never used stay unmapped.
import { Worker } from 'worker_threads';

/** From this size a log indexed on one thread (a dialect read in order: EMG, PrivateServer) has its record arrays mapped ahead. */
export const TOUCH_AHEAD_MIN_BYTES = 32 << 20;

/** Whether a new index of `size` bytes built on one thread, where `threads` could run, has its arrays mapped ahead (BuildOptions.touchAhead). */
export function touchesAhead(size: number, threads: number): boolean {
  return size >= TOUCH_AHEAD_MIN_BYTES && threads > 1;
}

/** Records whose slots are mapped as one step, every array's pages for them together… */
const STEP_RECORDS = 1 << 14;
/** …up to this many records past those scanned. */
const AHEAD_RECORDS = 1 << 17;

/**
 * The worker. `workerData`: the arrays' buffers and element sizes, and `progress` (Int32: records
 * scanned, then 1 once the scan is over).
 */
const TOUCHER = `
const { workerData } = require('worker_threads');
const { buffers, sizes, progress, step, ahead } = workerData;
const views = buffers.map((b) => new Int32Array(b, 0, b.byteLength >> 2));
const state = new Int32Array(progress);
const records = Math.min(...views.map((v, k) => Math.floor((v.length * 4) / sizes[k])));
// A scan that stops moving for this many waits of 100 ms (a server busy elsewhere) is left to map its own pages.
let idle = 0;
for (let from = 0; from < records && Atomics.load(state, 1) === 0 && idle < 50; ) {
  const scanned = Atomics.load(state, 0);
  if (from >= scanned + ahead) {
    idle = Atomics.wait(state, 0, scanned, 100) === 'timed-out' ? idle + 1 : 0;
    continue;
  }
  idle = 0;
  for (let k = 0; k < views.length; k++) {
    const v = views[k];
    const end = Math.min(v.length, ((from + step) * sizes[k]) >> 2);
    for (let i = ((from * sizes[k]) >> 2) & ~1023; i < end; i += 1024) Atomics.add(v, i, 0);
  }
  from += step;
}
`;

type RecordArray = Uint8Array | Uint16Array | Int16Array | Uint32Array | Float64Array;

/** A worker mapping the pages of record arrays (over SharedArrayBuffers) a little ahead of the records scanned. */
export class PageToucher {
  private readonly state = new Int32Array(new SharedArrayBuffer(8));

  constructor(arrays: readonly RecordArray[]) {
    const shared = arrays.filter((a) => a.buffer instanceof SharedArrayBuffer);
    const worker = new Worker(TOUCHER, {
      eval: true,
      workerData: { kind: 'touch', buffers: shared.map((a) => a.buffer), sizes: shared.map((a) => a.BYTES_PER_ELEMENT), progress: this.state.buffer, step: STEP_RECORDS, ahead: AHEAD_RECORDS },
    });
    // It only maps memory: it never holds the process up, and a failure leaves the scan to map it itself.
    worker.unref();
    worker.on('error', () => undefined);
  }

  /** The scan has this many records. */
  scanned(records: number): void {
    Atomics.store(this.state, 0, records);
    Atomics.notify(this.state, 0);
  }

  /** The scan is over: the worker stops. */
  end(): void {
    Atomics.store(this.state, 1, 1);
    Atomics.notify(this.state, 0);
  }
}
