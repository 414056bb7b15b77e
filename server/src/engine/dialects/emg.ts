// EMG SMS gateway logs: connector (`TS (INST) EVENT STATUS …`), pdu.*, profiling, general/debug.
import { digits, indexOfByte, isDigit, parseClock, SP } from '../bytes';
import { grow, KeyTable } from '../keyTable';
import { DAY_MS, daysFromCivil, monthFromBytes } from '../time';
import { RecordFlag, Severity } from '../types';
import type { TokenFact, Dialect, HeaderScratch, LineParser, ParseContext } from '../types';
import { EmgFastScan } from './emgFastScan';
import { fieldIs, KeyComposer } from './keyScratch';

const EVENTS = ['CONNECT', 'DISCONNECT', 'LOGIN', 'LOGOUT', 'SEND', 'RECEIVE', 'REJECT', 'MAXFAIL', 'EXPIRE'];
const [CONNECT, DISCONNECT, LOGIN, LOGOUT, SEND, RECEIVE, REJECT, MAXFAIL, EXPIRE] = EVENTS.map((e) => EVENTS.indexOf(e));
/** EMG MGP option numbers (FORMATS §2.3 and the EMG manual). */
export const EMG_OPTIONS: Record<number, string> = {
  8: 'DESTADDR (recipient address)',
  9: 'DESTADDRTON (recipient type of number)',
  10: 'DESTADDRNPI (recipient numbering plan)',
  17: 'message length',
  19: 'DLR (delivery report requested)',
  59: 'CONNECTOR (connector name)',
  95: 'ENDSECS (final entry: end time, seconds)',
  96: 'ENDMSECS (final entry: end time, milliseconds)',
};
/** Level words of general/debug logs, most severe first; the index is the written level code. */
const LEVEL_WORDS = ['CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG', 'DEBUG2'];
const LEVEL_ALIASES: Record<string, number> = { FATAL: 0, CRIT: 0, ERR: 1, WARN: 2, NOTICE: 3 };
const LEVEL_SEVERITY = [Severity.Critical, Severity.Error, Severity.Warning, Severity.Info, Severity.Debug, Severity.Trace];

type FileKind = 'connector' | 'pdu' | 'profiling' | 'general' | 'auto';

function fileKind(name: string | undefined): FileKind {
  const n = (name ?? '').toLowerCase();
  if (n.startsWith('connector.')) return 'connector';
  if (n.startsWith('pdu.')) return 'pdu';
  if (n.startsWith('profiling')) return 'profiling';
  if (n.startsWith('general') || n.startsWith('debug')) return 'general';
  return 'auto';
}

/**
 * The year-less and dated stamps of EMG logs (`Mon DD hh:mm:ss.f`, `YYYY-MM-DD hh:mm:ss.f`), as the
 * parser and its fused scan (emgFastScan.ts) read them: one reader per parser, shared by both.
 */
export class EmgStamps {
  /** The time end() read last: ms as if UTC. */
  wall = NaN;
  private readonly clock = new Float64Array(1);
  /** The file's modification year and month (1–12), read once: a Date's local fields cost a zone lookup each. */
  private readonly fileYear: number;
  private readonly fileMonth: number;
  /**
   * The date part of the last stamp read as written (`Jan 15 `, `2026-01-15 `), its length and its
   * day in ms: the next stamp is nearly always of the same day, and the same bytes are the same date.
   */
  private readonly dateBytes = new Uint8Array(11);
  private dateLength = 0;
  private dateMs = 0;

  /** The date part of the last stamp read, as written (a view of this reader's own bytes: empty before the first), and its day in ms. */
  get lastDate(): Uint8Array {
    return this.dateBytes.subarray(0, this.dateLength);
  }

  get lastDateMs(): number {
    return this.dateMs;
  }

  constructor(mtime: Date) {
    this.fileYear = mtime.getFullYear();
    this.fileMonth = mtime.getMonth() + 1;
  }

