// Serialises a slice of the export's records (positions [from, to) of its order) into NDJSON chunks.
// A slice starts from nothing carried over from the slice before it (formats, field extractors and
// caches begin afresh, an OTLP request line is closed at its end), so that slices can be written by
// different threads and still give the bytes one thread gives.
import { CR, LF } from '../bytes';
import { NO_OFFSET } from '../recordStore';
import { grow } from '../keyTable';
import { type DialectId, NO_LEVEL } from '../types';
import { dialectFields } from './dialects';
import { EcsFormat } from './ecs';
import type { ExportIndex } from './exportIndex';
import { JsonBytes } from './jsonBytes';
import { OtlpFormat } from './otlp';
import { type InputInfo, inputInfo, RecordFacts, type RecordFormat } from './record';
import { type DialectFields, RecordView } from './recordView';
import { fractionColumn, fractionDigitsAt } from './utcTime';

/** One input as the serialiser sees it: its index and the facts of export.ts's ExportInput. */
export interface SliceInput {
  index: ExportIndex;
  path: string;
  source?: string;
  dateBaseMs?: number;
  files?: { path: string; start: number; firstLine: number }[];
}

export interface SliceOptions {
  format: 'ecs' | 'otlp';
  bulk?: boolean;
  utcOffsetMin?: number;
  batchRecords?: number;
  version?: string;
}

/** Merged order of several inputs: input and record of each position; undefined: inputs one after another. */
export interface OrderArrays {
  src: Uint16Array;
  rec: Uint32Array;
}

/** Read-ahead window over a log's bytes: records are sliced out of it, not read one by one. */
const EMPTY = Buffer.alloc(0);
const WINDOW = 4 << 20;

/** A file of an input: where it starts in the input's bytes and lines, its names, its block-cache number. */
interface InputPart {
  start: number;
  firstLine: number;
  info: InputInfo;
  partNo: number;
}

/** Per input: its pre-encoded names, session keys and components, and the bytes window. */
class InputState {
  fields: DialectFields;
  index!: ExportIndex;
  // The index's arrays, loaded once per slice rather than per record (some are getters).
  so!: Uint32Array | Float64Array;
  eo!: Uint32Array | Float64Array;
  sl!: Uint32Array;
  el!: Uint32Array;
  bc!: Uint16Array;
  wall!: Float64Array;
  om!: Int16Array;
  lv!: Uint8Array;
  sv!: Uint8Array;
  ss!: Uint32Array;
  readonly parts: InputPart[];
  /** The file of the last record exported (records of an input come in file order). */
  part = 0;
  readonly levels: (Buffer | undefined)[] = [];
  /** Per session: its component's number in `components`, +1 (0: not looked up yet). */
  sessionComponent: Int32Array;
  readonly components: Buffer[] = [];
  private readonly componentByName = new Map<string, number>();
  keyPool!: Buffer;
  keyBounds!: Uint32Array;
  /** Sessions whose keys keyPool and keyBounds hold, and of which epoch of the index's sessions. */
  private keyCount = -1;
  keyEpoch = 0;
  window: Buffer = EMPTY;
  windowStart = 0;
  /** Which read filled `window` (its buffer may be reused for the next). */
  windowStamp = 0;
  /** End of the slice's last record of this input: a window reads no further (the other thread writes what follows). */
  readLimit = 0;
  /** Date base added to undated times, ms. */
  readonly baseMs: number;

  constructor(
    readonly input: SliceInput,
    nextPartNo: () => number,
  ) {
    const index = input.index;
    this.use(index);
    const dialectId = index.dialect.id;
    this.fields = dialectFields(dialectId);
    const source = input.source ?? input.path;
    const files = input.files && input.files.length > 0 ? input.files : [{ path: input.path, start: 0, firstLine: 0 }];
    this.parts = files.map((f) => ({ start: f.start, firstLine: f.firstLine, info: inputInfo(f.path, source, dialectId, index.dialect.name), partNo: nextPartNo() }));
    this.sessionComponent = new Int32Array(index.sessionCount);
    this.takeKeys();
    this.baseMs = index.dated ? 0 : (input.dateBaseMs ?? 0);
  }

  /** Reads records from `index` (a worker: the index over the slice's own arrays). */
  use(index: ExportIndex): void {
    this.index = index;
    this.so = index.recStartOffset;
    this.eo = index.recEndOffset;
    this.sl = index.recStartLine;
    this.el = index.recEndLine;
    this.bc = index.recBodyCol;
    this.wall = index.recWall;
    this.om = index.recOffsetMin;
    this.lv = index.recLevel;
    this.sv = index.recSeverity;
    this.ss = index.recSession;
  }

