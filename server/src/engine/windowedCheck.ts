// msglog check of a large log on two threads, a window at a time. A first touch of new memory is the
// costliest thing `check` does on its hosts (docs/PERFORMANCE.md, "Where check's memory went"): a whole
// index of a day's log is 300 MB of record arrays written once and read once. Here each thread indexes
// one half of the log 2 MB at a time, writes the check lines of a window's records, and forgets them,
// so that the arrays of one window are used again and again.
//
// This thread indexes the front half exactly, as one scan would. The worker indexes the back half as if
// nothing came before it (day 0, no time edge), numbering its lines from the half's start. At the end
// this thread takes the worker's lead (its first lines, which continue this half's last record), writes
// its last lines and sends where its records end; the worker's lines stand when its first timed record
// follows on (the same day at a time no earlier, and not before the time edge): then only their
// numbers move. Otherwise the worker indexes its half again from the true state; a zone offset first
// written in the back half changes how the front half is read, and the whole check is done as before.
import { WindowFacts } from './diagnostics';
import { CheckBytes, CheckHeads, CheckLinesAt, writeCheckLine } from './checkLines';
import type { CheckFormat, CheckLines } from './checkLines';
import { LogIndex } from './logIndex';
import type { PartLead } from './portableStore';
import type { SegmentStart } from './segmentStore';
import type { LogSource } from './source';
import { DAY_MS } from './time';
import type { Dialect, ParseContext } from './types';
import { RecordFlag } from './types';
import { NO_OFFSET } from './recordStore';
import { PartWorker, plainContext, takeEarlyPartWorker, workerFile } from './parallel';
import { lineStartAfter } from './partPlan';

/** Bytes indexed per window, as `msglog sessions` takes them (logSet.ts). */
export const CHECK_WINDOW_BYTES = 2 << 20;

/** How check builds a window: no session key, the problem records' lines kept for their diagnostics. */
const WINDOW_BUILD = { keyless: true, problemLines: true } as const;

/**
 * The share of the log this thread checks. A little over half: the worker writes its lines' heads once
 * this thread's half is done (30–50 ms for a day's 57,000 of them), and comes to the log after its start.
 * On the 1 GB bench log, this thread's half was done 50–90 ms before the worker's lines came with an
 * even split, and with 0.53–0.56 about when the worker's scan was (one run each, a noisy host).
 */
const FRONT_SHARE = 0.54;

/** What the worker indexes: the back half of the log at `path`, `[from, to)` (`from` a line boundary, `to` the log's size as this thread read it: a log that grows meanwhile is checked as far as one thread would). */
export interface BackHalfJob {
  kind: 'check-half';
  path: string;
  from: number;
  to: number;
  dialect: string;
  ctx: ParseContext;
  toleranceMs: number;
  /** The zone offset a log that writes none is read in (LogSetOptions.utcOffsetMin). */
  utcOffsetMin: number;
  format: CheckFormat;
  windowBytes: number;
}

/** This thread's word at the end: where its records end, and the time edge they leave (its text as written). */
export interface FrontEnd {
  start: SegmentStart;
  edge: { t: number; text: string };
  /** The parser's state at the end (a dialect whose parser keeps one: LineParser.partState). */
  parserState: string | undefined;
}

/** The worker's answers: its lead (as soon as it is known), then its lines, or that the log is to be checked as before. */
export type BackHalfAnswer = { k: -1; lead: PartLead } | { k: -1; lines: CheckLines; last: true } | { k: -1; again: true; last: true } | { error: string; last: true };

/** What a window-by-window scan notes of the records it forgets, for the checks at the end. */
interface Seen {
  /** The first timed record: its time of day (its wall time in a dialect that dates its records), normalised time and text. */
  firstTimed: { tod: number; t: number; text: string } | undefined;
  /** A timed record without a zone offset of its own (read in the log's offset). */
  timedWithoutOffset: boolean;
  /** A window with timed records finished before any record wrote a zone offset. */
  timedBeforeOffset: boolean;
}

/**
 * Indexes `index` from where it is up to `to` a window at a time, writing each window's final records'
 * diagnostics (`write`) before they are forgotten; the last record before `to` is held back unless the
 * log ends there (`logEnds`). `onFirstRecords` runs once the index has its first records (or reached `to` without).
 */
function inWindows(index: LogIndex, to: number, logEnds: boolean, windowBytes: number, facts: WindowFacts, seen: Seen, write: (d: Parameters<typeof writeCheckLine>[5]) => void, onFirstRecords?: () => void): void {
  let first = onFirstRecords;
  while (index.scannedTo < to) {
    const held = index.indexWindow(windowBytes, WINDOW_BUILD, to);
    if (first !== undefined && (index.recordCount > 0 || index.scannedTo >= to)) {
      first();
      first = undefined;
    }
    note(index, seen);
    const last = logEnds && index.scannedTo >= to;
    const ready = last ? index.recordCount : held;
    for (const d of facts.facts(index, ready, last)) write(d);
    facts.forget(index, ready);
    index.forget(ready);
  }
  first?.();
}

