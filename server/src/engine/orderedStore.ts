// The finishing pass of an index: records' times of day dated, time order decided, time regressions
// marked and problems counted per session. Between WindowedStore and LogIndex: it reads the record
// arrays and none of the log's bytes.
import { NO_OFFSET } from './recordStore';
import { WindowedStore } from './windowedStore';
import type { SegmentStart } from './segmentStore';
import { DAY_MS } from './time';
import { NO_LEVEL, RecordFlag, Severity } from './types';

export class OrderedStore extends WindowedStore {
  /** Where the dialect's times of day start (the date in a CommuniGate file name), when it writes no dates. */
  readonly dayBase: number | undefined;
  /** Only exported tables may come newest first (Dialect.mayDescend). */
  private readonly mayDescend: boolean;
  /** Time-regression tolerance in ms (FORMATS §4). */
  protected toleranceMs: number;
  // The finishing state carried from one window, part or append to the next (LogIndex.exportState keeps it).
  protected day = 0;
  protected maxTod = -1;
  protected rolledTo = 0;
  protected up = 0;
  protected down = 0;
  protected lastTimed = NaN;
  protected regressionEdge = NaN;
  /** The record that set regressionEdge (the first at that time); -1 while none, or when it is in a store before this one. */
  protected regressionEdgeRecord = -1;
  /** The time of the last record finished, carried to a record without one (finishRecords). */
  private finishPrev = NaN;
  /** A segment of a log (continueFinishing): its first record is finished as the one after another store's last. */
  private continues = false;
  /**
   * The order a log that may come newest first was found in as a whole (orderAs, or a segment's start):
   * its records are finished in it, whatever their own counts say. Undefined: decided by the counts.
   */
  private decidedOrder: boolean | undefined = undefined;

  constructor(dayBase: number | undefined, toleranceMs: number, mayDescend: boolean) {
    super();
    this.dayBase = dayBase;
    this.toleranceMs = toleranceMs;
    this.mayDescend = mayDescend;
  }

  /** Whether the record carries a problem (any error or warning diagnostic). */
  isProblem(r: number): boolean {
    return this.problemSeverity(r) !== 255;
  }

  /** The most severe diagnostic severity of a record (Severity.Error or Warning), or 255. */
  problemSeverity(r: number): number {
    const f = this.recFlags[r];
    let worst = 255;
    if (this.recLevel[r] !== NO_LEVEL && this.recSeverity[r] <= Severity.Warning) {
      worst = this.recSeverity[r] <= Severity.Error ? Severity.Error : Severity.Warning;
    }
    if (f & RecordFlag.EventError) worst = Math.min(worst, f & RecordFlag.EventErrorIsError ? Severity.Error : Severity.Warning);
    if (f & (RecordFlag.Malformed | RecordFlag.TimeRegression)) worst = Math.min(worst, Severity.Warning);
    return worst;
  }

  /** Re-evaluates time regressions with another tolerance (a setting change), keeping the parse. */
  setTolerance(toleranceMs: number): void {
    if (toleranceMs === this.toleranceMs) return;
    this.toleranceMs = toleranceMs;
    this.markTimeRegressions(0);
    this.countProblems(0);
  }

  /**
   * Marks time regressions and counts problems anew after record times were moved from outside
   * (a rotated source placing a later file's records on that file's date, FORMATS §9).
   */
  timesMoved(): void {
    this.markTimeRegressions(0);
    this.countProblems(0);
  }

  /**
   * The latest time of the records finished (the edge a later record's regression is measured from)
   * and the record that set it as its timestamp reads (-1: none, or one before this store).
   */
  timeEdge(): { t: number; record: number } {
    return { t: this.regressionEdge, record: this.regressionEdgeRecord };
  }

  /** Where this store's (finished) records end, for a segment after them (takeOverPart, continueFinishing). */
  segmentStart(): SegmentStart {
    return { ...this.storeStart(), finishing: [this.day, this.maxTod, this.lastTimed, this.regressionEdge, this.finishPrev, this.dated ? 1 : 0, this.descending ? 1 : 0] };
  }

  /** How many pairs of timed records in a row went up and down in time (the counts that decide a log's order), and the last timed record's time. */
  get orderCounts(): { up: number; down: number; lastTimed: number } {
    return { up: this.up, down: this.down, lastTimed: this.lastTimed };
  }

