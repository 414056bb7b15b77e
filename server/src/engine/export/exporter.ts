// Streams the records of one or more indexed logs as NDJSON chunks (FORMATS §13): each record is
// written from the index's typed arrays and the log's bytes, read through a window; nothing is kept
// per record, so memory stays that of the indexes whatever the size of the output. The records go in
// slices (serialiser.ts); with two threads a worker writes slices while this thread writes others and
// hands out both in order, the worker never more than a couple of slices ahead.
import * as os from 'os';
import type { LogIndex } from '../logIndex';
import { diskPaths, gatherSlice, type InputSetup, inputSetup, needsWholeIndex } from './exportIndex';
import { CHUNK_BYTES } from './jsonBytes';
import { type OrderArrays, SliceWriter } from './serialiser';
import { AHEAD, ExportThread } from './thread';

/** Records per slice (rounded to whole OTLP batches). */
const SLICE_RECORDS = 16_384;
/** A slice also ends once it holds this much log, so that its output stays a few MiB. */
export const SLICE_LOG_BYTES = 2 << 20;
/** Slices this thread may write ahead of the one it outputs next, while the worker's is not back. */
const LOOKAHEAD = 8;
/** Below this much log one thread is as quick: a worker takes about 0.2 s of CPU to load its bundle. */
const THREADED_MIN_BYTES = 32 << 20;

export type ExportFormat = 'ecs' | 'otlp';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ecs', 'otlp'];

/** One indexed file to export. */
export interface ExportInput {
  index: LogIndex;
  /** The file's path as the user named it (`log.file.path`). */
  path: string;
  /** The source it belongs to (FORMATS §9); its path when it is a source of its own. */
  source?: string;
  /**
   * For a log whose times carry no calendar date (a CommuniGate log without a date in its name):
   * the UTC midnight, in ms, of its first day. Its day counts are added to it.
   */
  dateBaseMs?: number;
  /**
   * A source of several files (rotated files read as one, FORMATS §9): each file's path, the offset
   * of its first byte in the source and the source line it starts at. Records name their own file
   * and their line in it; without this, `path` and the index's lines are used.
   */
  files?: { path: string; start: number; firstLine: number }[];
}

/** The merged order of a set of sources (FORMATS §9) as a RecordOrder. */
export class MergedRecordOrder implements RecordOrder {
  input = 0;
  record = 0;
  private pos = -1;
  constructor(private readonly merged: { src: Uint16Array; rec: Uint32Array; length: number }) {}

  /** The merged order as arrays of exactly its length. */
  arrays(): OrderArrays {
    return { src: this.merged.src.subarray(0, this.merged.length), rec: this.merged.rec.subarray(0, this.merged.length) };
  }

  next(): boolean {
    if (++this.pos >= this.merged.length) return false;
    this.input = this.merged.src[this.pos];
    this.record = this.merged.rec[this.pos];
    return true;
  }
}

export interface ExportOptions {
  format: ExportFormat;
  /** ECS: an Elasticsearch `_bulk` action line before each document. */
  bulk?: boolean;
  /** Offset east of UTC, in minutes, of logs that write none (default 0: UTC). */
  utcOffsetMin?: number;
  /** OTLP: records per request line (default 1000). */
  batchRecords?: number;
  /** msglog's version, named as the OTLP instrumentation scope's (default: the build's). */
  version?: string;
  /** Threads to write with (default 1); 2 or more: a worker writes slices too (logs on disk only). See exportThreads. */
  threads?: number;
  /** Records per slice (tests: many slices from a small log). */
  sliceRecords?: number;
}

/**
 * The order records are exported in: a cursor, moved by next(), that names an input and a record
 * (no object per record). The many-logs merge supplies one that interleaves inputs by time.
 */
export interface RecordOrder {
  /** Moves to the next record; false at the end. */
  next(): boolean;
  input: number;
  record: number;
}

/** Every record of each input in file order, the inputs one after another. */
export class SequentialOrder implements RecordOrder {
  input = 0;
  record = -1;
  constructor(private readonly inputs: readonly ExportInput[]) {}

  next(): boolean {
    this.record++;
    while (this.input < this.inputs.length && this.record >= this.inputs[this.input].index.recordCount) {
      this.input++;
      this.record = 0;
    }
    return this.input < this.inputs.length;
  }
}

declare const MSGLOG_VERSION: string | undefined;
/** msglog's version where the build defines it (scripts/build.mjs), for the OTLP instrumentation scope. */
const BUILD_VERSION = typeof MSGLOG_VERSION === 'string' ? MSGLOG_VERSION : undefined;

