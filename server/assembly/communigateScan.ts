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

/** Regions, set by layout(): the input bytes, then one array per record field. */
let input: usize = 0;
let severity: usize = 0;
let outLine: usize = 0;
let outOffset: usize = 0;
let outBodyCol: usize = 0;
let outWall: usize = 0;
let outLevel: usize = 0;
let outSeverity: usize = 0;
let outFlags: usize = 0;

/** What the last scan did: the records it wrote, the last one's time, and whether it stopped at a line without its LF. */
export let records: i32 = 0;
export let lastWall: f64 = 0;
export let unfinished: bool = false;

const LF: u32 = 10;
const SP: u32 = 32;
const COLON: u32 = 58;
const DOT: u32 = 46;
const LEAP_SECOND: u8 = 32; // RecordFlag.LeapSecond

/**
 * Places the regions for `inputBytes` bytes and `recordSlots` records (the memory grows to fit). The
 * caller reads where they are with the getters below, and writes each level's severity.
 */
export function layout(inputBytes: i32, recordSlots: i32): void {
  input = heap.alloc(<usize>inputBytes + 16 + 16 + <usize>recordSlots * 21);
  severity = input + <usize>inputBytes + 16; // 16 bytes of slack: the line-end search loads 16 at a time
  outLine = (severity + 8 + 7) & ~7;
  outWall = outLine + <usize>recordSlots * 4;
  outOffset = outWall + <usize>recordSlots * 8;
  outBodyCol = outOffset + <usize>recordSlots * 4;
  outLevel = outBodyCol + <usize>recordSlots * 2;
  outSeverity = outLevel + <usize>recordSlots;
  outFlags = outSeverity + <usize>recordSlots;
}

export function inputAt(): usize { return input; }
export function severityAt(): usize { return severity; }
export function lineAt(): usize { return outLine; }
export function offsetAt(): usize { return outOffset; }
export function bodyColAt(): usize { return outBodyCol; }
export function wallAt(): usize { return outWall; }
export function levelAt(): usize { return outLevel; }
export function severityOutAt(): usize { return outSeverity; }
export function flagsAt(): usize { return outFlags; }

@inline function digit(c: u32): u32 {
  return c - 0x30; // above 9 for any byte not a digit
}

/** Where the line starting at `p` ends (its LF), or `stop` when none does before it. */
@inline function lineEnd(p: usize, stop: usize): usize {
  const lf = i8x16.splat(<i8>LF);
  while (p + 16 <= stop) {
    const hits = i8x16.bitmask(i8x16.eq(v128.load(p), lf));
    if (hits != 0) return p + <usize>ctz(hits);
    p += 16;
  }
  while (p < stop && <u32>load<u8>(p) != LF) p++;
  return p;
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
  unfinished = false;
  while (at < last && r < room) {
    const nl = lineEnd(at, last);
    if (nl >= last) {
      unfinished = true;
      break;
    }
    const start = at;
    const end = nl;
    // clockAt(): HH:MM:SS[.f{1,6}], not ending the line.
    if (end - start < 10 || <u32>load<u8>(start + 2) != COLON || <u32>load<u8>(start + 5) != COLON) break;
    const h0 = digit(load<u8>(start));
    const h1 = digit(load<u8>(start + 1));
    const m0 = digit(load<u8>(start + 3));
    const m1 = digit(load<u8>(start + 4));
    const s0 = digit(load<u8>(start + 6));
    const s1 = digit(load<u8>(start + 7));
    if ((h0 > 9) | (h1 > 9) | (m0 > 9) | (m1 > 9) | (s0 > 9) | (s1 > 9)) break;
    const hh = h0 * 10 + h1;
    const mm = m0 * 10 + m1;
    const ss = s0 * 10 + s1;
    if (hh > 23 || mm > 59 || ss > 60) break;
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
    const bodyCol = <u32>(rest - start);
    const level = levelByte - 0x30;
    store<u32>(outLine + (<usize>r << 2), line + <u32>r);
    store<u32>(outOffset + (<usize>r << 2), base + <u32>(start - input));
    store<u16>(outBodyCol + (<usize>r << 1), bodyCol < 0xffff ? bodyCol : 0xffff);
    store<f64>(outWall + (<usize>r << 3), time);
    store<u8>(outLevel + <usize>r, level);
    store<u8>(outSeverity + <usize>r, load<u8>(severity + <usize>level));
    store<u8>(outFlags + <usize>r, <u32>load<u8>(start + 6) == 0x36 && <u32>load<u8>(start + 7) == 0x30 ? LEAP_SECOND : 0);
    wall = time;
    r++;
    at = nl + 1;
  }
  records = r;
  lastWall = wall;
  return <i32>(at - input);
}
