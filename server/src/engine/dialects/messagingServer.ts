// Sun/Oracle Messaging Server: `[DD/Mon/YYYY:HH:MM:SS ±ZZZZ] HOST PROCESS[PID]: CATEGORY LEVEL: message`.
import { plural } from '../../../../common/describe';
import { COLON, digits, indexOfByte, isDigit, parseClock, parseZone, SP, startsWithAscii, TAB } from '../bytes';
import { DAY_MS, CivilDays, monthFromBytes } from '../time';
import type { Dialect, HeaderScratch, LineParser } from '../types';
import { RecordFlag, Severity } from '../types';
import { MessagingServerFastScan } from './messagingServerFastScan';

/** Level words in order; the index is the written level code. */
const LEVELS = ['Catastrophe', 'Critical', 'Error', 'Warning', 'Notice', 'Information', 'Debug'];
export const LEVEL_SEVERITY = [Severity.Critical, Severity.Critical, Severity.Error, Severity.Warning, Severity.Info, Severity.Info, Severity.Debug];
const LEVEL_BYTES = LEVELS.map((w) => Buffer.from(w));

/** `PROCESS[PID]:` exactly over `buf[start, end)`. */
export function isProcessToken(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 5 || buf[end - 1] !== COLON || buf[end - 2] !== 0x5d) return false;
  let p = end - 3;
  while (p > start && isDigit(buf[p])) p--;
  return buf[p] === 0x5b && p > start && p < end - 3;
}

const levelScratch = { level: 0, end: 0 };

/** The length of each level word. */
export const LEVEL_LENGTH = LEVEL_BYTES.map((w) => w.length);

/**
 * The level code of `LEVEL:` at `s` (a level word, then a colon before `end`), or -1: header() reads the
 * word up to the first colon, and no level word holds one. The first byte (and for C the second) names
 * the one word it can be, so at most one word is compared (this runs for every record).
 */
export function levelColonAt(buf: Uint8Array, s: number, end: number): number {
  let k: number;
  switch (buf[s]) {
    case 0x43 /* C */:
      k = buf[s + 1] === 0x61 /* Catastrophe */ ? 0 : 1;
      break;
    case 0x45 /* E */:
      k = 2;
      break;
    case 0x57 /* W */:
      k = 3;
      break;
    case 0x4e /* N */:
      k = 4;
      break;
    case 0x49 /* I */:
      k = 5;
      break;
    case 0x44 /* D */:
      k = 6;
      break;
    default:
      return -1;
  }
  const word = LEVEL_BYTES[k];
  const colon = s + word.length;
  if (colon >= end || buf[colon] !== COLON) return -1;
  for (let i = 1; i < word.length; i++) if (buf[s + i] !== word[i]) return -1;
  return k;
}

/** `CATEGORY LEVEL:` at `p`: the level code and the colon's index, or undefined. */
function levelWordAt(buf: Uint8Array, p: number, end: number): typeof levelScratch | undefined {
  if (p >= end) return undefined;
  const catEnd = indexOfByte(buf, SP, p, end);
  if (catEnd <= p) return undefined;
  const level = levelColonAt(buf, catEnd + 1, end);
  if (level < 0) return undefined;
  levelScratch.level = level;
  levelScratch.end = catEnd + 1 + LEVEL_LENGTH[level];
  return levelScratch;
}

/** A message that starts with the word `badlogin`: a failed login (FORMATS §4 event-error). */
export function isBadlogin(buf: Uint8Array, p: number, end: number): boolean {
  while (p < end && buf[p] === SP) p++;
  if (!startsWithAscii(buf, p, end, 'badlogin')) return false;
  const after = buf[p + 8];
  return p + 8 >= end || after === COLON || after === SP || after === TAB;
}

/**
 * The stamp `DD/Mon/YYYY:HH:MM:SS[.f] ±ZZZZ` at `p` (the month as a name or two digits, `:` or a blank
 * after the date), as header() and the fused scan's rare path read it: the column after its zone, with
 * its wall time in `out[0]` and its zone offset in `out[1]`; -1 where there is no stamp. `out[0]` is
 * also the clock's scratch.
 */
export function stampAt(buf: Uint8Array, p: number, end: number, days: CivilDays, out: Float64Array): number {
  const d = digits(buf, p, 2);
  if (d < 1 || buf[p + 2] !== 0x2f) return -1;
  let month = digits(buf, p + 3, 2);
  let q: number;
  if (month > 0) q = p + 5;
  else {
    month = monthFromBytes(buf, p + 3);
    q = p + 6;
  }
  if (month < 1 || month > 12 || buf[q] !== 0x2f) return -1;
  const y = digits(buf, q + 1, 4);
  if (y < 0 || (buf[q + 5] !== 0x3a && buf[q + 5] !== SP)) return -1;
  q = parseClock(buf, q + 6, end, out);
  if (q < 0 || buf[q] !== SP) return -1;
  const zone = parseZone(buf, q + 1, end);
  if (Number.isNaN(zone)) return -1;
  out[0] += days.of(y, month, d) * DAY_MS;
  out[1] = zone;
  return q + 6;
}

