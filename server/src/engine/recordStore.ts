// Storage of an index: one slot per record in parallel typed arrays, sessions by interned key.
// No per-line objects; LogIndex fills it by scanning a log (logScanner.ts).
//
// Memory is the point of the layout (a 1 GB log has 14 million records): the end line and end offset
// of a record are not stored but derived (a record ends where the next one starts, unless an
// overflow marker closed it first), zone offsets are only stored once a record writes one, offsets
// are 32-bit below 4 GiB, and the arrays grow geometrically and are trimmed when a build ends.
import { PageToucher } from './pageToucher';
import { grow, KeyTable, resized } from './keyTable';
import type { FastRecords, HeaderScratch } from './types';
import { RecordFlag } from './types';
import { SessionDialogs } from './sessionDialogs';

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

/**
 * Slots left unused past this many times the records are given back when a build ends (trim). The
 * record arrays are sized from the log's bytes (64 a record): a log of long records leaves a few
 * times its records unused, which costs no memory; only a far larger gap (a log of multi-line
 * records) is worth a copy, for the address space.
 */
const TRIM_SLACK = 4;

/** Stored in recOffsetMin when the log writes no zone offset. */
export const NO_OFFSET = -32768;

type TouchedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
/** The smallest page the kernel maps (huge pages are whole multiples of it). */
const PAGE_BYTES = 4096;

/** Records and sessions. Lines are 0-based; offsets are byte offsets into the log. */
export class RecordStore {
  lineCount = 0;
  recordCount = 0;
  /** Lines before the first record (titles, table headers). */
  preambleLines = 0;

  recStartLine = new Uint32Array(1024);
  /** Byte offsets: 32-bit while the log is under 4 GiB (half the memory), 64-bit floats past that. */
  recStartOffset: Uint32Array | Float64Array = new Uint32Array(1024);
  recBodyCol = new Uint16Array(1024);
  recWall = new Float64Array(1024);
  recLevel = new Uint8Array(1024);
  recSeverity = new Uint8Array(1024);
  recFlags = new Uint8Array(1024);
  recSession = new Uint32Array(1024);
  /** Zone offsets as written; undefined while no record has written one (all NO_OFFSET). */
  protected offsets: Int16Array | undefined = undefined;

  keys = new KeyTable();
  /** Every record in session 0, the empty key (BuildOptions.keyless): set before the first record. */
  protected keyless = false;
  sessionFirst = new Uint32Array(256);
  sessionLast = new Uint32Array(256);
  sessionRecordCount = new Uint32Array(256);
  sessionProblems = new Uint32Array(256);
  /** Most severe diagnostic severity among the session's problems (Severity), or 255. */
  sessionWorst = new Uint8Array(256);
  /** SIP dialog (Call-ID) of a session, where one was seen. */
  sessionDialog = new SessionDialogs();
  /** Times the sessions were forgotten (forgetSessions): session numbers of another epoch mean other sessions. */
  sessionEpoch = 0;

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
   * Whether a dialect's fast scan may append records now (FastRecords): records before, no zone
   * offsets, 32-bit offsets up to `end`, room left. It writes what addRecord would for such records.
   */
  protected canAppendFast(end: number): boolean {
    return this.recordCount > 0 && this.offsets === undefined && !this.hasOffset && this.recStartOffset instanceof Uint32Array && end <= MAX_U32 && this.recordCount < this.recStartLine.length;
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
    o.prevWall = this.prevWall;
    o.lastEndLine = this.lastEndLine;
    o.lastEndOffset = this.lastEndOffset;
    return o;
  }

