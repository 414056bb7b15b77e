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
import { CheckBytes, CheckHeads, writeCheckLine } from './checkLines';
import { CheckLinesAt } from './checkLinesAt';
import type { CheckBodies, CheckFormat } from './checkLines';
import { LogIndex } from './logIndex';
import type { PartLead } from './portableStore';
import type { LogSource } from './source';
import type { Dialect, ParseContext } from './types';
import { halfFactsOf, halfFits, note, unseen } from './halfFit';
import type { FrontEnd, HalfFacts, HalfJob, Seen } from './halfFit';
import { PartWorker, plainContext, takeEarlyPartWorker, workerFile } from './parallel';
import { lineStartAfter } from './partPlan';
import { FRONT_CAP, MovingSplit } from './movingSplit';
import { closeSpillFile, openSpillFile } from './spillFile';

/** How often this thread, waiting at its cap for the worker to take its share, looks whether the worker failed. */
const WAIT_LOOK_MS = 50;

/** Bytes indexed per window, as `msglog sessions` takes them (logSet.ts). */
export const CHECK_WINDOW_BYTES = 2 << 20;

/** How check builds a window: no session key, the problem records' lines kept for their diagnostics. */
const WINDOW_BUILD = { keyless: true, problemLines: true } as const;

/** What the worker checks: its half, and how its lines are written. */
export interface BackHalfJob extends HalfJob {
  kind: 'check-half';
  format: CheckFormat;
  /** Where the half starts is decided as the halves are read (movingSplit.ts): `from` is then the worker's to fix. */
  moving?: SharedArrayBuffer;
  /**
   * A spill file this thread made for the half's lines (spillFile.ts; the threads share descriptors,
   * and one a worker opens is closed when it ends): this thread closes it once they are written.
   */
  spill?: number;
}

/** The worker's answers: its lead (as soon as it is known), then its lines, or that the log is to be checked as before. */
export type BackHalfAnswer = { k: -1; lead: PartLead } | { k: -1; lines: CheckBodies; last: true } | { k: -1; again: true; last: true } | { error: string; last: true };

/** Where a half ends: a fixed offset, or one asked of where its scan is before each window (the front half's, movingSplit.ts). */
type HalfEnd = number | ((scannedTo: number) => number);

/**
 * Indexes `index` from where it is up to `to` a window at a time, writing each window's final records'
 * diagnostics (`write`) before they are forgotten; the last record before `to` is held back unless the
 * log ends there (`logEnds`); `to` may move (HalfEnd). `onFirstRecords` runs once the index has its
 * first records (or reached `to` without).
 */
function inWindows(index: LogIndex, to: HalfEnd, logEnds: boolean, windowBytes: number, facts: WindowFacts, seen: Seen, write: (d: Parameters<typeof writeCheckLine>[5]) => void, onFirstRecords?: () => void): void {
  let first = onFirstRecords;
  for (;;) {
    const end = typeof to === 'number' ? to : to(index.scannedTo);
    if (index.scannedTo >= end) break;
    const held = index.indexWindow(windowBytes, WINDOW_BUILD, end);
    // A table that may come newest first: in the order its first records give (checked at the end: halfFits).
    index.holdOrder();
    if (first !== undefined && (index.recordCount > 0 || index.scannedTo >= end)) {
      first();
      first = undefined;
    }
    note(index, seen);
    const last = logEnds && index.scannedTo >= end;
    const ready = last ? index.recordCount : held;
    facts.facts(index, ready, last, write);
    facts.forget(index, ready);
    index.forget(ready);
  }
  first?.();
}

/**
 * This thread's half, `[0, to)` of the log of `index` (new, built keyless for check), window by window,
 * its lines written in the log's numbers into `sink`; `to` may move as inWindows says. Returns its end
 * once the worker's lead came (`lead()`, which waits for it), or undefined when a zone offset first
 * written after a window's lines changes them (the check is then done as before).
 */
export function frontHalf(index: LogIndex, to: HalfEnd, windowBytes: number, format: CheckFormat, sink: CheckBytes, counts: { errors: number; warnings: number; written: number }, lead: () => PartLead): FrontEnd | undefined {
  const facts = new WindowFacts(index);
  const heads = new CheckHeads();
  const seen = unseen();
  const write = (d: Parameters<typeof writeCheckLine>[5]): void => writeCheckLine(sink, format.json, format.file, d.line + 1, d.endLine + 1, d, heads, counts);
  inWindows(index, to, false, windowBytes, facts, seen, write);
  index.acceptLead(lead());
  facts.facts(index, index.recordCount, true, write);
  // Records finished in the log's offset before the first that wrote one: one scan reads them in that one.
  if (seen.timedBeforeOffset && index.zoneOffsetSeen) return undefined;
  return { start: index.segmentStart(), edge: facts.edgeNow(), parserState: index.parserState, order: index.orderCounts };
}

/** The back half of a log, indexed window by window as if nothing came before it (or from `front`, when that is known). */
export class BackHalf {
  readonly lines: CheckLinesAt;
  /** What the half's scan found (run). */
  private facts: HalfFacts | undefined = undefined;

  constructor(
    private readonly source: LogSource,
    private readonly dialect: Dialect,
    private readonly ctx: ParseContext,
    private readonly job: Pick<BackHalfJob, 'from' | 'to' | 'toleranceMs' | 'utcOffsetMin' | 'format' | 'windowBytes' | 'spill'>,
    private readonly front?: FrontEnd,
  ) {
    this.lines = new CheckLinesAt(job.spill);
  }