  /** Parses the stamp at `start` and the space after it; returns the next column (the time in `wall`), or -1. */
  end(buf: Uint8Array, start: number, end: number): number {
    const n = this.dateLength;
    const date = this.dateBytes;
    let i = 0;
    while (i < n && buf[start + i] === date[i]) i++;
    const p = i === n && n > 0 ? start + n : this.date(buf, start);
    if (p < 0) return -1;
    const q = parseClock(buf, p, end, this.clock);
    if (q < 0 || q === p + 8 || q >= end || buf[q] !== SP) return -1; // the fraction is mandatory
    this.wall = this.dateMs + this.clock[0];
    return q + 1;
  }

  /** Reads the date part of a stamp and the space after it, which becomes the last date; returns the next column, or -1. */
  private date(buf: Uint8Array, start: number): number {
    let year: number;
    let month: number;
    let day: number;
    let p: number;
    if (isDigit(buf[start])) {
      year = digits(buf, start, 4);
      month = digits(buf, start + 5, 2);
      day = digits(buf, start + 8, 2);
      if (year < 0 || month < 1 || month > 12 || day < 1 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d || buf[start + 10] !== SP) return -1;
      p = start + 11;
    } else {
      month = monthFromBytes(buf, start);
      if (month === 0 || buf[start + 3] !== SP) return -1;
      p = start + 4;
      if (buf[p] === SP) p++; // syslog pads single-digit days with a space
      const d1 = isDigit(buf[p + 1]);
      day = d1 ? digits(buf, p, 2) : digits(buf, p, 1);
      if (day < 1) return -1;
      p += d1 ? 2 : 1;
      if (buf[p] !== SP) return -1;
      p++;
      // No year in the stamp: the file's modification year, one less for months after that month.
      year = this.fileYear - (month > this.fileMonth ? 1 : 0);
    }
    // Every byte read above is in [start, p): the same bytes make the same date.
    const n = p - start;
    for (let i = 0; i < n; i++) this.dateBytes[i] = buf[start + i];
    this.dateLength = n;
    this.dateMs = daysFromCivil(year, month, day) * DAY_MS;
    return p;
  }
}

/** The parser of EMG logs; exported for the fused scan (emgFastScan.ts), which reads and keeps its state. */
export class EmgParser implements LineParser {
  private kind: FileKind;
  readonly stamps: EmgStamps;
  private readonly key = new KeyComposer();
  /** connectorHead's positions. */
  private readonly head = new Int32Array(HEAD_LENGTH);
  /** Per instance (interned bytes of `(INSTANCE)`): number of spans so far, and 1 while the current one is open (no DISCONNECT yet). */
  private readonly instances = new KeyTable();
  private spanCount = new Uint32Array(16);
  private spanOpen = new Uint8Array(16);
  /** Cleared by dropKeys: no span is counted nor key composed (a fifth of a keyless scan's time). */
  private keyed = true;

  constructor(ctx: ParseContext) {
    this.kind = fileKind(ctx.fileName);
    this.stamps = new EmgStamps(new Date(ctx.mtimeMs ?? Date.now()));
  }

