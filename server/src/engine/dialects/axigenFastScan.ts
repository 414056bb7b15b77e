// Axigen's fused hot loop (Dialect.createFastScan): AxigenParser.header() and RecordStore.addRecord
// in one loop over the records of the shape nearly every Axigen line has,
// `YYYY-MM-DD HH:MM:SS ±ZZZZ LL HOST SERVICE[:SESSIONID]: message` (no fraction of a second).
//
// This module and axigen.ts import each other: axigen.ts's dialect makes the scan, the scan uses the
// dialect's byte helpers, only when it runs (never while the modules load).
import { COLON, DIGIT_VALUE, LF, SP } from '../bytes';
import { CivilDays, DAY_MS } from '../time';
import type { FastRecords, FastScan } from '../types';
import { RecordFlag } from '../types';
import { AUTH_SUCCESS, FAILURE_REACH, FAILURE_WORDS, isAuthFailure, LEVEL_SEVERITY } from './axigen';
import { endFastScan } from '../fastScanEnd';
import { axigenWasmScan } from '../wasm/axigenScan';
import { LazyWasmScan, KeylessWasmScan } from '../wasm/wasmScan';

/** Bytes of the fixed part of the header, `YYYY-MM-DD HH:MM:SS ±ZZZZ LL `: where the body starts. */
const BODY_COL = 29;

/**
 * The records of the common shape, written straight into the index's arrays as header() and addRecord
 * would: a time, a zone offset, the level's severity, the session key (HOST, then SERVICE[:SESSIONID]:,
 * or that token alone), a failed authentication as an event-error. Lines of any other shape stop it
 * (a fraction of a second, blanks before the date, continuation lines, markers, whatever header()
 * rejects): the index reads them one by one.
 */
export class AxigenFastScan extends KeylessWasmScan implements FastScan {
  readonly zoned = true;
  /** The day of the last date read (every record of a day's log writes the same one). */
  private readonly days = new CivilDays();
  /** The WebAssembly scan (wasm/axigenScan.ts), for keyless indexes. */
  protected readonly wasm: LazyWasmScan;

  /** `wasm` false: keyless indexes on the JavaScript loop below too (the tests compare the two). */
  constructor(wasm = true) {
    super();
    this.wasm = new LazyWasmScan(wasm ? () => axigenWasmScan(LEVEL_SEVERITY, { success: AUTH_SUCCESS, failures: FAILURE_WORDS, reach: FAILURE_REACH }) : undefined);
  }