  /** Indexes the half, writing its lines; `onLead` gets what it says of the records before it as soon as that is known. */
  run(onLead?: (lead: PartLead) => void): void {
    const to = this.job.to;
    const index = new LogIndex(this.source, this.dialect, this.ctx, { toleranceMs: this.job.toleranceMs });
    index.logOffsetMin = this.job.utcOffsetMin;
    index.startPart(this.job.from, to);
    const primed = index.primedParserState;
    const seen = unseen();
    if (this.front !== undefined) index.followSegment({ ...this.front.start, lineCount: 0 });
    const facts = new WindowFacts(index, this.front?.edge);
    const heads = new CheckHeads();
    const { json, file } = this.job.format;
    const write = (d: Parameters<typeof writeCheckLine>[5]): void => this.lines.add(json, file, d.line, d.endLine, d, heads);
    inWindows(index, to, true, this.job.windowBytes, facts, seen, write, () => {
      // Markers before the half's first record (all of them, in a half without records) are the records' before it: theirs to report.
      facts.runsFrom = index.recordCount > 0 ? index.recStartLine[0] : Infinity;
      onLead?.(index.leadSoFar());
    });
    this.facts = halfFactsOf(index, seen, primed, this.job.utcOffsetMin, this.front?.start.hasOffset);
  }

  /** Whether the lines written stand now that the front half's end is known (halfFits). */
  fits(front: FrontEnd, dayBase: number | undefined): 'keep' | 'again' | 'whole' {
    if (this.facts === undefined) throw new Error('BackHalf.fits: the half is not read yet');
    return halfFits(this.facts, front, dayBase, true).fits;
  }
}

/**
 * The worker's lines of the back half, once the front half's end is known: those written, numbered on
 * from it, or those of the half indexed again from it; undefined when the whole log is to be checked as before.
 */
export function backHalfLines(half: BackHalf, front: FrontEnd, source: LogSource, dialect: Dialect, ctx: ParseContext, job: Pick<BackHalfJob, 'from' | 'to' | 'toleranceMs' | 'utcOffsetMin' | 'format' | 'windowBytes' | 'spill'>): CheckBodies | undefined {
  const fits = half.fits(front, dialect.timeOfDay?.(ctx));
  if (fits === 'whole') return undefined;
  let lines = half.lines;
  if (fits === 'again') {
    const exact = new BackHalf(source, dialect, ctx, job, front);
    exact.run();
    lines = exact.lines;
  }
  return lines.bodies(front.start.lineCount, job.format);
}

/**
 * Builds `index` (new, over the file `file`, keyless) for msglog check on two threads, window by
 * window, and sets its lines (LogIndex.windowedCheckLines, then laterCheckLines: the worker's). False
 * when the log is to be checked as before (no worker, or a zone offset first written late): `index`
 * is then spent, and a new one is to be built.
 */
export function checkInWindows(index: LogIndex, file: string, ctx: ParseContext, toleranceMs: number, utcOffsetMin: number, format: CheckFormat, windowBytes = CHECK_WINDOW_BYTES): boolean {
  const source = index.source;
  const size = source.size;
  const cap = lineStartAfter(source, Math.floor(size * FRONT_CAP), size);
  const entry = workerFile();
  if (cap <= 0 || cap >= size || entry === undefined) return false;
  const moving = new MovingSplit();
  const job: BackHalfJob = { kind: 'check-half', path: file, from: -1, to: size, dialect: index.dialect.id, ctx: plainContext(ctx), toleranceMs, utcOffsetMin, format, windowBytes, moving: moving.shared, spill: openSpillFile() };
  const worker = takeEarlyPartWorker()?.assign(job) ?? new PartWorker(entry, job);
  const back = worker as unknown as PartWorker<BackHalfAnswer>;
  // At the cap before the worker took its share: wait for it, or for its error (then the lead says what it was).
  const wait = (): void => {
    while (moving.fixed() === undefined && back.posted === 0 && !back.ended) moving.waitFixed(WAIT_LOOK_MS);
  };
  // Held to the end (the check may start again): in a spill file, not in new memory.
  const sink = new CheckBytes(openSpillFile());
  // The spill files, when the lines are not to be written after all (the reader closes them otherwise).
  const giveUp = (): void => {
    back.terminate();
    sink.close();
    if (job.spill !== undefined) closeSpillFile(job.spill);
  };
  try {
    // Every JSON item with its `,`, as the worker's: check drops the first when it is the first of all.
    const counts = { errors: 0, warnings: 0, written: format.json ? 1 : 0 };
    const to = (scannedTo: number): number => moving.frontTo(source, scannedTo, size, cap, windowBytes, wait);
    const end = frontHalf(index, to, windowBytes, format, sink, counts, () => {
      const answer = back.waitSync();
      if ('lead' in answer) return answer.lead;
      throw new Error(`index worker: ${'error' in answer ? answer.error : 'no lead'}`);
    });
    if (end === undefined) {
      giveUp();
      return false;
    }
    back.send(end);
    const answer = back.waitSync();
    if ('error' in answer) throw new Error(`index worker: ${answer.error}`);
    if (!('lines' in answer)) {
      giveUp();
      return false;
    }
    index.windowedCheckLines = { lines: sink.read(), errors: counts.errors, warnings: counts.warnings, written: counts.written - (format.json ? 1 : 0) };
    index.laterCheckLines = () => answer.lines;
    return true;
  } catch (e) {
    giveUp();
    throw e;
  }
}
