// Core types of the log engine. The engine is plain TypeScript over bytes: no LSP or VS Code here.
import type { DialectId } from '../../../common/dialects';
import type { KeyTable } from './keyTable';
import type { SessionDialogs } from './sessionDialogs';

export { DIALECT_IDS } from '../../../common/dialects';
export type { DialectId } from '../../../common/dialects';
/** An error in the user's input (file, dialect, query): its message is one line meant for the user. */
export class LogInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Normalised severity, most severe first, so that "at least as severe" is `<=`. */
export enum Severity {
  Critical = 0,
  Error = 1,
  Warning = 2,
  Info = 3,
  Debug = 4,
  Trace = 5,
}
export { SEVERITY_NAMES } from '../../../common/dialects';
export type { SeverityName } from '../../../common/dialects';

/** Written level absent (EMG connector lines, tables, supplementary logs). */
export const NO_LEVEL = 255;

/** Per-record flags (bit set). */
export const RecordFlag = {
  /** The record's event or status is a failure (FORMATS §4 event-error). */
  EventError: 1,
  /** The event-error is an error rather than a warning. */
  EventErrorIsError: 2,
  /** A table row with the wrong number of columns, or an EMG line with a timestamp but no valid header. */
  Malformed: 4,
  /** The header had no parsable time; the record carries its predecessor's time. */
  NoTime: 8,
  /** Earlier than the running maximum (mirrored in descending logs) by more than the tolerance. */
  TimeRegression: 16,
  /** The written second is 60 (a leap second): the time as written is not rebuilt from the stored time. */
  LeapSecond: 32,
} as const;

/**
 * What a dialect's header parser reports about one header line. One instance is reused for every
 * line, so that parsing allocates nothing per line.
 */
export class HeaderScratch {
  /** Written date-time in ms as if it were UTC; time of day plus day index × 86 400 000 when the date is unknown. NaN: no time. */
  wall = NaN;
  /** Zone offset as written, in minutes east of UTC; NaN when the log writes none. */
  offsetMin = NaN;
  /** Written level code (dialect specific), or NO_LEVEL. */
  level = NO_LEVEL;
  severity: Severity = Severity.Info;
  /** Column (bytes from line start) where the body begins: everything but timestamp and level marker. */
  bodyCol = 0;
  /** Session key bytes: `keyBuf[keyStart, keyEnd)`. keyBuf is the log itself or a parser's scratch. */
  keyBuf: Uint8Array = EMPTY;
  keyStart = 0;
  keyEnd = 0;
  /** The key's hash (keyTable's hashKey), when the scanner computed it while reading the key; -1: not computed. */
  keyHash = -1;
  /** RecordFlag bits. */
  flags = 0;
  /** A SIP dialog (Call-ID) this record reveals for its session, or undefined. */
  dialog: string | undefined = undefined;
  /**
   * Or the Call-ID's bytes, `keyBuf[dialogStart, dialogEnd)` (dialogEnd 0: none): decoded only for a
   * session that has no dialog yet, not for every SIP packet.
   */
  dialogStart = 0;
  dialogEnd = 0;

  reset(): void {
    this.wall = NaN;
    this.offsetMin = NaN;
    this.level = NO_LEVEL;
    this.severity = Severity.Info;
    this.bodyCol = 0;
    this.keyBuf = EMPTY;
    this.keyStart = 0;
    this.keyEnd = 0;
    this.keyHash = -1;
    this.flags = 0;
    this.dialog = undefined;
    this.dialogEnd = 0;
  }

  /** Sets the session key to a computed string (rare path: thread forms, spans, tables). */
  setKeyText(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.keyBuf = bytes;
    this.keyStart = 0;
    this.keyEnd = bytes.length;
  }
}
const EMPTY = new Uint8Array(0);

/** Facts about the file a parser may use (the date in a CommuniGate file name, EMG's year). */
export interface ParseContext {
  /** Base name of the file, if known. */
  fileName?: string;
  /** Modification time of the file in ms since the epoch, if known. */
  mtimeMs?: number;
}

