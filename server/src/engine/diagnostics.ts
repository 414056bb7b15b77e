// Diagnostics (FORMATS §4): computed from the index on demand, in line order, never capped here.
import { textColumn } from './bytes';
import type { ByteSpan } from './bytes';
import type { LogIndex } from './logIndex';
import { formatDuration } from './time';
import { NO_LEVEL, RecordFlag, Severity } from './types';
import { NO_OFFSET } from './recordStore';

export type DiagnosticCode = 'overflow' | 'crash' | 'level' | 'event-error' | 'time-regression' | 'malformed';

export interface LogDiagnostic {
  /** 0-based first and last line. */
  line: number;
  endLine: number;
  severity: 'error' | 'warning';
  code: DiagnosticCode;
  message: string;
  /** The record, or -1 for overflow runs. */
  record: number;
}

/**
 * A diagnostic as diagnosticFacts gives it: one object, changed for each. A `level` or `event-error`
 * diagnostic (nearly all of a day's) comes without its message, which factMessage makes, or a writer
 * of many (msglog check) puts together from its label and the record's text as bytes (asciiExcerpt).
 */
export interface DiagnosticFacts extends Omit<LogDiagnostic, 'message'> {
  message: string | undefined;
  /** The segment of the log `record` is in (LogIndex.segments): the index itself unless it was left in parts. */
  index: LogIndex;
}

/** Characters of a record's text a diagnostic quotes; longer text is cut, with `…`. */
export const EXCERPT = 120;

/** Record `r`'s text from its body on, as a diagnostic quotes it: the first EXCERPT characters, and whether there are more. */
function quotedText(index: LogIndex, r: number): { text: string; cut: boolean } {
  const line = index.problemLines?.lineOf(r) ?? index.headerLine(r);
  const text = line.slice(Math.min(line.length, textColumn(line, index.recBodyCol[r])));
  return text.length > EXCERPT ? { text: text.slice(0, EXCERPT), cut: true } : { text, cut: false };
}

function excerpt(index: LogIndex, r: number): string {
  const { text, cut } = quotedText(index, r);
  return cut ? `${text}…` : text;
}

/** What a `level` diagnostic of record `r` begins with: the level's name. */
export function levelLabel(index: LogIndex, r: number): string {
  return index.dialect.levelName(index.recLevel[r]);
}

/** The message of the `level` diagnostic of record `r`. */
export function levelMessage(index: LogIndex, r: number): string {
  return `${levelLabel(index, r)}: ${excerpt(index, r)}`;
}

/**
 * What an `event-error` diagnostic's message begins with, given `quoted[start, end)`: the UTF-8 bytes of
 * the record's text as the message quotes it, without the `…` of a cut text. The dialect's own label,
 * or `Failed event`.
 */
export function eventErrorLabel(index: LogIndex, quoted: Uint8Array, start: number, end: number): string {
  return index.dialect.eventErrorLabel?.(quoted, start, end) ?? FAILED_EVENT;
}

const FAILED_EVENT = 'Failed event';

/** The message of the `event-error` diagnostic of record `r`. */
export function eventErrorMessage(index: LogIndex, r: number): string {
  const { text, cut } = quotedText(index, r);
  // Bytes for the label only for a dialect that has one (most name every failed event alike).
  const bytes = index.dialect.eventErrorLabel === undefined ? undefined : Buffer.from(text, 'utf8');
  const label = bytes === undefined ? FAILED_EVENT : eventErrorLabel(index, bytes, 0, bytes.length);
  return `${label}: ${text}${cut ? '…' : ''}`;
}

/** The message of diagnostic `d`: as it came, or made now for those that come without one (`level`, `event-error`). */
export function factMessage(d: DiagnosticFacts): string {
  if (d.message !== undefined) return d.message;
  return d.code === 'event-error' ? eventErrorMessage(d.index, d.record) : levelMessage(d.index, d.record);
}

/**
 * The text of record `r` a diagnostic quotes, as the bytes of its kept first line from the body on,
 * when the line is ASCII up to the end of what is quoted (then those bytes are the characters: the
 * first EXCERPT of them are quoted, with `…` after when there are more, whatever the bytes after);
 * undefined otherwise (factMessage decodes it).
 */
export function asciiExcerpt(index: LogIndex, r: number): Buffer | undefined {
  const span: ByteSpan = { bytes: EMPTY, start: 0, end: 0 };
  return asciiExcerptInto(index, r, span) ? Buffer.from(span.bytes.buffer, span.bytes.byteOffset + span.start, span.end - span.start) : undefined;
}

