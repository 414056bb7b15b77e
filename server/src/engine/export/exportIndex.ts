// What the exporter reads of an index. LogIndex has all of it. An export worker thread gets, once, each
// log's files, session keys and SIP dialogs (InputSetup), then per slice only that slice's records'
// values (SliceArrays, gathered by this thread): a few MiB at a time, never a copy of the index.
import { ConcatSource } from '../concatSource';
import { dialectById } from '../dialects';
import type { LogIndex } from '../logIndex';
import type { LogSource } from '../source';
import { FileSource } from '../source';
import type { DialectId } from '../types';

/** The per-record arrays the exporter reads (of a whole index, or of one slice's records). */
export interface RecordArrays {
  readonly recStartOffset: Uint32Array | Float64Array;
  readonly recEndOffset: Uint32Array | Float64Array;
  readonly recStartLine: Uint32Array;
  readonly recEndLine: Uint32Array;
  readonly recBodyCol: Uint16Array;
  readonly recWall: Float64Array;
  readonly recOffsetMin: Int16Array;
  readonly recLevel: Uint8Array;
  readonly recSeverity: Uint8Array;
  readonly recSession: Uint32Array;
}

/** The part of an index that exporting a record reads (LogIndex fits it). */
export interface ExportIndex extends RecordArrays {
  readonly dialect: { readonly id: DialectId; readonly name: string; levelName(level: number): string };
  readonly recordCount: number;
  readonly sessionCount: number;
  readonly dated: boolean;
  readonly sessionDialog: ReadonlyMap<number, string>;
  /** Changes when the index forgot its sessions (a streamed export): session numbers start again. */
  readonly sessionEpoch?: number;
  /** The session keys: export() copies them, view() (where there is one) does not. */
  readonly keys: { export(): { pool: Uint8Array; bounds: Uint32Array }; view?(): { pool: Uint8Array; bounds: Uint32Array } };
  read(start: number, end: number): Buffer;
  /** As read(), into a buffer reused by the next readTransient, where the index has it. */
  readTransient?(start: number, end: number): Buffer;
  componentOf(session: number): string;
}

/** What a worker needs of a log once: its files, dialect, session keys and dialogs. */
export interface InputSetup {
  dialect: DialectId;
  /** The files the index's bytes are read from, in order (rotated files read as one). */
  paths: string[];
  sessionCount: number;
  dated: boolean;
  sessionDialog: Map<number, string>;
  keyPool: Uint8Array;
  keyBounds: Uint32Array;
  /** As ExportIndex.sessionEpoch. */
  sessionEpoch?: number;
}

/**
 * What an index gained since a worker last heard: its new sessions' keys and new SIP dialogs; or,
 * once it forgot its sessions (`epoch` changed), all it has now.
 */
export interface IndexNews {
  epoch: number;
  sessionCount: number;
  keys: { poolStart: number; pool: Uint8Array; bounds: Uint32Array };
  dialogs: [number, string][];
}

/** One slice's records: the arrays' values at its positions, and each one's input (several inputs). */
export interface SliceArrays extends RecordArrays {
  count: number;
  src: Uint16Array | undefined;
}

/** Dialects whose fields look at records before the one written (PrivateServer's table headers): one thread. */
export function needsWholeIndex(id: DialectId): boolean {
  return id === 'privateserver-log';
}

/** The files an index reads its bytes from, when all of them are files on disk (else undefined). */
export function diskPaths(index: LogIndex): string[] | undefined {
  const source: LogSource = index.source;
  if (source instanceof FileSource) return [source.path];
  if (!(source instanceof ConcatSource) || source.holdPartialLine) return undefined;
  const paths: string[] = [];
  for (let k = 0; k < source.partCount; k++) {
    const part = source.part(k);
    if (!(part instanceof FileSource)) return undefined;
    paths.push(part.path);
  }
  return paths;
}

export function inputSetup(index: LogIndex, paths: string[]): InputSetup {
  const { pool, bounds } = index.keys.export();
  return { dialect: index.dialect.id, paths, sessionCount: index.sessionCount, dated: index.dated, sessionDialog: new Map(index.sessionDialog), keyPool: pool, keyBounds: bounds, sessionEpoch: index.sessionEpoch };
}

/**
 * The values at positions [from, to) of the export's order: `rec` and `src` give each position's record
 * and input (undefined: one input, records from..to-1).
 */
