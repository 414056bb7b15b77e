// One log of a streamed export (streamExport.ts): its file (or its rotated files read as one) indexed
// a window at a time, the records that may be written (a window of look-ahead behind what is
// indexed), the next one to merge, and what the export's worker has been told of its sessions.
import { ConcatSource } from '../concatSource';
import { LogIndex } from '../logIndex';
import { NO_OFFSET } from '../recordStore';
import type { LogSource } from '../source';
import { FileSource } from '../source';
import { DAY_MS } from '../time';
import type { Dialect, ParseContext } from '../types';
import type { IndexNews } from './exportIndex';
import type { ExportInput } from './exporter';

/** One log on disk to stream. */
export interface StreamInput {
  /** The file on disk (the first, for rotated files). */
  file: string;
  /** The path as the user named it (`log.file.path`). */
  path: string;
  /** Its source's name (FORMATS §9). */
  source: string;
  dialect: Dialect;
  /** The date of a CommuniGate log comes from its (first) file's name; EMG's year from the newest file's time. */
  ctx: ParseContext;
  /** Rotated files read as one log, oldest first (FORMATS §9), when there are several: each on disk and as named. */
  files?: { file: string; path: string; name: string }[];
}

/** The files on disk an input reads, in order. */
export function inputFiles(input: StreamInput): string[] {
  return input.files?.map((f) => f.file) ?? [input.file];
}

export class StreamSource {
  readonly index: LogIndex;
  private readonly bytes: LogSource;
  /** Rotated files: where each starts, its first line and path (ExportInput.files); undefined for one file. */
  readonly files: ExportInput['files'];
  /** Rotated files' dates (Dialect.fileDate), where their names give one. */
  private readonly fileDates: (number | undefined)[] = [];
  /** The next file whose first record is to be placed on its date, and the shift reached (SourceLog.placeOnFileDates). */
  private nextFile = 1;
  private shiftMs = 0;
  /** Records placed on their files' dates: those that may be written. */
  private placed = 0;
  /** The whole log is indexed. */
  ended = false;
  /** Records that may be written: final, and a window of the log indexed after them. */
  ready = 0;
  /** The next record to merge. */
  head = 0;
  windows = 0;
  sessionResets = 0;
  peakRecords = 0;
  // What the worker knows: sessions and dialogs up to these counts, of this epoch.
  private epochSent = -1;
  private sessionsSent = 0;
  private dialogsSent = 0;
  private dialogs: IterableIterator<[number, string]> | undefined;

  /** Opens the file (one that cannot be read fails here, before anything is written). */
  constructor(
    readonly input: StreamInput,
    utcOffsetMin: number,
    private readonly windowBytes: number,
  ) {
    const rotated = input.files !== undefined && input.files.length > 1 ? input.files : undefined;
    if (rotated === undefined) this.bytes = new FileSource(input.file);
    else {
      const parts: FileSource[] = [];
      try {
        for (const f of rotated) parts.push(new FileSource(f.file));
      } catch (e) {
        for (const part of parts) part.close();
        throw e;
      }
      const concat = new ConcatSource(parts);
      const firstLines = concat.partFirstLines();
      this.files = rotated.map((f, k) => ({ path: f.path, start: concat.partStart(k), firstLine: firstLines[k] }));
      this.fileDates = rotated.map((f) => input.dialect.fileDate?.(f.name));
      this.bytes = concat;
    }
    this.index = new LogIndex(this.bytes, input.dialect, input.ctx);
    this.index.logOffsetMin = utcOffsetMin;
  }

  get size(): number {
    return this.bytes.size;
  }

  /**
   * Whether record `head` may be merged, indexing windows as needed; false once every record is. A
   * window's records may be written once the next window is indexed too: a SIP session's Call-ID
   * comes a few records after its first ones, and this lets it cross a window's edge.
   */
  available(): boolean {
    while (this.head >= this.ready) {
      if (this.ended) return false;
      const before = this.index.recordCount;
      const final = this.index.indexWindow(this.windowBytes);
      this.windows++;
      this.ended = this.index.scannedTo >= this.bytes.size;
      this.ready = this.ended ? final : Math.min(final, before);
      this.peakRecords = Math.max(this.peakRecords, this.index.recordCount);
      if (this.files !== undefined) this.placeOnFileDates();
    }
    return true;
  }

