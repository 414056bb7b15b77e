// Messaging Server's fused scan for keyless indexes (`msglog check`), in WebAssembly: the loop of
// MessagingServerFastScan.scan in engine/dialects/messagingServerFastScan.ts for a keyless index, for
// the stamp as the server writes it (`[DD/Mon/YYYY:HH:MM:SS ±ZZZZ] `, read at fixed columns). It stops
// at any other line, a stamp of another form included: the runner (engine/wasm/wasmScan.ts) gives
// such a line to the JavaScript loop, and else the index reads it one by one. A failed login is read
// as messagingServer.ts isBadlogin reads it.
//
// AssemblyScript, compiled by scripts/buildWasm.mjs (see communigateScan.ts).

import { COLON, dayMs, digit, EVENT_ERROR, finish, MALFORMED, NO_LEVEL, input, lineEnd, outLevel, outZone, SP, twoDigits, writeRecord } from './scanCommon';
export { bodyColAt, flagsAt, inputAt, lastWall, layout, levelAt, lineAt, markEndAt, markFromAt, markRecordAt, marks, lastZone, offsetAt, records, severityAt, severityOutAt, unfinished, wallAt, zoneAt } from './scanCommon';

/** `badlogin`'s bytes as a little-endian word; a TAB. */
const BADLOGIN: u64 = 0x6e69676f6c646162;
const TAB: u32 = 9;

/** `[DD/Mon/YYYY:HH:MM:SS ±ZZZZ] `: the stamp as the server writes it, the body after it. */
const STAMP_BYTES: usize = 29;
const SLASH: u32 = 0x2f;
/** The severity of a record without a level word (Severity.Info), in the severity table's last slot. */
const LEVELS: u32 = 7;

