// Streams the records of one or more indexed logs as NDJSON chunks (FORMATS §13): each record is
// written from the index's typed arrays and the log's bytes, read through a window; nothing is kept
// per record, so memory stays that of the indexes whatever the size of the output.
import { CR, LF } from '../bytes';
import type { LogIndex } from '../logIndex';
import { NO_OFFSET } from '../recordStore';
import { type DialectId, NO_LEVEL } from '../types';
import { dialectFields } from './dialects';
import { EcsFormat } from './ecs';
import { CHUNK_BYTES, JsonBytes } from './jsonBytes';
import { OtlpFormat } from './otlp';
import { type InputInfo, inputInfo, RecordFacts, type RecordFormat } from './record';
import { type DialectFields, RecordView } from './recordView';
import { fractionColumn, fractionDigitsAt } from './utcTime';

export type ExportFormat = 'ecs' | 'otlp';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ecs', 'otlp'];

/** One indexed file to export. */
export interface ExportInput {
  index: LogIndex;
  /** The file's path as the user named it (`log.file.path`). */
  path: string;
  /** The source it belongs to (FORMATS §9); its path when it is a source of its own. */
  source?: string;
  /**
   * For a log whose times carry no calendar date (a CommuniGate log without a date in its name):
   * the UTC midnight, in ms, of its first day. Its day counts are added to it.
   */
  dateBaseMs?: number;
  /**
   * A source of several files (rotated files read as one, FORMATS §9): each file's path, the offset
   * of its first byte in the source and the source line it starts at. Records name their own file
   * and their line in it; without this, `path` and the index's lines are used.
   */
  files?: { path: string; start: number; firstLine: number }[];
}

/** The merged order of a set of sources (FORMATS §9) as a RecordOrder. */
export class MergedRecordOrder implements RecordOrder {
  input = 0;
  record = 0;
  private pos = -1;
  constructor(private readonly merged: { src: Uint16Array; rec: Uint32Array; length: number }) {}

  next(): boolean {
    if (++this.pos >= this.merged.length) return false;
    this.input = this.merged.src[this.pos];
    this.record = this.merged.rec[this.pos];
    return true;
  }
}

export interface ExportOptions {
  format: ExportFormat;
  /** ECS: an Elasticsearch `_bulk` action line before each document. */
  bulk?: boolean;
  /** Offset east of UTC, in minutes, of logs that write none (default 0: UTC). */
  utcOffsetMin?: number;
  /** OTLP: records per request line (default 1000). */
  batchRecords?: number;
  /** msglog's version, named as the OTLP instrumentation scope's (default: the build's). */
  version?: string;
}

/**
 * The order records are exported in: a cursor, moved by next(), that names an input and a record
 * (no object per record). The many-logs merge supplies one that interleaves inputs by time.
 */
export interface RecordOrder {
  /** Moves to the next record; false at the end. */
  next(): boolean;
  input: number;
  record: number;
}

/** Every record of each input in file order, the inputs one after another. */
export class SequentialOrder implements RecordOrder {
  input = 0;
  record = -1;
  constructor(private readonly inputs: readonly ExportInput[]) {}

  next(): boolean {
    this.record++;
    while (this.input < this.inputs.length && this.record >= this.inputs[this.input].index.recordCount) {
      this.input++;
      this.record = 0;
    }
    return this.input < this.inputs.length;
  }
}

/** Read-ahead window over a log's bytes: records are sliced out of it, not read one by one. */
const WINDOW = 4 << 20;

/** A file of an input: where it starts in the input's bytes and lines, its names, its block-cache number. */
interface InputPart {
  start: number;
  firstLine: number;
  info: InputInfo;
  partNo: number;
}

/** Per input: its dialect's extractor, the pre-encoded names and the bytes window. */
class InputState {
  readonly fields: DialectFields;
  readonly parts: InputPart[];
  /** The file of the last record exported (records of an input come in file order). */
  part = 0;
  readonly levels: (Buffer | undefined)[] = [];
  /** Per session: its component's number in `components`, +1 (0: not looked up yet). */
  readonly sessionComponent: Int32Array;
  readonly components: Buffer[] = [];
  private readonly componentByName = new Map<string, number>();
  window: Buffer = Buffer.alloc(0);
  windowStart = 0;

  constructor(
    readonly input: ExportInput,
    readonly dialectId: DialectId,
    nextPartNo: () => number,
  ) {
    const index = input.index;
    this.fields = dialectFields(dialectId);
    const source = input.source ?? input.path;
    const files = input.files && input.files.length > 0 ? input.files : [{ path: input.path, start: 0, firstLine: 0 }];
    this.parts = files.map((f) => ({ start: f.start, firstLine: f.firstLine, info: inputInfo(f.path, source, dialectId, index.dialect.name), partNo: nextPartNo() }));
    this.sessionComponent = new Int32Array(index.sessionCount);
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
    if (!b) this.levels[code] = b = json(writtenLevel(this.dialectId, this.input.index, code));
    return b;
  }

