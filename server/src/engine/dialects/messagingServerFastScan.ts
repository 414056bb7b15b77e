// The index's hot loop for Messaging Server records (Dialect.createFastScan): the header parser
// (messagingServer.ts) and RecordStore.addRecord fused, statement for statement, for header lines
// with a bracketed stamp, `[DD/Mon/YYYY:HH:MM:SS ±ZZZZ] HOST PROCESS[PID]: CATEGORY LEVEL: message`,
// whatever their month form, fraction or level, and those cut off after PROCESS[PID]: (malformed).
// Any other line (a bare or indented stamp, a continuation line, a marker) stops it: the index reads
// it with the parser.
import { COLON, indexOfByte, LF, SP } from '../bytes';
import { CivilDays, DAY_MS, monthFromBytes } from '../time';
import type { FastRecords, FastScan } from '../types';
import { NO_LEVEL, RecordFlag, Severity } from '../types';
import { isBadlogin, isProcessToken, LEVEL_LENGTH, LEVEL_SEVERITY, levelColonAt, stampAt } from './messagingServer';
import { endFastScan } from '../fastScanEnd';
import { messagingServerWasmScan } from '../wasm/messagingServerScan';
import { LazyWasmScan, KeylessWasmScan } from '../wasm/wasmScan';

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const SLASH = 0x2f;
const PLUS = 0x2b;
const MINUS = 0x2d;
/** `[DD/Mon/YYYY:HH:MM:SS ±ZZZZ] `: the stamp as the server writes it, the body after it. */
const STAMP_BYTES = 29;

