// The record index of one log: typed arrays with one slot per record, no per-line objects.
import { CR, LF, SP, TAB } from './bytes';
import type { StorePart, StoreState } from './portableStore';
import { partLead } from './portableStore';
import { partShape } from './segmentStore';
import type { PartShape, SegmentStart } from './segmentStore';
import type { CheckLines } from './checkLines';
import { SessionEnds } from './sessionEnds';
import { RecordTexts } from './recordTexts';
import type { LogSource } from './source';
import { MemorySource } from './source';
import type { Dialect, FastRecords, FastScan, ParseContext } from './types';
import { HeaderScratch, LogInputError } from './types';
import { ProblemLines } from './problemLines';
import type { BuildOptions, IndexOptions, SearchHits } from './buildOptions';
import { adoptHits, CancelledError, searchable, searchChunk } from './buildOptions';

export type { BuildOptions, IndexOptions, SearchHits } from './buildOptions';
export { CancelledError } from './buildOptions';

export { NO_OFFSET } from './recordStore';
export type { OverflowRun } from './recordStore';
export type { StorePart, StoreState, StoreArrayName } from './portableStore';

/** What exportState gives and fromState takes. */
export interface IndexState {
  store: StoreState;
  /** The scan's own state, numbers in a fixed order (see exportState). */
  scan: Float64Array;
}

/**
 * Bytes scanned per step: few enough that what a read copies is still in the processor's cache when
 * the scan reads it (msglog check of 1 GB: 6–8 % quicker than with 16 MB steps), and many enough that
 * the reads' own cost stays small; small enough for progress and cancellation.
 */
const SCAN_CHUNK = 1 << 20;
/** A first build of a log this large sizes its sessions once (buildSteps)… */
const SIZE_SESSIONS_MIN_BYTES = 16 << 20;
/** …after this much of it is read. */
const SIZE_SESSIONS_AFTER_BYTES = 4 << 20;

/**
 * The index of one log: its records and sessions, built by scanning the log's source in chunks with
 * the dialect's parser. The layers below, each in its file: RecordStore (the arrays), PortableStore
 * (parts and kept state), SegmentStore (a part left where it was indexed), WindowedStore (forgetting),
 * OrderedStore (the finishing pass), RecordTexts (records read back as text).
 */
export class LogIndex extends RecordTexts {
  /** Bytes indexed so far: everything up to the last line terminator seen (or the end, when final). */
  scannedTo = 0;
  /** True when the last line scanned had no terminator (appending then needs a full re-index). */
  endsInPartialLine = false;
  /** True for an index restored from the index cache (fromState) rather than scanned in this process. */
  restored = false;
  /** Problem records' first lines, kept while scanned (BuildOptions.problemLines). */
  problemLines: ProblemLines | undefined;
  /** What BuildOptions.search found, while it is complete (undefined after appends or too many hits). */
  searched: SearchHits | undefined = undefined;

  /** The dialect's fused loop for its common records, and what it appends to (Dialect.createFastScan). */
  private readonly fast: FastScan | undefined;
  private fastOut: FastRecords | undefined;
  /** Blanks before a header are skipped (pasted text) in dialects where they never mark continuation. */
  private readonly indented: boolean;
  private readonly h = new HeaderScratch();
  /** Indexing a part of the log only, up to this offset (a worker's share); undefined: all of it. */
  private limit: number | undefined;
  /** How far finishSoFar finished a parted build, and the zone offset the log had then. */
  private partsFinishedTo = 0;
  private partsFinishedOffsetMin: number | undefined = undefined;
  /** Set by continuePart: the next build goes on with the text search as it stands (hits so far, or given up). */
  private continuing = false;
  // Scan state carried from one chunk (or one append) to the next.
  private line = 0;
  /** OPEN: the last record takes continuation lines; NONE: lines are orphans; CARRY: a part's leading lines continue a record before it. */
  private open = NONE;
  private carryLines = 0;
  private carryEndOffset = 0;
  private carryDialog: string | undefined = undefined;
  /** The parts of the log after this index's records, left as indexes of their own (addSegment). */
  private readonly tail: LogIndex[] = [];
  /**
   * With BuildOptions.checkFormat, where the worker that indexed the log's later parts kept them: the
   * check lines it writes of them (waits for them). This index then holds the log's first part only.
   */
  laterCheckLines: (() => CheckLines) | undefined = undefined;

