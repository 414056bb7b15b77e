// Axigen: `YYYY-MM-DD HH:MM:SS ±ZZZZ LL HOST SERVICE:SESSIONID: message`.
import { COLON, digits, indexOfByte, parseClock, parseZone, SP } from '../bytes';
import { DAY_MS, CivilDays } from '../time';
import type { Dialect, HeaderScratch, LineParser } from '../types';
import { RecordFlag, Severity } from '../types';
import { AxigenFastScan } from './axigenFastScan';

/** Written level code → severity: the lowest bit set of the Axigen level mask (`10` is 16 in hex). */
function levelSeverity(level: number): Severity {
  if (level === 10) return Severity.Debug;
  if (level & 1) return Severity.Critical;
  if (level & 2) return Severity.Error;
  if (level & 4) return Severity.Warning;
  if (level & 8) return Severity.Info;
  return Severity.Debug;
}
/** levelSeverity of each two-digit level, 00–99 (the header reads two digits): a lookup per record. */
export const LEVEL_SEVERITY = Uint8Array.from({ length: 100 }, (_, level) => levelSeverity(level));
const LEVEL_NAMES: Record<number, string> = { 1: 'critical', 2: 'error', 4: 'warning', 8: 'info', 16: 'protocol', 10: 'protocol' };

/** Words that, soon after `auth`, make a message a failed login. */
export const FAILURE_WORDS = ['fail', 'error', 'invalid', 'denied', 'reject', 'incorrect'];
/** How far after `auth` a failure word may be (`Authentication for user someone@example.com failed`). */
export const FAILURE_REACH = 80;
/** The word starting with `auth` that reports a success (`Authenticated sender`): no failure. */
export const AUTH_SUCCESS = 'authenticated';

/** Index of the ASCII word `w` in `buf[p, end)` ignoring case (w in lower case), or -1. */
function indexOfIgnoringCase(buf: Uint8Array, w: string, p: number, end: number): number {
  const first = w.charCodeAt(0);
  for (let i = p; i + w.length <= end; i++) {
    if ((buf[i] | 0x20) !== first) continue;
    let k = 1;
    while (k < w.length && (buf[i + k] | 0x20) === w.charCodeAt(k)) k++;
    if (k === w.length) return i;
  }
  return -1;
}

/**
 * indexOfIgnoringCase(buf, 'auth', p, end), the search every Axigen message goes through: the byte a
 * match would end with is looked at first, and the search moves on by as much as that byte allows
 * (Horspool), most often four bytes, not one.
 */
export function indexOfAuth(buf: Uint8Array, p: number, end: number): number {
  for (let i = p + 3; i < end; ) {
    const c = buf[i] | 0x20;
    if (c === 0x68) {
      // `h`: the end of a match, when `aut` comes before it.
      if ((buf[i - 3] | 0x20) === 0x61 && (buf[i - 2] | 0x20) === 0x75 && (buf[i - 1] | 0x20) === 0x74) return i - 3;
      i += 4;
    } else if (c === 0x74) i += 1; // `t`: a match may end one byte on
    else if (c === 0x75) i += 2; // `u`: two
    else if (c === 0x61) i += 3; // `a`: three
    else i += 4;
  }
  return -1;
}

/**
 * An authentication failure in the message `buf[p, end)`: `auth` (Authentication, AUTH, authenticate)
 * followed closely by a failure word — `Authentication error for user`, `AUTH failed`,
 * `>> A1 NO AUTHENTICATE failed`, `authentication for user x@y.com was rejected` (FORMATS §4 event-error);
 * never after `authenticated`, which reports a success.
 */
export function isAuthFailure(buf: Uint8Array, p: number, end: number): boolean {
  for (let a = indexOfAuth(buf, p, end); a >= 0; a = indexOfAuth(buf, a + 4, end)) {
    if (indexOfIgnoringCase(buf, AUTH_SUCCESS, a, a + AUTH_SUCCESS.length) === a) continue;
    const reach = Math.min(end, a + 4 + FAILURE_REACH);
    for (const w of FAILURE_WORDS) if (indexOfIgnoringCase(buf, w, a + 4, reach) >= 0) return true;
  }
  return false;
}

class AxigenParser implements LineParser {
  private readonly clock = new Float64Array(1);
  private readonly days = new CivilDays();

  header(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean {
    const y = digits(buf, start, 4);
    const mo = digits(buf, start + 5, 2);
    const d = digits(buf, start + 8, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 10] !== SP) return false;
    let p = parseClock(buf, start + 11, end, this.clock);
    if (p < 0 || buf[p] !== SP) return false;
    const zone = parseZone(buf, p + 1, end);
    if (Number.isNaN(zone) || buf[p + 6] !== SP) return false;
    p += 7;
    const ll = digits(buf, p, 2);
    if (ll < 0 || buf[p + 2] !== SP) return false;
    p += 3;
    const bodyCol = p - start;
    // HOST, then SERVICE[:SESSIONID]: — a host-less record starts with the service token directly.
    let tokEnd = indexOfByte(buf, SP, p, end);
    if (tokEnd < 0) return false;
    if (buf[tokEnd - 1] !== COLON) {
      p = tokEnd + 1;
      tokEnd = indexOfByte(buf, SP, p, end);
      if (tokEnd < 0) tokEnd = end;
      if (buf[tokEnd - 1] !== COLON) return false;
    }
    h.wall = this.days.of(y, mo, d) * DAY_MS + this.clock[0];
    h.offsetMin = zone;
    h.level = ll;
    h.severity = LEVEL_SEVERITY[ll];
    h.bodyCol = bodyCol;
    h.keyBuf = buf;
    h.keyStart = p;
    h.keyEnd = tokEnd - 1;
    if (isAuthFailure(buf, tokEnd, end)) h.flags |= RecordFlag.EventError;
    return true;
  }
}

export const axigen: Dialect = {
  id: 'axigen-log',
  name: 'Axigen',
  createParser: () => new AxigenParser(),
  createFastScan: () => new AxigenFastScan(),
  // The parser keeps no state from line to line: parts of a log can be indexed in parallel.
  partable: true,
  // The key is a slice of its header line.
  keyPatterns: (key) => (key.length > 0 ? [key] : undefined),
  componentOf(key) {
    const colon = key.indexOf(':');
    return colon > 0 ? key.slice(0, colon) : key;
  },
  levelName: (level) => `${String(level).padStart(2, '0')} ${LEVEL_NAMES[level] ?? levelNameOfMask(level)}`,
  timestampText: (line) => /^[ \t]*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? [+-]\d{4})/.exec(line)?.[1] ?? '',
  levelSpan(header) {
    const m = /^[ \t]*\S+ \S+ [+-]\d{4} (\d{2}) /.exec(header); // DATE TIME ZONE LL HOST … (maybe pasted after blanks)
    return m ? [m[0].length - 3, m[0].length - 1] : undefined;
  },
  headersMayBeIndented: true,
  fileNameScore: (name) => (/axigen|everything|smtp|imap|pop3|webmail/i.test(name) ? 1 : 0),
};

function levelNameOfMask(level: number): string {
  return ['critical', 'error', 'warning', 'info', 'protocol'][levelSeverity(level) === Severity.Debug ? 4 : levelSeverity(level)] ?? '';
}
