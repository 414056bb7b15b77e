// The line walks of a quick filter (quickFilter.ts): a log read in chunks of whole lines, the lines
// holding a text parsed with the dialect's own parser, and walked back to their records' headers.
import { CR, LF } from './bytes';
import { isOverflowLine } from './logIndex';
import type { LogSource } from './source';
import type { Dialect, LineParser, ParseContext } from './types';
import { HeaderScratch } from './types';
import { mergeSorted, Ranges, usable } from './quickFilterRanges';
import type { FirstPass } from './quickFilterRanges';

/** Keys whose headers are searched in a second pass: each pattern is one more search of the log. */
export const MAX_PATTERNS = 4;
/** Header lines holding what pass 1 searched that it keeps for pass 2 (beyond, pass 2 searches again). */
export const MAX_KEPT_LINES = 1 << 20;
/** Pass 2 gives up to the index past this many records, when they are one per DENSE_BYTES of log or more. */
const DENSE_RECORDS = 50_000;
const DENSE_BYTES = 512;
const MARKER = Buffer.from('***');

const HEADER = 1;
const OVERFLOW = 2;
const OTHER = 0;

/** The record a line belongs to: its start, session key (latin1: one char per byte) and body column; null: none. */
interface RecordAt {
  start: number;
  key: string;
  bodyCol: number;
}

/** Header lines of a chunk (their starts in it) with their session keys, gathered from one or more searches. */
class HeaderLines {
  private readonly starts: number[] = [];
  private readonly keys: string[] = [];
  /** The starts were added in increasing order (one search): no sort needed. */
  private ordered = true;

  /** The last start added (a search skips the rest of a line it found). */
  get last(): number {
    return this.starts.length === 0 ? -1 : this.starts[this.starts.length - 1];
  }

  add(start: number, key: string): void {
    if (start <= this.last) this.ordered = false;
    this.starts.push(start);
    this.keys.push(key);
  }

  /** Calls `visit` for each line in file order, each once. */
  each(visit: (start: number, key: string, next: number) => void): void {
    const n = this.starts.length;
    let order: number[] | undefined;
    if (!this.ordered) order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.starts[a] - this.starts[b]);
    let prev = -1;
    for (let k = 0; k < n; k++) {
      const i = order === undefined ? k : order[k];
      const start = this.starts[i];
      if (start === prev) continue;
      prev = start;
      // The next distinct header line, which ends this one's record if nothing else does first.
      let next = -1;
      for (let j = k + 1; j < n; j++) {
        const s = this.starts[order === undefined ? j : order[j]];
        if (s !== start) {
          next = s;
          break;
        }
      }
      visit(start, this.keys[i], next);
    }
  }
}

/** Walks the log's lines in chunks of whole lines, parsing the lines it is asked about. */
export class LineScan {
  private readonly parser: LineParser;
  private readonly indented: boolean;
  private readonly h = new HeaderScratch();
  /** The record open where the chunk starts (carried from the chunk before), or null. */
  private carried: RecordAt | null = null;
  // The last line resolved in this chunk and its record: lines after it resolve back to it at most.
  private memoLine = -1;
  private memo: RecordAt | null = null;
  /** Where the chunk being visited starts in the log. */
  private base = 0;

  constructor(
    private readonly source: LogSource,
    private readonly dialect: Dialect,
    ctx: ParseContext,
    private readonly chunkSize: number,
    /** Bytes of the log to search (default: all the source has). */
    private readonly total = source.size,
  ) {
    this.parser = (dialect.createScanner ?? dialect.createParser)(ctx);
    this.indented = dialect.headersMayBeIndented === true;
  }

