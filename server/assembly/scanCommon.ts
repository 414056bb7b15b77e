// What every WebAssembly scan shares (imported by each scan's module, server/assembly/*Scan.ts): the
// regions of its memory (the input bytes, a level's severity, one array per record field), how a call
// reports what it did, and the byte helpers of the loops. engine/wasm/wasmScan.ts runs the modules.

/** The input bytes, each level's severity (written by the caller), then one array per record field. */
export let input: usize = 0;
export let severity: usize = 0;
export let outLine: usize = 0;
export let outOffset: usize = 0;
export let outBodyCol: usize = 0;
export let outWall: usize = 0;
export let outLevel: usize = 0;
export let outSeverity: usize = 0;
export let outFlags: usize = 0;
/** Keyed scans: each record's session. */
export let outSession: usize = 0;
/** Zoned scans: each record's zone offset (minutes east of UTC). */
export let outZone: usize = 0;
/** Scans that leave part of a record to the caller: the records it is to finish, and a range of each line. */
export let outMarkRecord: usize = 0;
export let outMarkFrom: usize = 0;
export let outMarkEnd: usize = 0;

/** What the last scan did: the records it wrote, the last one's time, whether it stopped at a line without its LF, and the records it marked. */
export let records: i32 = 0;
export let lastWall: f64 = 0;
/** Zoned scans: the last record's zone offset as the JavaScript loop computes it (`-0000` is -0, which the Int16 array cannot hold). */
export let lastZone: f64 = 0;
export let unfinished: bool = false;
export let marks: i32 = 0;

export const LF: u32 = 10;
export const SP: u32 = 32;
export const COLON: u32 = 58;
export const DOT: u32 = 46;

/** types.ts NO_LEVEL: a record without a level. */
export const NO_LEVEL: u32 = 255;
/** types.ts RecordFlag's bits the scans write. */
export const EVENT_ERROR: u32 = 1;
export const EVENT_ERROR_IS_ERROR: u32 = 2;
export const MALFORMED: u32 = 4;
export const NO_TIME: u32 = 8;
export const LEAP_SECOND: u32 = 32;

const DAY_MS: f64 = 86_400_000;

/** Days since 1970-01-01 of a civil date: common/time.ts daysFromCivil, imported by the modules that date records. */
@external('env', 'daysFromCivil')
declare function daysFromCivil(y: i32, m: i32, d: i32): f64;

/** The date dayMs() was asked last, as (y * 100 + m) * 100 + d, and its first millisecond. */
let lastDate: i32 = -1;
let lastDayMs: f64 = 0;

/**
 * The first millisecond (since 1970, as if UTC) of the civil date y-m-d (y under 10000, m and d under
 * 100, as two digits hold them): daysFromCivil is asked only when the date changes, as a day's records
 * all write the same date.
 */
export function dayMs(y: i32, m: i32, d: i32): f64 {
  const date = (y * 100 + m) * 100 + d;
  if (date != lastDate) {
    lastDate = date;
    lastDayMs = daysFromCivil(y, m, d) * DAY_MS;
  }
  return lastDayMs;
}

/**
 * Places the regions for `inputBytes` bytes, `recordSlots` records and a severity table of
 * `levels` levels (the memory grows to fit). The caller reads where they are with the getters.
 */
export function layout(inputBytes: i32, recordSlots: i32, levels: i32): void {
  const slots = <usize>recordSlots;
  // 16 bytes of slack after the input: the line-end search loads 16 at a time.
  input = heap.alloc(<usize>inputBytes + 16 + <usize>levels + 16 + slots * 39);
  severity = input + <usize>inputBytes + 16;
  outWall = (severity + <usize>levels + 15) & ~15;
  outLine = outWall + slots * 8;
  outOffset = outLine + slots * 4;
  outMarkRecord = outOffset + slots * 4;
  outMarkFrom = outMarkRecord + slots * 4;
  outMarkEnd = outMarkFrom + slots * 4;
  outSession = outMarkEnd + slots * 4;
  outBodyCol = outSession + slots * 4;
  outZone = outBodyCol + slots * 2;
  outLevel = outZone + slots * 2;
  outSeverity = outLevel + slots;
  outFlags = outSeverity + slots;
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
export function zoneAt(): usize { return outZone; }
export function markRecordAt(): usize { return outMarkRecord; }
export function markFromAt(): usize { return outMarkFrom; }
export function markEndAt(): usize { return outMarkEnd; }
export function sessionAt(): usize { return outSession; }

/** The value of a digit byte; above 9 for any other byte. */
@inline export function digit(c: u32): u32 {
  return c - 0x30;
}

/** The two digits at `p` as a number, or -1. */
@inline export function twoDigits(p: usize): i32 {
  const a = digit(load<u8>(p));
  const b = digit(load<u8>(p + 1));
  return a <= 9 && b <= 9 ? <i32>(a * 10 + b) : -1;
}

/** Where the line starting at `p` ends (its LF), or `stop` when none does before it. */
@inline export function lineEnd(p: usize, stop: usize): usize {
  const lf = i8x16.splat(<i8>LF);
  while (p + 16 <= stop) {
    const hits = i8x16.bitmask(i8x16.eq(v128.load(p), lf));
    if (hits != 0) return p + <usize>ctz(hits);
    p += 16;
  }
  while (p < stop && <u32>load<u8>(p) != LF) p++;
  return p;
}

/** The record fields every scan writes, for record `r` of a call. */
@inline export function writeRecord(r: i32, line: u32, offset: u32, bodyCol: u32, wall: f64, level: u32, flags: u32): void {
  const i = <usize>r;
  store<u32>(outLine + (i << 2), line);
  store<u32>(outOffset + (i << 2), offset);
  store<u16>(outBodyCol + (i << 1), bodyCol < 0xffff ? bodyCol : 0xffff);
  store<f64>(outWall + (i << 3), wall);
  store<u8>(outLevel + i, level);
  store<u8>(outSeverity + i, load<u8>(severity + <usize>level));
  store<u8>(outFlags + i, flags);
}

/** Ends a call: what it did, for the caller. */
@inline export function finish(r: i32, wall: f64, stoppedUnfinished: bool, marked: i32, zone: f64): void {
  records = r;
  lastWall = wall;
  lastZone = zone;
  unfinished = stoppedUnfinished;
  marks = marked;
}
