// The record index of one log: typed arrays with one slot per record, no per-line objects.
import type { PartLead, StorePart, StoreState } from './portableStore';
import { partLead } from './portableStore';
import { partShape } from './segmentStore';
import type { PartShape, SegmentStart } from './segmentStore';
import { SessionEnds } from './sessionEnds';
import type { LogSource } from './source';
import { MemorySource } from './source';
import type { Dialect, ParseContext } from './types';
import { ProblemLines } from './problemLines';
import type { BuildOptions, IndexOptions } from './buildOptions';
import { adoptHits } from './buildOptions';
import { CARRY, LogScanner, NONE, OPEN } from './logScanner';

export type { BuildOptions, IndexOptions, SearchHits } from './buildOptions';
export { CancelledError } from './buildOptions';

export { NO_OFFSET } from './recordStore';
export type { OverflowRun } from './recordStore';
export type { StorePart, StoreState, StoreArrayName } from './portableStore';
export { isOverflowLine, turn } from './logScanner';

/** What exportState gives and fromState takes. */
export interface IndexState {
  store: StoreState;
  /** The scan's own state, numbers in a fixed order (see exportState). */
  scan: Float64Array;
}

/**
 * The index of one log: its records and sessions, built by scanning the log's source in chunks with
 * the dialect's parser. The layers below, each in its file: RecordArrays (the arrays and their sizes),
 * RecordStore (records and sessions), PortableStore (parts and kept state), SegmentStore (a part left
 * where it was indexed), WindowedStore (forgetting), OrderedStore (the finishing pass), RecordTexts
 * (records read back as text), LogScanner (the scan).
 */
export class LogIndex extends LogScanner {
  /** True for an index restored from the index cache (fromState) rather than scanned in this process. */
  restored = false;
  /** How far finishSoFar finished a parted build, and the zone offset the log had then. */
  private partsFinishedTo = 0;
  private partsFinishedOffsetMin: number | undefined = undefined;
  /** The parts of the log after this index's records, left as indexes of their own (addSegment). */
  private readonly tail: LogIndex[] = [];

  /**
   * Makes this index take the part `[from, to)` of its source only (`from` at a line boundary), as a
   * worker does: lines and records are numbered from the part's start, lines before its first record
   * are counted as continuing whatever came before, and nothing is finished. See toPart / adopt.
   */
  startPart(from: number, to: number): void {
    this.scannedTo = from;
    this.limit = to;
    this.partsFollow = from === 0;
    if (from > 0) {
      this.open = CARRY;
      this.primeParser(from);
    }
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
    const end = this.parser.partState?.();
    if (this.primedState !== undefined && end !== undefined) part.parserStates = { start: this.primedState, end };
    return part;
  }

  /**
   * Whether a part indexed on its own may be adopted after this index's records (adoptPart): its
   * parser started in the state this index's parser is in now and ended in it too (a part of a
   * dialect that splitsWithState); always for dialects whose parsers keep no state.
   */
  fits(p: Pick<StorePart, 'parserStates'>): boolean {
    const states = p.parserStates;
    if (states === undefined) return this.parser.partState === undefined;
    return states.start === states.end && states.start === this.parser.partState?.();
  }

  /**
   * Indexes the rest of the log on this thread, after the parts adopted so far (a parted build where
   * a part did not fit): as an append would, this index's parser going on in the state it is in.
   */
  goOnAlone(options: BuildOptions): void {
    this.endParts();
    this.continuing = true;
    this.build(options);
  }

  /** goOnAlone with turns of the event loop. */
  async goOnAloneAsync(options: BuildOptions): Promise<void> {
    this.endParts();
    this.continuing = true;
    await this.buildAsync(options);
  }

  /** Makes room for `records` records at once (a build of a known size). */
  reserve(records: number): void {
    if (records > this.recStartLine.length) this.resizeRecords(records);
  }

