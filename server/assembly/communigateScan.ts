// CommuniGate's fused scan in WebAssembly: the loop of CommunigateFastScan.scan in
// engine/dialects/communigate.ts, over bytes the caller has read or copied into this module's memory,
// writing the records into this module's arrays, which the caller copies into the index's. `scan` is
// a keyless index's (`msglog check`: every record in session 0); `scanKeyed` a keyed index's, each
// record's session numbered from the copy of the index's key table in this memory (keyTable.ts). They
// stop where the JavaScript loop stops (a line header() reads otherwise, or does not take), so that the
// index reads that line one by one; engine/wasm/communigateScan.ts and keyedScan.ts run them.
//
// AssemblyScript (https://www.assemblyscript.org), compiled by scripts/buildWasm.mjs into
// engine/wasm/communigateScan.generated.ts. Why WebAssembly: each JavaScript isolate compiles,
// deoptimises and recompiles its own hot loop (a quarter of a 200 MB check's CPU went to compiling),
// and V8's code checks every byte read against the buffer's bounds; this module is compiled once and
// reads bytes with plain loads (docs/PERFORMANCE.md, "CommuniGate's loop in WebAssembly").

import { COLON, digit, DOT, finish, input, LEAP_SECOND, lineEnd, outMarkEnd, outMarkFrom, outMarkRecord, outSession, SP, twoDigits, writeRecord } from './scanCommon';
import { clearFresh, directEntry, directNumber, keyNumber, nameChar, sameRange, scratchAt, scratchBytes } from './keyTable';
export { addKey, findKey, findKeys, foundAt, freshAt, freshCount, freshPoolAt, keyCount, keysFull, resetKeys, scratchAt, scratchBytes } from './keyTable';
export { bodyColAt, flagsAt, inputAt, lastWall, layout, levelAt, lineAt, markEndAt, markFromAt, markRecordAt, marks, lastZone, offsetAt, records, sessionAt, severityAt, severityOutAt, unfinished, wallAt, zoneAt } from './scanCommon';


/** The time of day headerAt read last (ms). */
let clockTime: f64 = 0;

/**
 * header()'s `HH:MM:SS[.f{1,6}] L ` (clockAt, then a level 0-5) on the line [start, end): where the
 * rest of the line starts (its time in clockTime), or 0 where the JavaScript loop stops.
 */
@inline function headerAt(start: usize, end: usize): usize {
  // clockAt(): HH:MM:SS[.f{1,6}], not ending the line.
  if (end - start < 10 || <u32>load<u8>(start + 2) != COLON || <u32>load<u8>(start + 5) != COLON) return 0;
  const hh = twoDigits(start);
  const mm = twoDigits(start + 3);
  const ss = twoDigits(start + 6);
  if (hh < 0 || mm < 0 || ss < 0 || hh > 23 || mm > 59 || ss > 60) return 0;
  let q = start + 8;
  const d1 = digit(load<u8>(q + 1));
  const d2 = digit(load<u8>(q + 2));
  const d3 = digit(load<u8>(q + 3));
  if (<u32>load<u8>(q) == DOT && d1 <= 9 && d2 <= 9 && d3 <= 9 && q + 4 < end && digit(load<u8>(q + 4)) > 9) {
    clockTime = <f64>(((hh * 60 + mm) * 60 + ss) * 1000 + d1 * 100 + d2 * 10 + d3);
    q += 4;
  } else {
    // Other widths: the digit loop, in the same floating-point steps as clockAt's.
    let frac: f64 = 0;
    if (<u32>load<u8>(q) == DOT) {
      q++;
      let scale: f64 = 100;
      const digitsEnd = min(end, q + 6);
      while (q < digitsEnd && digit(load<u8>(q)) <= 9) {
        frac += <f64>digit(load<u8>(q)) * scale;
        scale /= 10;
        q++;
      }
      if (scale == 100 || (q < end && digit(load<u8>(q)) <= 9)) return 0;
    }
    if (q >= end) return 0;
    clockTime = <f64>(((hh * 60 + mm) * 60 + ss) * 1000) + frac;
  }
  // header(): ` L ` with a level 0-5.
  const levelByte = <u32>load<u8>(q + 1);
  if (<u32>load<u8>(q) != SP || q + 2 >= end || levelByte < 0x30 || levelByte > 0x35 || <u32>load<u8>(q + 2) != SP) return 0;
  return q + 3;
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
  let stoppedUnfinished = false;
  while (at < last && r < room) {
    const nl = lineEnd(at, last);
    if (nl >= last) {
      stoppedUnfinished = true;
      break;
    }
    const start = at;
    const rest = headerAt(start, nl);
    if (rest == 0) break;
    // mainRecord() takes any key after ` L ` (the thread form `NAME(n) DIGITS:` too), and in a keyless
    // index every record is in session 0: the key is not read.
    // addRecord(), keyless: session 0, which the caller counts.
    const leap = <u32>load<u8>(start + 6) == 0x36 && <u32>load<u8>(start + 7) == 0x30 ? LEAP_SECOND : 0;
    writeRecord(r, line + <u32>r, base + <u32>(start - input), <u32>(rest - start), clockTime, <u32>load<u8>(rest - 2) - 0x30, leap);
    wall = clockTime;
    r++;
    at = nl + 1;
  }
  finish(r, wall, stoppedUnfinished, 0, 0);
  return <i32>(at - input);
}

