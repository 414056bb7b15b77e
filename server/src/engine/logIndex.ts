// The record index of one log: typed arrays with one slot per record, no per-line objects.
import { CR, LF, SP, TAB } from './bytes';
import { grow, KeyTable } from './keyTable';
import { LogSource, MemorySource } from './source';
import { Dialect, HeaderScratch, LineParser, NO_LEVEL, ParseContext, RecordFlag, Severity } from './types';

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

export interface IndexOptions {
  /** Time-regression tolerance in ms (SPEC §4, default 1000). */
  toleranceMs?: number;
}

export interface BuildOptions {
  /** Told the bytes scanned so far after each chunk. */
  onProgress?: (done: number, total: number) => void;
  /** Polled after each chunk; true stops the build with a CancelledError. */
  isCancelled?: () => boolean;
  /** Bytes read per step (tests use tiny chunks to cross every boundary). */
  chunkSize?: number;
}

/** Thrown when a long operation is cancelled. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Bytes scanned per step: big enough for few reads, small enough for progress and cancellation. */
const SCAN_CHUNK = 16 << 20;

/**
 * Records of one log. Lines are 0-based here; offsets are byte offsets into `bytes`.
 * Per-record fields live in parallel typed arrays indexed by record number.
 */
export class LogIndex {
  readonly source: LogSource;
  readonly dialect: Dialect;
  /** Bytes indexed so far: everything up to the last line terminator seen (or the end, when final). */
  scannedTo = 0;
  /** True when the last line scanned had no terminator (appending then needs a full re-index). */
  endsInPartialLine = false;
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
  sessionRecords = new Uint32Array(256);
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

  private readonly parser: LineParser;
  private readonly h = new HeaderScratch();
  private toleranceMs: number;
  // Scan state carried from one chunk (or one append) to the next.
  private line = 0;
  private open = -1;
  private prevWall = NaN;
  private prevOffset = NO_OFFSET;
  private up = 0;
  private down = 0;
  private lastTimed = NaN;
  private regressionEdge = NaN;

  /** An empty index over `source`; call build() (or use LogIndex.fromBytes). */
  constructor(source: LogSource, dialect: Dialect, ctx: ParseContext = {}, options: IndexOptions = {}) {
    this.source = source;
    this.dialect = dialect;
    this.parser = dialect.createParser(ctx);
    this.toleranceMs = options.toleranceMs ?? 1000;
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
    const total = this.source.size;
    const first = this.recordCount;
    const chunkSize = options.chunkSize ?? SCAN_CHUNK;
    // Size the record arrays once from the file size (log lines average well over 64 bytes),
    // rather than growing them by copying through a 1 GB scan.
    const estimate = Math.ceil((total - this.scannedTo) / 64) + this.recordCount;
    if (estimate > this.recStartLine.length) this.growRecords(estimate);
    while (this.scannedTo < total) {
      if (options.isCancelled?.()) throw new CancelledError();
      const end = Math.min(total, this.scannedTo + chunkSize);
      const chunk = this.source.read(this.scannedTo, end);
      const final = end === total;
      const used = this.scanChunk(chunk, this.scannedTo, final);
      if (used === 0 && !final) {
        // One line longer than a chunk: read up to its terminator, however far that is.
        const nl = this.findLineEnd(end, chunkSize);
        const long = this.source.read(this.scannedTo, nl);
        this.scannedTo += this.scanChunk(long, this.scannedTo, nl === total);
      } else {
        this.scannedTo += used;
      }
      options.onProgress?.(this.scannedTo, total);
      yield;
    }
    if (this.recordCount === 0) this.preambleLines = this.lineCount;
    this.finish(first);
  }

  /**
   * Indexes bytes appended to the source since the last build. Returns false when that cannot be
   * done incrementally (the last line had no terminator, so it may have been extended): re-index then.
   */
  append(options: BuildOptions = {}): boolean {
    if (this.endsInPartialLine && this.source.size > this.scannedTo) return false;
    this.build(options);
    return true;
  }