export function gatherSlice(indexes: readonly LogIndex[], src: Uint16Array | undefined, rec: Uint32Array | undefined, from: number, to: number): SliceArrays {
  const n = to - from;
  if (!src || !rec) {
    const ix = indexes[0];
    // End offsets and lines of the slice's records only: the index's arrays of them are derived for
    // every record it holds, anew after each window of a streamed export.
    const endOffsets = ix.recStartOffset instanceof Float64Array ? new Float64Array(n) : new Uint32Array(n);
    const endLines = new Uint32Array(n);
    for (let j = 0; j < n; j++) {
      endOffsets[j] = ix.endOffsetOf(from + j);
      endLines[j] = ix.endLineOf(from + j);
    }
    return {
      count: n,
      src: undefined,
      recStartOffset: ix.recStartOffset.slice(from, to),
      recEndOffset: endOffsets,
      recStartLine: ix.recStartLine.slice(from, to),
      recEndLine: endLines,
      recBodyCol: ix.recBodyCol.slice(from, to),
      recWall: ix.recWall.slice(from, to),
      recOffsetMin: ix.recOffsetMin.slice(from, to),
      recLevel: ix.recLevel.slice(from, to),
      recSeverity: ix.recSeverity.slice(from, to),
      recSession: ix.recSession.slice(from, to),
    };
  }
  const wide = indexes.some((ix) => ix.recStartOffset instanceof Float64Array);
  const a: SliceArrays = {
    count: n,
    src: src.slice(from, to),
    recStartOffset: wide ? new Float64Array(n) : new Uint32Array(n),
    recEndOffset: wide ? new Float64Array(n) : new Uint32Array(n),
    recStartLine: new Uint32Array(n),
    recEndLine: new Uint32Array(n),
    recBodyCol: new Uint16Array(n),
    recWall: new Float64Array(n),
    recOffsetMin: new Int16Array(n),
    recLevel: new Uint8Array(n),
    recSeverity: new Uint8Array(n),
    recSession: new Uint32Array(n),
  };
  const arrays = indexes.map((ix) => ({ ix, so: ix.recStartOffset, sl: ix.recStartLine, bc: ix.recBodyCol, w: ix.recWall, om: ix.recOffsetMin, l: ix.recLevel, sv: ix.recSeverity, ss: ix.recSession }));
  for (let j = 0; j < n; j++) {
    const x = arrays[src[from + j]];
    const r = rec[from + j];
    a.recStartOffset[j] = x.so[r];
    a.recEndOffset[j] = x.ix.endOffsetOf(r);
    a.recStartLine[j] = x.sl[r];
    a.recEndLine[j] = x.ix.endLineOf(r);
    a.recBodyCol[j] = x.bc[r];
    a.recWall[j] = x.w[r];
    a.recOffsetMin[j] = x.om[r];
    a.recLevel[j] = x.l[r];
    a.recSeverity[j] = x.sv[r];
    a.recSession[j] = x.ss[r];
  }
  return a;
}

/**
 * An index over a slice's gathered arrays (records numbered from 0 in the slice), everything else
 * the index's own: this thread writes its slices as the worker does, from the slice's values.
 */
export function indexOverSlice(index: LogIndex, a: SliceArrays): ExportIndex {
  return overSlice(
    {
      dialect: index.dialect,
      sessionCount: index.sessionCount,
      dated: index.dated,
      sessionDialog: index.sessionDialog,
      sessionEpoch: index.sessionEpoch,
      keys: index.keys,
      read: (start, end) => index.read(start, end),
      readTransient: (start, end) => index.readTransient(start, end),
      componentOf: (session) => index.componentOf(session),
    },
    a,
  );
}

/** What an ExportIndex is besides its records' arrays. */
type IndexFacts = Omit<ExportIndex, keyof RecordArrays | 'recordCount'>;

/** An index of these facts over a slice's arrays (records numbered from 0 in the slice). */
function overSlice(facts: IndexFacts, a: SliceArrays): ExportIndex {
  return {
    ...facts,
    recordCount: a.count,
    recStartOffset: a.recStartOffset,
    recEndOffset: a.recEndOffset,
    recStartLine: a.recStartLine,
    recEndLine: a.recEndLine,
    recBodyCol: a.recBodyCol,
    recWall: a.recWall,
    recOffsetMin: a.recOffsetMin,
    recLevel: a.recLevel,
    recSeverity: a.recSeverity,
    recSession: a.recSession,
  };
}