  /** An empty index over `source`; call build() (or use LogIndex.fromBytes). */
  constructor(
    source: LogSource,
    dialect: Dialect,
    private readonly ctx: ParseContext = {},
    options: IndexOptions = {},
  ) {
    super(source, dialect, ctx, options.toleranceMs ?? 1000);
    this.fast = options.fastScan === false ? undefined : dialect.createFastScan?.();
    this.indented = dialect.headersMayBeIndented === true;
  }

  /**
   * Makes this index take the part `[from, to)` of its source only (`from` at a line boundary), as a
   * worker does: lines and records are numbered from the part's start, lines before its first record
   * are counted as continuing whatever came before, and nothing is finished. See toPart / adopt.
   */
  startPart(from: number, to: number): void {
    this.scannedTo = from;
    this.limit = to;
    if (from > 0) this.open = CARRY;
  }

  /**
   * Makes this index, built up to the end of its part, take the next part `[end, to)` on as well (the
   * parts this thread claims from the front of a parted build follow one another): the next build
   * goes on scanning as one scan of both would, with nothing to stitch.
   */
  continuePart(to: number): void {
    if (this.limit === undefined || this.scannedTo !== this.limit) throw new Error('continuePart: the part before is not built to its end');
    this.limit = to;
    this.continuing = true;
  }

  /** The part indexed (after startPart and build), for the index of the whole log to adopt. */
  part(): StorePart {
    const part = this.toPart(this.carryLines, this.carryEndOffset, this.carryDialog);
    if (this.searched !== undefined) part.hits = this.searched.offsets.slice(0, this.searched.count);
    else part.hits = undefined;
    part.problemLines = this.problemLines?.toPortable();
    return part;
  }

  /** Makes room for `records` records at once (a build of a known size). */
  reserve(records: number): void {
    if (records > this.recStartLine.length) this.resizeRecords(records);
  }

  /** Appends a part indexed on its own (by a worker) from where this index stopped; call endParts when all are in. */
  adoptPart(p: StorePart, scannedTo: number, endsInPartialLine: boolean): void {
    if (this.searched !== undefined && !adoptHits(this.searched, p.hits)) this.searched = undefined;
    const recordBase = this.recordCount;
    this.adopt(p);
    // A part without them leaves its records to be read back (lineOf answers undefined).
    if (p.problemLines !== undefined) this.problemLines?.addPortable(p.problemLines, recordBase);
    this.line = this.lineCount;
    this.scannedTo = scannedTo;
    this.endsInPartialLine = endsInPartialLine;
    this.open = this.recordCount > 0 && !this.closedBy.has(this.recordCount - 1) ? OPEN : NONE;
  }

  /**
   * In a parted build, finishes the records this index has so far (its own parts'), so that
   * endParts finishes only the parts adopted after them: this thread does it while the workers
   * still scan. Finishing is a pass in record order whose state carries on (as for appends).
   */
  finishSoFar(): void {
    this.finish(this.partsFinishedTo);
    this.partsFinishedTo = this.recordCount;
    this.partsFinishedOffsetMin = this.hasOffset ? this.logOffsetMin : undefined;
  }

  /** Finishes an index made of parts (time order, regressions, problem counts), as build() does. */
  endParts(): void {
    this.limit = undefined;
    if (this.recordCount === 0) this.preambleLines = this.lineCount;
    // Records finished before a later part set the log's zone offset compared their times without it: again from the start then.
    const offsetAsFinished = (this.hasOffset ? this.logOffsetMin : undefined) === this.partsFinishedOffsetMin;
    this.finish(offsetAsFinished ? this.partsFinishedTo : 0);
    this.trim();
    this.invalidateDerived();
  }

  /**
   * After endParts, takes a worker's part as a segment of the log after this index's records (and the
   * segments before it) instead of copying it in (BuildOptions.segments): a keyless index of its own
   * over the part's arrays, its lines numbered in the log and its records finished as following the
   * segment before. See segments().
   */
  addSegment(p: StorePart, scannedTo: number, endsInPartialLine: boolean): void {
    if (!this.canSegment(p)) throw new Error('addSegment: this part cannot be left as a segment');
    const before = this.tail[this.tail.length - 1] ?? this;
    before.acceptLead(partLead(p));
    const segment = LogIndex.segmentOf(this.source, this.dialect, this.ctx, this.toleranceMs, before.segmentStart(), p);
    if (this.problemLines === undefined) segment.problemLines = undefined;
    segment.scannedTo = scannedTo;
    segment.endsInPartialLine = endsInPartialLine;
    this.tail.push(segment);
  }

