// A filter on one text answered by searching the log instead of indexing it (FORMATS §5): the cold
// `msglog filter FILE --text S [--keyed]` of an administrator looking for one session in a day's log
// runs at the speed of a search, and in little memory. Only occurrences of the text (and, keyed, of
// the session keys remembered) are looked at: their lines are parsed with the dialect's own parser,
// and walking back to the record's header gives what the index would have given. When an answer
// could differ from the index's (lone CRs, too many keys, a dialect that cannot say which bytes its
// keys leave in a header), the caller indexes the log as usual.
import { LF } from './bytes';
import { isOverflowLine } from './logIndex';
import type { LogSource } from './source';
import type { Dialect, LineParser, ParseContext } from './types';
import { HeaderScratch } from './types';

/** What the filter prints: byte ranges of the log, in file order (records, and the first line of each marker run). */
export interface QuickFilterResult {
  /** `[start, end)` pairs: `ranges[2 i]`, `ranges[2 i + 1]`. */
  ranges: number[];
  /** How many of the ranges are records (the others are overflow markers). */
  records: number;
}

export interface QuickFilterOptions {
  /** Bytes read per step (tests use tiny chunks to cross every boundary). */
  chunkSize?: number;
}

/** Keys whose headers are searched in a second pass: each pattern is one more search of the log. */
const MAX_PATTERNS = 4;
/** Header lines holding the text that pass 1 keeps for pass 2 (beyond, pass 2 searches the text again). */
const MAX_KEPT_LINES = 1 << 20;
const CHUNK = 16 << 20;
const CR = 0x0d;
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

/**
 * The records a plain (`keyed` false) or keyed filter on `text` outputs, with the overflow markers it
 * prints, or undefined when this search cannot give the index's answer (then index the log).
 */
export function quickFilter(source: LogSource, dialect: Dialect, ctx: ParseContext, text: string, keyed: boolean, options: QuickFilterOptions = {}): QuickFilterResult | undefined {
  if (dialect.partable !== true || (keyed && dialect.keyPatterns === undefined)) return undefined;
  if (text === '' || /[\r\n]/.test(text)) return undefined;
  const scan = new LineScan(source, dialect, ctx, options.chunkSize ?? CHUNK);
  const needle = Buffer.from(text, 'utf8');
  const pass1 = scan.firstPass(needle, keyed);
  if (pass1 === undefined) return undefined;
  let records = pass1.records;
  if (keyed) {
    const second = scan.secondPass(pass1, needle);
    if (second === undefined) return undefined;
    records = second;
  }
  return merge(records, pass1.markers);
}

interface FirstPass {
  /** Plain: the records holding the text; keyed: those of its header lines (while kept). */
  records: number[];
  /** Keyed: the session keys remembered, and the key of each record in `records`. */
  keys: Set<string>;
  recordKeys: string[];
  /** Keyed: `records` holds every header line with the text (not too many to keep). */
  kept: boolean;
  /** Lines that are overflow markers: `[start, end)` pairs. */
  markers: number[];
}

/** Walks the log's lines in chunks of whole lines, parsing the lines it is asked about. */
class LineScan {
  private readonly parser: LineParser;
  private readonly indented: boolean;
  private readonly h = new HeaderScratch();
  /** The record open where the chunk starts (carried from the chunk before), or null. */
  private carried: RecordAt | null = null;
  // The last line resolved in this chunk and its record: lines after it resolve back to it at most.
  private memoLine = -1;
  private memo: RecordAt | null = null;
  /** A record whose end lies in a later chunk: the index of its end in the ranges being built, or -1. */
  private pendingEnd = -1;

  constructor(
    private readonly source: LogSource,
    private readonly dialect: Dialect,
    ctx: ParseContext,
    private readonly chunkSize: number,
  ) {
    this.parser = (dialect.createScanner ?? dialect.createParser)(ctx);
    this.indented = dialect.headersMayBeIndented === true;
  }

  firstPass(needle: Buffer, keyed: boolean): FirstPass | undefined {
    const out: FirstPass = { records: [], keys: new Set(), recordKeys: [], kept: true, markers: [] };
    const ok = this.chunks((buf, base, used, final) => {
      this.endPending(out.records, buf, base, used, final);
      this.findMarkers(buf, base, used, final, out.markers);
      let keptLine = -1;
      for (let i = buf.indexOf(needle); i >= 0 && i < used; i = buf.indexOf(needle, i + 1)) {
        const ls = lineStart(buf, i);
        const rec = this.recordOf(buf, ls);
        if (rec === null) continue;
        const le = lineEnd(buf, ls, used);
        if (keyed && out.kept && rec.start === base + ls && ls !== keptLine) {
          // A header line holding the text: pass 2 need not search the text again to find it.
          keptLine = ls;
          if (out.recordKeys.length >= MAX_KEPT_LINES) out.kept = false;
          else this.addRecord(out.records, rec.start, buf, base, le, used, final, out.recordKeys, rec.key);
        }
        // Only the body is matched (not the timestamp or level): a later occurrence on the line may be in it.
        if (base + i < rec.start + rec.bodyCol) continue;
        if (keyed) out.keys.add(rec.key);
        else if (out.records[out.records.length - 2] !== rec.start) this.addRecord(out.records, rec.start, buf, base, le, used, final);
        if (le >= used) break;
        i = le; // the rest of the line belongs to the same record
      }
      this.carry(buf, used);
    });
    return ok ? out : undefined;
  }