/**
 * scan for a keyed index: each record's session too (outSession), the number keyNumber gives its key
 * as header() reads it; a SIPDATA record's Call-ID marked (its record and bounds), for the caller to
 * give its session that dialog. Stops, besides where scan stops, at a new key once `sessionSlots` keys
 * are held (the index's session arrays must grow) or when it does not fit (keysFull).
 */
export function scanKeyed(pos: i32, stop: i32, room: i32, line: u32, base: u32, prevWall: f64, sessionSlots: u32): i32 {
  let at = input + <usize>pos;
  const last = input + <usize>stop;
  let r: i32 = 0;
  let marked: i32 = 0;
  let wall = prevWall;
  let stoppedUnfinished = false;
  // The last record's key in the input, and its session (lastLength 0: none).
  let lastKey: usize = 0;
  let lastLength: u32 = 0;
  let lastSession: i32 = -1;
  clearFresh();
  while (at < last && r < room) {
    const nl = lineEnd(at, last);
    if (nl >= last) {
      stoppedUnfinished = true;
      break;
    }
    const start = at;
    const end = nl;
    const rest = headerAt(start, end);
    if (rest == 0) break;
    // mainRecord(): the session key.
    // The key's first 16 bytes at once: which are name characters and which digits (bit i for rest + i,
    // none at or past the line's end); the byte loops go on where a name or digits fill all 16.
    const v = v128.load(rest);
    const digitLanes = i8x16.lt_u(i8x16.sub(v, i8x16.splat(0x30)), i8x16.splat(10));
    const letterLanes = i8x16.lt_u(i8x16.sub(v128.or(v, i8x16.splat(0x20)), i8x16.splat(0x61)), i8x16.splat(26));
    const within: u32 = end - rest >= 16 ? 0xffff : (<u32>1 << <u32>(end - rest)) - 1;
    const names = i8x16.bitmask(v128.or(v128.or(digitLanes, letterLanes), i8x16.eq(v, i8x16.splat(0x5f)))) & within;
    const digits = i8x16.bitmask(digitLanes) & within;
    let p = rest + <usize>ctz(~names);
    if (p == rest + 16) while (p < end && nameChar(<u32>load<u8>(p))) p++;
    const nameEnd = p;
    let keyStart = rest;
    let keyEnd: usize;
    // A NAME-DIGITS key's DIGITS (0: a key of another form).
    let digitsAt: usize = 0;
    let dialogFrom: usize = 0;
    let dialogTo: usize = 0;
    if (nameEnd > rest && p + 1 < end && <u32>load<u8>(p) == 0x2d && digit(load<u8>(p + 1)) <= 9) {
      // NAME-DIGITS: the key ends after the digits.
      p++;
      const k = <u32>(p - rest);
      if (k < 16) p += <usize>ctz(~(digits >> k));
      while (p < end && digit(load<u8>(p)) <= 9) p++;
      keyEnd = p;
      digitsAt = nameEnd + 1;
      if (nameEnd - rest == 7 && <u32>load<u8>(rest) == 0x53 && load<u32>(rest) == 0x44504953 /* SIPD */ && load<u16>(rest + 4) == 0x5441 /* AT */ && <u32>load<u8>(rest + 6) == 0x41 /* A */) {
        if (sipDialogRange(firstSpace(p, end), end)) {
          dialogFrom = rangeFrom;
          dialogTo = rangeTo;
        }
      }
    } else {
      keyEnd = firstSpace(p, end);
      // The thread form `NAME(n) DIGITS:` makes a key of its own, NAME-DIGITS, as header() composes it.
      if (nameEnd > rest && <u32>load<u8>(p) == 0x28 && keyEnd > p && <u32>load<u8>(keyEnd - 1) == 0x29 && keyEnd + 1 < end) {
        let d = keyEnd + 1;
        while (d < end && digit(load<u8>(d)) <= 9) d++;
        if (d > keyEnd + 1 && d < end && <u32>load<u8>(d) == COLON) {
          const name = nameEnd - rest;
          const digits = d - keyEnd - 1;
          if (name + 1 + digits > <usize>scratchBytes()) break;
          const composed = scratchAt();
          memory.copy(composed, rest, name);
          store<u8>(composed + name, 0x2d);
          memory.copy(composed + name + 1, keyEnd + 1, digits);
          keyStart = composed;
          keyEnd = composed + name + 1 + digits;
          digitsAt = composed + name + 1;
        }
      }
    }
    // A session the index's arrays do not hold yet stops the scan (addRecord grows them), as in the
    // JavaScript loop. The record before's key, when it is the same (a SIP packet's lines), is not looked up.
    const keyLength = <u32>(keyEnd - keyStart);
    let s = lastSession;
    if (keyLength != lastLength || keyStart == keyEnd || !sameRange(lastKey, keyStart, keyLength)) {
      const direct: usize = digitsAt == 0 ? 0 : directEntry(keyStart, digitsAt - 1 - keyStart, digitsAt, keyEnd - digitsAt);
      s = direct != 0 ? directNumber(direct, keyStart, keyLength, sessionSlots) : keyNumber(keyStart, keyLength, sessionSlots);
      if (s < 0 || <u32>s >= sessionSlots) break;
      // A key composed in the scratch region is not there for the next record.
      lastKey = keyStart;
      lastLength = keyStart == rest ? keyLength : 0;
      lastSession = s;
    }
    const leap = <u32>load<u8>(start + 6) == 0x36 && <u32>load<u8>(start + 7) == 0x30 ? LEAP_SECOND : 0;
    writeRecord(r, line + <u32>r, base + <u32>(start - input), <u32>(rest - start), clockTime, <u32>load<u8>(rest - 2) - 0x30, leap);
    store<u32>(outSession + (<usize>r << 2), <u32>s);
    if (dialogTo != 0) {
      store<u32>(outMarkRecord + (<usize>marked << 2), <u32>r);
      store<u32>(outMarkFrom + (<usize>marked << 2), <u32>(dialogFrom - input));
      store<u32>(outMarkEnd + (<usize>marked << 2), <u32>(dialogTo - input));
      marked++;
    }
    wall = clockTime;
    r++;
    at = nl + 1;
  }
  finish(r, wall, stoppedUnfinished, marked, 0);
  return <i32>(at - input);
}