  /**
   * A keyless index of its own over a part's arrays (taken over, not copied), its lines numbered in
   * the log and its records finished as following the records `start` ends (a segment: see segments()).
   */
  static segmentOf(source: LogSource, dialect: Dialect, ctx: ParseContext, toleranceMs: number, start: SegmentStart, p: StorePart): LogIndex {
    const segment = new LogIndex(source, dialect, ctx, { toleranceMs });
    segment.beKeyless();
    segment.continueFinishing(start);
    segment.takeOverPart(p, start);
    if (p.problemLines !== undefined) segment.problemLines = ProblemLines.fromPortable(p.problemLines);
    segment.finish(0);
    return segment;
  }

  /**
   * Whether a part can be left as a segment after this index (addSegment): a keyless index of a log in
   * time order, records in both, and the log's zone offset not set by the part (that would change how
   * every record before it is finished).
   */
  canSegment(p: StorePart | PartShape): boolean {
    const shape = 'recStartLine' in p ? partShape(p) : p;
    return this.keyless && this.dialect.mayDescend !== true && this.recordCount > 0 && shape.recordCount > 0 && shape.keyless && (!shape.zoneOffsets || this.hasOffset);
  }

  /**
   * The log in order: this index, then the segments a parted build left after it (addSegment), each
   * with its own records and the log's line numbers. Just this index unless BuildOptions.segments was
   * given: only a reader that goes through every segment in turn (the diagnostics) may ask for them.
   */
  segments(): readonly LogIndex[] {
    return this.tail.length === 0 ? [this] : [this, ...this.tail];
  }

  /**
   * The index as a state to keep (the index cache): the store's arrays and values, and the scan's
   * own state, so that a restored index appends what the log gained since as this one would.
   * Only for an index of a whole log whose parser keeps no state from line to line (`partable`).
   * `handOver`: for another thread to take over (see exportStore), not to be written out.
   */
  exportState(handOver = false): IndexState {
    if (this.limit !== undefined || this.dialect.partable !== true) throw new Error('only a whole log of a partable dialect can be kept');
    const scan = [this.scannedTo, this.endsInPartialLine ? 1 : 0, this.line, this.open, this.day, this.maxTod, this.rolledTo, this.up, this.down, this.lastTimed, this.regressionEdge, this.toleranceMs];
    return { store: this.exportStore(handOver), scan: Float64Array.from(scan) };
  }

  /** An index over `source` restored from exportState (the arrays are taken over, not copied). */
  static fromState(source: LogSource, dialect: Dialect, ctx: ParseContext, state: IndexState): LogIndex {
    const scan = state.scan;
    if (scan.length !== 12) throw new Error('index cache: bad scan state');
    const index = new LogIndex(source, dialect, ctx, { toleranceMs: scan[11] });
    index.importStore(state.store);
    index.scannedTo = scan[0];
    index.endsInPartialLine = scan[1] === 1;
    index.line = scan[2];
    index.open = scan[3];
    index.day = scan[4];
    index.maxTod = scan[5];
    index.rolledTo = scan[6];
    index.up = scan[7];
    index.down = scan[8];
    index.lastTimed = scan[9];
    index.regressionEdge = scan[10];
    index.restored = true;
    return index;
  }

  /**
   * Indexes the next window of the log: about `bytes` more, up to a line end, its records finished
   * (dated, time regressions, problem counts) as build() would. Returns how many records are final:
   * all of them at the end of the log, else all but the last (lines after the window may continue
   * it). Call forget() for the ones used: a streamed export keeps one window of records at a time.
   */
  indexWindow(bytes: number, options: BuildOptions = {}): number {
    const size = this.source.size;
    const first = this.recordCount;
    const end = this.scannedTo + bytes >= size ? size : this.findLineEnd(this.scannedTo + bytes, 1 << 16);
    if (end < size) this.limit = end;
    try {
      this.build({ ...options, search: undefined, problemLines: undefined });
    } finally {
      this.limit = undefined;
    }
    if (end < size) this.finish(first);
    return this.scannedTo >= size ? this.recordCount : Math.max(0, this.recordCount - 1);
  }