/** The ArrayBuffers of a slice's arrays, to transfer rather than copy. */
export function sliceBuffers(a: SliceArrays): ArrayBuffer[] {
  const all = [a.recStartOffset, a.recEndOffset, a.recStartLine, a.recEndLine, a.recBodyCol, a.recWall, a.recOffsetMin, a.recLevel, a.recSeverity, a.recSession];
  if (a.src) all.push(a.src);
  return all.map((x) => x.buffer as ArrayBuffer);
}

/** A log in a worker: its files and keys from the setup, the records of the slice being written. */
export class WorkerInput {
  readonly dialect;
  private readonly source: ConcatSource;
  private pool: Buffer;
  /** Bytes of the pool in use (it has room to grow: a streamed export sends keys as they come). */
  private poolUsed: number;

  constructor(readonly setup: InputSetup) {
    const dialect = dialectById(setup.dialect);
    if (!dialect) throw new Error(`unknown dialect ${setup.dialect}`);
    this.dialect = dialect;
    this.pool = Buffer.from(setup.keyPool.buffer, setup.keyPool.byteOffset, setup.keyPool.length);
    this.poolUsed = setup.keyPool.length;
    this.source = new ConcatSource(setup.paths.map((p) => new FileSource(p)));
  }

  /** Takes in the sessions and dialogs the log's index gained since the setup or the last news. */
  learn(news: IndexNews): void {
    const setup = this.setup;
    if (news.epoch !== (setup.sessionEpoch ?? 0)) {
      setup.sessionEpoch = news.epoch;
      setup.sessionCount = 0;
      setup.keyBounds = new Uint32Array(0);
      setup.sessionDialog = new Map();
      this.poolUsed = 0;
    }
    const { poolStart, pool, bounds } = news.keys;
    if (poolStart !== this.poolUsed || bounds.length !== 2 * (news.sessionCount - setup.sessionCount)) throw new Error('export worker: keys out of step');
    if (this.poolUsed + pool.length > this.pool.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.pool.length * 2, this.poolUsed + pool.length));
      this.pool.copy(bigger, 0, 0, this.poolUsed);
      this.pool = bigger;
    }
    this.pool.set(pool, this.poolUsed);
    this.poolUsed += pool.length;
    const allBounds = new Uint32Array(2 * news.sessionCount);
    allBounds.set(setup.keyBounds.subarray(0, 2 * setup.sessionCount));
    allBounds.set(bounds, 2 * setup.sessionCount);
    setup.keyBounds = allBounds;
    setup.keyPool = this.pool.subarray(0, this.poolUsed);
    setup.sessionCount = news.sessionCount;
    for (const [session, dialog] of news.dialogs) setup.sessionDialog.set(session, dialog);
  }

  /** The index of this log over a slice's arrays (records numbered from 0 in the slice). */
  over(a: SliceArrays): ExportIndex {
    const input = this;
    const setup = this.setup;
    return overSlice(
      {
        dialect: this.dialect,
        sessionCount: setup.sessionCount,
        dated: setup.dated,
        sessionDialog: setup.sessionDialog,
        sessionEpoch: setup.sessionEpoch,
        keys: { export: () => ({ pool: setup.keyPool, bounds: setup.keyBounds }) },
        read: (start, end) => input.source.read(start, end),
        readTransient: (start, end) => input.source.readTransient(start, end),
        componentOf: (session) => input.componentOf(session),
      },
      a,
    );
  }

  /** As LogIndex.componentOf (no dialect here has a parser of its own components but PrivateServer, kept on one thread). */
  componentOf(session: number): string {
    const b = this.setup.keyBounds;
    const start = b[2 * session];
    const end = b[2 * session + 1];
    // A component that is the key's first ASCII bytes (CommuniGate's NAME) is read without decoding the key.
    const n = this.dialect.componentPrefix?.(this.pool, start, end) ?? 0;
    if (n > 0) return this.pool.toString('latin1', start, start + n);
    return this.dialect.componentOf(this.pool.toString('utf8', start, end));
  }

  close(): void {
    for (let k = 0; k < this.source.partCount; k++) (this.source.part(k) as FileSource).close();
  }
}
