// What the exporter hands a format for each record, reused from record to record, and the shape of a
// format: it writes one record's document from it and the dialect's fields.
import type { FieldSink } from './fields';
import { type JsonBytes, viewOf } from './jsonBytes';
import type { RecordView } from './recordView';

/** Per exported file: names and pre-encoded values that every record of it repeats. */
export interface InputInfo {
  /** `"communigate-log"` as a JSON string. */
  datasetJson: Buffer;
  /** The product name (`"CommuniGate Pro"`) as a JSON string. */
  serviceJson: Buffer;
  /** ECS: `,"log.file.path":…,"event.dataset":…,"messaging.source":…`, the same for every record of the file. */
  ecsBlock: Buffer;
  /** OTLP: the log.file.path and messaging.source attributes, the same for every record of the file. */
  otlpBlock: Buffer;
}

/** The per-file constant parts of both formats. */
export function inputInfo(path: string, source: string, dataset: string, service: string): InputInfo {
  const [p, s, d] = [JSON.stringify(path), JSON.stringify(source), JSON.stringify(dataset)];
  return {
    datasetJson: Buffer.from(d),
    serviceJson: Buffer.from(JSON.stringify(service)),
    ecsBlock: Buffer.from(`,"log.file.path":${p},"event.dataset":${d},"messaging.source":${s}`),
    otlpBlock: Buffer.from(`{"key":"log.file.path","value":{"stringValue":${p}}},{"key":"messaging.source","value":{"stringValue":${s}}}`),
  };
}

/** The common facts of the record being written; one instance, refilled per record. */
export class RecordFacts {
  /** Export sequence number, from 0. */
  seq = 0;
  input!: InputInfo;
  /** Index of the input in the export's list. */
  inputNo = 0;
  /** Number of the input's file the record is in, unique in the export (per-file blocks are cached by it). */
  partNo = 0;
  /** UTC time in whole microseconds, or NaN when the record has none. */
  utcMicros = NaN;
  /** Fraction digits of the time as written (0–6). */
  fractionDigits = 0;
  /** The written level as a JSON string, or undefined when the record has none. */
  levelJson: Buffer | undefined;
  /** The written level's code (NO_LEVEL when none). */
  levelCode = 0;
  /** Normalised severity (Severity). */
  severity = 0;
  /** 1-based line of the record's first line. */
  line = 0;
  /** The session key's bytes: `keyPool[keyStart, keyEnd)`. */
  keyPool: Buffer = Buffer.alloc(0);
  keyStart = 0;
  keyEnd = 0;
  /** The record's session (a number of its input's index) and that index's session epoch. */
  session = 0;
  sessionEpoch = 0;
  componentJson!: Buffer;
  /** The component's number within its input (for per-component blocks). */
  componentNo = 0;
  view!: RecordView;
}

/** A format: writes records into `out`, with `sink` receiving the dialect's fields in between. */
export interface RecordFormat extends FieldSink {
  /** Starts a record's document and writes its common fields. */
  begin(out: JsonBytes, rec: RecordFacts): void;
  /** Ends the record's document. */
  end(out: JsonBytes, rec: RecordFacts): void;
  /** Ends the export (closes an open batch). */
  finish(out: JsonBytes): void;
}

const SEVERITY_NUMBERS = [21, 17, 13, 9, 5, 1];

/** The OpenTelemetry severity number of a normalised severity: FATAL, ERROR, WARN, INFO, DEBUG, TRACE (the first of each range). */
export function otelSeverityNumber(severity: number): number {
  return SEVERITY_NUMBERS[severity] ?? 9;
}

/**
 * Pre-encoded bytes per (file, written level, severity): the parts of a document that depend only on
 * these, made once and copied for every record.
 */
export class LevelBlocks {
  private readonly blocks: (Buffer | undefined)[][] = [];

