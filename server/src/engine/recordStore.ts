// Storage of an index: one slot per record in parallel typed arrays, sessions by interned key.
// No per-line objects; LogIndex fills it by scanning a log (logScanner.ts).
//
// Memory is the point of the layout (a 1 GB log has 14 million records): the end line and end offset
// of a record are not stored but derived (a record ends where the next one starts, unless an
// overflow marker closed it first), zone offsets are only stored once a record writes one, offsets
// are 32-bit below 4 GiB, and the arrays grow geometrically and are trimmed when a build ends.
import { RecordArrays } from './recordArrays';
import type { FastRecords, HeaderScratch } from './types';
import { RecordFlag } from './types';

/** A run of consecutive overflow marker lines (`***`). */
export interface OverflowRun {
  startLine: number;
  endLine: number;
  startOffset: number;
  endOffset: number;
  count: number;
  /** Bytes of the run's first marker line with its terminator (what a filter prints). */
  firstLineLength: number;
  /** The record before the run, or -1 when the run precedes every record. */
  recordBefore: number;
}

const MAX_U32 = 0xffffffff;

/** Stored in recOffsetMin when the log writes no zone offset. */
export const NO_OFFSET = -32768;

/** Records and sessions. Lines are 0-based; offsets are byte offsets into the log. */
export class RecordStore extends RecordArrays {
  lineCount = 0;
  /** Lines before the first record (titles, table headers). */
  preambleLines = 0;

  readonly overflow: OverflowRun[] = [];
  /** True when most consecutive record pairs go down in time (FORMATS §2.6). */
  descending = false;
  /** True when record times carry a calendar date. */
  dated = false;
  /** The log's own zone offset (that of its first record with one), minutes; 0 when none. */
  logOffsetMin = 0;
  protected hasOffset = false;
  // The time of the last record with one, carried to records without.
  protected prevWall = NaN;
  protected prevOffset = NO_OFFSET;
  /** End of the last record while it is open (no overflow marker after it). */
  protected lastEndLine = 0;
  protected lastEndOffset = 0;
  /** Records closed by an overflow run rather than by the next record: record → its run. */
  protected readonly closedBy = new Map<number, OverflowRun>();
  /** Each record's end, where it is not where the next record starts (an index of session ends: WindowedStore). */
  protected endLineAt: Uint32Array | undefined;
  protected endOffsetAt: Uint32Array | Float64Array | undefined;
  private endLines: Uint32Array | undefined;
  private endOffsets: Uint32Array | Float64Array | undefined;
  private offsetView: Int16Array | undefined;

  get sessionCount(): number {
    return this.keys.size;
  }

  sessionKey(session: number): string {
    return this.keys.keyOf(session);
  }

  /** 0-based last line of record `r`. */
  endLineOf(r: number): number {
    if (this.endLineAt !== undefined) return this.endLineAt[r];
    const run = this.closedBy.size === 0 ? undefined : this.closedBy.get(r);
    if (run !== undefined) return run.startLine - 1;
    return r + 1 < this.recordCount ? this.recStartLine[r + 1] - 1 : this.lastEndLine;
  }

  /** Offset just past record `r`'s last line terminator. */
  endOffsetOf(r: number): number {
    if (this.endOffsetAt !== undefined) return this.endOffsetAt[r];
    const run = this.closedBy.size === 0 ? undefined : this.closedBy.get(r);
    if (run !== undefined) return run.startOffset;
    return r + 1 < this.recordCount ? this.recStartOffset[r + 1] : this.lastEndOffset;
  }

  /** The zone offsets as written, per record; undefined while no record wrote one (hot loops read it once). */
  get zoneOffsets(): Int16Array | undefined {
    return this.offsets;
  }

  /** Zone offset of record `r` as written, minutes, or NO_OFFSET. */
  offsetMinOf(r: number): number {
    return this.offsets === undefined ? NO_OFFSET : this.offsets[r];
  }