  /**
   * Finishes the records of a log that may come newest first in the order the whole log was found in
   * (`descending`: its counts, with those of the segments after this store's records): time regressions
   * are marked again from the first record when that is not the order these records alone gave.
   */
  orderAs(descending: boolean): void {
    if (!this.mayDescend) throw new Error('orderAs: only a log that may come newest first');
    this.decidedOrder = descending;
    if (descending === this.descending) return;
    this.descending = descending;
    this.markTimeRegressions(0);
    this.countProblems(0);
  }

  /**
   * A windowed check's (windowedCheck.ts): from now on its records are finished in the order those so
   * far give, once they give one (a pair of timed records in a row); finish no longer decides it, since
   * the records of the windows before are forgotten. Whether the whole log goes that way is checked at
   * its end (halfFits): where it does not, the log is checked as before.
   */
  holdOrder(): void {
    if (this.mayDescend && this.decidedOrder === undefined && this.up + this.down > 0) this.decidedOrder = this.descending;
  }

  /**
   * Makes this store, new and empty, finish its records as the ones after those `start` ends (a
   * segment of a log left where a worker indexed it: LogIndex.segments); a log that may come newest
   * first in the order `start` was finished in (orderAs).
   */
  protected continueFinishing(start: SegmentStart): void {
    if (this.recordCount > 0 || this.rolledTo > 0) throw new Error('continueFinishing: only a new store');
    [this.day, this.maxTod, this.lastTimed, this.regressionEdge, this.finishPrev] = start.finishing;
    this.dated = start.finishing[5] === 1;
    // A log that may come newest first: in the order the whole log was found in (orderAs on the store before).
    if (this.mayDescend) this.decidedOrder = start.finishing[6] === 1;
    this.regressionEdgeRecord = -1;
    this.continues = true;
    // No problem yet (a fresh finish would set this; a continued one does not start afresh).
    this.sessionProblems.fill(0);
    this.sessionWorst.fill(255);
  }

  /** Order, time regressions and problem counts for records from `first` on (all when the order flips). */
  protected finish(first: number): void {
    // Only exported tables may come newest first; every server writes its own log in time order, so
    // there is nothing to decide and one pass does days, order, regressions and problem counts.
    if (!this.mayDescend) {
      this.finishInOrder(first);
      return;
    }
    if (this.dayBase !== undefined) this.rollDays();
    // Before a first pair of timed records there is at most one, and no regression either way.
    const ordered = this.up + this.down > 0;
    this.countOrder(first);
    const descending = this.decidedOrder ?? this.down > this.up;
    // A segment's first records are finished from the edge the store before it left, not anew. An order
    // first given now changes nothing before `first` (a window's: the records before it are forgotten).
    if (((descending !== this.descending && ordered) || first === 0) && !this.continues) {
      this.descending = descending;
      this.markTimeRegressions(0);
      this.countProblems(0);
    } else {
      this.descending = descending;
      this.markTimeRegressions(first);
      this.countProblems(first);
    }
  }

  /**
   * finish()'s count of timed records going up and down in time, from `first` on. A function of its
   * own, over locals: inlined in finish(), V8's code for the loop left it at every window of a windowed
   * check (53 times in a 200 MB PrivateServer check), and the rest of each window ran unoptimised.
   */
  private countOrder(first: number): void {
    const flags = this.recFlags;
    const wall = this.recWall;
    let up = this.up;
    let down = this.down;
    let last = this.lastTimed;
    let dated = this.dated;
    // normalized(), inline: a call that is not inlined returns each time a new heap number.
    const offsets = this.offsets;
    const logOffsetMs = this.logOffsetMin * 60_000;
    for (let r = first; r < this.recordCount; r++) {
      if (flags[r] & RecordFlag.NoTime) continue;
      const off = offsets === undefined ? NO_OFFSET : offsets[r];
      const t = wall[r] - (off === NO_OFFSET ? logOffsetMs : off * 60_000);
      if (t > last) up++;
      else if (t < last) down++;
      last = t;
      // A wall time past a year from the epoch carries a calendar date; day counts never get there.
      if (wall[r] >= DATED_MS) dated = true;
    }
    this.up = up;
    this.down = down;
    this.lastTimed = last;
    this.dated = dated;
  }