/** asciiExcerpt's bytes set in `out` where they are kept (ProblemLines.asciiLineInto), and true; false where asciiExcerpt is undefined. */
export function asciiExcerptInto(index: LogIndex, r: number, out: ByteSpan): boolean {
  const bodyCol = index.recBodyCol[r];
  if (index.problemLines?.asciiLineInto(r, bodyCol + EXCERPT, out) !== true) return false;
  out.start = Math.min(out.end, out.start + bodyCol);
  return true;
}

const EMPTY = new Uint8Array(0);

/**
 * Where diagnostics are handed, one at a time, in line order: false to stop (none after it is made).
 * A callback, not a generator: msglog check hands over 100,000, and each thread compiled a generator
 * over these rules twice (V8's optimising compiler took 25–45 ms each time, on the cores the scans run on).
 */
export type DiagnosticSink<D> = (d: D) => boolean | void;

/** All diagnostics of a log in line order. */
export function diagnostics(index: LogIndex): LogDiagnostic[] {
  const all: LogDiagnostic[] = [];
  eachDiagnostic(index, (d) => {
    all.push(d);
  });
  return all;
}

/** The diagnostics of a log in line order, each to `sink` until it says stop (a capped list makes no more). */
export function eachDiagnostic(index: LogIndex, sink: DiagnosticSink<LogDiagnostic>): void {
  diagnosticFacts(index, (d) => sink({ line: d.line, endLine: d.endLine, severity: d.severity, code: d.code, message: factMessage(d), record: d.record }));
}

/**
 * eachDiagnostic without the messages of `level` and `event-error` diagnostics, in one object changed
 * for each (see DiagnosticFacts): of each segment of the log in turn (LogIndex.segments), `index` the
 * one the record is in, with the running time edge carried from one to the next.
 */
export function diagnosticFacts(log: LogIndex, sink: DiagnosticSink<DiagnosticFacts>): void {
  diagnosticFactsOf(log.segments(), undefined, sink);
}

/**
 * diagnosticFacts of the segments of a log that follow others (a worker's parts: BuildOptions.checkFormat),
 * `before` the time edge the records before them left: a regression is measured from it, and quotes its text.
 */
export function diagnosticFactsOf(segments: readonly LogIndex[], before: { t: number; text: string } | undefined, sink: DiagnosticSink<DiagnosticFacts>): void {
  const fact: DiagnosticFacts = { line: 0, endLine: 0, severity: 'warning', code: 'level', message: undefined, record: -1, index: segments[0] };
  // An edge from before these segments has no record here: its text is the one given.
  const edge: TimeEdge = { t: before?.t ?? NaN, index: undefined, record: -1, textIndex: undefined, textRecord: -1, text: before?.text ?? '' };
  for (const index of segments) {
    fact.index = index;
    if (!segmentFacts(index, edge, fact, sink)) return;
  }
}

/**
 * The running maximum of the records' times (minimum when mirrored) and the record that set it, in
 * whichever segment: its time is quoted as written, read once per maximum (a log read from disk pays
 * a read for it; a run of regressions shares it).
 */
interface TimeEdge {
  t: number;
  index: LogIndex | undefined;
  record: number;
  textIndex: LogIndex | undefined;
  textRecord: number;
  text: string;
}

/**
 * `fact` as a diagnostic of `code`: one function for every window's pass, not a closure made for
 * each (a closure new to V8's optimised segmentFacts dropped it, to be compiled again: 40–80 ms a time).
 */
function factAs(fact: DiagnosticFacts, code: DiagnosticCode, severity: 'error' | 'warning', message: string | undefined): DiagnosticFacts {
  fact.code = code;
  fact.severity = severity;
  fact.message = message;
  return fact;
}

/**
 * diagnosticFacts of one segment, `edge` as the segments before it left it. A window of a windowed
 * check (WindowFacts): only records before `to`, and the overflow runs before the first record after
 * them (all when `final`); runs starting before line `runsFrom` were reported already, or are not this
 * index's (the lines a worker's half begins with: its lead).
 */
