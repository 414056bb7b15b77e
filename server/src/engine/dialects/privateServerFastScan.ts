// The index's hot loop for PrivateServer's data rows (Dialect.createFastScan): the parser's row() and
// RecordStore.addRecord fused into one loop over a run of rows, with no call through the LineParser
// interface, no HeaderScratch and no addRecord per row. Titles, header rows, rows with zones or other
// text than ASCII, blank lines and `***` markers stop it: the index reads them one by one.
import type { FastRecords, FastScan } from '../types';
import { NO_LEVEL, RecordFlag, Severity } from '../types';
import { endFastScan } from '../fastScanEnd';

const LF = 0x0a;

/** The parser's byte path as the fused scan reads rows through it (PrivateServerParser). */
export interface RowReader {
  /** Whether a table's header row has been read: only then may a line be one of its data rows. */
  readonly readsRows: boolean;
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

export class PrivateServerFastScan implements FastScan {
  /** `parser`: the index's own, whose table (columns, separator) the rows are read by and kept in. */
  constructor(private readonly parser: RowReader) {}

  scan(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
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
