// CommuniGate Pro main log (`HH:MM:SS[.f] L REST`) and supplementary logs (`HH:MM:SS.fff` + TAB fields).
import { COLON, DOT, isDigit, isNameChar, LF, SP, TAB } from '../bytes';
import { clockBytes, clockText } from './clock';
import { DAY_MS, daysFromCivil } from '../time';
import type { Dialect, FastRecords, FastScan, HeaderScratch, LineParser } from '../types';
import { NO_LEVEL, RecordFlag, Severity } from '../types';
import { fieldIs, KeyComposer, tabFields } from './keyScratch';
import { endFastScan } from '../fastScanEnd';
import { communigateKeyedScan, communigateWasmScan } from '../wasm/communigateScan';
import type { WasmKeyedScan } from '../wasm/keyedScan';
import { LazyWasmScan, KeylessWasmScan } from '../wasm/wasmScan';
import type { KeyTable } from '../keyTable';

const LEVEL_SEVERITY = [Severity.Critical, Severity.Error, Severity.Info, Severity.Warning, Severity.Debug, Severity.Trace];
const LEVEL_NAMES = ['Crash', 'Failure', 'Major', 'Problems', 'Low Level', 'All Info'];
const FILE_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:_\d{2}-\d{2})?\.log$/i;

/** The date of a CommuniGate log from its file name (`2026-01-15.log`, `2026-01-15_18-00.log`), in ms, or undefined. */
export function communigateFileDate(fileName: string | undefined): number | undefined {
  const m = fileName ? FILE_DATE.exec(fileName) : null;
  return m ? daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) * DAY_MS : undefined;
}

/** The prefixes of keys made for supplementary records (FORMATS §2.2). */
const SUPPLEMENTARY_PREFIXES = ['queue:', 'account:', 'settings:'].map((p) => Buffer.from(p));

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Letters, digits and `_` (a component NAME), as a table: the header scan asks it for every byte of a key. */
const NAME_CHAR = new Uint8Array(256);
for (let c = 0; c < 256; c++) NAME_CHAR[c] = isNameChar(c) ? 1 : 0;


/**
 * The header parser, written for the index's hot loop: the clock, level and session key are read
 * byte by byte in one pass, nothing is allocated for a main-log record. Times are times of day; the
 * index dates them (see `timeOfDay`).
 */
class CommunigateParser implements LineParser {
  private readonly key = new KeyComposer();
  private readonly fields: number[] = [];