  /** append() with a turn of the event loop after each chunk. */
  async appendAsync(options: BuildOptions = {}): Promise<boolean> {
    if (this.endsInPartialLine && this.source.size > this.scannedTo) return false;
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

  /** The log's bytes, for logs held in memory (editor documents). */
  get bytes(): Buffer {
    if (!(this.source instanceof MemorySource)) throw new Error('the log is read from disk: use read()');
    return this.source.whole();
  }

  /** Bytes `[start, end)` of the log. */
  read(start: number, end: number): Buffer {
    return this.source.read(start, end);
  }

  get sessionCount(): number {
    return this.keys.size;
  }

  sessionKey(session: number): string {
    return this.keys.keys[session];
  }

  /** The outline group of a session (SPEC §2: CommuniGate NAME, Axigen service, EMG instance…). */
  componentOf(session: number): string {
    const key = this.keys.keys[session];
    return this.parser.componentOf?.(key) ?? this.dialect.componentOf(key);
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

  /** The record's text, verbatim (terminators included). */
  recordText(r: number): string {
    return this.read(this.recStartOffset[r], this.recEndOffset[r]).toString('utf8');
  }

  /** The record's first line, without terminator. */
  headerLine(r: number): string {
    const start = this.recStartOffset[r];
    const end = this.recEndOffset[r];
    // Header lines are short; read a little and only read on for a record whose first line is long.
    let bytes = this.read(start, Math.min(end, start + 4096));
    let nl = bytes.indexOf(LF);
    if (nl < 0 && bytes.length < end - start) {
      bytes = this.read(start, end);
      nl = bytes.indexOf(LF);
    }
    let e = nl < 0 ? bytes.length : nl;
    const cr = bytes.indexOf(CR);
    if (cr >= 0 && cr < e) e = cr;
    return bytes.toString('utf8', 0, e);
  }

  /** The record's body (SPEC §2): everything but timestamp and level marker, lines joined by `\n`. */
  body(r: number): string {
    const text = this.read(this.recStartOffset[r] + this.recBodyCol[r], this.recEndOffset[r]).toString('utf8');
    return text.replace(/(?:\r\n|\r|\n)$/, '').replace(/\r\n|\r/g, '\n');
  }

  /** The timestamp of a record as written. */
  timestampText(r: number): string {
    // Most dialects write the timestamp first: try the line's first bytes before decoding it whole.
    const start = this.recStartOffset[r];
    const head = this.read(start, Math.min(this.recEndOffset[r], start + 64));
    let e = 0;
    while (e < head.length && head[e] !== LF && head[e] !== CR) e++;
    const text = head.toString('latin1', 0, e);
    const quick = this.dialect.timestampText(text);
    // Trusted only when it leads the line (after a bracket at most) and ends before the bytes read do.
    const at = quick === '' ? -1 : text.indexOf(quick);
    return at >= 0 && at <= 1 && at + quick.length < e ? quick : this.dialect.timestampText(this.headerLine(r));
  }

  /** Whether the record carries a problem (any error or warning diagnostic). */
  isProblem(r: number): boolean {
    return this.problemSeverity(r) !== 255;
  }

  /** The most severe diagnostic severity of a record (Severity.Error or Warning), or 255. */
  problemSeverity(r: number): number {
    const f = this.recFlags[r];
    let worst = 255;
    if (this.recLevel[r] !== NO_LEVEL && this.recSeverity[r] <= Severity.Warning) {
      worst = this.recSeverity[r] <= Severity.Error ? Severity.Error : Severity.Warning;
    }
    if (f & RecordFlag.EventError) worst = Math.min(worst, f & RecordFlag.EventErrorIsError ? Severity.Error : Severity.Warning);
    if (f & (RecordFlag.Malformed | RecordFlag.TimeRegression)) worst = Math.min(worst, Severity.Warning);
    return worst;
  }

  /** Re-evaluates time regressions with another tolerance (a setting change), keeping the parse. */
  setTolerance(toleranceMs: number): void {
    if (toleranceMs === this.toleranceMs) return;
    this.toleranceMs = toleranceMs;
    this.markTimeRegressions(0);
    this.countProblems(0);
  }

  /**
   * Scans the complete lines of `buf` (whose first byte is at `base` in the log); with `final`, a last
   * line without terminator too. Returns the bytes consumed.
   */
  private scanChunk(buf: Buffer, base: number, final: boolean): number {
    const len = buf.length;
    const h = this.h;
    let pos = 0;
    // Lines end at LF, CRLF or a lone CR, as in the editor. The next CR is looked up only when the
    // scan passes it, so LF-only logs pay one search per chunk and CRLF logs one per line.
    let cr = buf.indexOf(CR, 0);
    while (pos < len) {
      if (cr >= 0 && cr < pos) cr = buf.indexOf(CR, pos);
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
      if (isOverflowLine(buf, pos, end)) {
        const last = this.overflow[this.overflow.length - 1];
        if (last && last.endLine === line - 1) {
          last.endLine = line;
          last.endOffset = base + next;
          last.count++;
        } else {
          this.overflow.push({ startLine: line, endLine: line, startOffset: base + pos, endOffset: base + next, count: 1, firstLineLength: next - pos, recordBefore: this.recordCount - 1 });
        }
        this.open = -1;
      } else {
        h.reset();
        if (this.parser.header(buf, pos, end, h)) {
          this.addRecord(h, line, base + pos, base + next);
        } else if (this.open >= 0) {
          const open = this.open;
          this.recEndLine[open] = line;
          if (base + next > MAX_U32) this.widenOffsets();
          this.recEndOffset[open] = base + next;
          if (this.parser.continuation) {
            const dialog = this.parser.continuation(buf, pos, end);
            const s = this.recSession[open];
            if (dialog !== undefined && !this.sessionDialog.has(s)) this.sessionDialog.set(s, dialog);
          }
        }
      }
      pos = next;
      this.line++;
    }
    this.lineCount = this.line;
    return pos;
  }

  private addRecord(h: HeaderScratch, line: number, start: number, end: number): void {
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
    this.open = r;
  }

  private addToSession(s: number, r: number): void {
    if (s >= this.sessionFirst.length) {
      this.sessionFirst = grow(this.sessionFirst, s + 1);
      this.sessionLast = grow(this.sessionLast, s + 1);
      this.sessionRecords = grow(this.sessionRecords, s + 1);
      this.sessionProblems = grow(this.sessionProblems, s + 1);
      this.sessionWorst = grow(this.sessionWorst, s + 1);
    }
    if (this.sessionRecords[s] === 0) this.sessionFirst[s] = r;
    this.sessionLast[s] = r;
    this.sessionRecords[s]++;
  }

  /** Past 4 GiB, offsets no longer fit 32 bits. */
  private widenOffsets(): void {
    if (this.recStartOffset instanceof Float64Array) return;
    this.recStartOffset = Float64Array.from(this.recStartOffset);
    this.recEndOffset = Float64Array.from(this.recEndOffset);
  }

  private growRecords(min: number): void {
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

  /** Order, time regressions and problem counts for records from `first` on (all when the order flips). */
  private finish(first: number): void {
    for (let r = first; r < this.recordCount; r++) {
      if (this.recFlags[r] & RecordFlag.NoTime) continue;
      const t = this.normalized(r);
      if (t > this.lastTimed) this.up++;
      else if (t < this.lastTimed) this.down++;
      this.lastTimed = t;
      // A wall time past a year from the epoch carries a calendar date; day counts never get there.
      if (this.recWall[r] >= 86_400_000 * 365) this.dated = true;
    }
    // Servers write their own logs in time order; only exported tables come newest first.
    const descending = this.dialect.mayDescend === true && this.down > this.up;
    if (descending !== this.descending || first === 0) {
      this.descending = descending;
      this.markTimeRegressions(0);
      this.countProblems(0);
    } else {
      this.markTimeRegressions(first);
      this.countProblems(first);
    }
  }

  private markTimeRegressions(first: number): void {
    const tol = this.toleranceMs;
    const mirror = this.descending;
    let edge = first === 0 ? NaN : this.regressionEdge;
    for (let r = first; r < this.recordCount; r++) {
      let f = this.recFlags[r] & ~RecordFlag.TimeRegression;
      if (!(f & RecordFlag.NoTime)) {
        const t = this.normalized(r);
        if (Number.isNaN(edge)) edge = t;
        else if (mirror ? t > edge + tol : t < edge - tol) f |= RecordFlag.TimeRegression;
        edge = mirror ? Math.min(edge, t) : Math.max(edge, t);
      }
      this.recFlags[r] = f;
    }
    this.regressionEdge = edge;
  }

  private countProblems(first: number): void {
    if (first === 0) {
      this.sessionProblems.fill(0);
      this.sessionWorst.fill(255);
    }
    for (let r = first; r < this.recordCount; r++) {
      const sev = this.problemSeverity(r);
      if (sev === 255) continue;
      const s = this.recSession[r];
      this.sessionProblems[s]++;
      if (sev < this.sessionWorst[s]) this.sessionWorst[s] = sev;
    }
  }
}

/** Lets pending I/O and requests (a cancellation) run before the next chunk of work. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const MAX_U32 = 0xffffffff;

/** Stored in recOffsetMin when the log writes no zone offset. */
export const NO_OFFSET = -32768;

/** A line that is exactly `***`, trailing blanks allowed (SPEC §4). */
export function isOverflowLine(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 3 || buf[start] !== 0x2a || buf[start + 1] !== 0x2a || buf[start + 2] !== 0x2a) return false;
  for (let i = start + 3; i < end; i++) if (buf[i] !== SP && buf[i] !== TAB && buf[i] !== CR) return false;
  return true;
}
