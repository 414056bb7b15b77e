// A streamed export of logs on disk (FORMATS §13), each a file or rotated files read as one: each log
// is indexed a window at a time (streamSource.ts), its records are merged by time with the others' as
// MergedOrder merges them, and a window's records are written once the next window is indexed (a window of look-ahead), then
// forgotten, so memory stays that of two windows a log (and of their sessions' keys) whatever the
// size of the logs. Records come out as the export of the whole indexes writes them, but for what the
// look-ahead cannot see (docs/BEHAVIOUR.md): a SIP Call-ID first written more than a window after a
// session's earlier records is not written on those.
import * as fs from 'fs';
import type { LogFile } from '../inputs';
import { groupSources } from '../rotation';
import type { Dialect } from '../types';
import { type ExportInput, type ExportOptions, interleave, type SliceFeed, sliceRecords, SLICE_LOG_BYTES, withVersion } from './exporter';
import { gatherSlice, indexOverSlice, inputSetup, needsWholeIndex, type SliceArrays } from './exportIndex';
import { SliceWriter } from './serialiser';
import { inputFiles, StreamSource, type StreamInput } from './streamSource';
import { ExportThread } from './thread';
import { CHUNK_BYTES } from './jsonBytes';

export type { StreamInput } from './streamSource';

/**
 * Log indexed per window: a few MiB of records and of their output at a time. Small enough that a
 * window's records stay in the caches while they are written: ECS of 200 MB took 2.44 s with 2 MB
 * windows against 2.61 s with 8 MB (medians of six, alternating pairs); 1 MB was no quicker.
 */
const WINDOW_BYTES = 2 << 20;
/** Past this many sessions, those of the records written are forgotten (memory must not grow with the log). */
const SESSION_LIMIT = 1 << 16;

export interface StreamOptions extends ExportOptions {
  /** Bytes of log per window (tests: tiny windows). */
  windowBytes?: number;
  /** Sessions kept before the ones written are forgotten (tests: a few). */
  sessionLimit?: number;
}

/**
 * Whether a log of this dialect can be streamed: not when writing a record looks at records before
 * its window (PrivateServer's table headers), nor when its times have no date of their own (a
 * CommuniGate log without a date in its name is dated from its last day, known only at the end).
 */
export function streamable(dialect: Dialect, fileName: string): boolean {
  if (needsWholeIndex(dialect.id)) return false;
  return dialect.timeOfDay === undefined || dialect.fileDate?.(fileName) !== undefined;
}

/**
 * The logs of an export when they can be streamed: files on disk (each a log, or rotated files read as
 * one), each streamable, in the order of their sources; else undefined.
 */
export function streamInputs(files: readonly LogFile[]): StreamInput[] | undefined {
  const inputs: StreamInput[] = [];
  for (const group of groupSources(files)) {
    const first = group.files[0];
    const last = group.files[group.files.length - 1];
    if (group.files.some((f) => f.bytes !== undefined) || !streamable(first.dialect, first.name)) return undefined;
    // As LogSet reads a source: its date from the first file's name, EMG's year from the newest file's time.
    inputs.push({
      file: first.path,
      path: first.display,
      source: group.files.length > 1 ? group.name : first.display,
      dialect: first.dialect,
      ctx: { fileName: first.name, mtimeMs: last.mtimeMs },
      files: group.files.length > 1 ? group.files.map((f) => ({ file: f.path, path: f.display, name: f.name })) : undefined,
    });
  }
  return inputs;
}

/** Bytes on disk of the inputs' files (what exportThreads decides by, before the exporter opens them). */
export function inputBytes(inputs: readonly StreamInput[]): number {
  return inputs.reduce((n, input) => n + inputFiles(input).reduce((m, file) => m + fs.statSync(file).size, 0), 0);
}

export class StreamExporter {
  /** Records exported so far. */
  done = 0;
  /** Threads that wrote the export (2 once a worker took part). */
  threadsUsed = 1;
  /** Slices the worker wrote, and slices in all. */
  workerSlices = 0;
  slices = 0;
  private readonly options: StreamOptions;
  private readonly sources: StreamSource[] = [];

  /** Opens the files (one that cannot be read fails here, before anything is written). */
  constructor(inputs: readonly StreamInput[], options: StreamOptions) {
    this.options = withVersion(options);
    const windowBytes = Math.max(1, options.windowBytes ?? WINDOW_BYTES);
    for (const input of inputs) {
      try {
        this.sources.push(new StreamSource(input, options.utcOffsetMin ?? 0, windowBytes));
      } catch (e) {
        this.close();
        throw new Error(`cannot read ${input.path}: ${(e as Error).message}`);
      }
    }
  }

  /** Bytes of the logs indexed so far, and in all (progress). */
  get bytesRead(): number {
    return this.sources.reduce((n, s) => n + s.index.scannedTo, 0);
  }

  get size(): number {
    return this.sources.reduce((n, s) => n + s.size, 0);
  }

  /** Windows the logs were indexed in. */
  get windows(): number {
    return this.sources.reduce((n, s) => n + s.windows, 0);
  }