  /**
   * Last lines of all records, as an array (made on first use after a change: most users ask
   * endLineOf for the records they look at).
   */
  get recEndLine(): Uint32Array {
    if (this.endLines === undefined) {
      const a = new Uint32Array(this.recordCount);
      for (let r = 0; r < this.recordCount; r++) a[r] = this.endLineOf(r);
      this.endLines = a;
    }
    return this.endLines;
  }

  /** Offsets just past each record, as an array (made on first use after a change). */
  get recEndOffset(): Uint32Array | Float64Array {
    if (this.endOffsets === undefined) {
      const a = this.recStartOffset instanceof Float64Array ? new Float64Array(this.recordCount) : new Uint32Array(this.recordCount);
      for (let r = 0; r < this.recordCount; r++) a[r] = this.endOffsetOf(r);
      this.endOffsets = a;
    }
    return this.endOffsets;
  }

  /** Zone offsets of all records (NO_OFFSET where none is written). */
  get recOffsetMin(): Int16Array {
    if (this.offsets !== undefined) return this.offsets;
    if (this.offsetView === undefined || this.offsetView.length < this.recordCount) this.offsetView = new Int16Array(this.recordCount).fill(NO_OFFSET);
    return this.offsetView;
  }

  /** Drops the arrays made from derived values: the records changed. */
  protected invalidateDerived(): void {
    this.endLines = undefined;
    this.endOffsets = undefined;
    this.offsetView = undefined;
  }

  /** Normalised time of a record in ms (the offset written in the log honoured). */
  normalized(r: number): number {
    const off = this.offsets === undefined ? NO_OFFSET : this.offsets[r];
    return this.recWall[r] - (off === NO_OFFSET ? this.logOffsetMin : off) * 60_000;
  }