  /** Takes back the counters of a fast scan that appended records (none of them wrote a zone offset). */
  protected takeFastRecords(out: FastRecords): void {
    if (out.recordCount === this.recordCount) return;
    this.recordCount = out.recordCount;
    this.prevWall = out.prevWall;
    this.prevOffset = NO_OFFSET;
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

  /** Room for `sessions` sessions and their keys at once (see KeyTable.reserve). */
  reserveSessions(sessions: number, keyBytes: number): void {
    this.keys.reserve(sessions, keyBytes);
    if (sessions > this.sessionFirst.length) this.growSessions(sessions, true);
  }

  protected growSessions(min: number, exact = false): void {
    if (exact) {
      const had = this.sessionWorst.length;
      this.sessionFirst = resized(this.sessionFirst, min);
      this.sessionLast = resized(this.sessionLast, min);
      this.sessionRecordCount = resized(this.sessionRecordCount, min);
      this.sessionProblems = resized(this.sessionProblems, min);
      this.sessionWorst = resized(this.sessionWorst, min).fill(255, had);
      return;
    }
    this.sessionFirst = grow(this.sessionFirst, min);
    this.sessionLast = grow(this.sessionLast, min);
    this.sessionRecordCount = grow(this.sessionRecordCount, min);
    this.sessionProblems = grow(this.sessionProblems, min);
    // A new session has no problem yet: 255, as finish() sets it (a log that grows gains sessions after).
    const had = this.sessionWorst.length;
    this.sessionWorst = grow(this.sessionWorst, min);
    this.sessionWorst.fill(255, had);
  }

  /** Past 4 GiB, offsets no longer fit 32 bits. */
  protected widenOffsets(): void {
    if (this.recStartOffset instanceof Float64Array) return;
    this.recStartOffset = Float64Array.from(this.recStartOffset);
  }

  protected growRecords(min: number): void {
    this.recStartLine = grow(this.recStartLine, min);
    this.recStartOffset = grow(this.recStartOffset, min);
    this.recBodyCol = grow(this.recBodyCol, min);
    this.recWall = grow(this.recWall, min);
    if (this.offsets !== undefined) this.offsets = grow(this.offsets, min);
    this.recLevel = grow(this.recLevel, min);
    this.recSeverity = grow(this.recSeverity, min);
    this.recFlags = grow(this.recFlags, min);
    this.recSession = grow(this.recSession, min);
  }

  /**
   * Sizes the record arrays to exactly `n` slots (no copy when they already are). Slots never
   * written cost no memory: the pages of a large new array are only mapped when first touched.
   */
  protected resizeRecords(n: number, shared = false): void {
    // Only the slots in use are copied: copying the rest would touch (map) the new array's pages for nothing.
    const used = this.recordCount;
    this.recStartLine = resized(this.recStartLine, n, used, shared);
    this.recStartOffset = resized(this.recStartOffset, n, used, shared);
    this.recBodyCol = resized(this.recBodyCol, n, used, shared);
    this.recWall = resized(this.recWall, n, used, shared);
    // Zone offsets whole: a record without a time may leave its slot as it is (NO_OFFSET where adopt filled ahead).
    if (this.offsets !== undefined) this.offsets = resized(this.offsets, n);
    this.recLevel = resized(this.recLevel, n, used, shared);
    this.recSeverity = resized(this.recSeverity, n, used, shared);
    this.recFlags = resized(this.recFlags, n, used, shared);
    this.recSession = resized(this.recSession, n, used, shared);
  }

  /**
   * Room for `n` records in arrays a worker maps the memory of ahead of the scan (pageToucher.ts): for a
   * new store built on one thread, the other core idle.
   */
  protected reserveTouched(n: number): PageToucher {
    if (this.recordCount !== 0) throw new Error('reserveTouched: a new store only');
    this.resizeRecords(n, true);
    const arrays = [this.recStartLine, this.recStartOffset, this.recBodyCol, this.recWall, this.recLevel, this.recSeverity, this.recFlags];
    // A keyless index never writes its session column.
    if (!this.keyless) arrays.push(this.recSession);
    return new PageToucher(arrays);
  }

  /**
   * Maps the memory of record slots `[from, to)` (beyond the records) ahead of their writing: a write
   * of each page's value to itself, which the kernel maps at its first write. A parted build's thread
   * does it while it waits for a worker, so that stitching the worker's parts on does not stop at
   * every new page (on a virtual machine, costlier than the copy: see common/hugePages.ts).
   */
  touchRecords(from: number, to: number): void {
    const end = Math.min(to, this.recStartLine.length);
    const start = Math.max(from, this.recordCount);
    const arrays: TouchedArray[] = [this.recStartLine, this.recStartOffset, this.recBodyCol, this.recWall, this.recLevel, this.recSeverity, this.recFlags];
    // A keyless index never writes its session column; zone offsets, once there, are filled whole.
    if (!this.keyless) arrays.push(this.recSession);
    for (const a of arrays) {
      const step = PAGE_BYTES / a.BYTES_PER_ELEMENT;
      for (let i = start; i < end; i += step) a[i] = a[i];
    }
  }

  /**
   * Gives back the slots a build did not use when they are many times the records (one copy per
   * array). Fewer are kept: slots never written were never mapped, so they cost address space only,
   * while the copy would cost time, the memory of a second index for a moment, and a page fault for
   * each of its pages (on a virtual machine, more than the copy: common/hugePages.ts).
   */
  protected trim(): void {
    const n = this.recordCount;
    if (this.recStartLine.length - n > Math.max(4096, TRIM_SLACK * n)) this.resizeRecords(Math.max(n, 1024));
    this.keys.trim();
  }
}