  header(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean {
    // HH:MM:SS[.f{1,6}] then a space or a TAB.
    const q = clockAt(buf, start, end);
    if (q < 0) return false;
    const sep = buf[q];
    if (sep === SP && q + 2 < end && buf[q + 1] >= 0x30 && buf[q + 1] <= 0x35 && buf[q + 2] === SP) {
      this.mainRecord(buf, q + 3, end, h);
      h.level = buf[q + 1] - 0x30;
      h.severity = LEVEL_SEVERITY[h.level];
      h.bodyCol = q + 3 - start;
    } else if ((sep !== SP && sep !== TAB) || !this.supplementary(buf, q + 1, end, h)) {
      return false;
    } else {
      h.bodyCol = q + 1 - start;
    }
    h.wall = CLOCK[0];
    if (isLeapSecond(buf, start)) h.flags |= RecordFlag.LeapSecond;
    return true;
  }

  continuation(buf: Uint8Array, start: number, end: number): string | undefined {
    let p = start;
    while (p < end && (buf[p] === SP || buf[p] === TAB)) p++;
    return callIdAt(buf, p, end);
  }

  /** Session key from REST (FORMATS §2.1). */
  private mainRecord(buf: Uint8Array, rest: number, end: number, h: HeaderScratch): void {
    let p = rest;
    // The key is hashed as it is read (FNV-1a, keyTable's hashKey): the index interns it without a second pass.
    let hash = FNV_OFFSET;
    while (p < end && NAME_CHAR[buf[p]] === 1) hash = Math.imul(hash ^ buf[p++], FNV_PRIME);
    const nameEnd = p;
    h.keyBuf = buf;
    h.keyStart = rest;
    // NAME-DIGITS, the common form: the key ends after the digits.
    if (nameEnd > rest && p + 1 < end && buf[p] === 0x2d && isDigit(buf[p + 1])) {
      hash = Math.imul(hash ^ 0x2d, FNV_PRIME);
      p++;
      while (p < end && isDigit(buf[p])) hash = Math.imul(hash ^ buf[p++], FNV_PRIME);
      h.keyEnd = p;
      h.keyHash = hash >>> 0;
      if (buf[rest] === 0x53 /* S */ && fieldIs(buf, rest, rest + 8, 'SIPDATA-')) sipDialog(buf, firstSpace(buf, p, end), end, h);
      return;
    }
    // Name characters are never spaces: the first space is at or after the name.
    const keyEnd = firstSpace(buf, p, end);
    h.keyEnd = keyEnd;
    if (nameEnd === rest) return;
    // Thread form: NAME(n) DIGITS: …  → NAME-DIGITS
    if (buf[p] === 0x28 /* ( */ && keyEnd > p && buf[keyEnd - 1] === 0x29 /* ) */ && keyEnd + 1 < end) {
      let d = keyEnd + 1;
      while (d < end && isDigit(buf[d])) d++;
      if (d > keyEnd + 1 && d < end && buf[d] === COLON) {
        this.key.begin().bytes(buf, rest, nameEnd).ascii('-').bytes(buf, keyEnd + 1, d).into(h);
      }
    }
  }

  /** Delivery, access and settings records (FORMATS §2.2). */
  private supplementary(buf: Uint8Array, s: number, end: number, h: HeaderScratch): boolean {
    const f = this.fields;
    const n = tabFields(buf, s, end, f);
    if (n < 2) return false;
    const version = f[1] - f[0] === 2 && isDigit(buf[f[0]]) && isDigit(buf[f[0] + 1]);
    if (version) {
      const [s1, e1] = [f[2], f[3]];
      if (fieldIs(buf, s1, e1, 'RELAY') || fieldIs(buf, s1, e1, 'FINAL') || fieldIs(buf, s1, e1, 'TMPER') || fieldIs(buf, s1, e1, 'ERROR')) {
        if (n > 7) this.key.begin().ascii('queue:').bytes(buf, f[14], f[15]).into(h);
        else this.key.begin().ascii('queue:').into(h);
        if (buf[s1] === 0x54 /* TMPER */) {
          h.severity = Severity.Warning;
          h.flags |= RecordFlag.EventError;
        } else if (buf[s1] === 0x45 /* ERROR */) {
          h.severity = Severity.Error;
          h.flags |= RecordFlag.EventError | RecordFlag.EventErrorIsError;
        }
        return true;
      }
      const access = ['login', 'logout', 'verify', 'failure', 'p-change', 's-change'].some((w) => fieldIs(buf, s1, e1, w));
      if (access && n > 2) {
        this.key.begin().ascii('account:').bytes(buf, f[4], f[5]).into(h);
        if (fieldIs(buf, s1, e1, 'failure')) {
          h.severity = Severity.Warning;
          h.flags |= RecordFlag.EventError;
        }
        return true;
      }
    }
    this.key.begin().ascii('settings:').bytes(buf, f[0], f[1]).into(h);
    return true;
  }
}

/** The time of day (ms) clockAt read last. */
const CLOCK = new Float64Array(1);

/** `HH:MM:SS[.f{1,6}]` at `start`, not ending the line: the column after it (its time of day in CLOCK[0]), or -1. */
function clockAt(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 10 || buf[start + 2] !== COLON || buf[start + 5] !== COLON) return -1;
  const hh = (buf[start] - 0x30) * 10 + buf[start + 1] - 0x30;
  const mm = (buf[start + 3] - 0x30) * 10 + buf[start + 4] - 0x30;
  const ss = (buf[start + 6] - 0x30) * 10 + buf[start + 7] - 0x30;
  if (!isDigit(buf[start]) || !isDigit(buf[start + 1]) || !isDigit(buf[start + 3]) || !isDigit(buf[start + 4]) || !isDigit(buf[start + 6]) || !isDigit(buf[start + 7])) return -1;
  if (hh > 23 || mm > 59 || ss > 60) return -1;
  let q = start + 8;
  let frac = 0;
  // Milliseconds, as CommuniGate writes them: three digits read as an integer (no division per digit).
  const d1 = buf[q + 1] - 0x30;
  const d2 = buf[q + 2] - 0x30;
  const d3 = buf[q + 3] - 0x30;
  if (buf[q] === DOT && d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9 && d3 >= 0 && d3 <= 9 && q + 4 < end && !isDigit(buf[q + 4])) {
    CLOCK[0] = ((hh * 60 + mm) * 60 + ss) * 1000 + d1 * 100 + d2 * 10 + d3;
    return q + 4;
  }
  if (buf[q] === DOT) {
    q++;
    let scale = 100;
    const last = Math.min(end, q + 6);
    while (q < last && isDigit(buf[q])) {
      frac += (buf[q] - 0x30) * scale;
      scale /= 10;
      q++;
    }
    if (scale === 100 || (q < end && isDigit(buf[q]))) return -1; // no digit, or more than six
  }
  if (q >= end) return -1;
  CLOCK[0] = ((hh * 60 + mm) * 60 + ss) * 1000 + frac;
  return q;
}