  /** The index's session keys, again when it has gained sessions (a streamed export's index grows). */
  private takeKeys(): void {
    const index = this.index;
    const epoch = index.sessionEpoch ?? 0;
    if (epoch !== this.keyEpoch) {
      // The index forgot its sessions: numbers name other sessions now.
      this.keyEpoch = epoch;
      this.sessionComponent.fill(0);
      this.keyCount = -1;
    }
    if (index.sessionCount === this.keyCount) return;
    const { pool, bounds } = index.keys.view?.() ?? index.keys.export();
    this.keyPool = Buffer.from(pool.buffer, pool.byteOffset, pool.length);
    this.keyBounds = bounds;
    this.keyCount = index.sessionCount;
    if (this.sessionComponent.length < index.sessionCount) this.sessionComponent = grow(this.sessionComponent, index.sessionCount);
  }

  /** Forgets what the slice before learnt about the records (nothing a record's bytes depend on). */
  startSlice(): void {
    this.window = EMPTY;
    this.windowStart = 0;
    // The arrays again: a streamed export's index has new ones for each window.
    this.use(this.index);
    this.takeKeys();
    this.readLimit = 0;
    this.fields = dialectFields(this.index.dialect.id);
    this.part = 0;
    this.fracCol = -1;
    this.fracDigits = 0;
  }

  // Where the last record's time fraction was, relative to its line, and how many digits it had:
  // logs keep one precision, so the next record is checked there first.
  private fracCol = -1;
  private fracDigits = 0;

  /** The fraction digits of the time on the header line `buf[s, lineEnd)`. */
  fractionDigits(buf: Uint8Array, s: number, lineEnd: number): number {
    const c = this.fracCol;
    if (c >= 0 && s + c + 3 <= lineEnd && buf[s + c - 3] === 0x3a && buf[s + c - 6] === 0x3a) {
      const d = this.fracDigits;
      if (d === 0 ? !isDigitOrDot(buf[s + c]) : buf[s + c] === 0x2e && isDigit(buf[s + c + d]) && !isDigit(buf[s + c + d + 1])) return d;
    }
    const n = fractionDigitsAt(buf, s, lineEnd);
    this.fracDigits = n;
    this.fracCol = fractionColumn(buf, s, lineEnd);
    return n;
  }

  levelJson(code: number): Buffer | undefined {
    if (code === NO_LEVEL) return undefined;
    let b = this.levels[code];
    if (!b) this.levels[code] = b = json(writtenLevel(this.index.dialect.id, this.index, code));
    return b;
  }