  header(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean {
    const p = this.stamps.end(buf, start, end);
    if (p < 0) return false;
    h.wall = this.stamps.wall;
    h.bodyCol = p - start;
    if (this.kind === 'auto') this.kind = buf[p] === 0x28 ? 'connector' : buf[p] === 0x7c ? 'profiling' : 'general';
    switch (this.kind) {
      case 'connector':
        if (!this.connector(buf, p, end, h)) {
          h.flags |= RecordFlag.Malformed;
          h.keyBuf = GENERAL;
          h.keyEnd = GENERAL.length;
        }
        return true;
      case 'pdu': {
        const e = indexOfByte(buf, SP, p, end);
        h.keyBuf = buf;
        h.keyStart = p;
        h.keyEnd = e < 0 ? end : e;
        return true;
      }
      case 'profiling': {
        const close = buf[p] === 0x7c ? indexOfByte(buf, 0x7c, p + 1, end) : -1;
        if (close > p) {
          h.keyBuf = buf;
          h.keyStart = p + 1;
          h.keyEnd = close;
        } else {
          h.keyBuf = GENERAL;
          h.keyEnd = GENERAL.length;
        }
        return true;
      }
      default:
        this.general(buf, p, end, h, start);
        return true;
    }
  }

  /** Whether records are read as connector records (decided by the file's name or its first record). */
  readsConnector(): boolean {
    return this.kind === 'connector';
  }

  /** `(INSTANCE) EVENT STATUS[ (INFO)][ OPTIONS]` with connect spans as sessions. */
  private connector(buf: Uint8Array, p: number, end: number, h: HeaderScratch): boolean {
    const flags = connectorHead(buf, p, end, this.head);
    if (flags < 0) return false;
    if (flags !== 0) {
      h.severity = flagSeverity(flags);
      h.flags |= flags;
    }
    if (this.keyed) this.spanKey(buf, p, this.head[HEAD_CLOSE] + 1, this.head[HEAD_EVENT], h);
    return true;
  }

  /**
   * Counts the record of `event` in its instance's spans (`buf[instStart, instEnd)`, the instance
   * with its parentheses) and composes its key `(INSTANCE)#SPAN` into `h`. Only while keyed.
   */
  spanKey(buf: Uint8Array, instStart: number, instEnd: number, event: number, h: HeaderScratch): void {
    // Spans per instance, the instance interned from its bytes: no string per record.
    const inst = this.instances.intern(buf, instStart, instEnd);
    if (inst >= this.spanCount.length) {
      this.spanCount = grow(this.spanCount, inst + 1);
      this.spanOpen = grow(this.spanOpen, inst + 1);
    }
    if (event === CONNECT || this.spanOpen[inst] === 0) {
      this.spanCount[inst]++;
      this.spanOpen[inst] = 1;
    }
    if (event === DISCONNECT) this.spanOpen[inst] = 0;
    this.key.begin().bytes(buf, instStart, instEnd).ascii('#').decimal(this.spanCount[inst]).into(h);
  }

  dropKeys(): void {
    this.keyed = false;
  }

  /** The file's kind, decided by its name or first record; spans are not compared: see splitsWithState. */
  partState(): string {
    return this.kind;
  }

  /** `TS [LEVELWORD] text`: one session, `general`. */
  private general(buf: Uint8Array, p: number, end: number, h: HeaderScratch, start: number): void {
    h.keyBuf = GENERAL;
    h.keyStart = 0;
    h.keyEnd = GENERAL.length;
    let e = p;
    while (e < end && ((buf[e] >= 0x41 && buf[e] <= 0x5a) || isDigit(buf[e]))) e++;
    if (e === p || (e < end && buf[e] !== SP && buf[e] !== 0x3a)) return;
    // The word is compared in bytes; a string is made only for a word of alias length that is no level word.
    let code: number | undefined = -1;
    for (let k = 0; k < LEVEL_WORDS.length && code < 0; k++) if (fieldIs(buf, p, e, LEVEL_WORDS[k])) code = k;
    if (code < 0) code = e - p <= 6 ? LEVEL_ALIASES[Buffer.from(buf.buffer, buf.byteOffset + p, e - p).toString('latin1')] : undefined;
    if (code === undefined) return;
    h.level = code;
    h.severity = LEVEL_SEVERITY[code];
    if (buf[e] === 0x3a) e++;
    while (e < end && buf[e] === SP) e++;
    h.bodyCol = e - start;
  }
}

const GENERAL = Buffer.from('general');

/** connectorHead's positions: where the instance's `)` is, and the event's number in EVENTS; how many. */
export const HEAD_CLOSE = 0;
export const HEAD_EVENT = 1;
export const HEAD_LENGTH = 2;

/**
 * The connector header at `p`, `(INSTANCE) EVENT STATUS[ (INFO)]`: its event-error flags (0 for a plain
 * OK), or -1 when it is none; HEAD_CLOSE and HEAD_EVENT into `head`. Shared by the parser and the fused
 * scan (emgFastScan.ts), which must read the same lines alike.
 */
export function connectorHead(buf: Uint8Array, p: number, end: number, head: Int32Array): number {
  if (buf[p] !== 0x28) return -1;
  // Byte loops rather than indexOfByte and fieldIs: with these inlined, the function is a third quicker.
  let close = p + 1;
  while (close < end && buf[close] !== 0x29) close++;
  if (close === end || buf[close + 1] !== SP) return -1;
  const evStart = close + 2;
  let evEnd = evStart;
  while (evEnd < end && buf[evEnd] !== SP) evEnd++;
  if (evEnd === end) return -1;
  const event = eventAt(buf, evStart, evEnd);
  if (event < 0) return -1;
  const st = evEnd + 1;
  let stEnd = st;
  while (stEnd < end && buf[stEnd] !== SP) stEnd++;
  const ok = stEnd - st === 2 && buf[st] === 0x4f && buf[st + 1] === 0x4b; // OK
  if (!ok && !(stEnd - st === 3 && buf[st] === 0x45 && buf[st + 1] === 0x52 && buf[st + 2] === 0x52)) return -1; // ERR
  head[HEAD_CLOSE] = close;
  head[HEAD_EVENT] = event;
  if (!ok) return EVENT_FAILS[event] === 1 ? RecordFlag.EventError | RecordFlag.EventErrorIsError : RecordFlag.EventError;
  // `OK (INFO)`: does the INFO name `orphaned`?
  return stEnd < end && buf[stEnd + 1] === 0x28 && hasOrphaned(buf, stEnd + 2, end) ? RecordFlag.EventError : 0;
}

/** The severity of a connector record with event-error `flags` (not 0): fatal events are errors. */
export function flagSeverity(flags: number): Severity {
  return flags & RecordFlag.EventErrorIsError ? Severity.Error : Severity.Warning;
}

/** The number in EVENTS of the event word `buf[s, e)`, or -1: one comparison, picked by the first letter. */
function eventAt(buf: Uint8Array, s: number, e: number): number {
  let k: number;
  switch (buf[s]) {
    case 0x43: k = CONNECT; break; // C
    case 0x44: k = DISCONNECT; break; // D
    case 0x45: k = EXPIRE; break; // E
    case 0x4c: k = e - s === 5 ? LOGIN : LOGOUT; break; // L
    case 0x4d: k = MAXFAIL; break; // M
    case 0x52: k = buf[s + 2] === 0x43 ? RECEIVE : REJECT; break; // R: REC…, REJ…
    case 0x53: k = SEND; break; // S
    default: return -1;
  }
  const word = EVENT_BYTES[k];
  if (e - s !== word.length) return -1;
  for (let i = 1; i < word.length; i++) if (buf[s + i] !== word[i]) return -1;
  return k;
}

export const EVENT_BYTES = EVENTS.map((e) => Buffer.from(e));
/** 1 for each event (in EVENTS) whose ERR is an error: a message given up on; the others' ERR is a warning. */
export const EVENT_FAILS = new Uint8Array(EVENTS.length);
for (const event of [REJECT, MAXFAIL, EXPIRE]) EVENT_FAILS[event] = 1;

/** The field of an OK's INFO that makes it an event-error (hasOrphaned). */
export const ORPHANED = Buffer.from('orphaned');
/** An OK status whose INFO names `orphaned` (EMG's orphaned messages), anywhere in a record's text. */
const ORPHANED_OK = /\) [A-Z]+ OK \((?:[^)]*,)?\s*orphaned\s*[,)]/;