  scan(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    const wasm = out.keyless ? this.wasm.get() : undefined;
    if (wasm !== undefined) return wasm.scanKeyless(buf, pos, stop, base, out);
    const { recStartLine, recStartOffset, recBodyCol, recWall, recLevel, recSeverity, recFlags, recSession, offsets } = out;
    const { sessionFirst, sessionLast, sessionRecordCount, keys, keyless } = out;
    // Zoned: the index stores a zone offset per slot before it calls (canAppendFast).
    if (offsets === undefined) return pos;
    const capacity = Math.min(recStartLine.length, offsets.length);
    const sessionSlots = sessionFirst.length;
    const days = this.days;
    let r = out.recordCount;
    let line = out.line;
    let prevWall = out.prevWall;
    let prevOffset = out.prevOffset;
    while (pos < stop && r < capacity) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0 || nl >= stop) break;
      const start = pos;
      const end = nl;
      // header(): the fixed part, then at least one byte of HOST or SERVICE (header() needs a space after it).
      if (end - start <= BODY_COL) break;
      if (buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 10] !== SP || buf[start + 13] !== COLON || buf[start + 16] !== COLON) break;
      if (buf[start + 19] !== SP || buf[start + 25] !== SP || buf[start + 28] !== SP) break;
      const y0 = DIGIT_VALUE[buf[start]];
      const y1 = DIGIT_VALUE[buf[start + 1]];
      const y2 = DIGIT_VALUE[buf[start + 2]];
      const y3 = DIGIT_VALUE[buf[start + 3]];
      const mo0 = DIGIT_VALUE[buf[start + 5]];
      const mo1 = DIGIT_VALUE[buf[start + 6]];
      const d0 = DIGIT_VALUE[buf[start + 8]];
      const d1 = DIGIT_VALUE[buf[start + 9]];
      const h0 = DIGIT_VALUE[buf[start + 11]];
      const h1 = DIGIT_VALUE[buf[start + 12]];
      const m0 = DIGIT_VALUE[buf[start + 14]];
      const m1 = DIGIT_VALUE[buf[start + 15]];
      const s0 = DIGIT_VALUE[buf[start + 17]];
      const s1 = DIGIT_VALUE[buf[start + 18]];
      const z0 = DIGIT_VALUE[buf[start + 21]];
      const z1 = DIGIT_VALUE[buf[start + 22]];
      const z2 = DIGIT_VALUE[buf[start + 23]];
      const z3 = DIGIT_VALUE[buf[start + 24]];
      const l0 = DIGIT_VALUE[buf[start + 26]];
      const l1 = DIGIT_VALUE[buf[start + 27]];
      // Twenty digits checked by one sign test (DIGIT_VALUE).
      if ((y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | m0 | m1 | s0 | s1 | z0 | z1 | z2 | z3 | l0 | l1) < 0) break;
      const mo = mo0 * 10 + mo1;
      const d = d0 * 10 + d1;
      const hh = h0 * 10 + h1;
      const mm = m0 * 10 + m1;
      const ss = s0 * 10 + s1;
      if (mo < 1 || mo > 12 || d < 1 || hh > 23 || mm > 59 || ss > 60) break;
      // parseZone(): `±HHMM`, minutes east of UTC.
      const sign = buf[start + 20];
      if (sign !== 0x2b && sign !== 0x2d) break;
      const zone = (sign === 0x2b ? 1 : -1) * ((z0 * 10 + z1) * 60 + z2 * 10 + z3);
      const level = l0 * 10 + l1;
      // HOST, then SERVICE[:SESSIONID]: — a host-less record starts with the service token directly.
      // The line's LF ends each search (every byte of a token is above SP); a TAB or another control
      // byte in a token is left to header(), which reads it as part of the token.
      let p = start + BODY_COL;
      let tokEnd = p;
      while (buf[tokEnd] > SP) tokEnd++;
      if (buf[tokEnd] !== SP) break; // no space after HOST: not a header, or a control byte
      if (buf[tokEnd - 1] !== COLON) {
        p = tokEnd + 1;
        tokEnd = p;
        while (buf[tokEnd] > SP) tokEnd++;
        if ((buf[tokEnd] !== SP && tokEnd !== end) || buf[tokEnd - 1] !== COLON) break;
      }
      let s = 0;
      if (!keyless) {
        s = keys.intern(buf, p, tokEnd - 1);
        if (s >= sessionSlots) break; // the session arrays must grow: addRecord does it
      }
      // addRecord(), for a header with a time and a zone offset (the log's own known already).
      const wall = days.of(((y0 * 10 + y1) * 10 + y2) * 10 + y3, mo, d) * DAY_MS + ((hh * 60 + mm) * 60 + ss) * 1000;
      recStartLine[r] = line;
      recStartOffset[r] = base + start;
      recBodyCol[r] = BODY_COL;
      recLevel[r] = level;
      recSeverity[r] = LEVEL_SEVERITY[level];
      recWall[r] = wall;
      prevWall = wall;
      offsets[r] = zone;
      prevOffset = zone;
      recFlags[r] = isAuthFailure(buf, tokEnd, end) ? RecordFlag.EventError : 0;
      if (!keyless) recSession[r] = s; // keyless: 0 already, its pages left untouched
      if (sessionRecordCount[s] === 0) sessionFirst[s] = r;
      sessionLast[s] = r;
      sessionRecordCount[s]++;
      r++;
      line++;
      pos = nl + 1;
    }
    out.prevOffset = prevOffset;
    endFastScan(out, r, line, prevWall, base, pos);
    return pos;
  }
}