@inline function firstSpace(p: usize, end: usize): usize {
  while (p < end && <u32>load<u8>(p) != SP) p++;
  return p;
}

/** The bounds sipDialogRange found last. */
let rangeFrom: usize = 0;
let rangeTo: usize = 0;

/** communigate.ts sipDialogRange: `inp: Call-ID: value` / `out: Call-ID: value` at `p`, its value's bounds in rangeFrom, rangeTo. */
function sipDialogRange(p: usize, end: usize): bool {
  while (p < end && <u32>load<u8>(p) == SP) p++;
  if (p + 4 > end || <u32>load<u8>(p + 3) != COLON) return false;
  const d0 = <u32>load<u8>(p);
  const d1 = <u32>load<u8>(p + 1);
  const d2 = <u32>load<u8>(p + 2);
  if (!((d0 == 0x69 && d1 == 0x6e && d2 == 0x70) || (d0 == 0x6f && d1 == 0x75 && d2 == 0x74))) return false;
  p += 4;
  if (p < end && <u32>load<u8>(p) == 0x2b) p++;
  while (p < end && <u32>load<u8>(p) == SP) p++;
  // callIdRange: `Call-ID:` (any case) or the compact `i:`.
  let v: usize = 0;
  if (p + 8 <= end) {
    const word = load<u64>(p) | 0x2020202020202020;
    // `call-id:` with ASCII case folding (a `-` and `:` fold to themselves: 0x2d | 0x20, 0x3a | 0x20).
    if (word == 0x3a64692d6c6c6163) v = p + 8;
  }
  if (v == 0 && p + 2 <= end && (<u32>load<u8>(p) | 0x20) == 0x69 && <u32>load<u8>(p + 1) == COLON) v = p + 2;
  if (v == 0) return false;
  while (v < end && (<u32>load<u8>(v) == SP || <u32>load<u8>(v) == 9)) v++;
  let e = end;
  while (e > v && (<u32>load<u8>(e - 1) == SP || <u32>load<u8>(e - 1) == 9 || <u32>load<u8>(e - 1) == 0x0d)) e--;
  if (e <= v) return false;
  rangeFrom = v;
  rangeTo = e;
  return true;
}