/** A stateful line parser for one pass over one log. */
export interface LineParser {
  /**
   * Whether the line `buf[start, end)` (no line terminator) is a record header; if so `h` is filled.
   * Called for every line in order, so parsers may keep state (day rollover, table headers, spans).
   */
  header(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean;
  /**
   * No session key is read from this parser's records from now on (BuildOptions.keyless, what msglog
   * check builds): it may leave out what only keys need (EMG numbers each instance's connection spans).
   */
  dropKeys?(): void;
  /** Called for each continuation line of the current record; may return a SIP dialog it reveals. */
  continuation?(buf: Uint8Array, start: number, end: number): string | undefined;
  /** The component of a session key when it depends on what the parser saw (table kinds). */
  componentOf?(sessionKey: string): string | undefined;
  /**
   * The state this parser carries from line to line, as text that is equal for equal states (a
   * `splitsWithState` dialect's): a part of a log indexed on its own starts in the state the log's head
   * leaves, and is stitched on only where that was the state before it and the part did not change it.
   */
  partState?(): string;
}

/**
 * The index's record and session arrays as a dialect's fast scan appends to them (Dialect.createFastScan):
 * records go at `recordCount` while there is room (a fast scan never grows an array) and the counters
 * move on; the index takes them back after each call.
 */
export interface FastRecords {
  recordCount: number;
  /** The 0-based line the scan is at. */
  line: number;
  recStartLine: Uint32Array;
  recStartOffset: Uint32Array;
  recBodyCol: Uint16Array;
  recWall: Float64Array;
  recLevel: Uint8Array;
  recSeverity: Uint8Array;
  recFlags: Uint8Array;
  recSession: Uint32Array;
  sessionFirst: Uint32Array;
  sessionLast: Uint32Array;
  sessionRecordCount: Uint32Array;
  sessionDialog: SessionDialogs;
  keys: KeyTable;
  /** Every record in session 0, no dialog read (BuildOptions.keyless). */
  keyless: boolean;
  /** The last record's time, and where the last record ends (its line, the offset past its terminator). */
  prevWall: number;
  lastEndLine: number;
  lastEndOffset: number;
  /**
   * The zone offsets as written, one per record slot, for a `zoned` scan (FastScan.zoned); undefined
   * for any other, which runs only while no record has written one.
   */
  offsets: Int16Array | undefined;
  /** The zone offset of the last record (a zoned scan writes it; the index carries it to records without a time). */
  prevOffset: number;
}

/** A loop over many lines at once for a dialect's common record shape (see Dialect.createFastScan). */
export interface FastScan {
  /**
   * Every record the scan appends writes a zone offset (Axigen's `+0200`): it runs once the index
   * stores zone offsets, writes each record's into `offsets` and the last one into `prevOffset`.
   * Without it the scan runs only while no record has written a zone offset, and writes none.
   */
  readonly zoned?: boolean;
  /**
   * Appends to `out` the records of the lines of `buf` from `pos` on (each ending with an LF before
   * `stop`; `buf[0]` is at `base` in the log) exactly as the dialect's header() and the index would,
   * and stops at the first line it leaves to them, or when an array is full. Returns where it stopped.
   */
  scan(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number;
  /**
   * `buf`'s bytes will not change until endChunk: a scan may keep what it made of them between calls
   * (the WebAssembly scan, its copy of them). Without it, each call starts afresh.
   */
  beginChunk?(buf: Buffer): void;
  endChunk?(): void;
  /**
   * Where a keyless index may read its next chunk (of up to the buffer's length) for this scan to read
   * it where it lies, with no copy (the WebAssembly scan's input); undefined to read it anywhere.
   */
  chunkRoom?(): Buffer | undefined;
  /**
   * Sets `numbers[i]` to the number `keys` (the index's table, as the scan left it) gives the key
   * `pool[bounds[2 i], bounds[2 i + 1])`, -1 where it has none, for each of `n` keys, from what the
   * scan keeps of the keys (a WebAssembly scan's copy of them); false, and nothing set, when it keeps
   * nothing of `keys`.
   */
  keyNumbers?(keys: KeyTable, pool: Uint8Array, bounds: Uint32Array, n: number, numbers: Int32Array): boolean;
}

export interface Dialect {
  readonly id: DialectId;
  /** A human name ("CommuniGate Pro"). */
  readonly name: string;
  createParser(ctx: ParseContext): LineParser;
  /** The component (outline group) of a session key. */
  componentOf(sessionKey: string): string;
  /**
   * Where the dialect's component is the key's first ASCII bytes (CommuniGate's NAME): their length
   * in `key[start, end)`, 0 when componentOf must be asked. Lets a list of a million sessions name
   * their components without decoding every key.
   */
  componentPrefix?(key: Uint8Array, start: number, end: number): number;
  /** The written level's name for hover ("3 Problems"), given the written level code. */
  levelName(level: number): string;
  /** The timestamp as written on a header line (text of the line, no terminator). */
  timestampText(line: string): string;
  /** Plausibility of a file name for this dialect: 0 none, 1 weak, 2 strong. */
  fileNameScore(fileName: string): number;
  /** Tables exported newest first exist for this dialect, so descending order is detected (FORMATS §2.6). */
  readonly mayDescend?: boolean;
  /**
   * What an event-error record is, for its diagnostic ("Failed event" when absent or undefined), from
   * `text[start, end)`: the UTF-8 bytes of the record's text as the diagnostic quotes it, without the
   * `…` of a cut text. Bytes, not a string: `msglog check` writes a day's failed events from bytes.
   */
  eventErrorLabel?(text: Uint8Array, start: number, end: number): string | undefined;
  /**
   * The client connection a record names, for dialects whose sessions serve many connections (a
   * Messaging Server process: `[ip:port]`), so that views group a session's records per connection.
   */
  connectionOf?(headerLine: string): string | undefined;
  /**
   * Columns [start, end) of the written level on a header line (`timestamp` is its timestamp as
   * written), for hovers; undefined when the dialect writes no level there.
   */
  levelSpan?(header: string, timestamp: string): [number, number] | undefined;
  /** The written level of crash records (FORMATS §4: an error of its own kind), when the dialect has one. */
  readonly crashLevel?: number;
  /** Written levels are CommuniGate digits 0–5, which digit thresholds compare as written (FORMATS §5). */
  readonly digitLevels?: boolean;
  /** The `malformed` diagnostic's message in this dialect (FORMATS §4), where the dialect has malformed records. */
  readonly malformedMessage?: string;
  /**
   * Headers may follow blanks (text pasted from a mail or a web page): true where a blank at the start
   * of a line never marks a continuation line (FORMATS §2; docs/BEHAVIOUR.md "Fidelity").
   */
  readonly headersMayBeIndented?: boolean;
  /**
   * The queue id (the message) a record is about, from the first line of its body and its session
   * key, where the dialect names one (CommuniGate `DEQUEUER [4411]`, `QUEUE([4411])`, Delivery log).
   */
  queueId?(firstBodyLine: string, sessionKey: string): string | undefined;
  /** The date (ms, UTC midnight) a file name gives its records (CommuniGate's `YYYY-MM-DD.log`), or undefined. */
  fileDate?(fileName: string): number | undefined;
  /** The dialect's server writes `***` overflow markers (FORMATS §2.1): a file of nothing but markers is its log. */
  readonly writesOverflowMarkers?: boolean;
  /** Tokens of a header line the dialect explains (option numbers, counters), for hovers. */
  tokenFacts?(header: string, timestamp: string): TokenFact[];
  /**
   * A parser that gives the same answers as createParser's, written for the index's hot loop (bytes
   * only, nothing allocated per line). The index uses it when there is one; detection and tests may
   * still use createParser.
   */
  createScanner?(ctx: ParseContext): LineParser;
  /**
   * The index's hot loop for the dialect's most common records, fused: it parses a run of such lines
   * and appends them to the index's arrays without a call per line (the scanner then reads the other
   * lines one by one). `parser` is the one the index reads those other lines with: a dialect whose
   * parser keeps a state from line to line (the current table's columns) reads and keeps it there.
   */
  createFastScan?(parser: LineParser): FastScan;
  /**
   * The dialect writes times of day without a date: its parsers put the time of day in `wall`, and
   * the index dates them from the returned base (ms) plus a day each time the clock goes back by
   * more than twelve hours.
   */
  timeOfDay?(ctx: ParseContext): number;
  /**
   * The timestamp of a record as written, rebuilt from the index's arrays (no file read), or
   * undefined when it cannot be. `dayBase` is what timeOfDay returned (0 without it).
   */
  stampText?(wall: number, dayBase: number, bodyCol: number, level: number, flags: number): string | undefined;
  /** stampText as ASCII bytes written at `at` in `out` (room for 16); returns the index after them, or -1 where stampText gives undefined. */
  stampBytes?(wall: number, dayBase: number, bodyCol: number, level: number, flags: number, out: Uint8Array, at: number): number;
  /**
   * Parts of a log may be indexed separately (in parallel) and stitched: the parser keeps no state
   * from line to line that changes what a line means (day rollovers are the index's, see timeOfDay).
   */
  readonly partable?: boolean;
  /**
   * The parser keeps state from line to line (LineParser.partState), yet a large log may still be split
   * into parts: each part starts in the state the log's head leaves (a PrivateServer table, an EMG file
   * kind), and a part that starts or leaves another state is indexed again on the thread that stitches,
   * in order (parallel.ts). 'keyless': only builds that intern no session keys (EMG numbers its spans).
   */
  readonly splitsWithState?: 'always' | 'keyless';
  /**
   * Byte strings at least one of which is on every header line whose session key is `key` (a
   * `partable` dialect's): a keyed filter finds a session's records by searching for them instead of
   * indexing the log (quickFilter). Undefined when the dialect cannot name such strings for this key.
   */
  keyPatterns?(key: Buffer): Buffer[] | undefined;
}

/** Plain text with parts set in bold or italics; hovers render it as escaped Markdown. */
export type RichText = readonly (string | { strong: string } | { em: string })[];

/** A token of a header line and what it means. */
export interface TokenFact {
  /** Columns [start, end) of the token. */
  start: number;
  end: number;
  /** One line saying what the token is. */
  title: RichText;
  /** Further paragraphs. */
  details: readonly RichText[];
  /** Also worth showing with the record's summary when the pointer is elsewhere on the header line. */
  aboutRecord: boolean;
}
