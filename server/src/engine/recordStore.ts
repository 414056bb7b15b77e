// Storage of an index: one slot per record in parallel typed arrays, sessions by interned key.
// No per-line objects; LogIndex (logIndex.ts) fills it by scanning a log.
import { grow, KeyTable } from './keyTable';
import type { HeaderScratch } from './types';
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
export class RecordStore {
  lineCount = 0;
  recordCount = 0;
  /** Lines before the first record (titles, table headers). */
  preambleLines = 0;

  recStartLine = new Uint32Array(1024);
  recEndLine = new Uint32Array(1024);
  /** Byte offsets: 32-bit while the log is under 4 GiB (half the memory), 64-bit floats past that. */
  recStartOffset: Uint32Array | Float64Array = new Uint32Array(1024);
  /** Offset just past the record's last line terminator. */
  recEndOffset: Uint32Array | Float64Array = new Uint32Array(1024);
  recBodyCol = new Uint16Array(1024);
  recWall = new Float64Array(1024);
  recOffsetMin = new Int16Array(1024);
  recLevel = new Uint8Array(1024);
  recSeverity = new Uint8Array(1024);
  recFlags = new Uint8Array(1024);
  recSession = new Uint32Array(1024);

  readonly keys = new KeyTable();
  sessionFirst = new Uint32Array(256);
  sessionLast = new Uint32Array(256);
  sessionRecordCount = new Uint32Array(256);
  sessionProblems = new Uint32Array(256);
  /** Most severe diagnostic severity among the session's problems (Severity), or 255. */
  sessionWorst = new Uint8Array(256);
  /** SIP dialog (Call-ID) of a session, where one was seen. */
  readonly sessionDialog = new Map<number, string>();

  readonly overflow: OverflowRun[] = [];
  /** True when most consecutive record pairs go down in time (SPEC §2.6). */
  descending = false;
  /** True when record times carry a calendar date. */
  dated = false;
  /** The log's own zone offset (that of its first record with one), minutes; 0 when none. */
  logOffsetMin = 0;
  private hasOffset = false;
  // The time of the last record with one, carried to records without.
  private prevWall = NaN;
  private prevOffset = NO_OFFSET;

  get sessionCount(): number {
    return this.keys.size;
  }

  sessionKey(session: number): string {
    return this.keys.keys[session];
  }

  /** Normalised time of a record in ms (the offset written in the log honoured). */
  normalized(r: number): number {
    const off = this.recOffsetMin[r];
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
    return hi >= 0 && this.recEndLine[hi] >= line ? hi : -1;
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
    this.recEndLine[r] = line;
    if (end > MAX_U32) this.widenOffsets();
    this.recStartOffset[r] = start;
    this.recEndOffset[r] = end;
    this.recBodyCol[r] = Math.min(h.bodyCol, 0xffff);
    this.recLevel[r] = h.level;
    this.recSeverity[r] = h.severity;
    let flags = h.flags;
    if (Number.isNaN(h.wall)) {
      flags |= RecordFlag.NoTime;
      this.recWall[r] = this.prevWall;
      this.recOffsetMin[r] = this.prevOffset;
    } else {
      this.prevWall = h.wall;
      this.prevOffset = Number.isNaN(h.offsetMin) ? NO_OFFSET : h.offsetMin;
      this.recWall[r] = this.prevWall;
      this.recOffsetMin[r] = this.prevOffset;
      if (!this.hasOffset && this.prevOffset !== NO_OFFSET) {
        this.hasOffset = true;
        this.logOffsetMin = this.prevOffset;
      }
    }
    this.recFlags[r] = flags;
    const s = this.keys.intern(h.keyBuf, h.keyStart, h.keyEnd);
    this.recSession[r] = s;
    this.addToSession(s, r);
    if (h.dialog !== undefined && !this.sessionDialog.has(s)) this.sessionDialog.set(s, h.dialog);
    return r;
  }

  /** Makes record `r` end with the line `line`, whose terminator ends at `end`. */
  protected extendRecord(r: number, line: number, end: number): void {
    this.recEndLine[r] = line;
    if (end > MAX_U32) this.widenOffsets();
    this.recEndOffset[r] = end;
  }

  protected addToSession(s: number, r: number): void {
    if (s >= this.sessionFirst.length) {
      this.sessionFirst = grow(this.sessionFirst, s + 1);
      this.sessionLast = grow(this.sessionLast, s + 1);
      this.sessionRecordCount = grow(this.sessionRecordCount, s + 1);
      this.sessionProblems = grow(this.sessionProblems, s + 1);
      this.sessionWorst = grow(this.sessionWorst, s + 1);
    }
    if (this.sessionRecordCount[s] === 0) this.sessionFirst[s] = r;
    this.sessionLast[s] = r;
    this.sessionRecordCount[s]++;
  }

  /** Past 4 GiB, offsets no longer fit 32 bits. */
  protected widenOffsets(): void {
    if (this.recStartOffset instanceof Float64Array) return;
    this.recStartOffset = Float64Array.from(this.recStartOffset);
    this.recEndOffset = Float64Array.from(this.recEndOffset);
  }

  protected growRecords(min: number): void {
    this.recStartLine = grow(this.recStartLine, min);
    this.recEndLine = grow(this.recEndLine, min);
    this.recStartOffset = grow(this.recStartOffset, min);
    this.recEndOffset = grow(this.recEndOffset, min);
    this.recBodyCol = grow(this.recBodyCol, min);
    this.recWall = grow(this.recWall, min);
    this.recOffsetMin = grow(this.recOffsetMin, min);
    this.recLevel = grow(this.recLevel, min);
    this.recSeverity = grow(this.recSeverity, min);
    this.recFlags = grow(this.recFlags, min);
    this.recSession = grow(this.recSession, min);
  }

}
