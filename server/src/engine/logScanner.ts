// The scan that builds a log's index: its bytes read in chunks, split at line ends, each line's header
// read by the dialect's parser (or a run of common records by its fused loop) into the store's records,
// continuation lines and overflow markers taken in; a build and an append of what the log gained.
import { CR, LF, SP, TAB } from './bytes';
import type { CheckBodies, CheckLines } from './checkLines';
import type { RowWidths } from './sessionRows';
import { RecordTexts } from './recordTexts';
import type { LogSource } from './source';
import type { Dialect, FastRecords, FastScan, ParseContext } from './types';
import { HeaderScratch, LogInputError } from './types';
import { ProblemLines } from './problemLines';
import type { BuildOptions, IndexOptions, SearchHits } from './buildOptions';
import { CancelledError, searchable, searchChunk } from './buildOptions';

/**
 * Bytes scanned per step: few enough that what a read copies is still in the processor's cache when
 * the scan reads it (msglog check of 1 GB: 6–8 % quicker than with 16 MB steps), and many enough that
 * the reads' own cost stays small; small enough for progress and cancellation.
 */
const SCAN_CHUNK = 1 << 20;
/** The first read of findLineEnd (then four times more at each step). */
const FIRST_LOOK_BYTES = 4096;
/** A first build of a log this large sizes its sessions once (buildSteps)… */
const SIZE_SESSIONS_MIN_BYTES = 16 << 20;
/** …after this much of it is read. */
const SIZE_SESSIONS_AFTER_BYTES = 4 << 20;
/** A build of this much (not a window of a streamed build) sizes its record arrays once… */
const SIZE_RECORDS_MIN_BYTES = 4 << 20;
/** …from the records per byte of this much of it. */
const SIZE_RECORDS_AFTER_BYTES = 1 << 20;

/** What the last record does with the lines after it: takes them (OPEN), leaves them orphans (NONE), or, at a part's start, CARRY: they continue a record before the part. */
export const NONE = -1;
export const OPEN = 0;
export const CARRY = -2;

/** Room for this many new sessions before each fast scan (a call adds a few thousand at most, most calls none). */
const SESSIONS_AHEAD = 1024;

/**
 * The scan of a log into the records of the layers below (RecordTexts and its bases); LogIndex adds
 * parts, segments, kept state and windows on top.
 */
export class LogScanner extends RecordTexts {
  /** Bytes indexed so far: everything up to the last line terminator seen (or the end, when final). */
  scannedTo = 0;
  /** True when the last line scanned had no terminator (appending then needs a full re-index). */
  endsInPartialLine = false;
  /** Problem records' first lines, kept while scanned (BuildOptions.problemLines). */
  problemLines: ProblemLines | undefined;
  /** What BuildOptions.search found, while it is complete (undefined after appends or too many hits). */
  searched: SearchHits | undefined = undefined;
  /**
   * The JSON lines of the sessions after this index's, written by a worker (a large log's session list,
   * windowedSessions.ts): they follow the index's own, in order, chunk by chunk.
   */
  laterSessionsJson: (() => Iterable<Uint8Array>) | undefined = undefined;
  /** As laterSessionsJson, for a text list: the rows after this index's, and the widths every row of the list is written with. */
  laterSessionRows: { widths: RowWidths; chunks: () => Iterable<Uint8Array> } | undefined = undefined;
  /**
   * With BuildOptions.checkFormat, where the worker that indexed the log's later parts kept them: the
   * check lines it writes of them (waits for them). This index then holds the log's first part only.
   */
  laterCheckLines: (() => CheckLines | CheckBodies) | undefined = undefined;
  /**
   * Set by a windowed check (windowedCheck.ts): the check lines of the log's front half, written while it
   * was indexed window by window; this index then holds its last window only, and laterCheckLines the rest.
   */
  windowedCheckLines: CheckLines | undefined = undefined;