/** The month 1–12 of three letters packed as time.ts monthFromBytes packs them (lower case), or 0. */
function monthOf(code: u32): i32 {
  switch (code) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

/** Whether the bytes at `p` are `word` (ASCII) up to its length. */
@inline function wordAt(p: usize, word: string): bool {
  for (let i = 0; i < word.length; i++) if (<u32>load<u8>(p + <usize>i) != <u32>word.charCodeAt(i)) return false;
  return true;
}

/** messagingServer.ts levelColonAt: the level code of `LEVEL:` at `s` (before `end`), or -1. */
function levelColonAt(s: usize, end: usize): i32 {
  let k: i32;
  let word: string;
  switch (<u32>load<u8>(s)) {
    case 0x43: // C
      if (<u32>load<u8>(s + 1) == 0x61) {
        k = 0;
        word = 'Catastrophe';
      } else {
        k = 1;
        word = 'Critical';
      }
      break;
    case 0x45: k = 2; word = 'Error'; break;
    case 0x57: k = 3; word = 'Warning'; break;
    case 0x4e: k = 4; word = 'Notice'; break;
    case 0x49: k = 5; word = 'Information'; break;
    case 0x44: k = 6; word = 'Debug'; break;
    default: return -1;
  }
  const colon = s + <usize>word.length;
  if (colon >= end || <u32>load<u8>(colon) != COLON) return -1;
  return wordAt(s, word) ? k : -1;
}

/** messagingServer.ts isProcessToken: `PROCESS[PID]:` exactly over [start, end). */
function isProcessToken(start: usize, end: usize): bool {
  if (end - start < 5 || <u32>load<u8>(end - 1) != COLON || <u32>load<u8>(end - 2) != 0x5d) return false;
  let p = end - 3;
  while (p > start && digit(load<u8>(p)) <= 9) p--;
  return <u32>load<u8>(p) == 0x5b && p > start && p < end - 3;
}

/** The first SP in [from, end), or -1 (bytes.ts indexOfByte). */
@inline function spaceIn(from: usize, end: usize): isize {
  for (let i = from; i < end; i++) if (<u32>load<u8>(i) == SP) return <isize>i;
  return -1;
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
    if (<u32>load<u8>(start) != 0x5b || end - start <= STAMP_BYTES - 1) break;
    const d = twoDigits(start + 1);
    const yHigh = twoDigits(start + 8);
    const yLow = twoDigits(start + 10);
    const hh = twoDigits(start + 13);
    const mm = twoDigits(start + 16);
    const ss = twoDigits(start + 19);
    const sign = <u32>load<u8>(start + 22);
    const zh = twoDigits(start + 23);
    const zm = twoDigits(start + 25);
    const sep = <u32>load<u8>(start + 12);
    if (!(
      d >= 1 && <u32>load<u8>(start + 3) == SLASH && <u32>load<u8>(start + 7) == SLASH && yHigh >= 0 && yLow >= 0 && (sep == COLON || sep == SP) &&
      hh >= 0 && hh <= 23 && <u32>load<u8>(start + 15) == COLON && mm >= 0 && mm <= 59 && <u32>load<u8>(start + 18) == COLON && ss >= 0 && ss <= 60 &&
      <u32>load<u8>(start + 21) == SP && (sign == 0x2b || sign == 0x2d) && zh >= 0 && zm >= 0 && <u32>load<u8>(start + 27) == 0x5d && <u32>load<u8>(start + 28) == SP
    )) break; // another form of stamp, or none: the JavaScript loop's or the parser's
    const code = ((<u32>load<u8>(start + 4) | 0x20) << 16) | ((<u32>load<u8>(start + 5) | 0x20) << 8) | (<u32>load<u8>(start + 6) | 0x20);
    const month = monthOf(code);
    if (month < 1) break;
    const y = yHigh * 100 + yLow;
    const time = dayMs(y, month, d) + <f64>(((hh * 60 + mm) * 60 + ss) * 1000);
    const minutes = zh * 60 + zm;
    const zone = sign == 0x2b ? minutes : -minutes;
    const bodyStart = start + STAMP_BYTES;
    // HOST PROCESS[PID]: — the token may end the line.
    const hostEnd = spaceIn(bodyStart, end);
    if (hostEnd <= <isize>bodyStart) break;
    let procEnd = spaceIn(<usize>hostEnd + 1, end);
    if (procEnd < 0) procEnd = <isize>end;
    if (!isProcessToken(<usize>hostEnd + 1, <usize>procEnd)) break;
    // levelWordAt(): CATEGORY LEVEL: — without it, a record of that process with no level (malformed).
    let level = NO_LEVEL;
    let flags: u32 = 0;
    const catStart = <usize>procEnd + 1;
    const catEnd = catStart < end ? spaceIn(catStart, end) : -1;
    const k = catEnd > <isize>catStart ? levelColonAt(<usize>catEnd + 1, end) : -1;
    if (k < 0) flags = MALFORMED;
    else {
      level = <u32>k;
      // isBadlogin(): the message after `LEVEL:` and blanks starts with the word `badlogin` (then its end, `:`, a blank or a TAB).
      let m = <usize>catEnd + 1 + <usize>levelLength(k) + 1;
      while (m < end && <u32>load<u8>(m) == SP) m++;
      if (m + 8 <= end && load<u64>(m) == BADLOGIN) {
        const after = m + 8 < end ? <u32>load<u8>(m + 8) : COLON;
        if (after == COLON || after == SP || after == TAB) flags = EVENT_ERROR;
      }
    }
    writeRecord(r, line + <u32>r, base + <u32>(start - input), <u32>STAMP_BYTES, time, level == NO_LEVEL ? LEVELS : level, flags);
    if (level == NO_LEVEL) store<u8>(outLevel + <usize>r, <u8>NO_LEVEL);
    store<i16>(outZone + (<usize>r << 1), <i16>zone);
    wall = time;
    zoneOfLast = sign == 0x2b ? <f64>minutes : -<f64>minutes;
    r++;
    at = nl + 1;
  }
  finish(r, wall, stoppedUnfinished, 0, zoneOfLast);
  return <i32>(at - input);
}

/** The length of level word `k`. */
@inline function levelLength(k: i32): i32 {
  switch (k) {
    case 0: return 11; // Catastrophe
    case 1: return 8; // Critical
    case 2: return 5; // Error
    case 3: return 7; // Warning
    case 4: return 6; // Notice
    case 5: return 11; // Information
    default: return 5; // Debug
  }
}