  /**
   * Places the records that became ready on their files' dates, as SourceLog.placeOnFileDates does
   * for a whole index: a file dated later than the day count reached moves its records, and those
   * after them, forward (days missing between the files). Only ready records move: the index still
   * dates the records after them from their times as written (a record without a time takes the one
   * before it, unmoved, as in the whole index before it is placed).
   */
  private placeOnFileDates(): void {
    const files = this.files;
    if (files === undefined) return;
    const index = this.index;
    const wall = index.recWall;
    const starts = index.recStartOffset;
    for (let r = this.placed; r < this.ready; r++) {
      while (this.nextFile < files.length && starts[r] >= files[this.nextFile].start) {
        const date = this.fileDates[this.nextFile++];
        if (date === undefined || Number.isNaN(wall[r])) continue;
        const delta = date - Math.floor((wall[r] + this.shiftMs) / DAY_MS) * DAY_MS;
        if (delta > 0) this.shiftMs += delta;
      }
      wall[r] += this.shiftMs;
    }
    this.placed = this.ready;
  }

  /** Record r's UTC time as MergedOrder compares times (no time: first). */
  timeOf(r: number): number {
    const index = this.index;
    const off = index.offsetMinOf(r);
    const t = index.recWall[r] - (off === NO_OFFSET ? index.logOffsetMin : off) * 60_000;
    return Number.isNaN(t) ? -Infinity : t;
  }

  /**
   * Forgets the records merged so far (all of them are written or sent) once they are at least half
   * of those held: forgetting moves the others to the front, so each record is moved once on average.
   * Then forgets the sessions of those written once more than `sessionLimit` are held.
   */
  forgetMerged(sessionLimit: number): void {
    if (this.head === 0 || this.head * 2 < this.index.recordCount) return;
    this.index.forget(this.head);
    this.ready -= this.head;
    this.placed -= this.head;
    this.head = 0;
    if (this.index.sessionCount > sessionLimit) {
      this.index.forgetSessions();
      this.sessionResets++;
    }
  }

  /** What the index gained since the worker last heard (its setup, or the last news); undefined: nothing. */
  news(): IndexNews | undefined {
    const index = this.index;
    if (index.sessionEpoch !== this.epochSent) {
      this.epochSent = index.sessionEpoch;
      this.sessionsSent = 0;
      this.dialogsSent = 0;
      this.dialogs = index.sessionDialog.entries();
    } else if (index.sessionCount === this.sessionsSent && index.sessionDialog.size === this.dialogsSent) {
      return undefined;
    }
    const keys = index.keys.exportFrom(this.sessionsSent);
    // The map's iterator is never run to its end, so it goes on to the entries added since.
    const added: [number, string][] = [];
    for (; this.dialogsSent < index.sessionDialog.size; this.dialogsSent++) added.push((this.dialogs as IterableIterator<[number, string]>).next().value as [number, string]);
    this.sessionsSent = index.sessionCount;
    return { epoch: this.epochSent, sessionCount: this.sessionsSent, keys, dialogs: added };
  }

  /** The worker's setup was made now: it knows what the index has. */
  told(): void {
    const index = this.index;
    this.epochSent = index.sessionEpoch;
    this.sessionsSent = index.sessionCount;
    this.dialogs = index.sessionDialog.entries();
    for (this.dialogsSent = 0; this.dialogsSent < index.sessionDialog.size; this.dialogsSent++) this.dialogs.next();
  }

  close(): void {
    const bytes = this.bytes;
    if (bytes instanceof ConcatSource) for (let k = 0; k < bytes.partCount; k++) (bytes.part(k) as FileSource).close();
    else (bytes as FileSource).close();
  }
}
