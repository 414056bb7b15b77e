// What the exporter reads of an index: LogIndex has all of it; an export worker thread gets a copy of
// these arrays (CopiedIndex) and reads the log's bytes from the files itself.
import { ConcatSource } from '../concatSource';
import { dialectById } from '../dialects';
import type { LogIndex } from '../logIndex';
import type { LogSource } from '../source';
import { FileSource } from '../source';
import type { DialectId } from '../types';

/** The part of an index that exporting a record reads (LogIndex fits it). */
export interface ExportIndex {
  readonly dialect: { readonly id: DialectId; readonly name: string; levelName(level: number): string };
  readonly recordCount: number;
  readonly sessionCount: number;
  readonly dated: boolean;
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
  readonly sessionDialog: ReadonlyMap<number, string>;
  readonly keys: { export(): { pool: Uint8Array; bounds: Uint32Array } };
  read(start: number, end: number): Buffer;
  componentOf(session: number): string;
}

/** An index's arrays as posted to an export worker (structured clone copies them). */
export interface IndexCopy {
  dialect: DialectId;
  /** The files the index's bytes are read from, in order (rotated files read as one). */
  paths: string[];
  recordCount: number;
  sessionCount: number;
  dated: boolean;
  recStartOffset: Uint32Array | Float64Array;
  recEndOffset: Uint32Array | Float64Array;
  recStartLine: Uint32Array;
  /** Only for dialects whose fields look at the line before a record (PrivateServer's table headers). */
  recEndLine: Uint32Array;
  recBodyCol: Uint16Array;
  recWall: Float64Array;
  recOffsetMin: Int16Array;
  recLevel: Uint8Array;
  recSeverity: Uint8Array;
  recSession: Uint32Array;
  sessionDialog: Map<number, string>;
  keyPool: Uint8Array;
  keyBounds: Uint32Array;
  /** Each session's component, where the index's parser knows more than its dialect (PrivateServer's tables). */
  components: string[] | undefined;
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

/** The copy of an index a worker needs (the arrays are copied by postMessage, the index keeps its own). */
export function copyIndex(index: LogIndex, paths: string[]): IndexCopy {
  const n = index.recordCount;
  const ownComponents = index.dialect.id === 'privateserver-log';
  const components = ownComponents ? Array.from({ length: index.sessionCount }, (_, s) => index.componentOf(s)) : undefined;
  const { pool, bounds } = index.keys.export();
  return {
    dialect: index.dialect.id,
    paths,
    recordCount: n,
    sessionCount: index.sessionCount,
    dated: index.dated,
    recStartOffset: index.recStartOffset.subarray(0, n),
    recEndOffset: index.recEndOffset.subarray(0, n),
    recStartLine: index.recStartLine.subarray(0, n),
    recEndLine: ownComponents ? index.recEndLine.subarray(0, n) : new Uint32Array(0),
    recBodyCol: index.recBodyCol.subarray(0, n),
    recWall: index.recWall.subarray(0, n),
    recOffsetMin: index.recOffsetMin.subarray(0, n),
    recLevel: index.recLevel.subarray(0, n),
    recSeverity: index.recSeverity.subarray(0, n),
    recSession: index.recSession.subarray(0, n),
    sessionDialog: new Map(index.sessionDialog),
    keyPool: pool,
    keyBounds: bounds,
    components,
  };
}

/** An index rebuilt from its copy in a worker: the same arrays, the bytes read from the files. */
export class CopiedIndex implements ExportIndex {
  readonly dialect;
  readonly recordCount: number;
  readonly sessionCount: number;
  readonly dated: boolean;
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
  readonly sessionDialog: ReadonlyMap<number, string>;
  readonly keys;
  private readonly source: ConcatSource;
  private readonly components: string[] | undefined;
  private readonly pool: Buffer;
  private readonly bounds: Uint32Array;

  constructor(copy: IndexCopy) {
    const dialect = dialectById(copy.dialect);
    if (!dialect) throw new Error(`unknown dialect ${copy.dialect}`);
    this.dialect = dialect;
    this.recordCount = copy.recordCount;
    this.sessionCount = copy.sessionCount;
    this.dated = copy.dated;
    this.recStartOffset = copy.recStartOffset;
    this.recEndOffset = copy.recEndOffset;
    this.recStartLine = copy.recStartLine;
    this.recEndLine = copy.recEndLine;
    this.recBodyCol = copy.recBodyCol;
    this.recWall = copy.recWall;
    this.recOffsetMin = copy.recOffsetMin;
    this.recLevel = copy.recLevel;
    this.recSeverity = copy.recSeverity;
    this.recSession = copy.recSession;
    this.sessionDialog = copy.sessionDialog;
    this.components = copy.components;
    this.pool = Buffer.from(copy.keyPool.buffer, copy.keyPool.byteOffset, copy.keyPool.length);
    this.bounds = copy.keyBounds;
    const pool = copy.keyPool;
    const bounds = copy.keyBounds;
    this.keys = { export: () => ({ pool, bounds }) };
    this.source = new ConcatSource(copy.paths.map((p) => new FileSource(p)));
  }

  read(start: number, end: number): Buffer {
    return this.source.read(start, end);
  }

  componentOf(session: number): string {
    if (this.components) return this.components[session];
    const key = this.pool.toString('utf8', this.bounds[2 * session], this.bounds[2 * session + 1]);
    return this.dialect.componentOf(key);
  }

  close(): void {
    for (let k = 0; k < this.source.partCount; k++) (this.source.part(k) as FileSource).close();
  }
}