/** Notes what the checks at the end need of the index's records (a window: before they are forgotten). */
function note(index: LogIndex, seen: Seen): void {
  // Known already (a log that writes no zone offsets, after its first timed record): nothing to look at.
  if (seen.firstTimed !== undefined && seen.timedWithoutOffset && (seen.timedBeforeOffset || index.zoneOffsetSeen)) return;
  const flags = index.recFlags;
  const offsets = index.zoneOffsets;
  let timed = false;
  for (let r = 0; r < index.recordCount; r++) {
    if (flags[r] & RecordFlag.NoTime) continue;
    timed = true;
    if (seen.firstTimed === undefined) {
      // Finished already: a time of day is dated on day 0 (no day passes before the first timed record).
      const wall = index.recWall[r];
      seen.firstTimed = { tod: wall - (index.dayBase ?? 0), t: index.normalized(r), text: index.timestampText(r) };
    }
    if (offsets === undefined || offsets[r] === NO_OFFSET) {
      seen.timedWithoutOffset = true;
      break;
    }
  }
  if (timed && !index.zoneOffsetSeen) seen.timedBeforeOffset = true;
}

const unseen = (): Seen => ({ firstTimed: undefined, timedWithoutOffset: false, timedBeforeOffset: false });

/**
 * This thread's half, `[0, to)` of the log of `index` (new, built keyless for check), window by window,
 * its lines written in the log's numbers into `sink`. Returns its end once the worker's lead came
 * (`lead()`, which waits for it), or undefined when a zone offset first written after a window's lines
 * changes them (the check is then done as before).
 */
export function frontHalf(index: LogIndex, to: number, windowBytes: number, format: CheckFormat, sink: CheckBytes, counts: { errors: number; warnings: number; written: number }, lead: () => PartLead): FrontEnd | undefined {
  const facts = new WindowFacts(index);
  const heads = new CheckHeads();
  const seen = unseen();
  const write = (d: Parameters<typeof writeCheckLine>[5]): void => writeCheckLine(sink, format.json, format.file, d.line + 1, d.endLine + 1, d, heads, counts);
  inWindows(index, to, false, windowBytes, facts, seen, write);
  index.acceptLead(lead());
  for (const d of facts.facts(index, index.recordCount, true)) write(d);
  // Records finished in the log's offset before the first that wrote one: one scan reads them in that one.
  if (seen.timedBeforeOffset && index.zoneOffsetSeen) return undefined;
  return { start: index.segmentStart(), edge: facts.edgeNow(), parserState: index.parserState };
}

/** The back half of a log, indexed window by window as if nothing came before it (or from `front`, when that is known). */
export class BackHalf {
  readonly lines = new CheckLinesAt();
  private readonly seen = unseen();
  /** Whether a record of the half wrote a zone offset, and the first one's. */
  zoneOffsets = false;
  firstOffsetMin = 0;
  /** The parser's state the half was read in: the one the log's head leaves it in (LogScanner.primeParser). */
  private primed: string | undefined = undefined;

  constructor(
    private readonly source: LogSource,
    private readonly dialect: Dialect,
    private readonly ctx: ParseContext,
    private readonly job: Pick<BackHalfJob, 'from' | 'to' | 'toleranceMs' | 'utcOffsetMin' | 'format' | 'windowBytes'>,
    private readonly front?: FrontEnd,
  ) {}

  /** Indexes the half, writing its lines; `onLead` gets what it says of the records before it as soon as that is known. */
  run(onLead?: (lead: PartLead) => void): void {
    const to = this.job.to;
    const index = new LogIndex(this.source, this.dialect, this.ctx, { toleranceMs: this.job.toleranceMs });
    index.logOffsetMin = this.job.utcOffsetMin;
    index.startPart(this.job.from, to);
    this.primed = index.primedParserState;
    if (this.front !== undefined) index.followSegment({ ...this.front.start, lineCount: 0 });
    const facts = new WindowFacts(index, this.front?.edge);
    const heads = new CheckHeads();
    const { json, file } = this.job.format;
    const write = (d: Parameters<typeof writeCheckLine>[5]): void => this.lines.add(json, file, d.line, d.endLine, d, heads);
    inWindows(index, to, true, this.job.windowBytes, facts, this.seen, write, () => {
      // Markers before the half's first record (all of them, in a half without records) are the records' before it: theirs to report.
      facts.runsFrom = index.recordCount > 0 ? index.recStartLine[0] : Infinity;
      onLead?.(index.leadSoFar());
    });
    this.zoneOffsets = index.zoneOffsetSeen && (this.front === undefined || !this.front.start.hasOffset);
    this.firstOffsetMin = index.logOffsetMin;
  }

