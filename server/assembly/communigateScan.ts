// CommuniGate's fused scan for keyless indexes (`msglog check`), in WebAssembly: the loop of
// CommunigateFastScan.scan in engine/dialects/communigate.ts for a keyless index, over bytes the caller
// has copied into this module's memory, writing the records into this module's arrays, which the
// caller copies into the index's. It stops where the JavaScript loop stops (a line header() reads
// otherwise, or does not take), so that the index reads that line one by one;
// engine/wasm/communigateScan.ts runs it.
//
// AssemblyScript (https://www.assemblyscript.org), compiled by scripts/buildWasm.mjs into
// engine/wasm/communigateScan.generated.ts. Why WebAssembly: each JavaScript isolate compiles,
// deoptimises and recompiles its own hot loop (a quarter of a 200 MB check's CPU went to compiling),
// and V8's code checks every byte read against the buffer's bounds; this module is compiled once and
// reads bytes with plain loads (docs/PERFORMANCE.md, "CommuniGate's loop in WebAssembly").

import { COLON, digit, DOT, finish, input, LEAP_SECOND, lineEnd, SP, twoDigits, writeRecord } from './scanCommon';
export { bodyColAt, flagsAt, inputAt, lastWall, layout, levelAt, lineAt, markEndAt, markFromAt, markRecordAt, marks, lastZone, offsetAt, records, severityAt, severityOutAt, unfinished, wallAt, zoneAt } from './scanCommon';


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
    const end = nl;
    // clockAt(): HH:MM:SS[.f{1,6}], not ending the line.
    if (end - start < 10 || <u32>load<u8>(start + 2) != COLON || <u32>load<u8>(start + 5) != COLON) break;
    const hh = twoDigits(start);
    const mm = twoDigits(start + 3);
    const ss = twoDigits(start + 6);
    if (hh < 0 || mm < 0 || ss < 0 || hh > 23 || mm > 59 || ss > 60) break;
    let q = start + 8;
    let time: f64;
    const d1 = digit(load<u8>(q + 1));
    const d2 = digit(load<u8>(q + 2));
    const d3 = digit(load<u8>(q + 3));
    if (<u32>load<u8>(q) == DOT && d1 <= 9 && d2 <= 9 && d3 <= 9 && q + 4 < end && digit(load<u8>(q + 4)) > 9) {
      time = <f64>(((hh * 60 + mm) * 60 + ss) * 1000 + d1 * 100 + d2 * 10 + d3);
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
        if (scale == 100 || (q < end && digit(load<u8>(q)) <= 9)) break;
      }
      if (q >= end) break;
      time = <f64>(((hh * 60 + mm) * 60 + ss) * 1000) + frac;
    }
    // header(): ` L ` with a level 0-5.
    const levelByte = <u32>load<u8>(q + 1);
    if (<u32>load<u8>(q) != SP || q + 2 >= end || levelByte < 0x30 || levelByte > 0x35 || <u32>load<u8>(q + 2) != SP) break;
    // mainRecord() takes any key after ` L ` (the thread form `NAME(n) DIGITS:` too), and in a keyless
    // index every record is in session 0: the key is not read.
    const rest = q + 3;
    // addRecord(), keyless: session 0, which the caller counts.
    const leap = <u32>load<u8>(start + 6) == 0x36 && <u32>load<u8>(start + 7) == 0x30 ? LEAP_SECOND : 0;
    writeRecord(r, line + <u32>r, base + <u32>(start - input), <u32>(rest - start), time, levelByte - 0x30, leap);
    wall = time;
    r++;
    at = nl + 1;
  }
  finish(r, wall, stoppedUnfinished, 0, 0);
  return <i32>(at - input);
}