/** The clock at `start` (valid, see clockAt) writes second 60. */
function isLeapSecond(buf: Uint8Array, start: number): boolean {
  return buf[start + 6] === 0x36 && buf[start + 7] === 0x30;
}

function firstSpace(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] !== SP) p++;
  return p;
}

/** `inp: Call-ID: value` / `out: Call-ID: value` after the prefix key of a SIPDATA record: its bounds into `h`. */
function sipDialog(buf: Uint8Array, p: number, end: number, h: HeaderScratch): void {
  // The key's bytes are the log's own here (NAME-DIGITS form), so the dialog's bounds are too.
  if (sipDialogRange(buf, p, end, RANGE)) {
    h.dialogStart = RANGE[0];
    h.dialogEnd = RANGE[1];
  }
}

/** The bounds of the Call-ID value of `inp: Call-ID: value` / `out: Call-ID: value` at `p`, into `range`; false when there is none. */
function sipDialogRange(buf: Uint8Array, p: number, end: number, range: number[]): boolean {
  while (p < end && buf[p] === SP) p++;
  if (p + 4 > end || buf[p + 3] !== COLON) return false;
  const d0 = buf[p];
  const d1 = buf[p + 1];
  const d2 = buf[p + 2];
  if (!((d0 === 0x69 && d1 === 0x6e && d2 === 0x70) /* inp */ || (d0 === 0x6f && d1 === 0x75 && d2 === 0x74) /* out */)) return false;
  p += 4;
  if (p < end && buf[p] === 0x2b /* + */) p++;
  while (p < end && buf[p] === SP) p++;
  return callIdRange(buf, p, end, range);
}

/**
 * The index's hot loop for main-log records (Dialect.createFastScan): header() and RecordStore.addRecord
 * fused, statement for statement, for records keyed `NAME-DIGITS` or by a plain prefix key. Lines of
 * any other shape (thread forms, supplementary records, continuation lines, markers) stop it: the
 * index reads them one by one.
 */
class CommunigateFastScan extends KeylessWasmScan implements FastScan {
  private readonly range = [0, 0];
  /** The WebAssembly scan (wasm/communigateScan.ts), for keyless indexes. */
  protected readonly wasm: LazyWasmScan;
  /**
   * The keyed index's WebAssembly scan, made at its first keyed scan: an instance of its own, whose
   * memory holds the index's keys (read on the JavaScript loop once it could not take a key).
   */
  private readonly keyed: LazyWasmScan<WasmKeyedScan>;

  /** `wasm` false: the JavaScript loop below for every index (the tests compare the two). */
  constructor(wasm = true) {
    super();
    this.wasm = new LazyWasmScan(wasm ? () => communigateWasmScan(LEVEL_SEVERITY) : undefined);
    this.keyed = new LazyWasmScan(wasm ? () => communigateKeyedScan(LEVEL_SEVERITY) ?? undefined : undefined);
  }

  override beginChunk(buf: Buffer): void {
    super.beginChunk(buf);
    this.keyed.beginChunk(buf);
  }

  override endChunk(): void {
    super.endChunk();
    this.keyed.endChunk();
  }

  keyNumbers(keys: KeyTable, pool: Uint8Array, bounds: Uint32Array, n: number, numbers: Int32Array): boolean {
    return this.keyed.made()?.keyNumbers(keys, pool, bounds, n, numbers) ?? false;
  }

