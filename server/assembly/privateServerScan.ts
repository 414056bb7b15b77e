// PrivateServer's fused scan for keyless indexes (`msglog check`), in WebAssembly: the loop of
// PrivateServerFastScan.scan in engine/dialects/privateServerFastScan.ts for a keyless index, with the
// parser's row() (engine/dialects/privateServer.ts) for TAB-separated rows, over bytes the caller has
// copied into this module's memory (engine/wasm/wasmScan.ts). A line it does not take as a row it
// leaves to the JavaScript loop, which reads it as row() does, or stops: text other than ASCII, a cell
// that may name a column (a header row), two or three cells (a title), a time cell of another form, a
// `***` marker, more cells than it holds.
//
// What depends on the table is the caller's (table()): how many columns, which holds the time, and the
// problem rule (which cells, which words, written into the rules region), as the parser derives them
// from the header row; the cells that may name a column too (the signature words' lengths and first
// letters).
//
// AssemblyScript, compiled by scripts/buildWasm.mjs (see communigateScan.ts).

import { COLON, dayMs, digit, DOT, EVENT_ERROR, finish, input, LF, MALFORMED, NO_LEVEL, NO_TIME, outLevel, SP, twoDigits, writeRecord } from './scanCommon';
export { bodyColAt, flagsAt, inputAt, lastWall, layout, levelAt, lineAt, markEndAt, markFromAt, markRecordAt, marks, lastZone, offsetAt, records, severityAt, severityOutAt, unfinished, wallAt, zoneAt } from './scanCommon';

const TAB: u32 = 9;
const STAR: u32 = 0x2a;
const DASH: u32 = 0x2d;
const T: u32 = 0x54;
/** Cells a row may have here; a row with more is the JavaScript loop's. */
const MAX_CELLS: i32 = 64;

/** privateServerTables.ts ProblemShape: how a row is a problem (None is 0). */
const SHAPE_EQUALS: i32 = 1;
const SHAPE_STARTS_WITH: i32 = 2;
const SHAPE_EQUALS_AND_CONTAINS: i32 = 3;

/**
 * What the caller writes: at 0, 1 at `length << 8 | letter` where a signature word has that length and
 * (lower-case) first letter (privateServer.ts SIGNATURE_START); at WORDS, the problem rule's first
 * word, then its second.
 */
const WORDS: usize = 16 << 8;
const rules = memory.data((16 << 8) + 64);
/** Each cell's trimmed bounds, [start, end) pairs. */
const cells = memory.data(MAX_CELLS * 8);
/** The microseconds of one unit of a fraction of n digits (index n, 1–6). */
const microScale = memory.data<u32>([0, 100_000, 10_000, 1000, 100, 10, 1]);

/** The table, as table() set it. */
let columns: i32 = 0;
let timeCol: i32 = -1;
let shape: i32 = 0;
let cellA: i32 = -1;
let cellB: i32 = -1;
let firstLength: i32 = 0;
let secondLength: i32 = 0;

export function rulesAt(): usize {
  return rules;
}

export function wordsAt(): usize {
  return rules + WORDS;
}

/**
 * The table the next scans read rows of: its number of columns, the time column (-1: none), the
 * problem rule's shape, its cells (-1: none) and the lengths of its words (written at wordsAt()).
 */
export function table(columnCount: i32, time: i32, problemShape: i32, a: i32, b: i32, first: i32, second: i32): void {
  columns = columnCount;
  timeCol = time;
  shape = problemShape;
  cellA = a;
  cellB = b;
  firstLength = first;
  secondLength = second;
}

/** isBlank: a space, TAB, LF, VT, FF or CR. */
@inline function isBlank(c: u32): bool {
  return c == SP || c - 9 <= 4;
}

/** Whether cell [s, e) holds exactly the `length` bytes at `word`. */
function equalsWord(s: usize, e: usize, word: usize, length: i32): bool {
  return e - s == <usize>length && memory.compare(s, word, <usize>length) == 0;
}