/** The options with msglog's version filled in where the build defines it. */
export function withVersion<O extends ExportOptions>(options: O): O {
  return { ...options, version: options.version ?? BUILD_VERSION };
}

/** Records per slice: a multiple of the OTLP batch, so that slices end where request lines end anyway. */
export function sliceRecords(options: ExportOptions): number {
  if (options.sliceRecords !== undefined) return Math.max(1, options.sliceRecords);
  const batch = Math.max(1, options.batchRecords ?? 1000);
  return batch * Math.max(1, Math.ceil(SLICE_RECORDS / batch));
}

export class LogExporter {
  /** Records exported so far. */
  done = 0;
  readonly total: number;
  /** Threads that wrote the export (2 once a worker took part). */
  threadsUsed = 1;
  /** Slices the worker wrote (and slices in all). */
  workerSlices = 0;
  slices = 0;
  private readonly inputs: readonly ExportInput[];
  private readonly options: ExportOptions;
  private readonly order: OrderArrays | undefined;

  constructor(
    inputs: readonly ExportInput[],
    options: ExportOptions,
    order?: MergedRecordOrder | SequentialOrder,
  ) {
    this.inputs = inputs;
    this.options = withVersion(options);
    this.total = inputs.reduce((n, i) => n + i.index.recordCount, 0);
    // The merge of one input is its file order: no arrays to follow (or to copy to a worker).
    this.order = order instanceof MergedRecordOrder && inputs.length > 1 ? order.arrays() : undefined;
  }

  /** The export as chunks of a few MiB (each a buffer of its own, safe to keep while writing). */
  *chunks(): Generator<Buffer> {
    const unit = this.options.format === 'otlp' ? Math.max(1, this.options.batchRecords ?? 1000) : 1;
    const bounds = sliceBounds(this.inputs, this.order, this.total, sliceRecords(this.options), SLICE_LOG_BYTES, unit);
    const slices = (this.slices = bounds.length - 1);
    const writer = new SliceWriter(this.inputs, this.options, this.order);
    const thread = slices >= 3 ? this.startThread() : undefined;
    if (thread) this.threadsUsed = 2;
    const feed: SliceFeed = {
      has: (k) => k < slices,
      writeOwn: (k) => writeSlice(writer, bounds[k], bounds[k + 1]),
      send: (k) => thread?.send(k, this.gather(bounds[k], bounds[k + 1])),
      written: (k) => (this.done = bounds[k + 1]),
    };
    yield* interleave(feed, thread, this);
  }

  /** The records at positions [from, to) as arrays of their own, for the worker. */
  private gather(from: number, to: number): ReturnType<typeof gatherSlice> {
    return gatherSlice(
      this.inputs.map((i) => i.index),
      this.order?.src,
      this.order?.rec,
      from,
      to,
    );
  }

  /** A worker thread writing slices too, when threads were asked for and every log is a file on disk. */
  private startThread(): ExportThread | undefined {
    if ((this.options.threads ?? 1) < 2) return undefined;
    // Without merged order arrays the inputs come one after another: one thread, unless there is one input.
    if (!this.order && this.inputs.length > 1) return undefined;
    const setups: InputSetup[] = [];
    for (const input of this.inputs) {
      const paths = diskPaths(input.index);
      if (!paths || needsWholeIndex(input.index.dialect.id)) return undefined;
      setups.push(inputSetup(input.index, paths));
    }
    return ExportThread.start({
      inputs: this.inputs.map((input, i) => ({ path: input.path, source: input.source, dateBaseMs: input.dateBaseMs, files: input.files, setup: setups[i] })),
      options: { format: this.options.format, bulk: this.options.bulk, utcOffsetMin: this.options.utcOffsetMin, batchRecords: this.options.batchRecords, version: this.options.version },
      chunkBytes: CHUNK_BYTES,
    });
  }
}

/**
 * Where slices start and end (positions of the order): every `records` records, or sooner once a
 * slice holds `bytes` of log, so that a slice's output stays a few MiB whatever the records' size.
 * Slices hold whole multiples of `unit` records (OTLP: the batch), so that they end where a request
 * line ends anyway and the lines are those of an export written in one piece.
 */