  /** The number (from 1) of the session's component in `components`. */
  componentNo(session: number): number {
    let n = this.sessionComponent[session];
    if (n === 0) {
      const name = this.index.componentOf(session);
      n = this.componentByName.get(name) ?? 0;
      if (n === 0) {
        this.components.push(json(name));
        n = this.components.length;
        this.componentByName.set(name, n);
      }
      this.sessionComponent[session] = n;
    }
    return n;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isDigitOrDot(c: number): boolean {
  return isDigit(c) || c === 0x2e || c === 0x2c;
}

function json(s: string): Buffer {
  return Buffer.from(JSON.stringify(s), 'utf8');
}

/** The level as the log writes it: CommuniGate's digit, Axigen's two digits, the level word elsewhere. */
function writtenLevel(dialect: DialectId, index: ExportIndex, code: number): string {
  if (dialect === 'communigate-log') return String(code);
  if (dialect === 'axigen-log') return String(code).padStart(2, '0');
  return index.dialect.levelName(code) || String(code);
}

/** Window reads of this thread, numbered: a window's stamp. */
let windowReads = 0;

/** Sequence numbers of exported records, unique in the thread (fields are written once per record). */
let nextSeq = 0;

/** Writes slices of an export; one per thread, reused from slice to slice. */
export class SliceWriter {
  readonly out = new JsonBytes();
  private readonly states: InputState[];
  private readonly format: RecordFormat;
  private readonly utcOffsetMin: number;
  private readonly facts = new RecordFacts();
  private readonly view = new RecordView();
  /** First position of each input when the inputs come one after another. */
  private readonly starts: number[] = [0];

  constructor(
    inputs: readonly SliceInput[],
    options: SliceOptions,
    private readonly order: OrderArrays | undefined,
  ) {
    let parts = 0;
    this.states = inputs.map((input) => new InputState(input, () => parts++));
    for (const input of inputs) this.starts.push(this.starts[this.starts.length - 1] + input.index.recordCount);
    this.format = options.format === 'otlp' ? new OtlpFormat({ batchRecords: options.batchRecords, version: options.version }) : new EcsFormat(options.bulk === true);
    this.utcOffsetMin = options.utcOffsetMin ?? 0;
    this.facts.view = this.view;
  }

  /**
   * Writes the records at positions [from, to) into `out`, calling `full` with each chunk of at least
   * `chunkBytes`; what is left at the end stays in `out` for the caller to take.
   */
  write(from: number, to: number, chunkBytes: number, full: (chunk: Buffer) => void): void {
    for (const s of this.states) s.startSlice();
    const out = this.out;
    const order = this.order;
    // Two passes: where each input's records of the slice end (how far to read), then the records.
    for (let pass = 0; pass < 2; pass++) {
      let inputNo = 0;
      for (let pos = from; pos < to; pos++) {
        let r: number;
        if (order) {
          inputNo = order.src[pos];
          r = order.rec[pos];
        } else if (this.states.length === 1) {
          // One input: positions are its records (a streamed export's index grows past its first count).
          r = pos;
        } else {
          while (pos >= this.starts[inputNo + 1]) inputNo++;
          r = pos - this.starts[inputNo];
        }
        if (pass === 0) {
          const state = this.states[inputNo];
          if (state.eo[r] > state.readLimit) state.readLimit = state.eo[r];
          continue;
        }
        this.record(inputNo, r);
        if (out.pos >= chunkBytes) full(this.take());
      }
    }
    this.format.finish(out);
  }

  /**
   * Writes a slice given as its records' own arrays (a worker): `indexes` are the inputs' indexes over
   * them, `src` each record's input (undefined: input 0).
   */
  writeSlice(count: number, src: Uint16Array | undefined, indexes: readonly ExportIndex[], chunkBytes: number, full: (chunk: Buffer) => void): void {
    for (let i = 0; i < this.states.length; i++) {
      this.states[i].use(indexes[i]);
      this.states[i].startSlice();
    }
    for (let j = 0; j < count; j++) {
      const state = this.states[src ? src[j] : 0];
      if (state.eo[j] > state.readLimit) state.readLimit = state.eo[j];
    }
    const out = this.out;
    for (let j = 0; j < count; j++) {
      this.record(src ? src[j] : 0, j);
      if (out.pos >= chunkBytes) full(this.take());
    }
    this.format.finish(out);
  }

  private record(inputNo: number, r: number): void {
    const state = this.states[inputNo];
    const facts = this.facts;
    const format = this.format;
    this.fill(facts, this.view, state, inputNo, r);
    format.begin(this.out, facts);
    state.fields.write(this.view, format);
    format.end(this.out, facts);
  }

  /** The bytes written since the last take. */
  take(): Buffer {
    if (this.format instanceof OtlpFormat) this.format.chunkTaken(this.out);
    return this.out.take();
  }

  private fill(facts: RecordFacts, view: RecordView, state: InputState, inputNo: number, r: number): void {
    const start = state.so[r];
    const end = state.eo[r];
    if (start < state.windowStart || end > state.windowStart + state.window.length) {
      // A buffer the source reuses: a slice is written before anything reads the source again (a
      // streamed export indexes between slices), and startSlice() lets go of it.
      const to = Math.max(end, Math.min(start + WINDOW, state.readLimit));
      state.window = state.index.readTransient?.(start, to) ?? state.index.read(start, to);
      state.windowStart = start;
      state.windowStamp = ++windowReads;
    }
    const buf = state.window;
    const s = start - state.windowStart;
    let e = end - state.windowStart;
    // The body ends before the record's last line terminator.
    if (e > s && buf[e - 1] === LF) e--;
    if (e > s && buf[e - 1] === CR) e--;
    // A record of one line ends its header line; only records of several lines are scanned for its end.
    let lineEnd = e;
    const line = state.sl[r];
    if (state.el[r] !== line) {
      lineEnd = s;
      while (lineEnd < e && buf[lineEnd] !== LF && buf[lineEnd] !== CR) lineEnd++;
    }
    view.index = state.index;
    view.r = r;
    view.buf = buf;
    view.bufStamp = state.windowStamp;
    view.start = s;
    view.lineEnd = lineEnd;
    view.bodyStart = Math.min(s + state.bc[r], e);
    view.end = e;
    view.hostEnd = -1;
    state.fields.prepare(view);

    // The record's file: records of an input come in its file order, so the pointer only moves on.
    const parts = state.parts;
    let k = state.part;
    if (parts.length > 1) {
      if (k > 0 && start < parts[k].start) k = 0;
      while (k + 1 < parts.length && start >= parts[k + 1].start) k++;
      state.part = k;
    }
    const part = parts[k];
    facts.seq = nextSeq++;
    facts.input = part.info;
    facts.partNo = part.partNo;
    facts.inputNo = inputNo;
    const wall = state.wall[r];
    if (Number.isNaN(wall)) {
      facts.utcMicros = NaN;
    } else {
      const off = state.om[r];
      const utcMs = wall + state.baseMs - (off === NO_OFFSET ? this.utcOffsetMin : off) * 60_000;
      facts.utcMicros = Math.round(utcMs * 1000);
      facts.fractionDigits = state.fractionDigits(buf, s, lineEnd);
    }
    const level = state.lv[r];
    facts.levelCode = level;
    facts.levelJson = state.levelJson(level);
    facts.severity = state.sv[r];
    facts.line = line - part.firstLine + 1;
    const session = state.ss[r];
    facts.session = session;
    facts.sessionEpoch = state.keyEpoch;
    facts.keyPool = state.keyPool;
    facts.keyStart = state.keyBounds[2 * session];
    facts.keyEnd = state.keyBounds[2 * session + 1];
    const component = state.componentNo(session);
    facts.componentNo = component;
    facts.componentJson = state.components[component - 1];
  }
}