  /**
   * Indexes the whole log a window at a time, keeping of its records only each session's first and
   * last (installSessionEnds): what a session list reads, in memory that grows with the sessions,
   * not the records. Sessions, counts, problems and dialogs are those of build().
   */
  buildSessionEnds(windowBytes: number, options: BuildOptions = {}): void {
    const size = this.source.size;
    const ends = new SessionEnds(size);
    let reserved = false;
    for (;;) {
      const ready = this.indexWindow(windowBytes, options);
      // Sessions so far, by the bytes read, for the whole log (a tenth more): the session arrays and
      // the key table are sized once, after the first window, not grown by copies (whose old arrays
      // would wait for the garbage collector, raising the peak).
      const scale = this.scannedTo > 0 ? (size / this.scannedTo) * 1.1 : 0;
      const expected = this.sessionCount * scale;
      if (!reserved && this.scannedTo < size) {
        // Reserved as many as expected, however many: this store keeps 62 bytes a session, not 25 a record.
        this.reserveForTheRest(size, Infinity);
        reserved = true;
      }
      ends.fold(this, ready, expected);
      this.forget(ready);
      if (this.scannedTo >= this.source.size) break;
    }
    this.installSessionEnds(ends);
  }

  /** Forgets the first `n` records (after indexWindow): the rest are renumbered from 0. */
  forget(n: number): void {
    if (n <= 0) return;
    this.forgetRecords(n);
    this.rolledTo = Math.max(0, this.rolledTo - n);
    this.regressionEdgeRecord = this.regressionEdgeRecord >= n ? this.regressionEdgeRecord - n : -1;
    this.searched = undefined;
  }

  /** Indexes a log held in memory. */
  static fromBytes(bytes: Uint8Array, dialect: Dialect, ctx: ParseContext = {}, options: IndexOptions = {}): LogIndex {
    const index = new LogIndex(new MemorySource(bytes), dialect, ctx, options);
    index.build();
    return index;
  }

  /** Scans everything the source has that is not indexed yet, in chunks. */
  build(options: BuildOptions = {}): void {
    for (const _ of this.buildSteps(options));
  }

  /**
   * As build(), but gives the event loop a turn after each chunk, so that a server stays responsive,
   * reports progress and sees cancellation. A cancelled index is incomplete: drop it.
   */
  async buildAsync(options: BuildOptions = {}): Promise<void> {
    for (const _ of this.buildSteps(options)) await turn();
  }

