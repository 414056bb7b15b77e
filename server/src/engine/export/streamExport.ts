// A streamed export of one log on disk (FORMATS §13): the log is indexed a window at a time, and a
// window's records are written once the next one is indexed (a window of look-ahead), then
// forgotten, so memory stays that of two windows (and of the sessions' keys) whatever the size of
// the log. Records come out as the export of the whole index writes them, but for what the look-ahead
// cannot see (docs/BEHAVIOUR.md): a SIP Call-ID first written more than a window after a session's
// earlier records is not written on those.
import type { Dialect, ParseContext } from '../types';
import { LogIndex } from '../logIndex';
import { FileSource } from '../source';
import { type ExportInput, type ExportOptions, interleave, type SliceFeed, sliceBounds, sliceRecords, SLICE_LOG_BYTES, withVersion, writeSlice } from './exporter';
import { gatherSlice, type IndexNews, inputSetup, needsWholeIndex } from './exportIndex';
import { SliceWriter } from './serialiser';
import { ExportThread } from './thread';
import { CHUNK_BYTES } from './jsonBytes';

/** Log indexed per window: a few MiB of records and of their output at a time. */
const WINDOW_BYTES = 8 << 20;
/** Past this many sessions, those of the records written are forgotten (memory must not grow with the log). */
const SESSION_LIMIT = 1 << 16;

/** One log on disk to stream. */
export interface StreamInput {
  /** The file on disk. */
  file: string;
  /** The path as the user named it (`log.file.path`). */
  path: string;
  /** Its source's name (FORMATS §9). */
  source: string;
  dialect: Dialect;
  ctx: ParseContext;
}

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

export class StreamExporter {
  /** Records exported so far. */
  done = 0;
  /** Threads that wrote the export (2 once a worker took part). */
  threadsUsed = 1;
  /** Slices the worker wrote, and slices in all. */
  workerSlices = 0;
  slices = 0;
  /** Windows the log was indexed in. */
  windows = 0;
  /** Most records held at once. */
  peakRecords = 0;
  /** Times the sessions of records written were forgotten. */
  sessionResets = 0;
  private readonly index: LogIndex;
  private readonly source: FileSource;

  /** Opens the file (a file that cannot be read fails here, before anything is written). */
  constructor(
    private readonly input: StreamInput,
    private readonly options: StreamOptions,
  ) {
    this.options = withVersion(options);
    this.source = new FileSource(input.file);
    this.index = new LogIndex(this.source, input.dialect, input.ctx);
    this.index.logOffsetMin = options.utcOffsetMin ?? 0;
  }

  close(): void {
    this.source.close();
  }

  /** The export as chunks of a few MiB, as LogExporter.chunks() writes them. */
  *chunks(): Generator<Buffer> {
    const index = this.index;
    const size = this.source.size;
    const windowBytes = Math.max(1, this.options.windowBytes ?? WINDOW_BYTES);
    const unit = this.options.format === 'otlp' ? Math.max(1, this.options.batchRecords ?? 1000) : 1;
    const perSlice = sliceRecords(this.options);
    const one: ExportInput = { index, path: this.input.path, source: this.input.source };
    // The window's slices as record numbers of the index ([0, …, records written from it]), and the
    // number of its first slice in the export.
    let bounds = [0];
    let firstSlice = 0;
    let ended = false;
    const sessionLimit = Math.max(1, this.options.sessionLimit ?? SESSION_LIMIT);
    const nextWindow = (): void => {
      index.forget(bounds[bounds.length - 1]);
      if (index.sessionCount > sessionLimit) {
        index.forgetSessions();
        this.sessionResets++;
      }
      firstSlice += bounds.length - 1;
      const before = index.recordCount;
      let ready = index.indexWindow(windowBytes);
      this.windows++;
      ended = index.scannedTo >= size;
      if (!ended) {
        // A window's records are written once the next window is indexed too: a SIP session's
        // Call-ID comes a few records after its first ones, and this lets it cross a window's edge.
        ready = Math.min(ready, before);
        // Slices hold whole OTLP batches: the records of a part batch wait for the next window.
        ready -= ready % unit;
      }
      this.peakRecords = Math.max(this.peakRecords, index.recordCount);
      bounds = ready > 0 ? sliceBounds([one], undefined, ready, perSlice, SLICE_LOG_BYTES, unit) : [0];
    };
    const has = (k: number): boolean => {
      while (k >= firstSlice + bounds.length - 1) {
        if (ended) return false;
        nextWindow();
      }
      return true;
    };
    if (!has(0)) return;
    const writer = new SliceWriter([one], this.options, undefined);
    const thread = this.startThread();
    if (thread) this.threadsUsed = 2;
    // What the worker knows of the index: its sessions and dialogs up to these counts, of this epoch.
    let epochSent = index.sessionEpoch;
    let sessionsSent = index.sessionCount;
    let dialogsSent = index.sessionDialog.size;
    let dialogs = index.sessionDialog.entries();
    for (let k = 0; k < dialogsSent; k++) dialogs.next();
    const news = (): IndexNews | undefined => {
      if (index.sessionEpoch !== epochSent) {
        epochSent = index.sessionEpoch;
        sessionsSent = 0;
        dialogsSent = 0;
        dialogs = index.sessionDialog.entries();
      } else if (index.sessionCount === sessionsSent && index.sessionDialog.size === dialogsSent) {
        return undefined;
      }
      const keys = index.keys.exportFrom(sessionsSent);
      // The map's iterator is never run to its end, so it goes on to entries added since.
      const added: [number, string][] = [];
      for (; dialogsSent < index.sessionDialog.size; dialogsSent++) added.push(dialogs.next().value as [number, string]);
      sessionsSent = index.sessionCount;
      return { epoch: epochSent, sessionCount: sessionsSent, keys, dialogs: added };
    };
    // Slices are written or sent as soon as has() has made them ready (the window of `assigned`),
    // before the next has() may move on; they are only counted later.
    const local = (k: number): [number, number] => {
      const from = bounds[k - firstSlice];
      const to = bounds[k - firstSlice + 1];
      if (from === undefined || to === undefined) throw new Error(`slice ${k} is not in the window`);
      records.set(k, to - from);
      return [from, to];
    };
    const records = new Map<number, number>();
    const feed: SliceFeed = {
      has,
      writeOwn: (k) => writeSlice(writer, ...local(k)),
      send: (k) => {
        const [from, to] = local(k);
        thread?.send(k, gatherSlice([index], undefined, undefined, from, to), news());
      },
      written: (k) => {
        this.slices = k + 1;
        this.done += records.get(k) ?? 0;
        records.delete(k);
      },
    };
    yield* interleave(feed, thread, this);
  }

  /** A worker writing slices too, for a large log when threads were asked for. */
  private startThread(): ExportThread | undefined {
    const threads = this.options.threads ?? 1;
    if (threads < 2) return undefined;
    const o = this.options;
    return ExportThread.start({
      inputs: [{ path: this.input.path, source: this.input.source, setup: inputSetup(this.index, [this.input.file]) }],
      options: { format: o.format, bulk: o.bulk, utcOffsetMin: o.utcOffsetMin, batchRecords: o.batchRecords, version: o.version },
      chunkBytes: CHUNK_BYTES,
    });
  }
}
