// The index's hot loop for PrivateServer's data rows (Dialect.createFastScan): the parser's row() and
// RecordStore.addRecord fused into one loop over a run of rows, with no call through the LineParser
// interface, no HeaderScratch and no addRecord per row. Titles, header rows, rows with zones or other
// text than ASCII, blank lines and `***` markers stop it: the index reads them one by one.
import { LF } from '../bytes';
import type { FastRecords, FastScan } from '../types';
import { NO_LEVEL, RecordFlag, Severity } from '../types';
import { endFastScan } from '../fastScanEnd';
import { privateServerWasmScan } from '../wasm/privateServerScan';
import type { PrivateServerWasm } from '../wasm/privateServerScan';
import { LazyWasmScan, KeylessWasmScan } from '../wasm/wasmScan';

/**
 * What the WebAssembly scan reads a table's rows by (server/assembly/privateServerScan.ts), as the
 * parser derived it from the header row: a new object for each header row.
 */
export interface RowTable {
  /** How many cells a row has (a row with another number is malformed). */
  readonly columns: number;
  /** The cell that holds the time, or -1. */
  readonly timeCol: number;
  /** The table's problem rule (ProblemShape, privateServerTables.ts): its cells (-1: none) and words. */
  readonly shape: number;
  readonly cellA: number;
  readonly cellB: number;
  readonly first: Uint8Array;
  readonly second: Uint8Array;
  /** 1 at `length << 8 | lower-case first letter` of each column name of a signature (a cell that may make a header row). */
  readonly signatureStart: Uint8Array;
}

/** The parser's byte path as the fused scan reads rows through it (PrivateServerParser). */
export interface RowReader {
  /** Whether a table's header row has been read: only then may a line be one of its data rows. */
  readonly readsRows: boolean;
  /** The table as the WebAssembly scan reads its rows, or undefined where that scan reads none (rows split at commas, a second table). */
  readonly wasmTable: RowTable | undefined;
  /** Reads `buf[start, end)` as a data row into the row… fields; false (nothing changed) for any other line. */
  row(buf: Uint8Array, start: number, end: number): boolean;
  readonly rowWall: number;
  readonly rowFlags: number;
  readonly rowWarning: boolean;
  readonly rowKeyBuf: Uint8Array;
  readonly rowKeyStart: number;
  readonly rowKeyEnd: number;
  readonly rowBodyCol: number;
}

export class PrivateServerFastScan extends KeylessWasmScan implements FastScan {
  /**
   * The WebAssembly scan (wasm/privateServerScan.ts), for keyless indexes of TAB rows: it reads the
   * common rows, and leaves the others to the loop below, one line at a time.
   */
  protected readonly wasm: LazyWasmScan;
  /** The thread's module the WebAssembly scan runs (made with it), told of the table. */
  private module: PrivateServerWasm | undefined = undefined;
  private readonly jsLoop = (buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number => this.loop(buf, pos, stop, base, out);

  /**
   * `parser`: the index's own, whose table (columns, separator) the rows are read by and kept in.
   * `wasm` false: keyless indexes on the JavaScript loop below too (the tests compare the two).
   */
  constructor(
    private readonly parser: RowReader,
    wasm = true,
  ) {
    super();
    this.wasm = new LazyWasmScan(
      wasm
        ? () => {
            this.module = privateServerWasmScan();
            return this.module?.scan;
          }
        : undefined,
    );
  }

  scan(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    const table = out.keyless && this.parser.readsRows ? this.parser.wasmTable : undefined;
    const wasm = table === undefined ? undefined : this.wasm.get();
    // The module is this thread's: it is told of the table whose rows it is to read at each call.
    if (table === undefined || wasm === undefined || this.module?.readRowsOf(table) !== true) return this.loop(buf, pos, stop, base, out);
    return wasm.scanKeyless(buf, pos, stop, base, out, this.jsLoop);
  }

  private loop(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    const parser = this.parser;
    if (!parser.readsRows) return pos;
    const { recStartLine, recStartOffset, recBodyCol, recWall, recLevel, recSeverity, recFlags, recSession } = out;
    const { sessionFirst, sessionLast, sessionRecordCount, keys, keyless } = out;
    const capacity = recStartLine.length;
    const sessionSlots = sessionFirst.length;
    let r = out.recordCount;
    let line = out.line;
    let prevWall = out.prevWall;
    while (pos < stop && r < capacity) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0 || nl >= stop) break;
      // A line that may be a `***` marker is the index's (scanChunk reads markers before headers).
      if (buf[pos] === 0x2a || !parser.row(buf, pos, nl)) break;
      let s = 0;
      if (!keyless) {
        s = keys.intern(parser.rowKeyBuf, parser.rowKeyStart, parser.rowKeyEnd);
        if (s >= sessionSlots) break; // the session arrays must grow: addRecord does it (row() again reads the same)
      }
      // addRecord(), for a row without a zone.
      recStartLine[r] = line;
      recStartOffset[r] = base + pos;
      const bodyCol = parser.rowBodyCol;
      recBodyCol[r] = bodyCol < 0xffff ? bodyCol : 0xffff;
      recLevel[r] = NO_LEVEL;
      recSeverity[r] = parser.rowWarning ? Severity.Warning : Severity.Info;
      const wall = parser.rowWall;
      if (wall !== wall) {
        recFlags[r] = parser.rowFlags | RecordFlag.NoTime;
        recWall[r] = prevWall;
      } else {
        recFlags[r] = parser.rowFlags;
        recWall[r] = wall;
        prevWall = wall;
      }
      if (!keyless) recSession[r] = s; // keyless: 0 already, its pages left untouched
      if (sessionRecordCount[s] === 0) sessionFirst[s] = r;
      sessionLast[s] = r;
      sessionRecordCount[s]++;
      r++;
      line++;
      pos = nl + 1;
    }
    endFastScan(out, r, line, prevWall, base, pos);
    return pos;
  }
}