  private *buildSteps(options: BuildOptions): Generator<void> {
    const total = this.limit ?? this.source.size;
    const first = this.recordCount;
    const chunkSize = options.chunkSize ?? SCAN_CHUNK;
    // Size the record arrays once from the size (log lines average well over 64 bytes) rather than
    // growing them by copying through a 1 GB scan; what is left over is trimmed at the end.
    const estimate = Math.ceil((total - this.scannedTo) / 64) + this.recordCount;
    // Exactly for a first build; by half again for appends, so that a growing log is not copied each time.
    if (options.problemLines === true) this.problemLines ??= new ProblemLines(total - this.scannedTo);
    if (options.keyless === true && this.recordCount === 0 && this.sessionCount === 0) this.beKeyless();
    const toucher = options.touchAhead === true && this.recordCount === 0 ? this.reserveTouched(estimate) : undefined;
    if (toucher === undefined && estimate > this.recStartLine.length) this.resizeRecords(this.recordCount === 0 ? estimate : Math.max(estimate, Math.ceil(this.recStartLine.length * 1.5)));
    const needle = searchable(options.search);
    const continuing = this.continuing;
    this.continuing = false;
    if (continuing) {
      // The search goes on where the part before stopped (or stays given up).
    } else if (needle !== undefined && this.scannedTo === (this.limit === undefined ? 0 : this.scannedTo)) {
      if (this.searched === undefined || this.searched.needle !== options.search) this.searched = { needle: options.search ?? '', offsets: new Float64Array(1024), count: 0 };
    } else {
      this.searched = undefined;
    }
    // A first build of a whole log sizes its sessions, key table and dialogs once, from what its first
    // megabytes hold, rather than growing them by copies into new pages (for a 50 MB log, 40 ms).
    let sizeSessionsAt = first === 0 && this.scannedTo === 0 && this.limit === undefined && !this.keyless && total >= SIZE_SESSIONS_MIN_BYTES ? SIZE_SESSIONS_AFTER_BYTES : Infinity;
    try {
      while (this.scannedTo < total) {
        if (this.scannedTo >= sizeSessionsAt) {
          this.reserveForTheRest(total);
          sizeSessionsAt = Infinity;
        }
        if (options.isCancelled?.()) throw new CancelledError();
        const end = Math.min(total, this.scannedTo + chunkSize);
        const chunk = this.source.readTransient?.(this.scannedTo, end) ?? this.source.read(this.scannedTo, end);
        // A file cut short while it is read (rotated by truncation) would leave nothing to scan, forever.
        if (chunk.length < end - this.scannedTo) throw new LogInputError(`the log was cut short while it was read (${end - this.scannedTo - chunk.length} bytes missing at ${this.scannedTo + chunk.length})`);
        const final = end === total;
        const used = this.scanChunk(chunk, this.scannedTo, final);
        if (used === 0 && !final) {
          // One line longer than a chunk: read up to its terminator, however far that is.
          const nl = Math.min(total, this.findLineEnd(end, chunkSize));
          const long = this.source.read(this.scannedTo, nl);
          if (long.length < nl - this.scannedTo) throw new LogInputError(`the log was cut short while it was read (${nl - this.scannedTo - long.length} bytes missing at ${this.scannedTo + long.length})`);
          const consumed = this.scanChunk(long, this.scannedTo, nl === total);
          if (needle !== undefined && this.searched !== undefined && !searchChunk(this.searched, long, consumed, this.scannedTo, needle)) this.searched = undefined;
          this.scannedTo += consumed;
        } else {
          // Whole lines only: a needle without line breaks never spans two reads.
          if (needle !== undefined && this.searched !== undefined && !searchChunk(this.searched, chunk, used, this.scannedTo, needle)) this.searched = undefined;
          this.scannedTo += used;
        }
        toucher?.scanned(this.recordCount);
        options.onProgress?.(this.scannedTo, total);
        yield;
      }
    } finally {
      toucher?.end();
    }
    if (this.recordCount === 0) this.preambleLines = this.lineCount;
    if (this.limit === undefined) this.finish(first);
    if (first === 0 && this.limit === undefined) this.trim();
    this.invalidateDerived();
  }

  /**
   * Room for the sessions, keys and dialogs of a log of `total` bytes, as many per byte as so far and a
   * tenth more. Room not used costs nothing but the key table's slots and a few bytes a session, which
   * are written when made: by default at most one session per 512 bytes is reserved (about a tenth of
   * the log's size in memory, for a log whose first megabytes are all new keys), more are grown as before.
   */
  private reserveForTheRest(total: number, maxSessions = Math.ceil(total / 512)): void {
    const scale = (total / this.scannedTo) * 1.1;
    const sessions = Math.min(Math.ceil(this.sessionCount * scale), maxSessions);
    this.reserveSessions(sessions, Math.ceil(this.keys.poolBytes * scale));
    const dialogs = this.sessionDialog;
    if (dialogs.size > 0) dialogs.reserve(sessions, Math.min(sessions, Math.ceil(dialogs.size * scale)), Math.ceil(dialogs.bytes * scale));
  }

  /**
   * Indexes bytes appended to the source since the last build. Returns false when that cannot be
   * done incrementally (the last line had no terminator, so it may have been extended): re-index then.
   */
  append(options: BuildOptions = {}): boolean {
    if (this.endsInPartialLine && this.source.size > this.scannedTo) return false;
    this.searched = undefined;
    this.build(options);
    return true;
  }

  /** append() with a turn of the event loop after each chunk. */
  async appendAsync(options: BuildOptions = {}): Promise<boolean> {
    if (this.endsInPartialLine && this.source.size > this.scannedTo) return false;
    this.searched = undefined;
    await this.buildAsync(options);
    return true;
  }

  private findLineEnd(from: number, chunkSize: number): number {
    let pos = from;
    for (;;) {
      const chunk = this.source.read(pos, pos + chunkSize);
      if (chunk.length === 0) return this.source.size;
      const nl = chunk.indexOf(LF);
      if (nl >= 0) return pos + nl + 1;
      pos += chunk.length;
    }
  }