function segmentFacts(index: LogIndex, carried: TimeEdge, fact: DiagnosticFacts, sink: DiagnosticSink<DiagnosticFacts>, to = index.recordCount, final = true, runsFrom = -1): boolean {
  const runs = index.overflow;
  let next = 0;
  while (next < runs.length && runs[next].startLine < runsFrom) next++;
  let edge = carried.t;
  // The record of this segment that set the edge; -1 while the one before this segment did.
  let edgeRecord = -1;
  const mirror = index.descending;
  const quiet: EdgeState = { edge, edgeRecord };
  for (let r = 0; r < to; r++) {
    while (next < runs.length && runs[next].startLine < index.recStartLine[r]) if (sink(overflowDiagnostic(runs[next++], index)) === false) return false;
    // Most records have no diagnostic: a plain loop (not this one, with its calls) moves over them, keeping the
    // running time edge (nothing allocated); it stops at a record with one, or before the next run.
    quiet.edge = edge;
    quiet.edgeRecord = edgeRecord;
    const stop = quietRecords(index, r, to, next < runs.length ? runs[next].startLine : Infinity, quiet);
    edge = quiet.edge;
    edgeRecord = quiet.edgeRecord;
    if (stop !== r) {
      r = stop - 1;
      continue;
    }
    const flags = index.recFlags[r];
    const sev = index.recSeverity[r];
    const level = index.recLevel[r];
    fact.line = index.recStartLine[r];
    fact.endLine = index.endLineOf(r);
    fact.record = r;
    if (level !== NO_LEVEL && level === index.dialect.crashLevel) {
      if (sink(factAs(fact, 'crash', 'error', `Crash (level 0): ${excerpt(index, r)}`)) === false) return false;
    } else if (level !== NO_LEVEL && sev <= Severity.Warning) {
      if (sink(factAs(fact, 'level', sev <= Severity.Error ? 'error' : 'warning', undefined)) === false) return false;
    }
    if (flags & RecordFlag.EventError) {
      if (sink(factAs(fact, 'event-error', flags & RecordFlag.EventErrorIsError ? 'error' : 'warning', undefined)) === false) return false;
    }
    if (!(flags & RecordFlag.NoTime)) {
      const t = index.normalized(r);
      if (flags & RecordFlag.TimeRegression) {
        const by = mirror ? t - edge : edge - t;
        const after = edgeText(carried, edgeRecord < 0 ? carried.index : index, edgeRecord < 0 ? carried.record : edgeRecord);
        const message = mirror
          ? `Time goes forward by ${formatDuration(by)} in a newest-first log (after ${after})`
          : `Time goes back by ${formatDuration(by)} (after ${after})`;
        if (sink(factAs(fact, 'time-regression', 'warning', message)) === false) return false;
      }
      if (Number.isNaN(edge) || (mirror ? t < edge : t > edge)) {
        edge = t;
        edgeRecord = r;
      }
    }
    if (flags & RecordFlag.Malformed) {
      if (sink(factAs(fact, 'malformed', 'warning', index.dialect.malformedMessage ?? 'Malformed record')) === false) return false;
    }
  }
  // A window's runs up to the record it holds back; none while it holds no record (they may precede one to come).
  const runsTo = final ? Infinity : to < index.recordCount ? index.recStartLine[to] : -1;
  while (next < runs.length && runs[next].startLine < runsTo) if (sink(overflowDiagnostic(runs[next++], index)) === false) return false;
  carried.t = edge;
  if (edgeRecord >= 0) {
    carried.index = index;
    carried.record = edgeRecord;
  }
  return true;
}

/**
 * diagnosticFacts of an index built a window at a time (windowedCheck.ts): the final records of each
 * window (facts), then forget() as the index forgets them. The running time edge and the overflow runs
 * reported are carried from window to window; the edge's text is read before its record is forgotten.
 */
export class WindowFacts {
  private readonly edge: TimeEdge;
  private readonly fact: DiagnosticFacts;
  /** Overflow runs that start before this line were reported, or are not the index's (a worker's lead). */
  runsFrom = -1;

  /** `before`: the edge the records before the index left (a worker's half), as diagnosticFactsOf takes it. */
  constructor(index: LogIndex, before?: { t: number; text: string }) {
    this.fact = { line: 0, endLine: 0, severity: 'warning', code: 'level', message: undefined, record: -1, index };
    this.edge = { t: before?.t ?? NaN, index: undefined, record: -1, textIndex: undefined, textRecord: -1, text: before?.text ?? '' };
  }

  /** The diagnostics of the records before `ready`, and of the runs before the record after them (all runs left when `final`), to `sink`. */
  facts(index: LogIndex, ready: number, final: boolean, sink: (d: DiagnosticFacts) => void): void {
    const from = this.runsFrom;
    if (!final && ready < index.recordCount) this.runsFrom = index.recStartLine[ready];
    this.fact.index = index;
    segmentFacts(index, this.edge, this.fact, sink, ready, final, from);
  }

  /** `index` forgets its first `n` records (LogIndex.forget): the edge's record is renumbered, or its text read now. */
  forget(index: LogIndex, n: number): void {
    const e = this.edge;
    if (e.index === index) {
      if (e.record < n) {
        e.text = edgeText(e, index, e.record);
        e.index = undefined;
        e.record = -1;
      } else e.record -= n;
    }
    if (e.textIndex === index) {
      if (e.textRecord < n || e.index === undefined) {
        e.textIndex = undefined;
        e.textRecord = -1;
      } else e.textRecord -= n;
    }
  }

