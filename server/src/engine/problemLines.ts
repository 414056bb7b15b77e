// The header lines of problem records, kept while the log is scanned (BuildOptions.problemLines).
// `msglog check` quotes every problem record (FORMATS §4: a diagnostic's message ends with the
// record's text); reading each one back from the file after the index is built read the whole log a
// second time, on one thread, after both had scanned it. The bytes are at hand during the scan, on
// every thread: a problem record's first line is copied then (a day of CommuniGate: 114,000 lines,
// 12 MB of the 1 GB), and the diagnostics read nothing. A record not kept is read from the log as before.
import { ByteStrings } from './byteStrings';
import { grow } from './keyTable';
import { CR, LF } from './bytes';
import type { ByteSpan } from './bytes';
import { NO_LEVEL, RecordFlag, Severity } from './types';

/** ProblemLines as typed arrays, to transfer from a worker (see LogIndex.part). */
export interface PortableProblemLines {
  records: Uint32Array;
  /** `starts[i]` to `starts[i + 1]` in `pool`: one more than there are records. */
  starts: Uint32Array;
  pool: Uint8Array;
}

/** Past this many bytes, lines are no longer kept (a log of nothing but problems is read back instead). */
const MAX_POOL_BYTES = 128 << 20;

/** What a scan writes per record that decides whether it is a problem (RecordStore's arrays). */
interface ScannedRecords {
  readonly recordCount: number;
  readonly recStartOffset: ArrayLike<number>;
  readonly recLevel: Uint8Array;
  readonly recSeverity: Uint8Array;
  readonly recFlags: Uint8Array;
}

export class ProblemLines {
  /** Records kept, ascending, and their lines. */
  private records: Uint32Array = new Uint32Array(256);
  private readonly lines: ByteStrings;
  /** Where the last lookup found its record: diagnostics ask in record order. */
  private cursor = 0;

  /** `scanBytes`: how much of the log is to be scanned, a bound on the lines kept (their room is reserved, not touched). */
  constructor(scanBytes = 0, lines?: ByteStrings) {
    this.lines = lines ?? new ByteStrings(Math.max(1024, Math.min(MAX_POOL_BYTES, scanBytes)));
  }

  /** The lines of a toPortable() answer, its arrays used as they are, not copied (a segment's: LogIndex.addSegment). */
  static fromPortable(p: PortableProblemLines): ProblemLines {
    const kept = new ProblemLines(0, ByteStrings.fromPortable(p));
    kept.records = p.records;
    return kept;
  }

  get size(): number {
    return this.lines.size;
  }

  /**
   * Keeps the first line of each problem record among `store`'s records from `first` on, all of which
   * start in `buf` (whose first byte is at `base` in the log): those a diagnostic quotes (a level at
   * Warning or worse, or a failed event).
   */
  capture(store: ScannedRecords, first: number, buf: Uint8Array, base: number): void {
    const { recordCount, recStartOffset, recLevel, recSeverity, recFlags } = store;
    // A CR ends the line too (CRLF, or a lone CR). The next CR is looked up only once a line passes it,
    // as the scan does: a log without CRs pays one search per chunk, not a loop over each line's bytes.
    let cr = -2; // not looked up yet; -1: none after
    for (let r = first; r < recordCount; r++) {
      if ((recLevel[r] === NO_LEVEL || recSeverity[r] > Severity.Warning) && !(recFlags[r] & RecordFlag.EventError)) continue;
      const start = recStartOffset[r] - base;
      let end = buf.indexOf(LF, start);
      if (end < 0) end = buf.length;
      if (cr !== -1 && cr < start) cr = buf.indexOf(CR, start);
      if (cr >= 0 && cr < end) end = cr;
      if (!this.add(r, buf, start, end)) return;
    }
  }

  /** The first line of record `r` as kept, or undefined when it was not. */
  lineOf(r: number): string | undefined {
    const i = this.find(r);
    return i < 0 ? undefined : this.lines.text(i);
  }

  /**
   * The first line of record `r` as kept, when it was and its first `upTo` bytes are ASCII: `out` is set
   * to its bytes where they are (the pool's, until lines are added or forgotten), and true is returned.
   * No view is made: msglog check quotes 100,000 lines, and a Buffer each was a tenth of its writing.
   */
  asciiLineInto(r: number, upTo: number, out: ByteSpan): boolean {
    const i = this.find(r);
    if (i < 0 || !this.lines.isAscii(i, upTo)) return false;
    this.lines.spanOf(i, out);
    return true;
  }

  /**
   * Forgets the lines of records below `n`, the others renumbered from 0 (LogIndex.forget: a windowed
   * check keeps one window of records). Their pool is written again from its start: no new memory.
   */
  forget(n: number): void {
    const count = this.size;
    let first = 0;
    while (first < count && this.records[first] < n) first++;
    this.cursor = 0;
    if (first === 0) {
      // None forgotten: the records kept only move down.
      for (let i = 0; i < count; i++) this.records[i] -= n;
      return;
    }
    // Those kept (the record a window holds back, at most a few) are copied out before the pool is reused.
    const kept: [number, Buffer][] = [];
    for (let i = first; i < count; i++) kept.push([this.records[i] - n, Buffer.from(this.lines.bytesAt(i))]);
    this.lines.clear();
    for (const [r, bytes] of kept) this.add(r, bytes, 0, bytes.length);
  }

  toPortable(): PortableProblemLines {
    return { records: this.records.slice(0, this.size), ...this.lines.toPortable() };
  }

  /** Appends a part's lines, its records numbered from `recordBase` in this index. */
  addPortable(p: PortableProblemLines, recordBase: number): void {
    for (let i = 0; i < p.records.length; i++) if (!this.add(recordBase + p.records[i], p.pool, p.starts[i], p.starts[i + 1])) return;
  }

  private add(r: number, buf: Uint8Array, start: number, end: number): boolean {
    if (this.lines.bytes + (end - start) > MAX_POOL_BYTES) return false;
    const i = this.lines.push(buf, start, end);
    if (i >= this.records.length) this.records = grow(this.records, i + 1);
    this.records[i] = r;
    return true;
  }

  /** The index of record `r` in `records`, or -1: from the cursor on (asked in order), else by bisection. */
  private find(r: number): number {
    const records = this.records;
    const count = this.size;
    let i = this.cursor;
    if (i < count && records[i] === r) return i;
    if (i + 1 < count && records[i + 1] === r) return (this.cursor = i + 1);
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      i = (lo + hi) >>> 1;
      if (records[i] < r) lo = i + 1;
      else if (records[i] > r) hi = i - 1;
      else return (this.cursor = i);
    }
    return -1;
  }
}
