// Several logs read as one (FORMATS §9): sources (a file, or the rotated files of one log read as
// one stream so that sessions go on across them), each with its own index, merged in time order.
import { CR, LF } from './bytes';
import { ConcatSource } from './concatSource';
import type { LogFile } from './inputs';
import type { BuildOptions } from './logIndex';
import { LogIndex } from './logIndex';
import { MergedOrder } from './merge';
import { groupSources } from './rotation';
import type { LogSource } from './source';
import { FileSource, MemorySource } from './source';
import { buildParallel, buildParallelAsync, canSplit, threadsFor } from './parallel';
import { touchesAhead } from './pageToucher';
import { DAY_MS, formatWall } from './time';
import type { Dialect, DialectId } from './types';
import { checkInWindows } from './windowedCheck';
import { sessionsInHalves, sessionsInWindows } from './windowedSessions';

export interface LogSetOptions extends BuildOptions {
  /** Offset (minutes east of UTC) of logs that write none; 0 (UTC) by default. */
  utcOffsetMin?: number;
  toleranceMs?: number;
  /** A last line still being written is left out until complete (the set will be followed). */
  holdPartialLine?: boolean;
  /** Build asynchronously, giving the event loop a turn between chunks (the language server). */
  async?: boolean;
  /**
   * Keep of the records only each session's first and last (LogIndex.buildSessionEnds), where the set
   * is one log of one file in time order: all that `msglog sessions` reads, in far less memory.
   */
  sessionEnds?: boolean;
  /**
   * With sessionEnds, the list is written as JSON lines or as text rows, without file names (`msglog
   * sessions` of one file): a large log's back half may have its new sessions written by the worker
   * that read it (LogIndex.laterSessionsJson, laterSessionRows), not taken in here.
   */
  sessionList?: 'json' | 'text';
  /** For msglog check: its diagnostics written as JSON or lines, each file named or not (BuildOptions.checkFormat of each source). */
  check?: { json: boolean; named: boolean };
}

/**
 * Log indexed per window when only session ends are kept. Small enough that a window's records and the
 * sessions it touches stay in the caches: `sessions --json` of 1 GB took 3.44 s with 2 MB windows,
 * 3.80 s with 4 MB and more with 16 MB (medians of six, alternating pairs); 1 MB was no quicker.
 */
const SESSION_ENDS_WINDOW = 2 << 20;

/** One log: a file, or the rotated files of one log in reading order. */
export class SourceLog {
  /** Milliseconds added to every time: places a source without a date on the others' first date. */
  shiftMs = 0;
  private readonly lineStarts: number[] = [];

  constructor(
    readonly name: string,
    readonly files: LogFile[],
    readonly index: LogIndex,
    private readonly bytes: ConcatSource,
  ) {}

  get store(): LogIndex {
    return this.index;
  }

  /** Which file a byte offset of the source lies in. */
  fileAt(offset: number): number {
    return this.bytes.partAt(offset);
  }

  /** Offset of file k's first byte in the source. */
  fileStart(k: number): number {
    return this.bytes.partStart(k);
  }

  /** Offset just past file k's bytes. */
  fileEnd(k: number): number {
    return this.bytes.partEnd(k);
  }