/** Whether `buf[s, e)` contains `word` (a loop: the INFO searched is short, a view per record is not). */
function containsBytes(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  const first = word[0];
  outer: for (let i = s; i + word.length <= e; i++) {
    if (buf[i] !== first) continue;
    for (let j = 1; j < word.length; j++) if (buf[i + j] !== word[j]) continue outer;
    return true;
  }
  return false;
}

/** Whether the INFO at `p` (up to its `)`, or `end`) has a field named `orphaned`. */
export function hasOrphaned(buf: Uint8Array, p: number, end: number): boolean {
  const close = indexOfByte(buf, 0x29, p, end);
  const e = close < 0 ? end : close;
  // Most INFO has no such field: one byte search before any string is made (and the string is made
  // in a function of its own, so that this one stays small enough to be inlined in the hot loops).
  return containsBytes(buf, p, e, ORPHANED) && namesOrphaned(buf, p, e);
}

/** Whether the INFO fields `buf[p, e)` (`a=1, orphaned, …`) have one named `orphaned`. */
function namesOrphaned(buf: Uint8Array, p: number, e: number): boolean {
  const text = Buffer.from(buf.buffer, buf.byteOffset + p, e - p).toString('latin1');
  return text.split(',').some((f) => f.trim().split('=')[0] === 'orphaned');
}

