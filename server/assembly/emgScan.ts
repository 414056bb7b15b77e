// EMG's fused scan for keyless indexes (`msglog check`) of connector logs, in WebAssembly: the loop of
// EmgFastScan.scan in engine/dialects/emgFastScan.ts for a keyless index, over bytes the caller has
// copied into this module's memory (engine/wasm/wasmScan.ts). It reads the records whose stamp is of
// the date the caller's stamp reader read last (date(): the bytes as written and the day), with a
// fraction of three digits; a line it leaves (another date, another fraction, whatever the JavaScript
// loop stops at) goes to the JavaScript loop, which tells the module the new date.
//
// What is data, written by the caller: the event words and which of them fail as errors, and the word
// `orphaned`. An OK whose INFO has that word is marked, and emg.ts's hasOrphaned decides.
//
// AssemblyScript, compiled by scripts/buildWasm.mjs (see communigateScan.ts).

import { COLON, digit, DOT, EVENT_ERROR, EVENT_ERROR_IS_ERROR, finish, input, lineEnd, NO_LEVEL, outLevel, outMarkEnd, outMarkFrom, outMarkRecord, SP, twoDigits, writeRecord } from './scanCommon';
export { bodyColAt, flagsAt, inputAt, lastWall, layout, levelAt, lineAt, markEndAt, markFromAt, markRecordAt, marks, lastZone, offsetAt, records, severityAt, severityOutAt, unfinished, wallAt, zoneAt } from './scanCommon';

const OPEN: u32 = 0x28;
const CLOSE: u32 = 0x29;

/** Event words: EVENT_SLOTS slots of EVENT_SLOT bytes, each its length, 1 when an ERR of it is an error, then its bytes. */
const EVENT_SLOT: usize = 16;
const EVENT_SLOTS: i32 = 16;
const events = memory.data(16 * 16);
/** The word an OK's INFO may name (`orphaned`), and the date part of the stamp read last as written. */
const words = memory.data(32);
const date = memory.data(16);

let eventCount: i32 = 0;
let wordLength: i32 = 0;
let dateLength: i32 = 0;
let dateMs: f64 = 0;

export function eventsAt(): usize {
  return events;
}

export function wordAt(): usize {
  return words;
}

export function dateAt(): usize {
  return date;
}

/** How many event words the caller wrote, and how long the word at wordAt() is. */
export function vocabulary(eventWords: i32, orphanedLength: i32): void {
  eventCount = eventWords;
  wordLength = orphanedLength;
}

/** The date part the caller wrote at dateAt() (`length` bytes, 0: none yet) and its day in ms: EmgStamps's last date. */
export function setDate(length: i32, ms: f64): void {
  dateLength = length;
  dateMs = ms;
}

/** Whether [s, e) is one of the event words: its slot's address, or 0. */
function eventAt(s: usize, e: usize): usize {
  const length = e - s;
  for (let k: i32 = 0; k < eventCount; k++) {
    const slot = events + <usize>k * EVENT_SLOT;
    if (<usize>load<u8>(slot) == length && memory.compare(s, slot + 2, length) == 0) return slot;
  }
  return 0;
}

/** Whether the word at wordAt() is in [s, e). */
function hasWord(s: usize, e: usize): bool {
  const length = <usize>wordLength;
  const first = load<u8>(words);
  for (let i = s; i + length <= e; i++) if (load<u8>(i) == first && memory.compare(i, words, length) == 0) return true;
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
  let stoppedUnfinished = false;
  const n = <usize>dateLength;
  while (at < last && r < room) {
    const nl = lineEnd(at, last);
    if (nl >= last) {
      stoppedUnfinished = true;
      break;
    }
    const start = at;
    const end = nl;
    // EmgStamps.end(): the date as read last, then `HH:MM:SS.fff ` (other fractions are the JavaScript loop's).
    if (n == 0 || end - start < n + 14 || memory.compare(start, date, n) != 0) break;
    const c = start + n;
    if (<u32>load<u8>(c + 2) != COLON || <u32>load<u8>(c + 5) != COLON || <u32>load<u8>(c + 8) != DOT || <u32>load<u8>(c + 12) != SP) break;
    const hh = twoDigits(c);
    const mm = twoDigits(c + 3);
    const ss = twoDigits(c + 6);
    const f0 = digit(load<u8>(c + 9));
    const f1 = digit(load<u8>(c + 10));
    const f2 = digit(load<u8>(c + 11));
    if (hh < 0 || mm < 0 || ss < 0 || max(f0, max(f1, f2)) > 9 || hh > 23 || mm > 59 || ss > 60) break;
    const p = c + 13;
    // connectorHead(): `(INSTANCE) EVENT STATUS[ (INFO)]`.
    if (<u32>load<u8>(p) != OPEN) break;
    let close = p + 1;
    while (close < end && <u32>load<u8>(close) != CLOSE) close++;
    if (close == end || <u32>load<u8>(close + 1) != SP) break;
    const evStart = close + 2;
    let evEnd = evStart;
    while (evEnd < end && <u32>load<u8>(evEnd) != SP) evEnd++;
    if (evEnd == end) break;
    const event = eventAt(evStart, evEnd);
    if (event == 0) break;
    const st = evEnd + 1;
    let stEnd = st;
    while (stEnd < end && <u32>load<u8>(stEnd) != SP) stEnd++;
    const ok = stEnd - st == 2 && <u32>load<u8>(st) == 0x4f && <u32>load<u8>(st + 1) == 0x4b;
    if (!ok && !(stEnd - st == 3 && <u32>load<u8>(st) == 0x45 && <u32>load<u8>(st + 1) == 0x52 && <u32>load<u8>(st + 2) == 0x52)) break;
    let flags: u32 = 0;
    if (!ok) flags = load<u8>(event + 1) != 0 ? EVENT_ERROR | EVENT_ERROR_IS_ERROR : EVENT_ERROR;
    else if (stEnd < end && <u32>load<u8>(stEnd + 1) == OPEN) {
      // hasOrphaned(): the word in the INFO, up to its `)`; the caller reads the fields.
      const from = stEnd + 2;
      let infoEnd = from;
      while (infoEnd < end && <u32>load<u8>(infoEnd) != CLOSE) infoEnd++;
      if (hasWord(from, infoEnd)) {
        const m = <usize>marked << 2;
        marked++;
        store<u32>(outMarkRecord + m, r);
        store<u32>(outMarkFrom + m, <u32>(from - input));
        store<u32>(outMarkEnd + m, <u32>(end - input));
      }
    }
    wall = dateMs + <f64>(((hh * 60 + mm) * 60 + ss) * 1000 + (f0 * 100 + f1 * 10 + f2));
    // Levels of the severity table: 0 a plain record's severity, 1 an event-error's, 2 a failure's.
    writeRecord(r, line + <u32>r, base + <u32>(start - input), <u32>(p - start), wall, flags == 0 ? 0 : flags & EVENT_ERROR_IS_ERROR ? 2 : 1, flags);
    store<u8>(outLevel + <usize>r, <u8>NO_LEVEL);
    r++;
    at = nl + 1;
  }
  finish(r, wall, stoppedUnfinished, marked, 0);
  return <i32>(at - input);
}