  /** The 0-based line (of the source) at which file k starts. */
  fileFirstLine(k: number): number {
    if (k === 0) return 0;
    const cached = this.lineStarts[k];
    if (cached !== undefined) return cached;
    const ix = this.index;
    const boundary = this.fileStart(k);
    // The last record starting before the boundary, then the line ends between it and the boundary.
    let lo = 0;
    let hi = ix.recordCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ix.recStartOffset[mid] < boundary) lo = mid + 1;
      else hi = mid - 1;
    }
    let line: number;
    let from: number;
    if (hi < 0) {
      line = 0;
      from = 0;
    } else if (ix.recEndOffset[hi] > boundary) {
      line = ix.recStartLine[hi];
      from = ix.recStartOffset[hi];
    } else {
      line = ix.recEndLine[hi] + 1;
      from = ix.recEndOffset[hi];
    }
    line += countLineEnds(ix.read(from, boundary));
    this.lineStarts[k] = line;
    return line;
  }

  /** File and 0-based line in that file of a 0-based source line starting at byte `offset`. */
  locate(line: number, offset: number): { file: number; line: number } {
    const k = this.fileAt(offset);
    return { file: k, line: line - this.fileFirstLine(k) };
  }

  /** Record r's file and 0-based line in that file. */
  locateRecord(r: number): { file: number; line: number } {
    return this.locate(this.index.recStartLine[r], this.index.recStartOffset[r]);
  }

  /** The file path (as printed) of record r. */
  displayOf(r: number): string {
    return this.files[this.fileAt(this.index.recStartOffset[r])].display;
  }

  /**
   * Places the records of each dated CommuniGate file on its file's date when that is later than
   * the day count reached (days missing between the files: the 14th and the 16th named together).
   * `from`: the first record to look at (records appended while following take the last file's shift).
   */
  placeOnFileDates(from = 0): void {
    const ix = this.index;
    const fileDate = ix.dialect.fileDate;
    if (!fileDate) return;
    let moved = this.liveShiftMs !== 0 && from < ix.recordCount;
    if (this.liveShiftMs !== 0) for (let r = from; r < ix.recordCount; r++) ix.recWall[r] += this.liveShiftMs;
    for (let k = 1; k < this.files.length; k++) {
      const date = fileDate(this.files[k].name);
      if (date === undefined) continue;
      const r = this.firstRecordFrom(this.fileStart(k));
      if (r < from || r >= ix.recordCount || Number.isNaN(ix.recWall[r])) continue;
      const delta = date - Math.floor(ix.recWall[r] / DAY_MS) * DAY_MS;
      if (delta <= 0) continue;
      for (let x = r; x < ix.recordCount; x++) ix.recWall[x] += delta;
      this.liveShiftMs += delta;
      moved = true;
    }
    // The index marked time regressions on the times before they moved: a new day's file read as the
    // same day would go back in time.
    if (moved) ix.timesMoved();
  }

  /** Added to the times of the last file's records (see placeOnFileDates). */
  private liveShiftMs = 0;

  /** The first record starting at or after `offset`. */
  private firstRecordFrom(offset: number): number {
    const ix = this.index;
    let lo = 0;
    let hi = ix.recordCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ix.recStartOffset[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The source's live (last) file on disk when it is read from disk, for following growth. */
  liveFile(): FileSource | undefined {
    const last = this.bytes.part(this.bytes.partCount - 1);
    return last instanceof FileSource ? last : undefined;
  }

  /** Adds the file that now has the live file's name (the log rotated while followed). */
  addRotatedFile(file: FileSource, entry: LogFile): void {
    this.bytes.add(file);
    this.files.push(entry);
  }

  /** Whether a last line still being written waits until it is complete (following). */
  set holdPartialLine(hold: boolean) {
    this.bytes.holdPartialLine = hold;
  }

  close(): void {
    for (let k = 0; k < this.bytes.partCount; k++) {
      const p = this.bytes.part(k);
      if (p instanceof FileSource) p.close();
    }
  }
}

/** Line terminators in `buf` as the index counts them: LF, CRLF and a lone CR. */
function countLineEnds(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i >= 0; i = buf.indexOf(LF, i + 1)) n++;
  for (let i = buf.indexOf(CR); i >= 0; i = buf.indexOf(CR, i + 1)) if (buf[i + 1] !== LF) n++;
  return n;
}

/** A note about how the set was read (a source placed on another's date), one line each. */
export type LogSetNote = string;

/**
 * Whether msglog check of a log of `dialect` is done window by window on two threads (windowedCheck.ts):
 * a dialect read in parts (with its parser's state, EMG's, checked at the split; a table that may come
 * newest first in the order its first records give, checked at the end), keyless with its problem lines
 * kept, and no text searched (MSGLOG_CHECK_WINDOWS=0 turns it off, to compare).
 */
function checksInWindows(dialect: Dialect, options: LogSetOptions): boolean {
  if (process.env.MSGLOG_CHECK_WINDOWS === '0') return false;
  return canSplit(dialect, true) && options.keyless === true && options.problemLines === true && options.segments === true && options.search === undefined;
}

export class LogSet {
  readonly order: MergedOrder;
  readonly notes: LogSetNote[] = [];

  private constructor(readonly sources: SourceLog[]) {
    this.placeUndated();
    this.order = new MergedOrder(sources);
  }