class MessagingServerParser implements LineParser {
  /** What stampAt read. */
  private readonly stamp = new Float64Array(2);
  private readonly days = new CivilDays();

  header(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean {
    let p = start;
    const bracket = buf[p] === 0x5b;
    if (bracket) p++;
    let q = stampAt(buf, p, end, this.days, this.stamp);
    if (q < 0) return false;
    if (bracket) {
      if (buf[q] !== 0x5d) return false;
      q++;
    }
    if (buf[q] !== SP) return false;
    const bodyStart = q + 1;
    // HOST PROCESS[PID]: — the PROCESS[PID]: token may end the line (a header cut off after it).
    const hostEnd = indexOfByte(buf, SP, bodyStart, end);
    if (hostEnd <= bodyStart) return false;
    let procEnd = indexOfByte(buf, SP, hostEnd + 1, end);
    if (procEnd < 0) procEnd = end;
    if (!isProcessToken(buf, hostEnd + 1, procEnd)) return false;
    h.wall = this.stamp[0];
    h.offsetMin = this.stamp[1];
    h.bodyCol = bodyStart - start;
    h.keyBuf = buf;
    h.keyStart = hostEnd + 1;
    h.keyEnd = procEnd - 1;
    // CATEGORY LEVEL: — without it the line is still a record of that process, with no level (FORMATS §4).
    const level = levelWordAt(buf, procEnd + 1, end);
    if (level === undefined) {
      h.flags |= RecordFlag.Malformed;
      return true;
    }
    h.level = level.level;
    h.severity = LEVEL_SEVERITY[level.level];
    if (isBadlogin(buf, level.end + 1, end)) h.flags |= RecordFlag.EventError;
    return true;
  }
}

const HEAD = new RegExp(`(\\S+\\[\\d+\\]): \\S+( (?:${LEVELS.join('|')})):`);
const TS = /^[ \t]*\[?(\d{2}\/(?:[A-Za-z]{3}|\d{2})\/\d{4}[: ]\d{2}:\d{2}:\d{2}(?:\.\d+)? [+-]\d{4})\]?/;

/** Columns [start, end) of the level word on a header line (`Notice` in `Account Notice:`), or undefined. */
export function levelWordSpan(line: string): [number, number] | undefined {
  const m = HEAD.exec(line);
  if (!m) return undefined;
  const end = m.index + m[0].length - 1;
  return [end - m[2].length + 1, end];
}

/** The three numbers that end an IMAP/POP `close` record, or undefined (FORMATS §2.5). */
export function closeNumbers(body: string): { clientBytes: number; serverBytes: number; mailboxes: number } | undefined {
  if (!/\bclose\b/.test(body)) return undefined;
  const m = /(\d+) (\d+) (\d+)\s*$/.exec(body);
  return m ? { clientBytes: Number(m[1]), serverBytes: Number(m[2]), mailboxes: Number(m[3]) } : undefined;
}

/** `[ip:port]` as Messaging Server writes a client connection (IPv4 or IPv6 address; some records write `[ip]`). */
const CONNECTION = /\[(?:\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)\]/;

/** The `[ip:port]` client connection a record names (login, badlogin, close, commands), or undefined (FORMATS §2.5). */
export function connectionOf(line: string): string | undefined {
  return CONNECTION.exec(line)?.[0];
}

export const messagingServer: Dialect = {
  id: 'messaging-server-log',
  connectionOf,
  name: 'Messaging Server',
  createParser: () => new MessagingServerParser(),
  createFastScan: () => new MessagingServerFastScan(),
  // The parser keeps no state from line to line: parts of a log can be indexed in parallel.
  partable: true,
  // The key (PROCESS[PID]) is a slice of its header line.
  keyPatterns: (key) => (key.length > 0 ? [key] : undefined),
  componentOf(key) {
    const b = key.indexOf('[');
    return b > 0 ? key.slice(0, b) : key;
  },
  levelName: (level) => LEVELS[level] ?? '',
  timestampText(line) {
    return TS.exec(line)?.[1] ?? '';
  },
  fileNameScore: (name) => (/^(imap|pop|http|default|admin|mshttpd|stored|imta)/i.test(name) ? 1 : 0),
  headersMayBeIndented: true,
  malformedMessage: 'Malformed: a header cut off after PROCESS[PID]: (no "Category Level:"); read as a record of that process with no level',
  levelSpan: (header) => levelWordSpan(header), // "Notice" between CATEGORY and ':'
  tokenFacts(header) {
    // The three numbers ending an IMAP/POP `close` record (FORMATS §2.5).
    const numbers = closeNumbers(header);
    const m = /(\d+) (\d+) (\d+)\s*$/.exec(header);
    if (!numbers || !m) return [];
    const what =
      `: ${numbers.clientBytes} bytes sent by the client · ${numbers.serverBytes} bytes sent by the server · ` +
      `${plural(numbers.mailboxes, 'mailbox', 'mailboxes')} selected`;
    return [{ start: m.index, end: m.index + m[1].length + m[2].length + m[3].length + 2, title: [{ strong: 'close' }, what], details: [], aboutRecord: true }];
  },
};