  /**
   * finish() for a log in time order, fused into one pass over records `first…`: rollDays,
   * markTimeRegressions and countProblems as they are written below, record by record (the counts of
   * records going up and down in time only decide the order of logs that may come newest first).
   */
  private finishInOrder(first: number): void {
    this.descending = false;
    // A segment's first record follows the store before it: its state is carried, not started anew.
    const fresh = first === 0 && !this.continues;
    if (fresh) {
      this.sessionProblems.fill(0);
      this.sessionWorst.fill(255);
    }
    const rolling = this.dayBase !== undefined && this.rolledTo === first;
    if (this.dayBase !== undefined && !rolling) this.rollDays();
    if (first > 0) this.finishPrev = rolling ? this.recWall[first - 1] : NaN;
    else if (fresh) this.finishPrev = NaN;
    if (fresh) {
      this.regressionEdge = NaN;
      this.regressionEdgeRecord = -1;
    }
    // In blocks: a call per block lets V8 optimise the loop as a whole function after a few blocks,
    // where one call over millions of records runs the code it swapped in mid-loop, about half as fast.
    const n = this.recordCount;
    for (let from = first; from < n; from += FINISH_BLOCK) this.finishRecords(from, Math.min(n, from + FINISH_BLOCK), rolling);
    if (rolling) this.rolledTo = n;
  }

  /** finishInOrder's pass over records [from, to), its state carried in the fields from block to block. */
  private finishRecords(from: number, to: number, rolling: boolean): void {
    const base = this.dayBase ?? 0;
    const wall = this.recWall;
    const flags = this.recFlags;
    const level = this.recLevel;
    const severity = this.recSeverity;
    const session = this.recSession;
    const problems = this.sessionProblems;
    const worst = this.sessionWorst;
    const offsets = this.offsets;
    const logOffsetMs = this.logOffsetMin * 60_000;
    const tol = this.toleranceMs;
    // The day count and latest time of day so far (dateTimeOfDay's state), in locals.
    let day = this.day;
    let maxTod = this.maxTod;
    let prev = this.finishPrev;
    let edge = this.regressionEdge;
    let edgeRecord = this.regressionEdgeRecord;
    let dated = this.dated;
    const keyless = this.keyless;
    for (let r = from; r < to; r++) {
      let f = flags[r] & ~TIME_REGRESSION;
      if (f & NO_TIME) {
        if (rolling) wall[r] = prev;
      } else {
        let w = wall[r];
        if (rolling) {
          // dateTimeOfDay, inline: calling it, with its state in an array, makes this pass take about
          // twice as long (23–33 ns a record against 13–16 on the 1 GB log).
          if (maxTod >= 0 && w < maxTod - HALF_DAY) {
            day++;
            maxTod = w;
          } else if (w > maxTod) {
            maxTod = w;
          }
          prev = wall[r] = w = base + day * DAY_MS + w;
        }
        const off = offsets === undefined ? NO_OFFSET : offsets[r];
        const t = w - (off === NO_OFFSET ? logOffsetMs : off * 60_000);
        if (w >= DATED_MS) dated = true;
        if (edge !== edge) {
          edge = t;
          edgeRecord = r;
        } else if (t < edge - tol) f |= TIME_REGRESSION;
        if (t > edge) {
          edge = t;
          edgeRecord = r;
        }
      }
      flags[r] = f;
      // A keyless index's one session counts nothing anyone reads (BuildOptions.keyless).
      if (keyless) continue;
      // problemSeverity(r), inline.
      let sev = 255;
      if (level[r] !== NO_LEVEL && severity[r] <= Severity.Warning) sev = severity[r] <= Severity.Error ? Severity.Error : Severity.Warning;
      if (f & EVENT_ERROR) {
        const e = f & EVENT_ERROR_IS_ERROR ? Severity.Error : Severity.Warning;
        if (e < sev) sev = e;
      }
      if (f & (MALFORMED | TIME_REGRESSION) && Severity.Warning < sev) sev = Severity.Warning;
      if (sev !== 255) {
        const s = session[r];
        problems[s]++;
        if (sev < worst[s]) worst[s] = sev;
      }
    }
    if (rolling) {
      this.day = day;
      this.maxTod = maxTod;
    }
    this.finishPrev = prev;
    this.regressionEdge = edge;
    this.regressionEdgeRecord = edgeRecord;
    this.dated = dated;
  }