  /** The running time edge and its text, as the records so far leave it (what a worker's half is measured from). */
  edgeNow(): { t: number; text: string } {
    const e = this.edge;
    return { t: e.t, text: e.index === undefined ? e.text : edgeText(e, e.index, e.record) };
  }
}

/** The time of record `record` of `index` as written (the edge a regression is after), read once per edge; undefined: the edge given from before. */
function edgeText(edge: TimeEdge, index: LogIndex | undefined, record: number): string {
  if (index !== undefined && (edge.textIndex !== index || edge.textRecord !== record)) {
    edge.textIndex = index;
    edge.textRecord = record;
    edge.text = index.timestampText(record);
  }
  return edge.text;
}

/** How many diagnostics of each severity `diagnostics(index)` gives. */
export interface DiagnosticCounts {
  errors: number;
  warnings: number;
}

/**
 * The number of errors and warnings `diagnostics(index)` gives, counted from the record arrays
 * alone (no message, excerpt or object is made): a capped list of diagnostics builds only those it
 * shows and counts the rest. Mirrors segmentFacts's rules record for record.
 */
export function diagnosticCounts(index: LogIndex): DiagnosticCounts {
  const flags = index.recFlags;
  const severity = index.recSeverity;
  const levels = index.recLevel;
  const crashLevel = index.dialect.crashLevel;
  const marked = RecordFlag.EventError | RecordFlag.TimeRegression | RecordFlag.Malformed;
  let errors = 0;
  let warnings = index.overflow.length;
  for (let r = 0, n = index.recordCount; r < n; r++) {
    const f = flags[r];
    const sev = severity[r];
    const level = levels[r];
    if ((level === NO_LEVEL || sev > Severity.Warning) && !(f & marked)) continue;
    if (level !== NO_LEVEL && level === crashLevel) errors++;
    else if (level !== NO_LEVEL && sev <= Severity.Warning) {
      if (sev <= Severity.Error) errors++;
      else warnings++;
    }
    if (f & RecordFlag.EventError) {
      if (f & RecordFlag.EventErrorIsError) errors++;
      else warnings++;
    }
    if (!(f & RecordFlag.NoTime) && f & RecordFlag.TimeRegression) warnings++;
    if (f & RecordFlag.Malformed) warnings++;
  }
  return { errors, warnings };
}

interface EdgeState {
  edge: number;
  edgeRecord: number;
}

/**
 * Moves over the records from `r` (to `n`) that have no diagnostic, up to the first that starts after line
 * `stopLine` (an overflow run is reported before it), keeping the running time edge in `state`.
 * Returns the first record not passed over (r itself when it has a diagnostic).
 */
function quietRecords(index: LogIndex, r: number, n: number, stopLine: number, state: EdgeState): number {
  const flags = index.recFlags;
  const severity = index.recSeverity;
  const level = index.recLevel;
  const lines = index.recStartLine;
  const wall = index.recWall;
  const offsets = index.zoneOffsets;
  const logOffsetMs = index.logOffsetMin * 60_000;
  const mirror = index.descending;
  const loud = RecordFlag.EventError | RecordFlag.TimeRegression | RecordFlag.Malformed;
  let edge = state.edge;
  let edgeRecord = state.edgeRecord;
  for (; r < n; r++) {
    if (lines[r] > stopLine) break;
    const f = flags[r];
    if ((level[r] !== NO_LEVEL && severity[r] <= Severity.Warning) || f & loud) break;
    if (f & RecordFlag.NoTime) continue;
    // index.normalized(r), inline.
    const off = offsets === undefined ? NO_OFFSET : offsets[r];
    const t = wall[r] - (off === NO_OFFSET ? logOffsetMs : off * 60_000);
    if (edge !== edge || (mirror ? t < edge : t > edge)) {
      edge = t;
      edgeRecord = r;
    }
  }
  state.edge = edge;
  state.edgeRecord = edgeRecord;
  return r;
}

function overflowDiagnostic(run: LogIndex['overflow'][number], index: LogIndex): DiagnosticFacts {
  const what = run.count === 1 ? 'Overflow marker (***)' : `${run.count} overflow markers (***)`;
  return {
    line: run.startLine,
    endLine: run.endLine,
    severity: 'warning',
    code: 'overflow',
    message: `${what}: the server's log manager dropped records here`,
    record: -1,
    index,
  };
}