  /** Appends a part indexed on its own (by a worker) from where this index stopped; call endParts when all are in. */
  adoptPart(p: StorePart, scannedTo: number, endsInPartialLine: boolean): void {
    if (this.searched !== undefined && !adoptHits(this.searched, p.hits)) this.searched = undefined;
    const recordBase = this.recordCount;
    // Room for the rest of the log at the records per byte so far, rather than growth by half again
    // (each a copy into new pages) when the parts hold more records than the first estimate (short lines).
    if (recordBase + p.recordCount > this.recStartLine.length && scannedTo > 0) this.resizeRecords(Math.ceil((recordBase + p.recordCount) * Math.max(1, (this.source.size / scannedTo) * 1.05)));
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
   * every record before it is finished). A log that may come newest first only when the caller decides
   * its order from the parts' TimeSteps (`ordered`: keptParts.ts), and no record writes a zone offset
   * (the steps' wall times then compare as the records' times).
   */
  canSegment(p: StorePart | PartShape, ordered = false): boolean {
    const shape = 'recStartLine' in p ? partShape(p) : p;
    const inOrder = this.dialect.mayDescend !== true || (ordered && !shape.zoneOffsets && !this.hasOffset);
    return this.keyless && inOrder && this.recordCount > 0 && shape.recordCount > 0 && shape.keyless && (!shape.zoneOffsets || this.hasOffset);
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
   * Indexes the next window of the log: about `bytes` more, up to a line end but never past `to` (the
   * source's end by default; for a windowed check its half's end, or the size it began with), its
   * records finished (dated, time regressions, problem counts) as build() would. Returns how many
   * records are final: all of them at the source's end, else all but the last (lines after the window
   * may continue it). Call forget() for the ones used: a streamed export keeps one window of records at
   * a time, a windowed check (windowedCheck.ts) too, with their problem lines (BuildOptions.problemLines).
   */
  indexWindow(bytes: number, options: BuildOptions = {}, to = this.source.size): number {
    const size = this.source.size;
    const first = this.recordCount;
    // Never past `to`, even when the line there goes on (a log that grew since `to` was taken).
    const end = this.scannedTo + bytes >= to ? to : Math.min(to, this.findLineEnd(this.scannedTo + bytes, 1 << 16));
    // Not past `end`; at the source's end none, so that build() finishes the records itself (a part's limit is startPart's).
    this.limit = end < size ? end : undefined;
    try {
      this.build({ ...options, search: undefined });
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
    const ends = new SessionEnds(this.source.size);
    this.foldSessionEnds(ends, windowBytes, options);
    this.installSessionEnds(ends);
  }

  /**
   * Indexes the log from where it is up to `to` a window at a time, folding each window's final records
   * into `ends` and forgetting them (buildSessionEnds; a back half of windowedSessions.ts, from its
   * part's start). The last record before `to` is held back unless the log ends there (`logEnds`).
   * `onWindow` runs after each window is indexed, before its records are folded.
   */
  foldSessionEnds(ends: SessionEnds, windowBytes: number, options: BuildOptions = {}, to = this.source.size, logEnds = true, onWindow?: () => void): void {
    const from = this.scannedTo;
    let reserved = false;
    for (;;) {
      // A session list quotes no record's line: none is kept.
      const held = this.indexWindow(windowBytes, { ...options, problemLines: undefined }, to);
      onWindow?.();
      const ready = logEnds && this.scannedTo >= to ? this.recordCount : held;
      // Sessions so far, by the bytes read, for the whole span to `to` (a tenth more): the session arrays
      // and the key table are sized once, after the first window, not grown by copies (whose old arrays
      // would wait for the garbage collector, raising the peak).
      const scale = this.scannedTo > from ? ((to - from) / (this.scannedTo - from)) * 1.1 : 0;
      const expected = this.sessionCount * scale;
      if (!reserved && this.scannedTo < to) {
        // Reserved as many as expected, however many: this store keeps 62 bytes a session, not 25 a record.
        this.reserveForTheRest(to, Infinity, from);
        reserved = true;
      }
      ends.fold(this, ready, expected);
      this.forget(ready);
      if (this.scannedTo >= to) break;
    }
  }

  /**
   * Makes this index, new, index its part (startPart) as following records that end as `start` says,
   * in the part's own line numbers: the finishing state, the time and zone offset carried to records
   * without one, and the log's zone offset (a windowed check's back half, indexed again when what it
   * assumed of the records before it was not so).
   */
  followSegment(start: SegmentStart): void {
    this.continueFinishing(start);
    this.prevWall = start.prevWall;
    this.prevOffset = start.prevOffset;
    this.hasOffset = start.hasOffset;
    this.logOffsetMin = start.logOffsetMin;
  }

  /** The parser's state now (LineParser.partState), and the one its part was primed in (startPart); undefined for a parser without one. */
  get parserState(): string | undefined {
    return this.parser.partState?.();
  }

  get primedParserState(): string | undefined {
    return this.primedState;
  }

  /** Whether a record so far wrote a zone offset (the log's is then that of the first). */
  get zoneOffsetSeen(): boolean {
    return this.hasOffset;
  }

  /** What the part this index started at (startPart) says of the records before it so far: see PartLead. */
  leadSoFar(): PartLead {
    return { carryLines: this.carryLines, carryEndOffset: this.carryEndOffset, carryDialog: this.carryDialog, runs: this.overflow.filter((run) => run.recordBefore < 0) };
  }

  /** Forgets the first `n` records (after indexWindow): the rest are renumbered from 0. */
  forget(n: number): void {
    if (n <= 0) return;
    this.problemLines?.forget(n);
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
}