  /**
   * Whether the lines written stand now that the front half's end is known: 'keep' (only their numbers
   * move), 'again' (index the half again from `front`), or 'whole' (check the whole log as before).
   */
  fits(front: FrontEnd, dayBase: number | undefined): 'keep' | 'again' | 'whole' {
    const start = front.start;
    // A parser with a state (EMG's file kind) read the half in the one the log's head left it in: the front half must end in it.
    if (front.parserState !== this.primed) return 'whole';
    // The log's zone offset is that of its first record with one: set here, it changes how the front
    // half's timed records (there are some when it leaves a time edge) are read.
    if (this.zoneOffsets && !start.hasOffset && !Number.isNaN(front.edge.t)) return 'whole';
    const seen = this.seen;
    if (seen.timedWithoutOffset) {
      if (seen.timedBeforeOffset && this.zoneOffsets) return 'again';
      const assumed = this.zoneOffsets ? this.firstOffsetMin : this.job.utcOffsetMin;
      const actual = start.hasOffset ? start.logOffsetMin : assumed;
      if (assumed !== actual) return 'again';
    }
    const first = seen.firstTimed;
    // No timed record: no regression, nothing of the day read.
    if (first === undefined) return 'keep';
    const [day, maxTod] = start.finishing;
    let days = 0;
    if (dayBase !== undefined) {
      // dateTimeOfDay at the first record: on past the latest time of day (the same day), or a new day.
      if (maxTod < 0 || first.tod >= maxTod) days = day;
      else if (first.tod < maxTod - DAY_MS / 2) days = day + 1;
      else return 'again';
    }
    const t = first.t + days * DAY_MS;
    const edge = front.edge;
    // The edge a regression is measured from: this half's first record's own, or one of the same time and text.
    if (Number.isNaN(edge.t) || edge.t < t || (edge.t === t && edge.text === first.text)) return 'keep';
    return 'again';
  }
}

/**
 * The worker's lines of the back half, once the front half's end is known: those written, numbered on
 * from it, or those of the half indexed again from it; undefined when the whole log is to be checked as before.
 */
export function backHalfLines(half: BackHalf, front: FrontEnd, source: LogSource, dialect: Dialect, ctx: ParseContext, job: Pick<BackHalfJob, 'from' | 'to' | 'toleranceMs' | 'utcOffsetMin' | 'format' | 'windowBytes'>): CheckLines | undefined {
  const fits = half.fits(front, dialect.timeOfDay?.(ctx));
  if (fits === 'whole') return undefined;
  let lines = half.lines;
  if (fits === 'again') {
    const exact = new BackHalf(source, dialect, ctx, job, front);
    exact.run();
    lines = exact.lines;
  }
  return lines.linesFrom(front.start.lineCount, job.format.json, job.format.file);
}

/**
 * Builds `index` (new, over the file `file`, keyless) for msglog check on two threads, window by
 * window, and sets its lines (LogIndex.windowedCheckLines, then laterCheckLines: the worker's). False
 * when the log is to be checked as before (no worker, or a zone offset first written late): `index`
 * is then spent, and a new one is to be built.
 */
export function checkInWindows(index: LogIndex, file: string, ctx: ParseContext, toleranceMs: number, utcOffsetMin: number, format: CheckFormat, windowBytes = CHECK_WINDOW_BYTES): boolean {
  const size = index.source.size;
  const split = lineStartAfter(index.source, Math.floor(size * FRONT_SHARE), size);
  const entry = workerFile();
  if (split <= 0 || split >= size || entry === undefined) return false;
  const job: BackHalfJob = { kind: 'check-half', path: file, from: split, to: size, dialect: index.dialect.id, ctx: plainContext(ctx), toleranceMs, utcOffsetMin, format, windowBytes };
  const worker = takeEarlyPartWorker()?.assign(job) ?? new PartWorker(entry, job);
  const back = worker as unknown as PartWorker<BackHalfAnswer>;
  try {
    const sink = new CheckBytes();
    // Every JSON item with its `,`, as the worker's: check drops the first when it is the first of all.
    const counts = { errors: 0, warnings: 0, written: format.json ? 1 : 0 };
    const end = frontHalf(index, split, windowBytes, format, sink, counts, () => {
      const answer = back.waitSync();
      if ('lead' in answer) return answer.lead;
      throw new Error(`index worker: ${'error' in answer ? answer.error : 'no lead'}`);
    });
    if (end === undefined) {
      back.terminate();
      return false;
    }
    back.send(end);
    const answer = back.waitSync();
    if ('error' in answer) throw new Error(`index worker: ${answer.error}`);
    if (!('lines' in answer)) return false;
    index.windowedCheckLines = { lines: sink.take(), errors: counts.errors, warnings: counts.warnings, written: counts.written - (format.json ? 1 : 0) };
    index.laterCheckLines = () => answer.lines;
    return true;
  } catch (e) {
    back.terminate();
    throw e;
  }
}