  /**
   * Pass 1. `covered`: what is searched in this pass, here or by a worker; keyed, the pass gives up as
   * soon as the sessions remembered leave more bytes to search in pass 2 than it would search.
   */
  firstPass(needle: Buffer, keyed: boolean, along: Buffer[], markers: boolean, covered: Buffer[]): FirstPass | undefined {
    const out: FirstPass = { records: new Ranges(), keys: new Set(), headers: keyed ? new Ranges() : undefined, searched: [needle, ...along], markers: [] };
    const uncovered = new Set<string>();
    const remember = (key: string): boolean => {
      if (out.keys.has(key)) return true;
      out.keys.add(key);
      const patterns = usable(this.dialect.keyPatterns?.(Buffer.from(key, 'latin1')) ?? []);
      if (patterns.length === 0) return false;
      for (const p of patterns) if (!covered.some((q) => p.includes(q))) uncovered.add(p.toString('latin1'));
      return uncovered.size <= 4 * MAX_PATTERNS;
    };
    const ok = this.chunks((buf, base, used, final) => {
      this.endPending(out.records, buf, base, used, final);
      if (out.headers) this.endPending(out.headers, buf, base, used, final);
      if (markers) this.findMarkers(buf, base, used, final, out.markers);
      const headerLines = new HeaderLines();
      for (let i = buf.indexOf(needle); i >= 0 && i < used; i = buf.indexOf(needle, i + 1)) {
        const ls = lineStart(buf, i);
        const rec = this.recordOf(buf, ls);
        if (rec === null) continue;
        const le = lineEnd(buf, ls, used);
        if (out.headers && rec.start === base + ls) headerLines.add(ls, rec.key);
        // Only the body is matched (not the timestamp or level): a later occurrence on the line may be in it.
        if (base + i < rec.start + rec.bodyCol) continue;
        if (keyed) {
          if (!remember(rec.key)) return false;
        } else if (out.records.pairs[out.records.pairs.length - 2] !== rec.start) this.addRecord(out.records, rec.start, buf, base, le, used, final);
        if (le >= used) break;
        i = le; // the rest of the line belongs to the same record
      }
      if (out.headers) {
        for (const p of along) this.headerLinesWith(p, buf, used, headerLines);
        this.addHeaderLines(out.headers, headerLines, buf, base, used, final);
        if (out.headers.count > MAX_KEPT_LINES) out.headers = undefined;
      }
      this.carry(buf, used);
      return true;
    });
    return ok ? out : undefined;
  }

  /** Every header line holding one of `patterns` (with its key), and every marker line: a worker's share of pass 1. */
  headerLines(patterns: Buffer[]): { headers: Ranges; markers: number[] } | undefined {
    const headers = new Ranges();
    const markers: number[] = [];
    const ok = this.chunks((buf, base, used, final) => {
      this.endPending(headers, buf, base, used, final);
      this.findMarkers(buf, base, used, final, markers);
      const lines = new HeaderLines();
      for (const p of patterns) this.headerLinesWith(p, buf, used, lines);
      this.addHeaderLines(headers, lines, buf, base, used, final);
      return true;
    });
    return ok ? { headers, markers } : undefined;
  }

  /** Keyed pass 2: every record whose key pass 1 remembered, as `[start, end)` pairs in file order. */
  secondPass(first: FirstPass): number[] | undefined {
    const patternSet = new Map<string, Buffer>();
    for (const key of first.keys) {
      const found = usable(this.dialect.keyPatterns?.(Buffer.from(key, 'latin1')) ?? []);
      if (found.length === 0) return undefined;
      for (const p of found) patternSet.set(p.toString('latin1'), p);
    }
    // A pattern holding another is found by the other's search, or by pass 1's when it holds what pass 1 searched.
    const known = first.headers === undefined ? [] : first.searched;
    const left = [...patternSet.values()].filter((p) => !known.some((q) => p.includes(q)));
    // Only a few can be left once those holding another go (the pairwise test is for a few).
    if (left.length > 4 * MAX_PATTERNS) return undefined;
    const patterns = left.filter((p) => !left.some((q) => q !== p && q.length < p.length && p.includes(q)));
    if (patterns.length > MAX_PATTERNS) return undefined;
    const kept: number[] = [];
    const headers = first.headers;
    if (headers !== undefined) {
      for (let k = 0; k < headers.count; k++) if (first.keys.has(headers.keys[k])) kept.push(headers.pairs[2 * k], headers.pairs[2 * k + 1]);
    }
    if (patterns.length === 0) return kept;
    const found = new Ranges();
    const ok = this.chunks((buf, base, used, final) => {
      this.endPending(found, buf, base, used, final);
      const lines = new HeaderLines();
      for (const p of patterns) this.headerLinesWith(p, buf, used, lines);
      this.addHeaderLines(found, lines, buf, base, used, final, first.keys);
      // Sessions that print a large share of the log (a Messaging Server process): the index is quicker.
      return found.count < DENSE_RECORDS || found.count * DENSE_BYTES < base + used;
    });
    if (!ok) return undefined;
    return mergeSorted(kept, found.pairs);
  }