export function sliceBounds(inputs: readonly ExportInput[], order: OrderArrays | undefined, total: number, records: number, bytes: number, unit: number): number[] {
  const bounds = [0];
  let sliceStart = 0;
  let sliceBytes = 0;
  let inputNo = 0;
  let inputStart = 0;
  // The arrays once per input (recEndOffset is a getter).
  const starts = inputs.map((i) => i.index.recStartOffset);
  const ends = inputs.map((i) => i.index.recEndOffset);
  for (let pos = 0; pos < total; pos++) {
    let k: number;
    let r: number;
    if (order) {
      k = order.src[pos];
      r = order.rec[pos];
    } else {
      while (pos - inputStart >= inputs[inputNo].index.recordCount) inputStart += inputs[inputNo++].index.recordCount;
      k = inputNo;
      r = pos - inputStart;
    }
    sliceBytes += ends[k][r] - starts[k][r];
    const n = pos + 1 - sliceStart;
    if (n >= records || (sliceBytes >= bytes && n % unit === 0)) {
      bounds.push(pos + 1);
      sliceStart = pos + 1;
      sliceBytes = 0;
    }
  }
  if (bounds[bounds.length - 1] < total) bounds.push(total);
  return bounds;
}

/** Slices of records to write, numbered from 0 in output order (the records of an export, or of the windows of a streamed one). */
export interface SliceFeed {
  /** Whether there is a slice k (a streamed export indexes more of the log to know). */
  has(k: number): boolean;
  /** Writes slice k on this thread. */
  writeOwn(k: number): Buffer[];
  /** Sends slice k to the worker. */
  send(k: number): void;
  /** Slice k has been handed out. */
  written(k: number): void;
}

/** Writes a slice's records [from, to) and takes every chunk of it. */
export function writeSlice(writer: SliceWriter, from: number, to: number): Buffer[] {
  const chunks: Buffer[] = [];
  writer.write(from, to, CHUNK_BYTES, (chunk) => chunks.push(chunk));
  if (writer.out.pos > 0) chunks.push(writer.take());
  return chunks;
}

/**
 * The chunks of a feed's slices, in order. Without a worker this thread writes them all. With one,
 * the worker is kept AHEAD slices busy, and this thread writes the next slice itself whenever the one
 * to output next is not back yet (it would only wait), so each thread does what it has time for.
 * Slices written ahead wait here, LOOKAHEAD at most. `counts.workerSlices` counts the worker's; the
 * worker is closed at the end, or when the caller stops early.
 */
export function* interleave(feed: SliceFeed, thread: ExportThread | undefined, counts: { workerSlices: number }): Generator<Buffer> {
  try {
    yield* interleaved(feed, thread, counts);
  } finally {
    thread?.close();
  }
}

/** interleave() without closing the worker. */
function* interleaved(feed: SliceFeed, thread: ExportThread | undefined, counts: { workerSlices: number }): Generator<Buffer> {
  if (!thread) {
    for (let k = 0; feed.has(k); k++) {
      yield* feed.writeOwn(k);
      feed.written(k);
    }
    return;
  }
  const mine = new Map<number, Buffer[]>();
  let assigned = 0;
  let inFlight = 0;
  const topUp = (): void => {
    for (; inFlight < AHEAD && feed.has(assigned); assigned++, inFlight++) feed.send(assigned);
  };
  for (let k = 0; k < assigned || feed.has(k); k++) {
    if (k === assigned) {
      // Nobody has it yet: this thread writes it (before topping the worker up, which may make a
      // streamed export move on to its next window), then gives the worker the next ones.
      assigned++;
      const own = feed.writeOwn(k);
      topUp();
      yield* own;
    } else if (mine.has(k)) {
      yield* mine.get(k) as Buffer[];
      mine.delete(k);
    } else {
      while (!thread.ready() && assigned - k <= LOOKAHEAD && feed.has(assigned)) {
        const j = assigned++;
        mine.set(j, feed.writeOwn(j));
      }
      const chunks = thread.slice(k);
      counts.workerSlices++;
      inFlight--;
      topUp();
      yield* chunks;
    }
    feed.written(k);
  }
}

/** How many threads to export `bytes` of logs on disk with: MSGLOG_THREADS, else both cores for a large export. */
export function exportThreads(bytes: number): number {
  const n = Number(process.env.MSGLOG_THREADS);
  if (Number.isInteger(n) && n >= 1) return n;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores >= 2 && bytes >= THREADED_MIN_BYTES ? 2 : 1;
}

/** Parses `±HH:MM` (or `Z`) into minutes east of UTC; throws an Error with a one-line message. */
export function parseUtcOffset(text: string): number {
  const t = text.trim();
  if (t === 'Z' || t === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(t);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) throw new Error(`bad --utc-offset "${text}": use ±HH:MM, e.g. +02:00 or -05:00`);
  const min = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -min : min;
}
