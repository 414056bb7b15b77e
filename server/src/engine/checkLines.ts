// The lines `msglog check` writes for its diagnostics, text or JSON (FORMATS §6): here, not in the
// command, because a worker thread writes those of the parts it indexed (BuildOptions.checkFormat)
// while this thread writes its own.
import { asciiExcerptInto, eventErrorLabel, EXCERPT, factMessage, levelLabel } from './diagnostics';
import type { DiagnosticFacts } from './diagnostics';
import type { LogIndex } from './logIndex';
import { copyBytes } from './bytes';
import type { ByteSpan } from './bytes';
import { closeSpillFile, readSpilled, SpillWriter } from './spillFile';

/** Where the lines go: msglog's buffered stdout, or the bytes a worker hands back (CheckBytes). */
export interface LineSink {
  write(text: string): void;
  /** The decimal digits of a whole number ≥ 0. */
  decimal(n: number): void;
  copy(src: Uint8Array, start: number, end: number): void;
}

/** How check writes a log's diagnostics: as JSON items or as lines, `file` before each when several files are read. */
export interface CheckFormat {
  json: boolean;
  file: string | undefined;
}

/** The check lines a worker wrote of the parts it indexed, and what they count (LogIndex.laterCheckLines). */
export interface CheckLines extends CheckCounts {
  /** The lines in order; JSON items each with `,` before it. Each chunk is to be written out before the next is asked for (CheckBytes.read). */
  lines: Iterable<Uint8Array>;
}

/**
 * The check lines of a windowed check's back half (windowedCheck.ts), written by its worker before their
 * numbers were known (CheckLinesAt): each line's body and its lines from the half's start. Their heads
 * are put in front where they are written (writeLaterLines), so the worker hands the bodies over as they
 * are instead of copying every line once more, into new memory, while this thread waits for them.
 */
export interface CheckBodies extends CheckCounts {
  format: CheckFormat;
  /** The 0-based line of the log the half starts at. */
  base: number;
  /** Line i's body is `chunks[chunkOf[i]]` up to `ends[i]`, from where line i - 1's ends there (else 0). */
  chunks: Uint8Array[];
  chunkOf: Uint32Array;
  ends: Uint32Array;
  /** Line i's first and last lines, 0-based from the half's start. */
  startLines: Uint32Array;
  endLines: Uint32Array;
  /** Chunks written to a spill file (spillFile.ts): chunk j's bytes at `at[j]` (-1: in `chunks`), `lengths[j]` of them; closed once the bodies are written. */
  spill?: { fd: number; at: number[]; lengths: number[] };
}

