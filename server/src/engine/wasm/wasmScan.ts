// Runs a dialect's fused scan for keyless indexes (`msglog check`) in WebAssembly (server/assembly/
// *Scan.ts, their shared part scanCommon.ts): one instance of a module per thread, made on first use.
// The bytes to scan are read into its memory by the index (FastScan.chunkRoom), or copied into it a piece
// at a time (a chunk the scanner holds, once); the records it writes are copied into the index's arrays.
import { LF } from '../bytes';
import { endFastScan } from '../fastScanEnd';
import type { FastRecords, FastScan } from '../types';

/** Bytes scanned per call: the index reads its file 1 MiB at a time. */
const INPUT_BYTES = 1 << 20;
/** Records per call. A record's line may be as short as 13 bytes (CommuniGate's `HH:MM:SS L K` and its LF): a copy may hold more, read in more calls. */
const RECORD_SLOTS = INPUT_BYTES >> 4;

/** Turns the WebAssembly scans off (`0`): the JavaScript loops run instead, for comparisons. */
export const WASM_SCAN_SETTING = 'MSGLOG_WASM';

/** What each scan module exports (scanCommon.ts, and its scan). */
export interface ScanExports {
  readonly memory: WebAssembly.Memory;
  /** The last scan's records, the last one's time, 1 when it stopped at a line without its LF, and the records it marked. */
  readonly records: WebAssembly.Global;
  readonly lastWall: WebAssembly.Global;
  readonly unfinished: WebAssembly.Global;
  readonly marks: WebAssembly.Global;
  /** Zoned scans: the last record's zone offset (-0 for `-0000`, as the JavaScript loops compute it). */
  readonly lastZone: WebAssembly.Global;
  layout(inputBytes: number, recordSlots: number, levels: number): void;
  scan(pos: number, stop: number, room: number, line: number, base: number, prevWall: number): number;
  inputAt(): number;
  severityAt(): number;
  lineAt(): number;
  offsetAt(): number;
  bodyColAt(): number;
  wallAt(): number;
  levelAt(): number;
  severityOutAt(): number;
  flagsAt(): number;
  zoneAt(): number;
  markRecordAt(): number;
  markFromAt(): number;
  markEndAt(): number;
}

/** What a dialect gives its scan. */
export interface ScanSetup {
  /** Each level's severity, as the dialect maps them. */
  readonly levelSeverity: ArrayLike<number>;
  /** Each record writes a zone offset (FastScan.zoned): copied into the index's offsets. */
  readonly zoned?: boolean;
  /** What the module leaves to the dialect, for each record it marked: record `r` of `out`, and `buf[from, end)`, the part of its line it marked. */
  readonly finishMarked?: (out: FastRecords, r: number, buf: Uint8Array, from: number, end: number) => void;
  /** Functions the module imports (`env`). */
  readonly imports?: Record<string, unknown>;
}

export class WasmKeylessScan<E extends ScanExports = ScanExports> {
  // Views of the module's regions, made again when its memory grows (a keyed scan's keys: keyedScan.ts).
  private input!: Uint8Array;
  /** The input region as a Buffer, to read chunks into (FastScan.chunkRoom): those are scanned where they lie. */
  room!: Buffer;
  private line!: Uint32Array;
  private offset!: Uint32Array;
  private bodyCol!: Uint16Array;
  private wall!: Float64Array;
  private level!: Uint8Array;
  private severity!: Uint8Array;
  private flags!: Uint8Array;
  private zone!: Int16Array;
  protected markRecord!: Uint32Array;
  protected markFrom!: Uint32Array;
  protected markEnd!: Uint32Array;
  /** The memory the views are of. */
  private memory!: ArrayBuffer;
  /** The chunk whose bytes stay as they are (beginChunk), and which of them the input region holds. */
  private chunk: Buffer | undefined;
  private copiedFrom = 0;
  private copiedTo = -1;

  constructor(
    /** The module's exports: a scan that needs more than ScanExports calls its own (E). */
    readonly exports: E,
    private readonly setup: ScanSetup,
  ) {
    exports.layout(INPUT_BYTES, RECORD_SLOTS, setup.levelSeverity.length);
    new Uint8Array(exports.memory.buffer, exports.severityAt(), setup.levelSeverity.length).set(setup.levelSeverity);
    this.makeViews();
  }

  /** The views of the module's regions, made again when its memory has grown since (a keyless scan's never does after layout()). */
  protected makeViews(): void {
    const { exports } = this;
    const memory = exports.memory.buffer;
    if (memory === this.memory) return;
    this.memory = memory;
    this.input = new Uint8Array(memory, exports.inputAt(), INPUT_BYTES);
    this.room = Buffer.from(memory, exports.inputAt(), INPUT_BYTES);
    this.line = new Uint32Array(memory, exports.lineAt(), RECORD_SLOTS);
    this.offset = new Uint32Array(memory, exports.offsetAt(), RECORD_SLOTS);
    this.bodyCol = new Uint16Array(memory, exports.bodyColAt(), RECORD_SLOTS);
    this.wall = new Float64Array(memory, exports.wallAt(), RECORD_SLOTS);
    this.level = new Uint8Array(memory, exports.levelAt(), RECORD_SLOTS);
    this.severity = new Uint8Array(memory, exports.severityOutAt(), RECORD_SLOTS);
    this.flags = new Uint8Array(memory, exports.flagsAt(), RECORD_SLOTS);
    this.zone = new Int16Array(memory, exports.zoneAt(), RECORD_SLOTS);
    this.markRecord = new Uint32Array(memory, exports.markRecordAt(), RECORD_SLOTS);
    this.markFrom = new Uint32Array(memory, exports.markFromAt(), RECORD_SLOTS);
    this.markEnd = new Uint32Array(memory, exports.markEndAt(), RECORD_SLOTS);
  }