  /** The dialect's fused loop for its common records, and what it appends to (Dialect.createFastScan). */
  private readonly fast: FastScan | undefined;
  /** The fast scan writes zone offsets (FastScan.zoned). */
  private readonly fastZoned: boolean;
  private fastOut: FastRecords | undefined;
  /** Blanks before a header are skipped (pasted text) in dialects where they never mark continuation. */
  private readonly indented: boolean;
  private readonly h = new HeaderScratch();
  /** Indexing a part of the log only, up to this offset (a worker's share); undefined: all of it. */
  protected limit: number | undefined;
  /** Set by continuePart: the next build goes on with the text search as it stands (hits so far, or given up). */
  protected continuing = false;
  // Scan state carried from one chunk (or one append) to the next.
  protected line = 0;
  /** NONE, OPEN or CARRY (above). */
  protected open = NONE;
  protected carryLines = 0;
  protected carryEndOffset = 0;
  protected carryDialog: string | undefined = undefined;
  /** Set by LogIndex.startPart for the first part of a parted build: the other parts will be adopted after it. */
  protected partsFollow = false;
  /** The parser's state after primeParser (a part of a dialect that splitsWithState), as partState gives it. */
  protected primedState: string | undefined = undefined;

  /** An empty index over `source`; call build(). */
  constructor(
    source: LogSource,
    dialect: Dialect,
    protected readonly ctx: ParseContext = {},
    options: IndexOptions = {},
  ) {
    super(source, dialect, ctx, options.toleranceMs ?? 1000);
    this.fast = options.fastScan === false ? undefined : dialect.createFastScan?.(this.parser);
    this.fastZoned = this.fast?.zoned === true;
    this.indented = dialect.headersMayBeIndented === true;
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
    if (this.keyless) this.parser.dropKeys?.();
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
    // Lines shorter than the estimate's 64 bytes (CSV exports: 40–50) would grow the arrays by copies,
    // each into new pages: once the first megabyte tells how many records a byte holds, they are sized
    // for the rest at once (of the whole log for the index a parted build adopts the other parts into,
    // the one that starts at 0). Not while another thread maps them (toucher): it holds the arrays it maps.
    const scanFrom = this.scannedTo;
    const sizeFor = this.partsFollow && scanFrom === 0 ? this.source.size : total;
    let sizeRecordsAt = toucher === undefined && total - scanFrom >= SIZE_RECORDS_MIN_BYTES ? scanFrom + SIZE_RECORDS_AFTER_BYTES : Infinity;
    try {
      while (this.scannedTo < total) {
        if (this.scannedTo >= sizeRecordsAt) {
          const expected = Math.ceil(this.recordCount + ((this.recordCount - first) / (this.scannedTo - scanFrom)) * (sizeFor - this.scannedTo) * 1.05);
          if (expected > this.recStartLine.length) this.resizeRecords(expected);
          sizeRecordsAt = Infinity;
        }
        if (this.scannedTo >= sizeSessionsAt) {
          this.reserveForTheRest(total);
          sizeSessionsAt = Infinity;
        }
        if (options.isCancelled?.()) throw new CancelledError();
        const end = Math.min(total, this.scannedTo + chunkSize);
        // A keyless index reads where its fast scan reads (the WebAssembly scan's input: no copy there).
        const room = this.keyless ? this.fast?.chunkRoom?.() : undefined;
        const chunk = this.source.readTransient?.(this.scannedTo, end, room) ?? this.source.read(this.scannedTo, end);
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
   * `from`: where the bytes scanned began (a part's start).
   */
  protected reserveForTheRest(total: number, maxSessions = Math.ceil(total / 512), from = 0): void {
    const scale = ((total - from) / (this.scannedTo - from)) * 1.1;
    const sessions = Math.min(Math.ceil(this.sessionCount * scale), maxSessions);
    this.reserveSessions(sessions, Math.ceil(this.keys.poolBytes * scale));
    const dialogs = this.sessionDialog;
    if (dialogs.size > 0) dialogs.reserve(sessions, Math.min(sessions, Math.ceil(dialogs.size * scale)), Math.ceil(dialogs.bytes * scale));
  }

  /**
   * Puts the parser of a part starting at `from` in the state the log's head leaves it in: the lines
   * up to the log's first record (at most PRIME_BYTES, never past `from`) are read as a scan of the
   * whole log reads them, and nothing of them is indexed. Only for parsers that keep a state
   * (LineParser.partState); whether the part really started in that state is decided where the parts
   * are stitched (LogIndex.fits).
   */
  protected primeParser(from: number): void {
    if (this.parser.partState === undefined) return;
    const head = this.source.read(0, Math.min(from, PRIME_BYTES));
    const h = this.h;
    for (let pos = 0; pos < head.length; ) {
      // Line ends as scanChunk reads them: LF, CRLF or a lone CR.
      let nl = head.indexOf(LF, pos);
      if (nl < 0) nl = head.length;
      const cr = head.indexOf(CR, pos);
      const end = cr >= 0 && cr < nl ? cr : nl;
      const next = cr >= 0 && cr < nl - 1 ? cr + 1 : nl + 1;
      h.reset();
      let hs = pos;
      if (this.indented) while (hs < end && (head[hs] === SP || head[hs] === TAB)) hs++;
      const overflow = head[pos] === 0x2a && isOverflowLine(head, pos, end);
      if (!overflow && this.parser.header(head, hs, end, h)) break;
      pos = next;
    }
    this.primedState = this.parser.partState();
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

  /**
   * Where the line at `from` ends (after its LF), or the log's size. Read into the source's transient
   * buffer (no copy), a few KiB first: a line ends within a few hundred bytes nearly always, and a
   * copy of `chunkSize` bytes for each window of a streamed build (msglog sessions) cost 0.1 s for 1 GB.
   */
  protected findLineEnd(from: number, chunkSize: number): number {
    let pos = from;
    let size = Math.min(FIRST_LOOK_BYTES, chunkSize);
    for (;;) {
      const chunk = this.source.readTransient?.(pos, pos + size) ?? this.source.read(pos, pos + size);
      if (chunk.length === 0) return this.source.size;
      const nl = chunk.indexOf(LF);
      if (nl >= 0) return pos + nl + 1;
      pos += chunk.length;
      size = Math.min(chunkSize, size * 4);
    }
  }

  /**
   * The session numbers of `n` keys (`pool[bounds[2 i], bounds[2 i + 1])`, hashed `hashes[i]` as
   * hashKey hashes) in this index, -1 for a key it has not. The fast scan answers where it keeps the
   * keys (CommuniGate's WebAssembly scan: no slots made in the key table for a million keys), else the
   * key table.
   */
  keyNumbers(pool: Uint8Array, bounds: Uint32Array, hashes: Uint32Array, n: number): Int32Array {
    const numbers = new Int32Array(n);
    if (this.fast?.keyNumbers?.(this.keys, pool, bounds, n, numbers) === true) return numbers;
    for (let i = 0; i < n; i++) numbers[i] = this.keys.idOf(pool, bounds[2 * i], bounds[2 * i + 1], hashes[i]);
    return numbers;
  }

  /**
   * Scans the complete lines of `buf` (whose first byte is at `base` in the log); with `final`, a last
   * line without terminator too. Returns the bytes consumed.
   */
  private scanChunk(buf: Buffer, base: number, final: boolean): number {
    const fast = this.fast;
    if (fast?.beginChunk === undefined) return this.scanLines(buf, base, final);
    // The chunk's bytes stay as they are while its lines are read: the fast scan may keep its copy.
    fast.beginChunk(buf);
    try {
      return this.scanLines(buf, base, final);
    } finally {
      fast.endChunk?.();
    }
  }

  private scanLines(buf: Buffer, base: number, final: boolean): number {
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
    // Off for the rest of the chunk once it stopped at a line ended by a CR: it takes LF lines only, and
    // in a CRLF log every line is such a line (a call for each would cost more than it saves).
    let fastInChunk = fast !== undefined;
    while (pos < len) {
      if (cr >= 0 && cr < pos) cr = buf.indexOf(CR, pos);
      if (tryFast && fast !== undefined && this.canAppendFast(base + len, this.fastZoned)) {
        // The dialect's common records in one loop, up to the next CR (line ends the scan below decides).
        // A fast scan stops at a new session the arrays cannot hold, for the parser's addRecord to grow
        // them: grown here first (the parser's key lookup would make the slots of every key the scan had
        // appended to the key table, keyedScan.ts).
        if (!this.keyless && this.keys.size + SESSIONS_AHEAD > this.sessionFirst.length) this.growSessions(this.keys.size + SESSIONS_AHEAD);
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
          if (cr >= pos) {
            const lf = buf.indexOf(LF, pos);
            if (lf < 0 || lf > cr) fastInChunk = false;
          }
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
          tryFast = fastInChunk;
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

/** How much of a log's head primeParser reads at most, looking for its first record. */
const PRIME_BYTES = 1 << 20;

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