/** The buffers of `bodies`, to transfer from the worker rather than copy. */
export function bodiesTransfer(bodies: CheckBodies): ArrayBuffer[] {
  const arrays = [...bodies.chunks, bodies.chunkOf, bodies.ends, bodies.startLines, bodies.endLines];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

/**
 * Writes the check lines a worker wrote (`later`) after those written so far (`counts`, which take
 * theirs): bytes as they are, but for JSON the `,` before the first item when it is the first of all;
 * bodies with their heads put in front, numbered on from the half's start.
 */
export function writeLaterLines(out: LineSink & { bytes(src: Buffer): void; flush(): void }, json: boolean, later: CheckLines | CheckBodies, counts: CheckCounts): void {
  if ('chunks' in later) {
    writeBodies(out, later, counts);
    return;
  }
  let drop = json && counts.written === 0 && later.written > 0 ? 1 : 0;
  for (const chunk of later.lines) {
    if (chunk.length <= drop) {
      drop -= chunk.length;
      continue;
    }
    out.bytes(Buffer.from(chunk.buffer, chunk.byteOffset + drop, chunk.length - drop));
    // Written out before the next is asked for: a spilled chunk's buffer is read into again.
    out.flush();
    drop = 0;
  }
  counts.errors += later.errors;
  counts.warnings += later.warnings;
  counts.written += later.written;
}

/** writeLaterLines of a back half's bodies: each line's head (as writeCheckLine writes it), then its body. */
function writeBodies(out: LineSink, later: CheckBodies, counts: CheckCounts): void {
  const { json, file } = later.format;
  const { chunks, chunkOf, ends, startLines, endLines, base, spill } = later;
  // A spilled chunk is read back once, as its first line comes.
  let read: Buffer | undefined;
  let readChunk = -1;
  try {
    for (let i = 0; i < later.written; i++) {
      const c = chunkOf[i];
      let chunk = chunks[c];
      const at = spill?.at[c] ?? -1;
      if (spill !== undefined && at >= 0) {
        const length = spill.lengths[c];
        if (readChunk !== c) {
          if (read === undefined || read.length < length) read = Buffer.allocUnsafeSlow(Math.max(length, CHECK_CHUNK));
          readSpilled(spill.fd, read, length, at);
          readChunk = c;
        }
        chunk = read as Buffer;
      }
      const start = i > 0 && chunkOf[i - 1] === c ? ends[i - 1] : 0;
      writeCheckHead(out, json, file, base + startLines[i] + 1, base + endLines[i] + 1, counts.written++ > 0);
      out.copy(chunk, start, ends[i]);
    }
  } finally {
    if (spill !== undefined) closeSpillFile(spill.fd);
  }
  counts.errors += later.errors;
  counts.warnings += later.warnings;
}

/** Errors and warnings written, for check's exit status, and all diagnostics written. */
export interface CheckCounts {
  errors: number;
  warnings: number;
  written: number;
}

/**
 * Writes one diagnostic (of record `d.record` of `d.index`) at 1-based `line` to `endLine`, of `file`
 * (undefined: not named): a JSON item (`,` before it unless it is the first written), or a line. Counts it.
 */
export function writeCheckLine(sink: LineSink, json: boolean, file: string | undefined, line: number, endLine: number, d: DiagnosticFacts, heads: CheckHeads, counts: CheckCounts): void {
  countCheckLine(d, counts);
  writeCheckHead(sink, json, file, line, endLine, counts.written++ > 0);
  writeCheckBody(sink, json, file, d, heads);
}

/** Counts a diagnostic's severity (not the line written: see writeCheckLine). */
export function countCheckLine(d: DiagnosticFacts, counts: CheckCounts): void {
  if (d.severity === 'error') counts.errors++;
  else if (d.severity === 'warning') counts.warnings++;
}

/**
 * What a check line starts with, up to its line numbers: the file's name and the line (text), or the
 * item's `{"line":…,"endLine":…,` (JSON, after `,` when `comma`). The rest, writeCheckBody, does not
 * depend on where the line is: a worker writes it before it knows its lines' numbers (CheckLinesAt).
 */
export function writeCheckHead(sink: LineSink, json: boolean, file: string | undefined, line: number, endLine: number, comma: boolean): void {
  if (json) {
    sink.write(comma ? ',\n{"line":' : '\n{"line":');
    sink.decimal(line);
    sink.write(',"endLine":');
    sink.decimal(endLine);
    sink.write(',');
    return;
  }
  if (file !== undefined) sink.write(`${file}:`);
  sink.decimal(line);
}

/** A check line after writeCheckHead: JSON as JSON.stringify writes the whole item, text as `: severity code: message`. */
export function writeCheckBody(sink: LineSink, json: boolean, file: string | undefined, d: DiagnosticFacts, heads: CheckHeads): void {
  const index = d.index;
  if (json) {
    const item: Record<string, unknown> = { severity: d.severity, code: d.code, message: factMessage(d) };
    if (file !== undefined) item.file = file;
    sink.write(JSON.stringify(item).slice(1));
    return;
  }
  const quoted = heads.quoted;
  if (d.message !== undefined || !asciiExcerptInto(index, d.record, quoted)) {
    sink.write(`: ${d.severity} ${d.code}: ${factMessage(d)}\n`);
    return;
  }
  // A level or failed event's text as bytes when it is plain ASCII: a day's 100,000 lines are put
  // together from bytes, not from strings encoded one by one (nor views made of them).
  const { bytes, start, end } = quoted;
  const shown = Math.min(end, start + EXCERPT);
  sink.copy(...heads.head(d.severity, d.code));
  sink.copy(...(d.code === 'event-error' ? heads.eventLabel(index, bytes, start, shown) : heads.label(index, d.record)));
  sink.copy(bytes, start, shown);
  sink.copy(...(end > shown ? CUT : END));
}

/** A byte string whole, as LineSink.copy takes it. */
type Whole = [Buffer, number, number];

const whole = (text: string): Whole => {
  const bytes = Buffer.from(text, 'utf8');
  return [bytes, 0, bytes.length];
};
const END = whole('\n');
const CUT = whole('…\n');

/** The bytes of what level diagnostics and failed events of one log repeat: `: severity code: ` and each level's `label: `. */
export class CheckHeads {
  /** By code, one map per severity. */
  private readonly errors = new Map<string, Whole>();
  private readonly warnings = new Map<string, Whole>();
  private readonly labels = new Map<number, Whole>();
  private readonly eventLabels = new Map<string, Whole>();
  /** Where writeCheckBody finds a record's quoted bytes (asciiExcerptInto), one for every line. */
  readonly quoted: ByteSpan = { bytes: new Uint8Array(0), start: 0, end: 0 };

  head(severity: 'error' | 'warning', code: string): Whole {
    const heads = severity === 'error' ? this.errors : this.warnings;
    let bytes = heads.get(code);
    if (bytes === undefined) heads.set(code, (bytes = whole(`: ${severity} ${code}: `)));
    return bytes;
  }

  label(index: LogIndex, r: number): Whole {
    const level = index.recLevel[r];
    let bytes = this.labels.get(level);
    if (bytes === undefined) this.labels.set(level, (bytes = whole(`${levelLabel(index, r)}: `)));
    return bytes;
  }

  /** `label: ` of a failed event whose text as the message quotes it (its first EXCERPT bytes, asciiExcerpt's) is `quoted[start, end)`: the dialect's label for it. */
  eventLabel(index: LogIndex, quoted: Uint8Array, start: number, end: number): Whole {
    const label = eventErrorLabel(index, quoted, start, end);
    let bytes = this.eventLabels.get(label);
    if (bytes === undefined) this.eventLabels.set(label, (bytes = whole(`${label}: `)));
    return bytes;
  }
}

/**
 * A LineSink into memory: the lines of a worker's parts, handed back as 1 MB buffers (nothing copied to
 * grow); or, given a spill file, this thread's lines of a windowed check, held to the end: each full
 * buffer is written to the file and used again (spillFile.ts says why), and read back by read().
 */
export class CheckBytes implements LineSink {
  private readonly full: Uint8Array[] = [];
  private buf = Buffer.allocUnsafeSlow(CHECK_CHUNK);
  private used = 0;
  /** The spill file, whose bytes come before those in memory. */
  private spill: SpillWriter | undefined;

  constructor(spill?: number) {
    this.spill = spill === undefined ? undefined : new SpillWriter(spill);
  }

  write(text: string): void {
    this.room(3 * text.length);
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  decimal(n: number): void {
    this.room(DECIMAL_ROOM);
    this.used = writeDecimal(this.buf, this.used, n);
  }

  copy(src: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.used = copyBytes(this.buf, this.used, src, start, end);
  }

  /** Writes `src` as it is (writeLaterLines's bytes: a worker's lines, into one thread's). */
  bytes(src: Buffer): void {
    this.copy(src, 0, src.length);
  }

  /** As Output's: here nothing is to be written out, bytes() having copied what it was given. */
  flush(): void {}

  /** What was written, in buffers of their own (to transfer); what is written after goes to new buffers. Not for a sink with a spill file (read). */
  take(): Uint8Array[] {
    if (this.spill !== undefined) throw new Error('CheckBytes.take: the lines are in a spill file: read them');
    if (this.used > 0) this.full.push(new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.used));
    this.buf = Buffer.alloc(0);
    this.used = 0;
    return this.full.splice(0);
  }

  /** Closes the spill file of lines not to be read after all (a windowed check given up); read() closes it otherwise. */
  close(): void {
    if (this.spill !== undefined) closeSpillFile(this.spill.fd);
    this.spill = undefined;
  }

  /** What was written, in order: the spill file's bytes a buffer at a time (each to be written out before the next is asked for), then those in memory. Closes the file. */
  *read(): Generator<Uint8Array> {
    const spill = this.spill;
    if (spill === undefined) {
      yield* this.full;
      if (this.used > 0) yield this.buf.subarray(0, this.used);
      return;
    }
    this.spill = undefined;
    // The last buffer's bytes go to the file too, if it still takes them: the buffer is then read into.
    let tail = this.used > 0 ? this.buf.subarray(0, this.used) : undefined;
    if (tail !== undefined && spill.append(tail) >= 0) tail = undefined;
    const into = tail === undefined ? this.buf : Buffer.allocUnsafeSlow(CHECK_CHUNK);
    try {
      for (let at = 0; at < spill.size; at += CHECK_CHUNK) yield into.subarray(0, readSpilled(spill.fd, into, Math.min(CHECK_CHUNK, spill.size - at), at));
    } finally {
      closeSpillFile(spill.fd);
    }
    // Those written after a write to the file failed.
    yield* this.full;
    if (tail !== undefined) yield tail;
  }

  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    if (this.used > 0) {
      if ((this.spill?.append(this.buf.subarray(0, this.used)) ?? -1) >= 0) {
        this.used = 0;
        if (n <= this.buf.length) return;
      } else this.full.push(new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.used));
    }
    this.buf = Buffer.allocUnsafeSlow(Math.max(CHECK_CHUNK, n));
    this.used = 0;
  }
}

/** Room for the digits of any whole number a line can have. */
export const DECIMAL_ROOM = 20;

/** Writes the decimal digits of `n` (a whole number ≥ 0) at `at` in `buf`; returns the offset after them. */
export function writeDecimal(buf: Uint8Array, at: number, n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let o = at + digits;
  for (let x = n; o > at; x = Math.floor(x / 10)) buf[--o] = 0x30 + (x % 10);
  return at + digits;
}

/** Bytes of each buffer CheckBytes fills (allocUnsafeSlow: not from Node's pool, so it can be transferred). */
export const CHECK_CHUNK = 1 << 20;