/** The two ASCII digits at `buf[i]` as a number, or -1 (also past the buffer's end: undefined reads as no digit). */
function twoDigits(buf: Uint8Array, i: number): number {
  const a = buf[i] - 0x30;
  const b = buf[i + 1] - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

export class MessagingServerFastScan extends KeylessWasmScan implements FastScan {
  // Every header writes a zone offset: the scan runs from the log's second record on.
  readonly zoned = true;
  private readonly days = new CivilDays();
  /** The last month name read, as monthFromBytes packs its bytes, and its number. */
  private monthCode = -1;
  private month = 0;
  /** What bracketedStampAt read last: wall time, zone offset. */
  private readonly stamp = new Float64Array(2);
  /**
   * The WebAssembly scan (wasm/messagingServerScan.ts), for keyless indexes. It reads the stamp as the
   * server writes it; the loop below, the others (given each line it leaves).
   */
  protected readonly wasm: LazyWasmScan;
  private readonly jsLoop = (buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number => this.loop(buf, pos, stop, base, out);

  /** `wasm` false: keyless indexes on the JavaScript loop below too (the tests compare the two). */
  constructor(wasm = true) {
    super();
    // Each level code's severity, then a record's without a level (read when made: messagingServer.ts and this module import each other).
    this.wasm = new LazyWasmScan(wasm ? () => messagingServerWasmScan([...LEVEL_SEVERITY, Severity.Info]) : undefined);
  }

  scan(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    const wasm = out.keyless ? this.wasm.get() : undefined;
    if (wasm !== undefined) return wasm.scanKeyless(buf, pos, stop, base, out, this.jsLoop);
    return this.loop(buf, pos, stop, base, out);
  }

  private loop(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    const { recStartLine, recStartOffset, recBodyCol, recWall, recLevel, recSeverity, recFlags, recSession, offsets: zoneOffsets } = out;
    const { sessionFirst, sessionLast, sessionRecordCount, keys, keyless } = out;
    if (zoneOffsets === undefined) return pos;
    const capacity = Math.min(recStartLine.length, zoneOffsets.length);
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
      if (buf[start] !== OPEN_BRACKET) break;
      let bodyStart: number;
      let wall: number;
      let zone: number;
      // The stamp as the server writes it, read at fixed columns (used only when the line holds them all):
      // what header() reads of it, with the same checks. Any other stamp is read as header() reads it.
      const d = twoDigits(buf, start + 1);
      const yHigh = twoDigits(buf, start + 8);
      const yLow = twoDigits(buf, start + 10);
      const hh = twoDigits(buf, start + 13);
      const mm = twoDigits(buf, start + 16);
      const ss = twoDigits(buf, start + 19);
      const sign = buf[start + 22];
      const zh = twoDigits(buf, start + 23);
      const zm = twoDigits(buf, start + 25);
      const sep = buf[start + 12];
      if (
        end - start > STAMP_BYTES - 1 &&
        d >= 1 && buf[start + 3] === SLASH && buf[start + 7] === SLASH && yHigh >= 0 && yLow >= 0 && (sep === COLON || sep === SP) &&
        hh >= 0 && hh <= 23 && buf[start + 15] === COLON && mm >= 0 && mm <= 59 && buf[start + 18] === COLON && ss >= 0 && ss <= 60 &&
        buf[start + 21] === SP && (sign === PLUS || sign === MINUS) && zh >= 0 && zm >= 0 && buf[start + 27] === CLOSE_BRACKET && buf[start + 28] === SP
      ) {
        // A month name (its letters are no digits: header() reads it as a name too), looked up when it changes.
        const code = ((buf[start + 4] | 0x20) << 16) | ((buf[start + 5] | 0x20) << 8) | (buf[start + 6] | 0x20);
        if (code !== this.monthCode) {
          this.monthCode = code;
          this.month = monthFromBytes(buf, start + 4);
        }
        const month = this.month;
        if (month < 1) break;
        wall = days.of(yHigh * 100 + yLow, month, d) * DAY_MS + ((hh * 60 + mm) * 60 + ss) * 1000;
        zone = (sign === PLUS ? 1 : -1) * (zh * 60 + zm);
        bodyStart = start + STAMP_BYTES;
      } else {
        bodyStart = this.bracketedStampAt(buf, start, end);
        if (bodyStart < 0) break;
        wall = this.stamp[0];
        zone = this.stamp[1];
      }
      // HOST PROCESS[PID]: — the token may end the line.
      const hostEnd = indexOfByte(buf, SP, bodyStart, end);
      if (hostEnd <= bodyStart) break;
      let procEnd = indexOfByte(buf, SP, hostEnd + 1, end);
      if (procEnd < 0) procEnd = end;
      if (!isProcessToken(buf, hostEnd + 1, procEnd)) break;
      const s = keyless ? 0 : keys.intern(buf, hostEnd + 1, procEnd - 1);
      if (s >= sessionSlots) break; // the session arrays must grow: addRecord does it
      // levelWordAt(): CATEGORY LEVEL: — without it, a record of that process with no level.
      let level = NO_LEVEL;
      let severity: number = Severity.Info;
      let flags = 0;
      const catStart = procEnd + 1;
      const catEnd = catStart < end ? indexOfByte(buf, SP, catStart, end) : -1;
      const code = catEnd > catStart ? levelColonAt(buf, catEnd + 1, end) : -1;
      if (code < 0) flags = RecordFlag.Malformed;
      else {
        level = code;
        severity = LEVEL_SEVERITY[code];
        if (isBadlogin(buf, catEnd + 2 + LEVEL_LENGTH[code], end)) flags = RecordFlag.EventError;
      }
      // addRecord(), for a header with a time and a zone, in a log that wrote a zone before.
      recStartLine[r] = line;
      recStartOffset[r] = base + start;
      const bodyCol = bodyStart - start;
      recBodyCol[r] = bodyCol < 0xffff ? bodyCol : 0xffff;
      recLevel[r] = level;
      recSeverity[r] = severity;
      recWall[r] = wall;
      prevWall = wall;
      prevOffset = zone;
      zoneOffsets[r] = zone;
      recFlags[r] = flags;
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

  /**
   * A bracketed stamp of any form (a numeric month, a fraction, a bare date separator), as header()
   * reads it (stampAt): the column its body starts at, its time and zone in `stamp`; -1 where header() rejects it.
   */
  private bracketedStampAt(buf: Uint8Array, start: number, end: number): number {
    const q = stampAt(buf, start + 1, end, this.days, this.stamp);
    return q < 0 || buf[q] !== CLOSE_BRACKET || buf[q + 1] !== SP ? -1 : q + 2;
  }
}