/** Whether the `length` bytes at `word` occur in [s, e). */
function containsWord(s: usize, e: usize, word: usize, length: i32): bool {
  for (let i = s; i + <usize>length <= e; i++) if (memory.compare(i, word, <usize>length) == 0) return true;
  return false;
}

/** problemBytes: whether the row of `n` cells is a problem by the table's rule. */
function isProblem(n: i32): bool {
  if (shape == 0 || cellA < 0 || cellA >= n) return false;
  const as = <usize>load<u32>(cells + (<usize>cellA << 3));
  const ae = <usize>load<u32>(cells + (<usize>cellA << 3) + 4);
  const first = rules + WORDS;
  if (shape == SHAPE_STARTS_WITH) return ae - as >= <usize>firstLength && memory.compare(as, first, <usize>firstLength) == 0;
  if (!equalsWord(as, ae, first, firstLength)) return false;
  if (shape == SHAPE_EQUALS) return true;
  if (cellB < 0 || cellB >= n) return false;
  const bs = <usize>load<u32>(cells + (<usize>cellB << 3));
  const be = <usize>load<u32>(cells + (<usize>cellB << 3) + 4);
  return containsWord(bs, be, first + <usize>firstLength, secondLength);
}

/**
 * plainTime: the time of `YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}]` filling [s, e), or NaN when the cell is of
 * another form.
 */
function plainTime(s: usize, e: usize): f64 {
  if (e - s < 19 || <u32>load<u8>(s + 4) != DASH || <u32>load<u8>(s + 7) != DASH || (<u32>load<u8>(s + 10) != SP && <u32>load<u8>(s + 10) != T) || <u32>load<u8>(s + 13) != COLON || <u32>load<u8>(s + 16) != COLON) return NaN;
  const yHigh = twoDigits(s);
  const yLow = twoDigits(s + 2);
  const mo = twoDigits(s + 5);
  const d = twoDigits(s + 8);
  const hh = twoDigits(s + 11);
  const mm = twoDigits(s + 14);
  const ss = twoDigits(s + 17);
  if ((yHigh | yLow | mo | d | hh | mm | ss) < 0) return NaN;
  const clock = ((hh * 60 + mm) * 60 + ss) * 1000;
  let micro: u32 = 0;
  const p = s + 19;
  if (p < e) {
    const n = <i32>(e - p) - 1;
    if (<u32>load<u8>(p) != DOT || n < 1 || n > 6) return NaN;
    for (let i = p + 1; i < e; i++) {
      const c = digit(load<u8>(i));
      if (c > 9) return NaN;
      micro = micro * 10 + c;
    }
    micro *= load<u32>(microScale + (<usize>n << 2));
  }
  return dayMs(yHigh * 100 + yLow, mo, d) + <f64>clock + <f64>micro / 1000;
}

/** What readCells found besides the cells: where the line ends (its LF) and its first separator (a TAB, or the LF). */
let rowEnd: usize = 0;
let firstSep: usize = 0;
/** readCells' answers besides a number of cells: a line the JavaScript loop is to read, and one without its LF before `last`. */
const LEAVE: i32 = -1;
const UNFINISHED: i32 = -2;

/**
 * The trimmed cells of the line at `start` (before `last`), into `cells`: how many, or LEAVE, or
 * UNFINISHED. Sixteen bytes at a time: where the TABs and the LF are, and whether any byte is not
 * ASCII (the 16 bytes of slack after the input make the loads past `last` safe). A line is left when
 * a byte is not ASCII, a cell may name a column of a signature, or it has more cells than `cells` holds.
 */