  /** Most records held at once by one log. */
  get peakRecords(): number {
    return Math.max(0, ...this.sources.map((s) => s.peakRecords));
  }

  /** Times the sessions of records written were forgotten. */
  get sessionResets(): number {
    return this.sources.reduce((n, s) => n + s.sessionResets, 0);
  }

  close(): void {
    for (const source of this.sources) source.close();
  }

  /** The export as chunks of a few MiB, as LogExporter.chunks() writes them. */
  *chunks(): Generator<Buffer> {
    const sources = this.sources;
    const unit = this.options.format === 'otlp' ? Math.max(1, this.options.batchRecords ?? 1000) : 1;
    const perSlice = sliceRecords(this.options);
    const sessionLimit = Math.max(1, this.options.sessionLimit ?? SESSION_LIMIT);
    const inputs: ExportInput[] = sources.map((s) => ({ index: s.index, path: s.input.path, source: s.input.source, files: s.files }));
    // The slice being made: each position's log and record (one log: records first … first + count).
    const src = new Uint16Array(perSlice);
    const rec = new Uint32Array(perSlice);
    let first = 0;
    let count = 0;
    let made = -1;
    // A slice ends as LogExporter's do: at perSlice records, or past SLICE_LOG_BYTES at a whole OTLP batch.
    const makeSlice = (): boolean => {
      for (const s of sources) s.forgetMerged(sessionLimit);
      count = 0;
      let bytes = 0;
      if (sources.length === 1) {
        const one = sources[0];
        first = one.head;
        const index = one.index;
        while (one.available()) {
          const r = one.head++;
          count++;
          bytes += index.endOffsetOf(r) - index.recStartOffset[r];
          if (count >= perSlice || (bytes >= SLICE_LOG_BYTES && count % unit === 0)) break;
        }
        return count > 0;
      }
      for (;;) {
        // The log whose next record comes first; ties go to the log named first (MergedOrder's rule).
        let best = -1;
        let bestTime = 0;
        for (let k = 0; k < sources.length; k++) {
          const s = sources[k];
          if (!s.available()) continue;
          const t = s.timeOf(s.head);
          if (best < 0 || t < bestTime) {
            best = k;
            bestTime = t;
          }
        }
        if (best < 0) break;
        const s = sources[best];
        const r = s.head++;
        src[count] = best;
        rec[count] = r;
        count++;
        bytes += s.index.endOffsetOf(r) - s.index.recStartOffset[r];
        if (count >= perSlice || (bytes >= SLICE_LOG_BYTES && count % unit === 0)) break;
      }
      return count > 0;
    };
    const sizes = new Map<number, number>();
    // has(k) makes slice k (when it is the next one); it is then written or sent at once, before the next is made.
    const has = (k: number): boolean => {
      if (k <= made) return true;
      if (!makeSlice()) return false;
      made = k;
      sizes.set(k, count);
      return true;
    };
    if (!has(0)) return;
    const order = sources.length > 1 ? { src, rec } : undefined;
    const writer = new SliceWriter(inputs, this.options, order);
    const thread = this.startThread();
    if (thread) this.threadsUsed = 2;
    const indexes = sources.map((s) => s.index);
    // Only the slice just made exists (its records may be forgotten once the next is made).
    const mustBeMade = (k: number): void => {
      if (k !== made) throw new Error(`export: slice ${k} asked for after slice ${made} was made`);
    };
    const gather = (): SliceArrays => (order ? gatherSlice(indexes, src, rec, 0, count) : gatherSlice(indexes, undefined, undefined, first, first + count));
    const feed: SliceFeed = {
      has,
      writeOwn: (k) => {
        mustBeMade(k);
        // From the slice's gathered values, as the worker writes: reading the index's own arrays
        // would derive end offsets and lines for every record it holds, after every window.
        const a = gather();
        const chunks: Buffer[] = [];
        writer.writeSlice(a.count, a.src, indexes.map((ix) => indexOverSlice(ix, a)), CHUNK_BYTES, (chunk) => chunks.push(chunk));
        if (writer.out.pos > 0) chunks.push(writer.take());
        return chunks;
      },
      send: (k) => {
        mustBeMade(k);
        thread?.send(k, gather(), sources.map((s) => s.news()));
      },
      written: (k) => {
        this.slices = k + 1;
        this.done += sizes.get(k) ?? 0;
        sizes.delete(k);
      },
    };
    yield* interleave(feed, thread, this);
  }

  /** A worker writing slices too, when threads were asked for. */
  private startThread(): ExportThread | undefined {
    if ((this.options.threads ?? 1) < 2) return undefined;
    const o = this.options;
    const setups = this.sources.map((s) => inputSetup(s.index, inputFiles(s.input)));
    for (const s of this.sources) s.told();
    return ExportThread.start({
      inputs: this.sources.map((s, k) => ({ path: s.input.path, source: s.input.source, files: s.files, setup: setups[k] })),
      options: { format: o.format, bulk: o.bulk, utcOffsetMin: o.utcOffsetMin, batchRecords: o.batchRecords, version: o.version },
      chunkBytes: CHUNK_BYTES,
    });
  }
}