  /** Adds to `lines` the start of every header line of the chunk holding `pattern`. */
  private headerLinesWith(pattern: Buffer, buf: Buffer, used: number, lines: HeaderLines): void {
    for (let i = buf.indexOf(pattern); i >= 0 && i < used; i = buf.indexOf(pattern, i + 1)) {
      const ls = lineStart(buf, i);
      const le = lineEnd(buf, ls, used);
      if (ls !== lines.last && this.classify(buf, ls, le) === HEADER) lines.add(ls, this.keyText());
      if (le >= used) break;
      i = le;
    }
  }

  /** Adds the records of `lines` whose key is in `keys` (all without), in file order. */
  private addHeaderLines(into: Ranges, lines: HeaderLines, buf: Buffer, base: number, used: number, final: boolean, keys?: Set<string>): void {
    lines.each((ls, key, next) => {
      if (keys !== undefined && !keys.has(key)) return;
      // The next header line known ends this record without parsing the line again (dense sessions).
      this.addRecord(into, base + ls, buf, base, lineEnd(buf, ls, used), used, final, key, next);
    });
  }

  /**
   * Appends record `[start, end)` to `into`, its end found by walking on from `le` (or left pending);
   * with its key where `into` keeps keys (header lines: a plain filter's records need none).
   */
  private addRecord(into: Ranges, start: number, buf: Buffer, base: number, le: number, used: number, final: boolean, key?: string, nextHeader = -1): void {
    const end = this.recordEnd(buf, le, used, nextHeader);
    into.pairs.push(start, end < 0 ? (final ? base + used : -1) : base + end);
    if (key !== undefined) into.keys.push(key);
    if (end < 0 && !final) into.pending = into.pairs.length - 1;
  }

  /** A record left open at the previous chunk's end ends at this chunk's first header or marker line. */
  private endPending(into: Ranges, buf: Buffer, base: number, used: number, final: boolean): void {
    if (into.pending < 0) return;
    const end = this.recordEnd(buf, 0, used);
    if (end >= 0) into.pairs[into.pending] = base + end;
    else if (final) into.pairs[into.pending] = base + used;
    else return; // the record goes on through the whole chunk
    into.pending = -1;
  }

  /**
   * The start of the first line at or after `p` (a line start, or `used`) that is a header or a marker,
   * or -1; `nextHeader` is a header line start already known (-1: none).
   */
  private recordEnd(buf: Buffer, p: number, used: number, nextHeader = -1): number {
    if (p < used && buf[p] === LF) p++;
    while (p < used) {
      if (p === nextHeader) return p;
      const le = lineEnd(buf, p, used);
      if (this.classify(buf, p, le) !== OTHER) return p;
      p = le + 1;
    }
    return -1;
  }