  scan(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    if (out.keyless) {
      const wasm = this.wasm.get();
      if (wasm !== undefined) return wasm.scanKeyless(buf, pos, stop, base, out);
    } else {
      const keyed = this.keyed.get();
      if (keyed?.usable === true) return keyed.scanKeyed(buf, pos, stop, base, out);
    }
    const { recStartLine, recStartOffset, recBodyCol, recWall, recLevel, recSeverity, recFlags, recSession } = out;
    const { sessionFirst, sessionLast, sessionRecordCount, sessionDialog, keys, keyless } = out;
    const capacity = recStartLine.length;
    const sessionSlots = sessionFirst.length;
    const range = this.range;
    let r = out.recordCount;
    let line = out.line;
    let prevWall = out.prevWall;
    while (pos < stop && r < capacity) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0 || nl >= stop) break;
      const start = pos;
      const end = nl;
      // header(): HH:MM:SS[.f{1,6}] L REST
      const q = clockAt(buf, start, end);
      if (q < 0 || buf[q] !== SP || q + 2 >= end || buf[q + 1] < 0x30 || buf[q + 1] > 0x35 || buf[q + 2] !== SP) break;
      const wall = CLOCK[0];
      // mainRecord(): the session key. header() takes any key after ` L `, and a keyless index puts
      // every record in session 0: then it is not read (the thread form `NAME(n) DIGITS:` included).
      const rest = q + 3;
      let s = 0;
      let dialogEnd = 0;
      if (!keyless) {
        let p = rest;
        let hash = FNV_OFFSET;
        while (p < end && NAME_CHAR[buf[p]] === 1) hash = Math.imul(hash ^ buf[p++], FNV_PRIME);
        const nameEnd = p;
        if (nameEnd > rest && p + 1 < end && buf[p] === 0x2d && isDigit(buf[p + 1])) {
          hash = Math.imul(hash ^ 0x2d, FNV_PRIME);
          p++;
          while (p < end && isDigit(buf[p])) hash = Math.imul(hash ^ buf[p++], FNV_PRIME);
          if (buf[rest] === 0x53 /* S */ && fieldIs(buf, rest, rest + 8, 'SIPDATA-') && sipDialogRange(buf, firstSpace(buf, p, end), end, range)) dialogEnd = range[1];
          s = keys.internHashed(buf, rest, p, hash >>> 0);
        } else {
          const keyEnd = firstSpace(buf, p, end);
          // The thread form `NAME(n) DIGITS:` makes a key of its own: header() composes it.
          if (nameEnd > rest && buf[p] === 0x28 && keyEnd > p && buf[keyEnd - 1] === 0x29 && keyEnd + 1 < end) {
            let d = keyEnd + 1;
            while (d < end && isDigit(buf[d])) d++;
            if (d > keyEnd + 1 && d < end && buf[d] === COLON) break;
          }
          s = keys.intern(buf, rest, keyEnd);
        }
      }
      // addRecord(), for a header with a time, no zone and no flags but a leap second.
      if (s >= sessionSlots) break; // the session arrays must grow: addRecord does it
      recStartLine[r] = line;
      recStartOffset[r] = base + start;
      const bodyCol = rest - start;
      recBodyCol[r] = bodyCol < 0xffff ? bodyCol : 0xffff;
      const level = buf[q + 1] - 0x30;
      recLevel[r] = level;
      recSeverity[r] = LEVEL_SEVERITY[level];
      recWall[r] = wall;
      prevWall = wall;
      recFlags[r] = isLeapSecond(buf, start) ? RecordFlag.LeapSecond : 0;
      if (!keyless) recSession[r] = s; // keyless: 0 already, its pages left untouched
      if (sessionRecordCount[s] === 0) sessionFirst[s] = r;
      sessionLast[s] = r;
      sessionRecordCount[s]++;
      if (dialogEnd !== 0) sessionDialog.addBytes(s, buf, range[0], dialogEnd);
      r++;
      line++;
      pos = nl + 1;
    }
    endFastScan(out, r, line, prevWall, base, pos);
    return pos;
  }
}

/** CommuniGate's fused scan; `wasm` false keeps keyless indexes on the JavaScript loop (for comparisons). */
export function communigateFastScan(wasm = true): FastScan {
  return new CommunigateFastScan(wasm);
}

const CALL_ID = Buffer.from('call-id:');
const RANGE = [0, 0];

/** The bounds of the value of a `Call-ID:` (or compact `i:`) SIP header at `p`, into `range`; false when there is none. */
function callIdRange(buf: Uint8Array, p: number, end: number, range: number[]): boolean {
  let v = -1;
  if (p + 8 <= end) {
    let i = 0;
    // ASCII case folding: SIP header names are case-insensitive.
    while (i < 8 && (buf[p + i] | 0x20) === (CALL_ID[i] | 0x20)) i++;
    if (i === 8) v = p + 8;
  }
  if (v < 0 && p + 2 <= end && (buf[p] | 0x20) === 0x69 && buf[p + 1] === COLON) v = p + 2;
  if (v < 0) return false;
  while (v < end && (buf[v] === SP || buf[v] === TAB)) v++;
  let e = end;
  while (e > v && (buf[e - 1] === SP || buf[e - 1] === TAB || buf[e - 1] === 0x0d)) e--;
  if (e <= v) return false;
  range[0] = v;
  range[1] = e;
  return true;
}

