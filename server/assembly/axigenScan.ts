// Axigen's fused scan for keyless indexes (`msglog check`), in WebAssembly: the loop of
// AxigenFastScan.scan in engine/dialects/axigenFastScan.ts for a keyless index, over bytes the caller
// has copied into this module's memory (engine/wasm/wasmScan.ts). It stops where that loop stops (a
// line of another shape), so that the index reads that line one by one. A failed login is read as
// axigen.ts's isAuthFailure reads it, by words the caller writes (authWords).
//
// AssemblyScript, compiled by scripts/buildWasm.mjs (see communigateScan.ts).

import { COLON, dayMs, EVENT_ERROR, finish, input, lineEnd, outZone, SP, twoDigits, writeRecord } from './scanCommon';
export { bodyColAt, flagsAt, inputAt, lastWall, layout, levelAt, lineAt, markEndAt, markFromAt, markRecordAt, marks, lastZone, offsetAt, records, severityAt, severityOutAt, unfinished, wallAt, zoneAt } from './scanCommon';

/** Bytes of the fixed part of the header, `YYYY-MM-DD HH:MM:SS ±ZZZZ LL `: where the body starts. */
const BODY_COL: u32 = 29;

/**
 * What isAuthFailure reads by (axigen.ts), written by the caller: the word after `auth` that reports a
 * success (`authenticated`), then the failure words, each in a slot of WORD_SLOT bytes (its length, then
 * its bytes in lower case); and how far after `auth` a failure word may be.
 */
const WORD_SLOT: usize = 16;
const WORD_SLOTS: usize = 8;
const authWordSlots = memory.data(<i32>(WORD_SLOT * WORD_SLOTS));
let failureWords: usize = 0;
let failureReach: usize = 0;

export function authWordsAt(): usize {
  return authWordSlots;
}

/** How many failure words the caller wrote after the success word, and their reach. */
export function authWords(failures: i32, reach: i32): void {
  failureWords = <usize>failures;
  failureReach = <usize>reach;
}

/**
 * The first start of `auth`, in any case, in [p, end) with room for the word, else `end`: sixteen
 * positions at a time, each byte compared with its letter at four offsets (the 16 bytes of slack after
 * the input make the loads past `end` safe; their positions are masked off).
 */
function authAt(p: usize, end: usize): usize {
  if (end < p + 4) return end;
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
    if (bits != 0) return i + <usize>ctz(bits);
  }
  return end;
}

/** Whether the word in `slot` (authWordSlots) starts at `at`, ignoring case as isAuthFailure does (a byte OR 0x20), and ends by `end`. */
function wordAt(slot: usize, at: usize, end: usize): bool {
  const length = <usize>load<u8>(slot);
  if (at + length > end) return false;
  for (let k: usize = 0; k < length; k++) if ((<u32>load<u8>(at + k) | 0x20) != <u32>load<u8>(slot + 1 + k)) return false;
  return true;
}

/** isAuthFailure (axigen.ts) of the message [p, end): `auth` not starting the success word, with a failure word within reach after it. */
function authFailure(p: usize, end: usize): bool {
  for (let a = authAt(p, end); a < end; a = authAt(a + 4, end)) {
    if (wordAt(authWordSlots, a, end)) continue;
    const reach = min(end, a + 4 + failureReach);
    for (let w: usize = 1; w <= failureWords; w++) {
      const slot = authWordSlots + w * WORD_SLOT;
      for (let i = a + 4; i < reach; i++) if (wordAt(slot, i, reach)) return true;
    }
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
    writeRecord(r, line + <u32>r, base + <u32>(start - input), BODY_COL, time, <u32>level, authFailure(tokEnd, end) ? EVENT_ERROR : 0);
    store<i16>(outZone + (<usize>r << 1), <i16>zone);
    wall = time;
    zoneOfLast = sign == 0x2b ? <f64>minutes : -<f64>minutes;
    r++;
    at = nl + 1;
  }
  finish(r, wall, stoppedUnfinished, 0, zoneOfLast);
  return <i32>(at - input);
}