  /** The number (from 1) of the session's component in `components`. */
  componentNo(session: number): number {
    let n = this.sessionComponent[session];
    if (n === 0) {
      const name = this.input.index.componentOf(session);
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
function writtenLevel(dialect: DialectId, index: LogIndex, code: number): string {
  if (dialect === 'communigate-log') return String(code);
  if (dialect === 'axigen-log') return String(code).padStart(2, '0');
  return index.dialect.levelName(code) || String(code);
}

declare const MSGLOG_VERSION: string | undefined;
/** msglog's version where the build defines it (scripts/build.mjs), for the OTLP instrumentation scope. */
const BUILD_VERSION = typeof MSGLOG_VERSION === 'string' ? MSGLOG_VERSION : undefined;

/** Sequence numbers of exported records, unique in the process (fields are written once per record). */
let nextSeq = 0;

export class LogExporter {
  /** Records exported so far. */
  done = 0;
  readonly total: number;
  private readonly states: InputState[];
  private readonly format: RecordFormat;
  private readonly order: RecordOrder;
  private readonly utcOffsetMin: number;

  constructor(
    inputs: readonly ExportInput[],
    options: ExportOptions,
    order?: RecordOrder,
  ) {
    let parts = 0;
    this.states = inputs.map((input) => new InputState(input, input.index.dialect.id, () => parts++));
    this.total = inputs.reduce((n, i) => n + i.index.recordCount, 0);
    this.format = options.format === 'otlp' ? new OtlpFormat({ batchRecords: options.batchRecords, version: options.version ?? BUILD_VERSION }) : new EcsFormat(options.bulk === true);
    this.order = order ?? new SequentialOrder(inputs);
    this.utcOffsetMin = options.utcOffsetMin ?? 0;
  }

  /** The export as chunks of about 1 MiB (each a buffer of its own, safe to keep while writing). */
  *chunks(): Generator<Buffer> {
    const out = new JsonBytes();
    const facts = new RecordFacts();
    const view = new RecordView();
    facts.view = view;
    const format = this.format;
    const order = this.order;
    while (order.next()) {
      const state = this.states[order.input];
      this.fill(facts, view, state, order.input, order.record);
      format.begin(out, facts);
      state.fields.write(view, format);
      format.end(out, facts);
      this.done++;
      if (out.pos >= CHUNK_BYTES) yield this.take(out);
    }
    format.finish(out);
    if (out.pos > 0) yield this.take(out);
  }

  private take(out: JsonBytes): Buffer {
    if (this.format instanceof OtlpFormat) this.format.chunkTaken(out);
    return out.take();
  }

  private fill(facts: RecordFacts, view: RecordView, state: InputState, inputNo: number, r: number): void {
    const index = state.input.index;
    const start = index.recStartOffset[r];
    const end = index.recEndOffset[r];
    if (start < state.windowStart || end > state.windowStart + state.window.length) {
      state.window = index.read(start, Math.max(end, start + WINDOW));
      state.windowStart = start;
    }
    const buf = state.window;
    const s = start - state.windowStart;
    let e = end - state.windowStart;
    // The body ends before the record's last line terminator.
    if (e > s && buf[e - 1] === LF) e--;
    if (e > s && buf[e - 1] === CR) e--;
    let lineEnd = s;
    while (lineEnd < e && buf[lineEnd] !== LF && buf[lineEnd] !== CR) lineEnd++;
    view.index = index;
    view.r = r;
    view.buf = buf;
    view.start = s;
    view.lineEnd = lineEnd;
    view.bodyStart = Math.min(s + index.recBodyCol[r], e);
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
    const wall = index.recWall[r];
    if (Number.isNaN(wall)) {
      facts.utcMicros = NaN;
    } else {
      const off = index.recOffsetMin[r];
      const base = index.dated ? 0 : (state.input.dateBaseMs ?? 0);
      const utcMs = wall + base - (off === NO_OFFSET ? this.utcOffsetMin : off) * 60_000;
      facts.utcMicros = Math.round(utcMs * 1000);
      facts.fractionDigits = state.fractionDigits(buf, s, lineEnd);
    }
    facts.levelCode = index.recLevel[r];
    facts.levelJson = state.levelJson(facts.levelCode);
    facts.severity = index.recSeverity[r];
    facts.line = index.recStartLine[r] - part.firstLine + 1;
    const session = index.recSession[r];
    facts.sessionKey = index.keys.keys[session];
    const component = state.componentNo(session);
    facts.componentNo = component;
    facts.componentJson = state.components[component - 1];
  }
}

/** Parses `±HH:MM` (or `Z`) into minutes east of UTC; throws an Error with a one-line message. */
export function parseUtcOffset(text: string): number {
  const t = text.trim();
  if (t === 'Z' || t === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(t);
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) throw new Error(`bad --utc-offset "${text}": use ±HH:MM, e.g. +02:00 or -05:00`);
  const min = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -min : min;
}