  /** Dates the times of day of the records from rolledTo on (dateTimeOfDay), as finishInOrder does in its pass. */
  private rollDays(): void {
    const base = this.dayBase ?? 0;
    const wall = this.recWall;
    const flags = this.recFlags;
    const days = this.dayState();
    let prev = this.rolledTo > 0 ? wall[this.rolledTo - 1] : NaN;
    for (let r = this.rolledTo; r < this.recordCount; r++) {
      if (flags[r] & RecordFlag.NoTime) {
        wall[r] = prev;
        continue;
      }
      prev = wall[r] = dateTimeOfDay(days, base, wall[r]);
    }
    this.keepDayState(days, this.recordCount);
  }

  /** The day count and latest time of day so far, as dateTimeOfDay carries them. */
  private dayState(): Float64Array {
    return Float64Array.of(this.day, this.maxTod);
  }

  private keepDayState(days: Float64Array, rolledTo: number): void {
    this.day = days[0];
    this.maxTod = days[1];
    this.rolledTo = rolledTo;
  }

  private markTimeRegressions(first: number): void {
    const tol = this.toleranceMs;
    const mirror = this.descending;
    // A segment's edge is carried from the store before it (continueFinishing), its record not here.
    const fresh = first === 0 && !this.continues;
    let edge = fresh ? NaN : this.regressionEdge;
    let edgeRecord = fresh ? -1 : this.regressionEdgeRecord;
    // normalized(), inline (countOrder says why).
    const offsets = this.offsets;
    const logOffsetMs = this.logOffsetMin * 60_000;
    const wall = this.recWall;
    for (let r = first; r < this.recordCount; r++) {
      let f = this.recFlags[r] & ~RecordFlag.TimeRegression;
      if (!(f & RecordFlag.NoTime)) {
        const off = offsets === undefined ? NO_OFFSET : offsets[r];
        const t = wall[r] - (off === NO_OFFSET ? logOffsetMs : off * 60_000);
        if (Number.isNaN(edge)) {
          edge = t;
          edgeRecord = r;
        } else if (mirror ? t > edge + tol : t < edge - tol) f |= RecordFlag.TimeRegression;
        if (mirror ? t < edge : t > edge) {
          edge = t;
          edgeRecord = r;
        }
      }
      this.recFlags[r] = f;
    }
    this.regressionEdge = edge;
    this.regressionEdgeRecord = edgeRecord;
  }

  private countProblems(first: number): void {
    // A keyless index's one session counts nothing anyone reads (BuildOptions.keyless), as in finishRecords.
    if (this.keyless) return;
    if (first === 0) {
      this.sessionProblems.fill(0);
      this.sessionWorst.fill(255);
    }
    for (let r = first; r < this.recordCount; r++) {
      const sev = this.problemSeverity(r);
      if (sev === 255) continue;
      const s = this.recSession[r];
      this.sessionProblems[s]++;
      if (sev < this.sessionWorst[s]) this.sessionWorst[s] = sev;
    }
  }
}

/**
 * Dates a time of day of a dialect that writes no date: the base, plus a day each time the clock goes
 * back by more than twelve hours (a new day, not a record written late). `days` carries the day count
 * and the latest time of day so far from record to record.
 */
function dateTimeOfDay(days: Float64Array, base: number, tod: number): number {
  const maxTod = days[1];
  if (maxTod >= 0 && tod < maxTod - HALF_DAY) {
    days[0]++;
    days[1] = tod;
  } else if (tod > maxTod) {
    days[1] = tod;
  }
  return base + days[0] * DAY_MS + tod;
}

const HALF_DAY = DAY_MS / 2;
/** Records finished per call of finishRecords. */
const FINISH_BLOCK = 1 << 16;
const NO_TIME = RecordFlag.NoTime;
const TIME_REGRESSION = RecordFlag.TimeRegression;
const EVENT_ERROR = RecordFlag.EventError;
const EVENT_ERROR_IS_ERROR = RecordFlag.EventErrorIsError;
const MALFORMED = RecordFlag.Malformed;
/** A wall time past a year from the epoch carries a calendar date; day counts never get there. */
const DATED_MS = 86_400_000 * 365;