  get(rec: RecordFacts, make: (rec: RecordFacts) => string): Buffer {
    let perInput = this.blocks[rec.partNo];
    if (!perInput) this.blocks[rec.partNo] = perInput = [];
    const slot = rec.levelCode * 8 + rec.severity;
    let b = perInput[slot];
    if (!b) perInput[slot] = b = Buffer.from(make(rec), 'utf8');
    return b;
  }
}

/** Pre-encoded bytes per (file, component): the component field as a format writes it. */
export class ComponentBlocks {
  private readonly blocks: (Buffer | undefined)[][] = [];

  constructor(
    private readonly before: string,
    private readonly after: string,
  ) {}

  get(rec: RecordFacts): Buffer {
    let perInput = this.blocks[rec.inputNo];
    if (!perInput) this.blocks[rec.inputNo] = perInput = [];
    let b = perInput[rec.componentNo];
    if (!b) perInput[rec.componentNo] = b = Buffer.concat([Buffer.from(this.before), rec.componentJson, Buffer.from(this.after)]);
    return b;
  }
}

/**
 * Sessions whose blocks are kept, per format and thread: the last one of each slot (a session's number
 * modulo this), and bytes for about 11,000 blocks. When the bytes are used up the blocks kept are let
 * go, and the next records' sessions fill them again: a session's records come close together (nine
 * in ten within 256 records of the one before in a CommuniGate log), and small tables of a fixed size
 * take no new memory as an export goes on (here, new memory costs more than the copies it would save).
 */
const SESSION_SLOTS = 1 << 14;
const SESSION_POOL_BYTES = 1 << 20;

/**
 * Per (input, session): the session's part of a document (the session key's field and the component's
 * block), written once and then copied whole. A session's records are many, and one copy of its
 * 50-odd bytes takes a fraction of the three writes that make it. The blocks are kept in one pool of
 * bytes, each slot's place in it in typed arrays: a small buffer of its own for each session cost
 * about as much to make (and collect) as the writes it saves.
 */
export class SessionBlocks {
  /** Per slot: the input, session epoch and session whose block it holds (session -1: none), and where the block is in `pool`. */
  private readonly slotSession = new Int32Array(SESSION_SLOTS).fill(-1);
  private readonly slotInput = new Int32Array(SESSION_SLOTS);
  private readonly slotEpoch = new Float64Array(SESSION_SLOTS);
  private readonly slotStart = new Int32Array(SESSION_SLOTS);
  private readonly slotEnd = new Int32Array(SESSION_SLOTS);
  private readonly pool = Buffer.allocUnsafe(SESSION_POOL_BYTES);
  private readonly poolView = viewOf(this.pool);
  private used = 0;

  constructor(
    /** The bytes before the key (its field name). */
    private readonly before: Buffer,
    private readonly components: ComponentBlocks,
  ) {}

  write(out: JsonBytes, rec: RecordFacts): void {
    const session = rec.session;
    const slot = session & (SESSION_SLOTS - 1);
    // Session numbers start again in a new epoch: a block of another epoch names another session.
    if (this.slotSession[slot] === session && this.slotInput[slot] === rec.inputNo && this.slotEpoch[slot] === rec.sessionEpoch) {
      out.copy(this.pool, this.poolView, this.slotStart[slot], this.slotEnd[slot]);
      return;
    }
    const start = out.pos;
    out.raw(this.before);
    out.key(rec.keyPool, rec.keyStart, rec.keyEnd);
    out.raw(this.components.get(rec));
    const n = out.pos - start;
    if (n > SESSION_POOL_BYTES >> 6) return; // a huge key: written out each time
    if (this.used + n > SESSION_POOL_BYTES) {
      this.slotSession.fill(-1);
      this.used = 0;
    }
    const pool = this.pool;
    const src = out.buf;
    const p = this.used;
    for (let i = 0; i < n; i++) pool[p + i] = src[start + i];
    this.slotSession[slot] = session;
    this.slotInput[slot] = rec.inputNo;
    this.slotEpoch[slot] = rec.sessionEpoch;
    this.slotStart[slot] = p;
    this.slotEnd[slot] = p + n;
    this.used = p + n;
  }
}