  /** The record containing 0-based `line`, or -1 (preamble, overflow marker, orphan line). */
  recordAtLine(line: number): number {
    let lo = 0;
    let hi = this.recordCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.recStartLine[mid] <= line) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && this.endLineOf(hi) >= line ? hi : -1;
  }

  /** The first record whose start line is ≥ `line`, or recordCount. */
  recordFromLine(line: number): number {
    let lo = 0;
    let hi = this.recordCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.recStartLine[mid] < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Appends a record from its parsed header; returns its number. */
  protected addRecord(h: HeaderScratch, line: number, start: number, end: number): number {
    const r = this.recordCount++;
    if (r >= this.recStartLine.length) this.growRecords(r + 1);
    if (r === 0) this.preambleLines = line;
    this.recStartLine[r] = line;
    if (end > MAX_U32) this.widenOffsets();
    this.recStartOffset[r] = start;
    this.lastEndLine = line;
    this.lastEndOffset = end;
    const bodyCol = h.bodyCol;
    this.recBodyCol[r] = bodyCol < 0xffff ? bodyCol : 0xffff;
    this.recLevel[r] = h.level;
    this.recSeverity[r] = h.severity;
    let flags = h.flags;
    const wall = h.wall;
    if (wall !== wall) {
      flags |= RecordFlag.NoTime;
      this.recWall[r] = this.prevWall;
      if (this.prevOffset !== NO_OFFSET) this.setOffset(r, this.prevOffset);
    } else {
      this.prevWall = wall;
      this.recWall[r] = wall;
      const off = h.offsetMin;
      if (off === off) {
        this.prevOffset = off;
        this.setOffset(r, off);
        if (!this.hasOffset) {
          this.hasOffset = true;
          this.logOffsetMin = off;
        }
      } else {
        this.prevOffset = NO_OFFSET;
        if (this.offsets !== undefined) this.offsets[r] = NO_OFFSET;
      }
    }
    this.recFlags[r] = flags;
    if (this.keyless) {
      // recSession[r] is 0 already (a keyless index is a new one): not writing it leaves its pages untouched.
      this.addToSession(0, r);
      return r;
    }
    const s = h.keyHash >= 0 ? this.keys.internHashed(h.keyBuf, h.keyStart, h.keyEnd, h.keyHash) : this.keys.intern(h.keyBuf, h.keyStart, h.keyEnd);
    this.recSession[r] = s;
    this.addToSession(s, r);
    if (h.dialogEnd !== 0) this.sessionDialog.addBytes(s, h.keyBuf, h.dialogStart, h.dialogEnd);
    else if (h.dialog !== undefined) this.sessionDialog.add(s, h.dialog);
    return r;
  }

  /**
   * Whether a dialect's fast scan may append records now (FastRecords): records before, zone offsets
   * written already if it writes them (`zones`: the log's own offset is known, the array is there) or
   * none written if not, 32-bit offsets up to `end`, room left. It writes what addRecord would for such records.
   */
  protected canAppendFast(end: number, zones: boolean): boolean {
    const offsetsAsScanned = zones ? this.offsets !== undefined && this.hasOffset : this.offsets === undefined && !this.hasOffset;
    return this.recordCount > 0 && offsetsAsScanned && this.recStartOffset instanceof Uint32Array && end <= MAX_U32 && this.recordCount < this.recStartLine.length;
  }

  /** The arrays and counters for a fast scan at `line` (reusing `out`); canAppendFast must hold. */
  protected fastRecords(out: FastRecords | undefined, line: number): FastRecords {
    const o = out ?? ({} as FastRecords);
    o.recordCount = this.recordCount;
    o.line = line;
    o.recStartLine = this.recStartLine;
    o.recStartOffset = this.recStartOffset as Uint32Array;
    o.recBodyCol = this.recBodyCol;
    o.recWall = this.recWall;
    o.recLevel = this.recLevel;
    o.recSeverity = this.recSeverity;
    o.recFlags = this.recFlags;
    o.recSession = this.recSession;
    o.sessionFirst = this.sessionFirst;
    o.sessionLast = this.sessionLast;
    o.sessionRecordCount = this.sessionRecordCount;
    o.sessionDialog = this.sessionDialog;
    o.keys = this.keys;
    o.keyless = this.keyless;
    o.zoneOffsets = this.offsets;
    o.prevOffset = this.prevOffset;
    o.prevWall = this.prevWall;
    o.lastEndLine = this.lastEndLine;
    o.lastEndOffset = this.lastEndOffset;
    return o;
  }

  /** Takes back the counters of a fast scan that appended records. */
  protected takeFastRecords(out: FastRecords): void {
    if (out.recordCount === this.recordCount) return;
    this.recordCount = out.recordCount;
    this.prevWall = out.prevWall;
    // A scan that writes no zones (none written so far) appends records with a time and no zone.
    this.prevOffset = out.zoneOffsets === undefined ? NO_OFFSET : out.prevOffset;
    this.lastEndLine = out.lastEndLine;
    this.lastEndOffset = out.lastEndOffset;
  }

  protected setOffset(r: number, off: number): void {
    if (this.offsets === undefined) {
      this.offsets = new Int16Array(this.recStartLine.length).fill(NO_OFFSET, 0, r);
    }
    this.offsets[r] = off;
  }

  /** Makes the last record end with the line `line`, whose terminator ends at `end`. */
  protected extendLast(line: number, end: number): void {
    this.lastEndLine = line;
    if (end > MAX_U32) this.widenOffsets();
    this.lastEndOffset = end;
  }

  /** An overflow run closes the record before it (if it was still open). */
  protected closeBy(r: number, run: OverflowRun): void {
    if (r >= 0 && !this.closedBy.has(r)) this.closedBy.set(r, run);
  }

  protected addToSession(s: number, r: number): void {
    if (s >= this.sessionFirst.length) this.growSessions(s + 1);
    if (this.sessionRecordCount[s] === 0) this.sessionFirst[s] = r;
    this.sessionLast[s] = r;
    this.sessionRecordCount[s]++;
  }

  /** From now on every record goes to session 0, the empty key (BuildOptions.keyless); before any record. */
  protected beKeyless(): void {
    // A Buffer, as the log's bytes are (the key table's compare sees one kind of array).
    if (this.keys.intern(Buffer.alloc(0), 0, 0) !== 0) throw new Error('keyless: the index has sessions already');
    if (this.sessionFirst.length === 0) this.growSessions(1);
    this.keyless = true;
  }

}