  /** Groups files into sources, indexes each and merges them. Files that fail to open are reported by `onError`. */
  static async open(files: readonly LogFile[], options: LogSetOptions = {}, onError?: (file: LogFile, e: Error) => void): Promise<LogSet> {
    const sources: SourceLog[] = [];
    const groups = groupSources(files);
    // Session ends order sessions within a log, not across logs: several logs merge by every record.
    const sessionEnds = options.sessionEnds === true && groups.length === 1 && !options.async;
    for (const group of groups) {
      const parts: LogSource[] = [];
      const opened: LogFile[] = [];
      for (const f of group.files) {
        try {
          parts.push(f.bytes ? new MemorySource(f.bytes) : new FileSource(f.path));
          opened.push(f);
        } catch (e) {
          onError?.(f, e as Error);
        }
      }
      if (parts.length === 0) continue;
      const bytes = new ConcatSource(parts);
      bytes.holdPartialLine = options.holdPartialLine === true;
      const first = opened[0];
      // A CommuniGate date comes from the first file's name; EMG's year from the newest file's time.
      const ctx = { fileName: first.name, mtimeMs: opened[opened.length - 1].mtimeMs };
      const newIndex = (): LogIndex => {
        const made = new LogIndex(bytes, first.dialect, ctx, { toleranceMs: options.toleranceMs });
        made.logOffsetMin = options.utcOffsetMin ?? 0;
        return made;
      };
      let index = newIndex();
      // One large file on disk, not followed: on every core (worker threads index parts of the file).
      const single = opened.length === 1 && !first.bytes && !bytes.holdPartialLine ? first.path : undefined;
      const threads = single !== undefined && canSplit(first.dialect, options.keyless) ? threadsFor(bytes.size) : 1;
      if (sessionEnds && opened.length === 1 && !bytes.holdPartialLine && first.dialect.mayDescend !== true) {
        // One large file in a dialect read in parts with its keys, listed: its back half gathered by a
        // worker, which writes the JSON lines or text rows of its own sessions. (Taking every session of
        // the half in here was slower than one thread: measured, 4.6–5.1 s against 3.9 s for 1 GB.)
        const list = options.sessionList;
        const windowed = single !== undefined && threads >= 2 && list !== undefined && sessionsInHalves(bytes.size, first.dialect);
        if (!windowed || !sessionsInWindows(index, single, ctx, { toleranceMs: options.toleranceMs ?? 1000, utcOffsetMin: options.utcOffsetMin ?? 0, windowBytes: SESSION_ENDS_WINDOW, list }, options)) {
          if (windowed) index = newIndex();
          index.buildSessionEnds(SESSION_ENDS_WINDOW, options);
        }
      } else if (single !== undefined && threads > 1) {
        if (options.async) await buildParallelAsync(index, single, threads, ctx, options.toleranceMs ?? 1000, options);
        else {
          const check = options.check;
          const format = check === undefined ? undefined : { json: check.json, file: check.named ? first.display : undefined };
          const windowed = format !== undefined && threads === 2 && checksInWindows(first.dialect, options);
          // A log the windowed check does not fit (a zone offset first written in its back half) is checked as before.
          if (!windowed || !checkInWindows(index, single, ctx, options.toleranceMs ?? 1000, options.utcOffsetMin ?? 0, format)) {
            if (windowed) index = newIndex();
            buildParallel(index, single, threads, ctx, options.toleranceMs ?? 1000, format === undefined ? options : { ...options, checkFormat: format });
          }
        }
      } else if (options.async) await index.buildAsync(options);
      else index.build({ ...options, touchAhead: touchesAhead(bytes.size, threadsFor(bytes.size)) });
      const name = opened.length === group.files.length ? group.name : opened.length === 1 ? first.display : group.name;
      const source = new SourceLog(name, opened, index, bytes);
      source.placeOnFileDates();
      sources.push(source);
    }
    return new LogSet(sources);
  }

  /** The dialect of every source, or 'mixed'. */
  get dialect(): DialectId | 'mixed' {
    const ids = new Set(this.sources.map((s) => s.index.dialect.id));
    return ids.size === 1 ? this.sources[0].index.dialect.id : 'mixed';
  }

  /** Number of files read. */
  get fileCount(): number {
    return this.sources.reduce((n, s) => n + s.files.length, 0);
  }

  /** Sources without a calendar date go on the first date of the others (FORMATS §9). */
  private placeUndated(): void {
    let firstDay = Infinity;
    for (const s of this.sources) {
      const ix = s.index;
      if (!ix.dated) continue;
      for (let r = 0; r < ix.recordCount; r++) {
        const t = ix.normalized(r);
        if (!Number.isNaN(t)) {
          firstDay = Math.min(firstDay, Math.floor(t / DAY_MS) * DAY_MS);
          break;
        }
      }
    }
    if (firstDay === Infinity) return;
    for (const s of this.sources) {
      if (s.index.dated || s.index.recordCount === 0) continue;
      s.shiftMs = firstDay;
      this.notes.push(`${s.name} has no date (none in its file name): placed on ${formatWall(firstDay, true).slice(0, 10)}`);
    }
  }

  /** Merged time of a merged position. */
  timeAt(pos: number): number {
    return this.order.timeOf(this.order.src[pos], this.order.rec[pos]);
  }

  close(): void {
    for (const s of this.sources) s.close();
  }
}