/** The value of a `Call-ID:` (or compact `i:`) SIP header at `p`, or undefined. */
function callIdAt(buf: Uint8Array, p: number, end: number): string | undefined {
  return callIdRange(buf, p, end, RANGE) ? Buffer.from(buf.buffer, buf.byteOffset + RANGE[0], RANGE[1] - RANGE[0]).toString('utf8') : undefined;
}

/**
 * `since % DAY_MS`, without the floating-point remainder (a library call) for a time within the day,
 * which nearly every stamp is: the same number for every `since`, -0 and NaN included.
 */
function timeOfDay(since: number): number {
  return since >= 0 && since < DAY_MS ? since : since % DAY_MS;
}

/**
 * The fraction digits of a record's stamp as written, from where its body starts (the stamp is the
 * line's first token: a main record's body starts 3 bytes after it, "L ", a supplementary one's 1,
 * TAB), or -1 when it cannot be rebuilt (a leap second, no time, an unusual stamp).
 */
function stampDigits(bodyCol: number, level: number, flags: number): number {
  if (flags & (RecordFlag.LeapSecond | RecordFlag.NoTime)) return -1;
  const length = level === NO_LEVEL ? bodyCol - 1 : bodyCol - 3;
  return length === 8 ? 0 : length >= 10 && length <= 15 ? length - 9 : -1;
}

export const communigate: Dialect = {
  id: 'communigate-log',
  name: 'CommuniGate Pro',
  createParser: () => new CommunigateParser(),
  createScanner: () => new CommunigateParser(),
  createFastScan: () => new CommunigateFastScan(),
  timeOfDay: (ctx) => communigateFileDate(ctx.fileName) ?? 0,
  partable: true,
  stampText(wall, dayBase, bodyCol, level, flags) {
    const digits = stampDigits(bodyCol, level, flags);
    const tod = timeOfDay(wall - dayBase);
    return digits < 0 || !(tod >= 0) ? undefined : clockText(tod, digits);
  },
  stampBytes(wall, dayBase, bodyCol, level, flags, out, at) {
    const digits = stampDigits(bodyCol, level, flags);
    const tod = timeOfDay(wall - dayBase);
    return digits < 0 || !(tod >= 0) ? -1 : clockBytes(tod, digits, out, at);
  },
  componentOf(key) {
    const m = /^[A-Za-z0-9_]+/.exec(key);
    return m ? m[0] : key;
  },
  componentPrefix(key, start, end) {
    let p = start;
    while (p < end && NAME_CHAR[key[p]] === 1) p++;
    return p - start;
  },
  keyPatterns(key) {
    // NAME-DIGITS: written as such, or in the thread form `NAME(n) DIGITS:`.
    let p = 0;
    while (p < key.length && NAME_CHAR[key[p]] === 1) p++;
    let d = p + 1;
    while (d < key.length && isDigit(key[d])) d++;
    if (p > 0 && key[p] === 0x2d && d > p + 1 && d === key.length) return [key, Buffer.concat([key.subarray(0, p), Buffer.from('(')])];
    // Keys of supplementary records hold a field of the line (`queue:<queueID>`, `account:<name>`,
    // `settings:<field>`); a main record's prefix key of that form is written whole, field included.
    for (const prefix of SUPPLEMENTARY_PREFIXES) {
      if (key.length > prefix.length && key.subarray(0, prefix.length).equals(prefix)) return [key.subarray(prefix.length)];
    }
    // Any other key is a prefix key, written as it is.
    return key.length > 0 && !SUPPLEMENTARY_PREFIXES.some((prefix) => key.equals(prefix)) ? [key] : undefined;
  },
  levelName: (level) => (level < LEVEL_NAMES.length ? `${level} ${LEVEL_NAMES[level]}` : ''),
  timestampText: (line) => /^[^ \t]*/.exec(line)![0],
  levelSpan(header) {
    const m = /^\S+ ([0-5]) /.exec(header); // HH:MM:SS.fff L REST
    return m ? [m[0].length - 2, m[0].length - 1] : undefined;
  },
  crashLevel: 0,
  digitLevels: true,
  writesOverflowMarkers: true,
  fileDate: communigateFileDate,
  fileNameScore: (name) => (FILE_DATE.test(name) ? 2 : /\.log$/i.test(name) ? 1 : 0),
  queueId(firstBodyLine, sessionKey) {
    // `DEQUEUER [4411] …` records share the prefix key DEQUEUER; the queue id names the message.
    const id = /^DEQUEUER \[(\d+)\]/.exec(firstBodyLine)?.[1] ?? /^QUEUE\(\[(\d+)\]\)$/.exec(sessionKey)?.[1] ?? /^queue:(\d+)$/.exec(sessionKey)?.[1];
    return id;
  },
};