@inline function readCells(start: usize, last: usize): i32 {
  const tabs16 = i8x16.splat(<i8>TAB);
  const lfs16 = i8x16.splat(<i8>LF);
  let n: i32 = 0;
  let cs = start;
  firstSep = 0;
  let p = start;
  while (true) {
    const v = v128.load(p);
    let tabs = <u32>i8x16.bitmask(i8x16.eq(v, tabs16));
    let lfs = <u32>i8x16.bitmask(i8x16.eq(v, lfs16));
    let high = <u32>i8x16.bitmask(v);
    const left = last - p;
    if (left < 16) {
      const valid = (<u32>1 << <u32>left) - 1;
      tabs &= valid;
      lfs &= valid;
      high &= valid;
    }
    let ends = false;
    if (lfs != 0) {
      const k = ctz(lfs);
      const before = (<u32>1 << k) - 1;
      tabs &= before;
      high &= before;
      rowEnd = p + <usize>k;
      ends = true;
    } else if (left <= 16) return UNFINISHED;
    if (high != 0) return LEAVE;
    // Each cell that ends in these sixteen bytes, and the last one at the LF.
    for (let cellEnds = popcnt(tabs) + (ends ? 1 : 0); cellEnds > 0; cellEnds--) {
      let ce = rowEnd;
      if (tabs != 0) {
        ce = p + <usize>ctz(tabs);
        tabs &= tabs - 1;
      }
      if (firstSep == 0) firstSep = ce;
      let s = cs;
      let e = ce;
      while (s < e && isBlank(<u32>load<u8>(s))) s++;
      while (e > s && isBlank(<u32>load<u8>(e - 1))) e--;
      if (n == MAX_CELLS) return LEAVE;
      // A cell that may name a column of a signature: the JavaScript loop decides.
      const length = e - s;
      if (length < 16 && load<u8>(rules + ((length << 8) | <usize>(<u32>load<u8>(s) | 0x20))) != 0) return LEAVE;
      store<u32>(cells + (<usize>n << 3), <u32>s);
      store<u32>(cells + (<usize>n << 3) + 4, <u32>e);
      n++;
      cs = ce + 1;
    }
    if (ends) return n;
    p += 16;
  }
  return LEAVE; // not reached: every line ends or runs past `last`
}

/** Whether any of the first `n` cells holds a byte. */
@inline function anyCell(n: i32): bool {
  for (let i: i32 = 0; i < n; i++) if (load<u32>(cells + (<usize>i << 3) + 4) > load<u32>(cells + (<usize>i << 3))) return true;
  return false;
}

/**
 * Scans the rows of input[pos, stop) (offsets into the input region) as the JavaScript loop does, at
 * most `room` of them: returns where it stopped. `line` numbers the first; `base` is added to each
 * offset (modulo 2^32, as a Uint32Array store does).
 */
export function scan(pos: i32, stop: i32, room: i32, line: u32, base: u32, prevWall: f64): i32 {
  let at = input + <usize>pos;
  const last = input + <usize>stop;
  let r: i32 = 0;
  let wall = prevWall;
  let stoppedUnfinished = false;
  while (at < last && r < room) {
    const start = at;
    // A line that may be a `***` marker is the index's.
    if (<u32>load<u8>(start) == STAR) break;
    const n = readCells(start, last);
    if (n == UNFINISHED) {
      stoppedUnfinished = true;
      break;
    }
    // Blank lines and titles (two or three cells) are the JavaScript loop's.
    if (n < 4 || !anyCell(n)) break;
    let time: f64 = NaN;
    if (timeCol >= 0 && timeCol < n) {
      const ts = <usize>load<u32>(cells + (<usize>timeCol << 3));
      const te = <usize>load<u32>(cells + (<usize>timeCol << 3) + 4);
      time = plainTime(ts, te);
      // Zones and other forms are read by the text path.
      if (time != time && te > ts) break;
    }
    let flags: u32 = n != columns ? MALFORMED : 0;
    const warning = isProblem(n);
    if (warning) flags |= EVENT_ERROR;
    if (time != time) flags |= NO_TIME;
    else wall = time;
    // Level 1 of the severity table is a warning's severity, 0 a row's without one.
    writeRecord(r, line + <u32>r, base + <u32>(start - input), timeCol == 0 ? <u32>(firstSep + 1 - start) : 0, wall, warning ? 1 : 0, flags);
    store<u8>(outLevel + <usize>r, <u8>NO_LEVEL);
    r++;
    at = rowEnd + 1;
  }
  finish(r, wall, stoppedUnfinished, 0, 0);
  return <i32>(at - input);
}