  /** FastScan.beginChunk: until endChunk, what is copied of `buf` is kept for the next calls; a chunk read into `room` is not copied at all. */
  beginChunk(buf: Buffer): void {
    this.chunk = buf;
    const inPlace = buf.buffer === this.input.buffer && buf.byteOffset === this.input.byteOffset;
    this.copiedFrom = 0;
    this.copiedTo = inPlace ? buf.length : -1;
  }

  endChunk(): void {
    this.chunk = undefined;
    this.copiedTo = -1;
  }

  /**
   * FastScan.scan for a keyless index (every record in session 0): the records of buf[pos, stop) into
   * `out` from out.recordCount, up to the first line of another shape or the arrays' end; returns
   * where it stopped, its counters in `out` (endFastScan) as the JavaScript loop leaves them.
   * `jsLoop`, where the module reads fewer shapes than the dialect's JavaScript loop: that loop, given
   * each line the module stops at (FastScan.scan over that line alone); the scan goes on after a line
   * it takes.
   */
  scanKeyless(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords, jsLoop?: FastScan['scan']): number {
    return this.run(buf, pos, stop, base, out, jsLoop);
  }

  /** scanKeyless's loop, over the module's scan (callScan) and the copy of its records (take). */
  protected run(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords, jsLoop?: FastScan['scan']): number {
    const { exports } = this;
    const zoned = this.setup.zoned === true;
    // A zoned scan runs once the index stores offsets (canAppendFast), as the JavaScript loop does.
    if (zoned && out.offsets === undefined) return pos;
    const capacity = zoned && out.offsets !== undefined ? Math.min(out.recStartLine.length, out.offsets.length) : out.recStartLine.length;
    let r = out.recordCount;
    let line = out.line;
    let prevWall = out.prevWall;
    // The session arrays must hold session 0: addRecord grows them.
    while (pos < stop && r < capacity && out.sessionFirst.length > 0) {
      // The bytes from `pos` into the input region, unless a call before put them there (the scanner
      // calls again after each line it reads itself: a chunk copied at each would be copied many times).
      if (buf !== this.chunk || pos < this.copiedFrom || pos >= this.copiedTo) {
        const length = Math.min(stop - pos, INPUT_BYTES);
        this.input.set(buf.subarray(pos, pos + length));
        this.copiedFrom = pos;
        this.copiedTo = pos + length;
      }
      const from = this.copiedFrom;
      const pieceEnd = Math.min(stop, this.copiedTo);
      const room = Math.min(capacity - r, RECORD_SLOTS);
      const at = from + this.callScan(pos - from, pieceEnd - from, room, line, (base + from) >>> 0, prevWall, out);
      const n = exports.records.value as number;
      if (n > 0) {
        this.take(out, r, n, buf, from);
        r += n;
        line += n;
        prevWall = exports.lastWall.value as number;
      }
      const fresh = pos === from;
      pos = at;
      if (n === room || pos === pieceEnd) continue; // out of slots, or the piece read to its end: on with the next
      // Stopped at a line of another shape (the caller reads it), or at one that goes on past the copy:
      // copied again from it, unless the copy went to `stop` or the line is longer than a copy.
      if ((exports.unfinished.value as number) === 0) {
        // A line of another shape: the JavaScript loop's, where it reads more shapes, else the caller's.
        const nl = jsLoop === undefined ? -1 : buf.indexOf(LF, pos);
        if (jsLoop === undefined || nl < 0 || nl >= stop) break;
        endFastScan(out, r, line, prevWall, base, pos);
        const to = jsLoop(buf, pos, nl + 1, base, out);
        if (to === pos) break;
        r = out.recordCount;
        line = out.line;
        prevWall = out.prevWall;
        pos = to;
        continue;
      }
      if (pieceEnd === stop || (fresh && n === 0)) break;
      this.copiedTo = -1;
    }
    endFastScan(out, r, line, prevWall, base, pos);
    return pos;
  }

  /** The module's scan of input[pos, stop) (ScanExports.scan): where it stopped. */
  protected callScan(pos: number, stop: number, room: number, line: number, base: number, prevWall: number, _out: FastRecords): number {
    return this.exports.scan(pos, stop, room, line, base, prevWall);
  }