/** EMG connector header after the timestamp, up to the options: ` (INSTANCE) EVENT STATUS[ (INFO)]` (INFO values may be quoted). */
const BEFORE_OPTIONS = /^ \([^)]*\) [A-Z]+ (?:OK|ERR)(?: \((?:[^()"]|"[^"]*")*\))?/;

/** The `NNN:value` options of a connector record, named (hovers). */
function optionFacts(header: string, timestamp: string): TokenFact[] {
  const tsAt = timestamp ? header.indexOf(timestamp) : -1; // headers may follow blanks
  const head = tsAt >= 0 ? BEFORE_OPTIONS.exec(header.slice(tsAt + timestamp.length)) : null;
  if (!head) return [];
  const optionsStart = tsAt + timestamp.length + head[0].length;
  const out: TokenFact[] = [];
  for (const m of header.slice(optionsStart).matchAll(/(?<=^|\s)\d+:\S*/g)) {
    const start = optionsStart + m.index;
    const colon = m[0].indexOf(':');
    const written = m[0].slice(0, colon); // as written: `008` is option 8
    const value = m[0].slice(colon + 1);
    const name = EMG_OPTIONS[Number(written)];
    out.push({
      start,
      end: start + m[0].length,
      title: name ? ['EMG option ', { strong: written }, ` · ${name}`] : ['EMG option ', { strong: written }, ' (not a known option number)'],
      details: [value === '' ? ['Value: ', { em: '(empty)' }] : [`Value: ${value}`]],
      aboutRecord: false,
    });
  }
  return out;
}

const TS = /^[ \t]*((?:[A-Z][a-z]{2} {1,2}\d{1,2}|\d{4}-\d{2}-\d{2}) \d{2}:\d{2}:\d{2}\.\d{1,6})/;

export const emg: Dialect = {
  id: 'emg-log',
  name: 'EMG',
  createParser: (ctx) => new EmgParser(ctx),
  createFastScan(parser) {
    // The index's own parser: the fused scan reads its file kind and stamps and counts its spans.
    if (!(parser instanceof EmgParser)) throw new Error('the EMG fused scan needs the index\'s EmgParser');
    return new EmgFastScan(parser);
  },
  // Spans are numbered per instance from the log's start: parts only where no key is made (msglog check).
  splitsWithState: 'keyless',
  componentOf(key) {
    const hash = key.lastIndexOf('#');
    return key.startsWith('(') && hash > 0 ? key.slice(0, hash) : key;
  },
  levelName: (level) => LEVEL_WORDS[level] ?? '',
  timestampText: (line) => TS.exec(line)?.[1] ?? '',
  levelSpan(header, timestamp) {
    const start = header.indexOf(timestamp) + timestamp.length + 1; // TS LEVELWORD text (maybe after blanks)
    const word = /^[A-Z][A-Z0-9]*/.exec(header.slice(start));
    return word ? [start, start + word[0].length] : undefined;
  },
  tokenFacts: optionFacts,
  fileNameScore: (name) => (fileKind(name) !== 'auto' ? 2 : 0),
  // `RECEIVE OK (orphaned)`: the status is OK, the message found no route; not a failed event. Text
  // is made only for the few that name `orphaned` at all.
  eventErrorLabel: (text, start, end) =>
    containsBytes(text, start, end, ORPHANED) && ORPHANED_OK.test(Buffer.from(text.buffer, text.byteOffset + start, end - start).toString('utf8')) ? 'Orphaned: no route' : undefined,
  headersMayBeIndented: true,
  malformedMessage: 'Malformed: a timestamp without a valid connector header (INSTANCE) EVENT OK|ERR',
};