  /**
   * Scans the complete lines of `buf` (whose first byte is at `base` in the log); with `final`, a last
   * line without terminator too. Returns the bytes consumed.
   */
  private scanChunk(buf: Buffer, base: number, final: boolean): number {
    const len = buf.length;
    const h = this.h;
    const parser = this.parser;
    const firstRecord = this.recordCount;
    let pos = 0;
    // Lines end at LF, CRLF or a lone CR, as in the editor. The next CR is looked up only when the
    // scan passes it, so LF-only logs pay one search per chunk and CRLF logs one per line.
    let cr = buf.indexOf(CR, 0);
    const fast = this.fast;
    // Off after a line the fast scan left (a run of continuation lines would cost a call each), on again
    // after a header: the next lines are likely records of the common shape.
    let tryFast = fast !== undefined;
    while (pos < len) {
      if (cr >= 0 && cr < pos) cr = buf.indexOf(CR, pos);
      if (tryFast && fast !== undefined && this.canAppendFast(base + len)) {
        // The dialect's common records in one loop, up to the next CR (line ends the scan below decides).
        const out = (this.fastOut = this.fastRecords(this.fastOut, this.line));
        const to = fast.scan(buf, pos, cr >= pos ? cr : len, base, out);
        if (to > pos) {
          this.takeFastRecords(out);
          this.line = out.line;
          this.open = OPEN;
          this.endsInPartialLine = false;
          pos = to;
          if (pos >= len) break;
          if (cr >= 0 && cr < pos) cr = buf.indexOf(CR, pos);
        } else {
          tryFast = false;
        }
      }
      let nl = buf.indexOf(LF, pos);
      let next: number;
      let end: number;
      if (cr >= 0 && (nl < 0 || cr < nl - 1) && (cr + 1 < len || final)) {
        end = cr; // a lone CR ends the line
        next = cr + 1;
      } else {
        if (nl < 0 && !final) break;
        next = nl < 0 ? len : nl + 1;
        if (nl < 0) nl = len;
        end = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
      }
      this.endsInPartialLine = next === len && buf[len - 1] !== LF;
      const line = this.line;
      if (buf[pos] === 0x2a && isOverflowLine(buf, pos, end)) {
        const last = this.overflow[this.overflow.length - 1];
        if (last && last.endLine === line - 1) {
          last.endLine = line;
          last.endOffset = base + next;
          last.count++;
        } else {
          const run = { startLine: line, endLine: line, startOffset: base + pos, endOffset: base + next, count: 1, firstLineLength: next - pos, recordBefore: this.recordCount - 1 };
          this.overflow.push(run);
          this.closeBy(run.recordBefore, run);
        }
        this.open = NONE;
      } else {
        h.reset();
        let hs = pos;
        if (this.indented) while (hs < end && (buf[hs] === SP || buf[hs] === TAB)) hs++;
        if (parser.header(buf, hs, end, h)) {
          h.bodyCol += hs - pos; // the body column counts from the line's start, blanks included
          this.addRecord(h, line, base + pos, base + next);
          tryFast = fast !== undefined;
          this.open = OPEN;
        } else if (this.open === OPEN) {
          this.extendLast(line, base + next);
          if (parser.continuation && !this.keyless) {
            const dialog = parser.continuation(buf, pos, end);
            const s = this.recSession[this.recordCount - 1];
            if (dialog !== undefined) this.sessionDialog.add(s, dialog);
          }
        } else if (this.open === CARRY) {
          this.carryLines++;
          this.carryEndOffset = base + next;
          if (parser.continuation && this.carryDialog === undefined && !this.keyless) this.carryDialog = parser.continuation(buf, pos, end);
        }
      }
      pos = next;
      this.line++;
    }
    this.lineCount = this.line;
    this.problemLines?.capture(this, firstRecord, buf, base);
    return pos;
  }

}

const NONE = -1;
const OPEN = 0;
const CARRY = -2;
/** Lets pending I/O and requests (a cancellation) run before the next chunk of work. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}


/** A line that is exactly `***`, trailing blanks allowed (FORMATS §4). */
export function isOverflowLine(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 3 || buf[start] !== 0x2a || buf[start + 1] !== 0x2a || buf[start + 2] !== 0x2a) return false;
  for (let i = start + 3; i < end; i++) if (buf[i] !== SP && buf[i] !== TAB && buf[i] !== CR) return false;
  return true;
}