  /** Copies the `n` records the last scan wrote into `out` at record `r`, all in session 0; `buf[from]` is the input region's first byte. */
  protected take(out: FastRecords, r: number, n: number, buf: Uint8Array, from: number): void {
    this.takeFields(out, r, n, buf, from);
    if (out.sessionRecordCount[0] === 0) out.sessionFirst[0] = r;
    out.sessionLast[0] = r + n - 1;
    out.sessionRecordCount[0] += n;
  }

  /** The fields of take but the records' sessions. */
  protected takeFields(out: FastRecords, r: number, n: number, buf: Uint8Array, from: number): void {
    out.recStartLine.set(this.line.subarray(0, n), r);
    out.recStartOffset.set(this.offset.subarray(0, n), r);
    out.recBodyCol.set(this.bodyCol.subarray(0, n), r);
    out.recWall.set(this.wall.subarray(0, n), r);
    out.recLevel.set(this.level.subarray(0, n), r);
    out.recSeverity.set(this.severity.subarray(0, n), r);
    out.recFlags.set(this.flags.subarray(0, n), r);
    if (this.setup.zoned === true && out.offsets !== undefined) {
      out.offsets.set(this.zone.subarray(0, n), r);
      out.prevOffset = this.exports.lastZone.value as number;
    }
    const finishMarked = this.setup.finishMarked;
    const marks = this.exports.marks.value as number;
    for (let m = 0; m < marks && finishMarked !== undefined; m++) finishMarked(out, r + this.markRecord[m], buf, from + this.markFrom[m], from + this.markEnd[m]);
  }
}

/**
 * A dialect's fast scan's hold on a WebAssembly scan: made at its first use (a keyless index's scan at
 * the first keyless scan, `msglog check`'s indexes; CommuniGate's keyed scan at the first keyed one),
 * tried once, and told of the chunk the scanner holds (FastScan.beginChunk), also when the chunk began
 * before it was made, so that it copies a chunk's bytes once.
 */
export class LazyWasmScan<S extends WasmKeylessScan = WasmKeylessScan> {
  private scan: S | undefined = undefined;
  private tried = false;
  private chunk: Buffer | undefined = undefined;

  /** `make`: the scan (undefined where it cannot be made); undefined: the JavaScript loop only (the tests compare the two). */
  constructor(private readonly make: (() => S | undefined) | undefined) {}

  beginChunk(buf: Buffer): void {
    this.chunk = buf;
    this.scan?.beginChunk(buf);
  }

  endChunk(): void {
    this.chunk = undefined;
    this.scan?.endChunk();
  }

  /** FastScan.chunkRoom of a keyless index: its WebAssembly scan's input (made now), where there is one. */
  chunkRoom(): Buffer | undefined {
    return this.get()?.room;
  }

  /** The scan, made now unless it was tried before; undefined when the JavaScript loop is to run. */
  get(): S | undefined {
    if (!this.tried && this.make !== undefined) {
      this.tried = true;
      this.scan = this.make();
      if (this.chunk !== undefined) this.scan?.beginChunk(this.chunk);
    }
    return this.scan;
  }

  /** The scan if it was made already (none is made now). */
  made(): S | undefined {
    return this.scan;
  }
}

/**
 * What the fast scan of each dialect with a WebAssembly scan for keyless indexes does with it: tells it
 * of the chunks the scanner holds, and says where to read them (FastScan.beginChunk, endChunk, chunkRoom).
 */
export abstract class KeylessWasmScan implements Pick<FastScan, 'beginChunk' | 'endChunk' | 'chunkRoom'> {
  /** Made by the dialect's constructor: its maker may keep what it made (the module, to tell it more). */
  protected abstract readonly wasm: LazyWasmScan;

  beginChunk(buf: Buffer): void {
    this.wasm.beginChunk(buf);
  }

  endChunk(): void {
    this.wasm.endChunk();
  }

  chunkRoom(): Buffer | undefined {
    return this.wasm.chunkRoom();
  }
}

/** Each module compiled on this thread, by its bytes (base64): a keyed index makes an instance of its own. */
const compiled = new Map<string, WebAssembly.Module>();

/**
 * A scan module's instance, or null when WebAssembly scans are turned off (WASM_SCAN_SETTING) or
 * cannot be made here (a runtime without WebAssembly, or too little memory): the JavaScript loop is as
 * exact. `Scan`: the runner to make of it.
 */
export function makeWasmScan<E extends ScanExports = ScanExports, S extends WasmKeylessScan<E> = WasmKeylessScan<E>>(
  base64: string,
  setup: ScanSetup,
  Scan: new (exports: E, setup: ScanSetup) => S = WasmKeylessScan as unknown as new (exports: E, setup: ScanSetup) => S,
): S | null {
  if (process.env[WASM_SCAN_SETTING] === '0') return null;
  try {
    let module = compiled.get(base64);
    if (module === undefined) compiled.set(base64, (module = new WebAssembly.Module(Buffer.from(base64, 'base64'))));
    const instance = new WebAssembly.Instance(module, {
      env: {
        ...setup.imports,
        abort: () => {
          throw new Error('a WebAssembly scan ran out of memory');
        },
      },
    });
    return new Scan(instance.exports as unknown as E, setup);
  } catch {
    return null;
  }
}