  /** Overflow marker lines (`***`) in the chunk, as `[start, end)` pairs. */
  private findMarkers(buf: Buffer, base: number, used: number, final: boolean, out: number[]): void {
    for (let i = buf.indexOf(MARKER); i >= 0 && i < used; i = buf.indexOf(MARKER, i + 1)) {
      if (i > 0 && buf[i - 1] !== LF) continue;
      const le = lineEnd(buf, i, used);
      if (isOverflowLine(buf, i, le)) out.push(base + i, base + (le < used ? le + 1 : final ? used : le));
    }
  }

  /** The record the line at `ls` belongs to (walking back to its header), or null (preamble, after a marker). */
  private recordOf(buf: Buffer, ls: number): RecordAt | null {
    if (ls === this.memoLine) return this.memo;
    const from = ls;
    let q = ls;
    let found: RecordAt | null | undefined;
    for (;;) {
      const kind = this.classify(buf, q, lineEnd(buf, q, buf.length));
      if (kind === HEADER) {
        found = { start: this.base + q, key: this.keyText(), bodyCol: this.h.bodyCol };
        break;
      }
      if (kind === OVERFLOW) {
        found = null;
        break;
      }
      if (q === 0) {
        found = this.carried;
        break;
      }
      q = lineStart(buf, q - 1);
      if (q === this.memoLine) {
        found = this.memo;
        break;
      }
    }
    this.memoLine = from;
    this.memo = found;
    return found;
  }

  /** Carries the record open at the chunk's end over to the next chunk. */
  private carry(buf: Buffer, used: number): void {
    if (used > 0) this.carried = this.recordOf(buf, lineStart(buf, used - 1));
    this.memoLine = -1;
    this.memo = null;
  }

  /** What the index makes of the line `buf[ls, le)`: a header (parsed into `h`), a marker, or another line. */
  private classify(buf: Buffer, ls: number, le: number): number {
    if (buf[ls] === 0x2a && isOverflowLine(buf, ls, le)) return OVERFLOW;
    const h = this.h;
    h.reset();
    let hs = ls;
    if (this.indented) while (hs < le && (buf[hs] === 0x20 || buf[hs] === 0x09)) hs++;
    if (!this.parser.header(buf, hs, le, h)) return OTHER;
    h.bodyCol += hs - ls;
    return HEADER;
  }

  /** The session key of the header just classified, one char per byte. */
  private keyText(): string {
    const h = this.h;
    return Buffer.from(h.keyBuf.buffer, h.keyBuf.byteOffset + h.keyStart, h.keyEnd - h.keyStart).toString('latin1');
  }

  /**
   * Calls `visit` with chunks of whole lines (`buf[0, used)`, at `base` in the log); false when the log
   * has a CR (lone CRs end lines in the index: this search does not follow them), was cut short
   * meanwhile (the index then says what there is), or `visit` gave up.
   */
  private chunks(visit: (buf: Buffer, base: number, used: number, final: boolean) => boolean): boolean {
    this.carried = null;
    this.memoLine = -1;
    this.memo = null;
    const total = this.total;
    let base = 0;
    let size = this.chunkSize;
    while (base < total) {
      const end = Math.min(total, base + size);
      const buf = this.source.readTransient?.(base, end) ?? this.source.read(base, end);
      if (buf.length < end - base) return false;
      const final = end === total;
      const used = final ? buf.length : buf.lastIndexOf(LF) + 1;
      if (used === 0) {
        size *= 2; // one line longer than a chunk
        continue;
      }
      if (buf.indexOf(CR) >= 0) return false;
      this.base = base;
      if (!visit(buf, base, used, final)) return false;
      base += used;
      size = this.chunkSize;
    }
    return true;
  }
}

function lineStart(buf: Buffer, i: number): number {
  return i === 0 ? 0 : buf.lastIndexOf(LF, i - 1) + 1;
}

/** The offset of the LF ending the line at `ls`, or `used` when the line has none before it. */
function lineEnd(buf: Buffer, ls: number, used: number): number {
  const nl = buf.indexOf(LF, ls);
  return nl < 0 || nl >= used ? used : nl;
}