  /** Keyed pass 2: every record whose key pass 1 remembered, as `[start, end)` pairs in file order. */
  secondPass(first: FirstPass, needle: Buffer): number[] | undefined {
    const patternSet = new Map<string, Buffer>();
    for (const key of first.keys) {
      const found = this.dialect.keyPatterns?.(Buffer.from(key, 'latin1'));
      if (found === undefined || found.length === 0) return undefined;
      for (const p of found) {
        if (p.length === 0 || p.includes(LF) || p.includes(CR)) return undefined;
        patternSet.set(p.toString('latin1'), p);
      }
    }
    // A pattern holding another is found by the other's search; header lines holding the text are known from pass 1.
    const all = [...patternSet.values()];
    const patterns = all.filter((p) => !all.some((q) => q !== p && q.length < p.length && p.includes(q)) && !(first.kept && p.includes(needle)));
    const kept: number[] = [];
    if (first.kept) {
      for (let k = 0; k < first.recordKeys.length; k++) {
        if (first.keys.has(first.recordKeys[k])) kept.push(first.records[2 * k], first.records[2 * k + 1]);
      }
    }
    if (patterns.length === 0) return kept;
    if (patterns.length > MAX_PATTERNS) return undefined;
    const found: number[] = [];
    const ok = this.chunks((buf, base, used, final) => {
      this.endPending(found, buf, base, used, final);
      const starts: number[] = [];
      for (const p of patterns) {
        for (let i = buf.indexOf(p); i >= 0 && i < used; i = buf.indexOf(p, i + 1)) {
          const ls = lineStart(buf, i);
          const le = lineEnd(buf, ls, used);
          if (this.classify(buf, ls, le) === HEADER && first.keys.has(this.keyText())) starts.push(ls);
          if (le >= used) break;
          i = le;
        }
      }
      starts.sort((a, b) => a - b);
      for (let k = 0; k < starts.length; k++) {
        if (k > 0 && starts[k] === starts[k - 1]) continue;
        this.addRecord(found, base + starts[k], buf, base, lineEnd(buf, starts[k], used), used, final);
      }
    });
    if (!ok) return undefined;
    return mergeSorted(kept, found);
  }

  /** Appends record `[start, end)` to `ranges`, its end found by walking on from `le` (or left pending). */
  private addRecord(ranges: number[], start: number, buf: Buffer, base: number, le: number, used: number, final: boolean, keys?: string[], key?: string): void {
    const end = this.recordEnd(buf, le, used);
    ranges.push(start, end < 0 ? (final ? base + used : -1) : base + end);
    keys?.push(key ?? '');
    if (end < 0 && !final) this.pendingEnd = ranges.length - 1;
  }

  /** A record left open at the previous chunk's end ends at this chunk's first header or marker line. */
  private endPending(ranges: number[], buf: Buffer, base: number, used: number, final: boolean): void {
    if (this.pendingEnd < 0 || ranges[this.pendingEnd] !== -1) {
      this.pendingEnd = -1;
      return;
    }
    const end = this.recordEnd(buf, 0, used);
    if (end >= 0) ranges[this.pendingEnd] = base + end;
    else if (final) ranges[this.pendingEnd] = base + used;
    else return; // the record goes on through the whole chunk
    this.pendingEnd = -1;
  }

  /** The start of the first line at or after `p` (a line start, or `used`) that is a header or a marker, or -1. */
  private recordEnd(buf: Buffer, p: number, used: number): number {
    if (p < used && buf[p] === LF) p++;
    while (p < used) {
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

  private base = 0;

  /**
   * Calls `visit` with chunks of whole lines (`buf[0, used)`, at `base` in the log); false when the log
   * has a CR (lone CRs end lines in the index: this search does not follow them).
   */
  private chunks(visit: (buf: Buffer, base: number, used: number, final: boolean) => void): boolean {
    this.carried = null;
    this.memoLine = -1;
    this.memo = null;
    this.pendingEnd = -1;
    const total = this.source.size;
    let base = 0;
    let size = this.chunkSize;
    while (base < total) {
      const end = Math.min(total, base + size);
      const buf = this.source.readTransient?.(base, end) ?? this.source.read(base, end);
      const final = end === total;
      const used = final ? buf.length : buf.lastIndexOf(LF) + 1;
      if (used === 0) {
        size *= 2; // one line longer than a chunk
        continue;
      }
      if (buf.indexOf(CR) >= 0) return false;
      this.base = base;
      visit(buf, base, used, final);
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

/** Two sorted lists of `[start, end)` pairs as one, each start once. */
function mergeSorted(a: number[], b: number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && a[i] <= b[j]);
    const s = takeA ? a[i] : b[j];
    const e = takeA ? a[i + 1] : b[j + 1];
    if (takeA) i += 2;
    else j += 2;
    if (out.length > 0 && out[out.length - 2] === s) continue;
    out.push(s, e);
  }
  return out;
}

/**
 * Records and marker lines in file order, as the index's filter prints them: consecutive marker
 * lines are one run (its first line is printed), and a run right after another printed run is not.
 */
function merge(records: number[], markers: number[]): QuickFilterResult {
  const ranges: number[] = [];
  let lastWasMarker = false;
  let runEnd = -1;
  let i = 0;
  let j = 0;
  while (i < records.length || j < markers.length) {
    if (j >= markers.length || (i < records.length && records[i] < markers[j])) {
      ranges.push(records[i], records[i + 1]);
      lastWasMarker = false;
      i += 2;
      continue;
    }
    const [s, e] = [markers[j], markers[j + 1]];
    j += 2;
    const continues = s === runEnd;
    runEnd = e;
    if (continues || lastWasMarker) continue;
    ranges.push(s, e);
    lastWasMarker = true;
  }
  return { ranges, records: records.length / 2 };
}
