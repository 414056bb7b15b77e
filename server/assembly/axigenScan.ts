// Axigen's fused scan for keyless indexes (`msglog check`), in WebAssembly: the loop of
// AxigenFastScan.scan in engine/dialects/axigenFastScan.ts for a keyless index, over bytes the caller
// has copied into this module's memory (engine/wasm/wasmScan.ts). It stops where that loop stops (a
// line of another shape), so that the index reads that line one by one. A failed login is the one
// thing it leaves to the caller: it marks the records whose message has `auth` in it (any case), and
// the caller asks axigen.ts's isAuthFailure of those, as the loop does of every record.
//
// AssemblyScript, compiled by scripts/buildWasm.mjs (see communigateScan.ts).

import { COLON, dayMs, finish, input, lineEnd, outMarkEnd, outMarkFrom, outMarkRecord, outZone, SP, twoDigits, writeRecord } from './scanCommon';
export { bodyColAt, flagsAt, inputAt, lastWall, layout, levelAt, lineAt, markEndAt, markFromAt, markRecordAt, marks, lastZone, offsetAt, records, severityAt, severityOutAt, unfinished, wallAt, zoneAt } from './scanCommon';

/** Bytes of the fixed part of the header, `YYYY-MM-DD HH:MM:SS ±ZZZZ LL `: where the body starts. */
const BODY_COL: u32 = 29;

/**
 * Whether `auth`, in any case, is in [p, end): sixteen positions at a time, each byte compared with
 * its letter at four offsets (the 16 bytes of slack after the input make the loads past `end` safe;
 * their positions are masked off).
 */
function hasAuth(p: usize, end: usize): bool {
  if (end - p < 4) return false;
  const lower = i8x16.splat(0x20);
  const a = i8x16.splat(0x61);
  const u = i8x16.splat(0x75);
  const t = i8x16.splat(0x74);
  const h = i8x16.splat(0x68);
  // Positions i with i + 4 <= end may start a match.
  const lastStart = end - 4;
  for (let i = p; i <= lastStart; i += 16) {
    const hit = v128.and(
      v128.and(i8x16.eq(v128.or(v128.load(i), lower), a), i8x16.eq(v128.or(v128.load(i + 1), lower), u)),
      v128.and(i8x16.eq(v128.or(v128.load(i + 2), lower), t), i8x16.eq(v128.or(v128.load(i + 3), lower), h)),
    );
    let bits = <u32>i8x16.bitmask(hit);
    const room = lastStart - i;
    if (room < 15) bits &= (<u32>2 << <u32>room) - 1;
    if (bits != 0) return true;
  }
  return false;
}

/**
 * Scans the records of input[pos, stop) (offsets into the input region) as the JavaScript loop does,
 * at most `room` of them: returns where it stopped. `line` numbers the first; `base` is added to each
 * offset (modulo 2^32, as a Uint32Array store does).
 */
export function scan(pos: i32, stop: i32, room: i32, line: u32, base: u32, prevWall: f64): i32 {
  let at = input + <usize>pos;
  const last = input + <usize>stop;
  let r: i32 = 0;
  let marked: i32 = 0;
  let wall = prevWall;
  let zoneOfLast: f64 = 0;
  let stoppedUnfinished = false;
  while (at < last && r < room) {
    const nl = lineEnd(at, last);
    if (nl >= last) {
      stoppedUnfinished = true;
      break;
    }
    const start = at;
    const end = nl;
    // header(): the fixed part, then at least one byte of HOST or SERVICE.
    if (end - start <= BODY_COL) break;
    if (<u32>load<u8>(start + 4) != 0x2d || <u32>load<u8>(start + 7) != 0x2d || <u32>load<u8>(start + 10) != SP || <u32>load<u8>(start + 13) != COLON || <u32>load<u8>(start + 16) != COLON) break;
    if (<u32>load<u8>(start + 19) != SP || <u32>load<u8>(start + 25) != SP || <u32>load<u8>(start + 28) != SP) break;
    const yHigh = twoDigits(start);
    const yLow = twoDigits(start + 2);
    const mo = twoDigits(start + 5);
    const d = twoDigits(start + 8);
    const hh = twoDigits(start + 11);
    const mm = twoDigits(start + 14);
    const ss = twoDigits(start + 17);
    const zh = twoDigits(start + 21);
    const zm = twoDigits(start + 23);
    const level = twoDigits(start + 26);
    if ((yHigh | yLow | hh | mm | ss | zh | zm | level) < 0) break;
    if (mo < 1 || mo > 12 || d < 1 || hh > 23 || mm > 59 || ss > 60) break;
    // parseZone(): `±HHMM`, minutes east of UTC.
    const sign = <u32>load<u8>(start + 20);
    if (sign != 0x2b && sign != 0x2d) break;
    const minutes = zh * 60 + zm;
    const zone = sign == 0x2b ? minutes : -minutes;
    // HOST, then SERVICE[:SESSIONID]: — a host-less record starts with the service token directly.
    let p = start + BODY_COL;
    let tokEnd = p;
    while (<u32>load<u8>(tokEnd) > SP) tokEnd++;
    if (<u32>load<u8>(tokEnd) != SP) break;
    if (<u32>load<u8>(tokEnd - 1) != COLON) {
      p = tokEnd + 1;
      tokEnd = p;
      while (<u32>load<u8>(tokEnd) > SP) tokEnd++;
      if ((<u32>load<u8>(tokEnd) != SP && tokEnd != end) || <u32>load<u8>(tokEnd - 1) != COLON) break;
    }
    // addRecord(), keyless: session 0, which the caller counts; the date's day from the caller's clock.
    const time = dayMs(yHigh * 100 + yLow, mo, d) + <f64>(((hh * 60 + mm) * 60 + ss) * 1000);
    writeRecord(r, line + <u32>r, base + <u32>(start - input), BODY_COL, time, <u32>level, 0);
    store<i16>(outZone + (<usize>r << 1), <i16>zone);
    if (hasAuth(tokEnd, end)) {
      const m = <usize>marked << 2;
      marked++;
      store<u32>(outMarkRecord + m, r);
      store<u32>(outMarkFrom + m, <u32>(tokEnd - input));
      store<u32>(outMarkEnd + m, <u32>(end - input));
    }
    wall = time;
    zoneOfLast = sign == 0x2b ? <f64>minutes : -<f64>minutes;
    r++;
    at = nl + 1;
  }
  finish(r, wall, stoppedUnfinished, marked, zoneOfLast);
  return <i32>(at - input);
}
