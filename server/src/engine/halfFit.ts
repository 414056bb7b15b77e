// Whether a back half of a log, indexed on another thread as if nothing came before it, reads as one
// scan of the whole log would: what the windowed check (windowedCheck.ts) and the windowed session
// list (windowedSessions.ts) ask of their worker's half once this thread's half is done.
import type { LogIndex } from './logIndex';
import { NO_OFFSET } from './recordStore';
import type { SegmentStart } from './segmentStore';
import { DAY_MS } from './time';
import type { ParseContext } from './types';
import { RecordFlag } from './types';

/**
 * What a worker reads: the back half of the log at `path`, `[from, to)` (`from` a line boundary, `to`
 * the log's size as this thread read it: a log that grows meanwhile is read as far as one thread would).
 */
export interface HalfJob {
  path: string;
  from: number;
  to: number;
  dialect: string;
  ctx: ParseContext;
  toleranceMs: number;
  /** The zone offset a log that writes none is read in (LogSetOptions.utcOffsetMin). */
  utcOffsetMin: number;
  windowBytes: number;
}

/** What a window-by-window scan notes of the records it forgets, for the checks at the end. */
export interface Seen {
  /** The first timed record: its time of day (its wall time in a dialect that dates its records), normalised time and text. */
  firstTimed: { tod: number; t: number; text: string } | undefined;
  /** A record without a time before the first timed one (it takes the time of the records before the half). */
  untimedFirst: boolean;
  /** A timed record without a zone offset of its own (read in the log's offset). */
  timedWithoutOffset: boolean;
  /** A window with timed records finished before any record wrote a zone offset. */
  timedBeforeOffset: boolean;
}

export const unseen = (): Seen => ({ firstTimed: undefined, untimedFirst: false, timedWithoutOffset: false, timedBeforeOffset: false });

/** Notes what the checks at the end need of the index's records (a window: before they are forgotten). */
export function note(index: LogIndex, seen: Seen): void {
  // Known already (a log that writes no zone offsets, after its first timed record): nothing to look at.
  if (seen.firstTimed !== undefined && seen.timedWithoutOffset && (seen.timedBeforeOffset || index.zoneOffsetSeen)) return;
  const flags = index.recFlags;
  const count = index.recordCount;
  // The window's first timed record; those before it, untimed, came first if no record before them was timed.
  let r = 0;
  while (r < count && flags[r] & RecordFlag.NoTime) r++;
  if (seen.firstTimed === undefined) {
    if (r > 0) seen.untimedFirst = true;
    if (r === count) return;
    // Finished already: a time of day is dated on day 0 (no day passes before the first timed record).
    seen.firstTimed = { tod: index.recWall[r] - (index.dayBase ?? 0), t: index.normalized(r), text: index.timestampText(r) };
  } else if (r === count) return;
  if (!index.zoneOffsetSeen) seen.timedBeforeOffset = true;
  if (seen.timedWithoutOffset) return;
  // A timed record without a zone offset. A loop of its own, with nothing but the two arrays in it: in a
  // log whose every record writes one (Messaging Server, Axigen) it reads every record of every window,
  // and the loop this replaced, which also asked `seen` and the index, was deoptimised in most windows.
  const offsets = index.zoneOffsets;
  if (offsets === undefined) {
    seen.timedWithoutOffset = true;
    return;
  }
  for (; r < count; r++) {
    if (!(flags[r] & RecordFlag.NoTime) && offsets[r] === NO_OFFSET) {
      seen.timedWithoutOffset = true;
      return;
    }
  }
}

/** This thread's word at the end of its half: where its records end, and the time edge they leave (its text as written). */
export interface FrontEnd {
  start: SegmentStart;
  edge: { t: number; text: string };
  /** The parser's state at the end (a dialect whose parser keeps one: LineParser.partState). */
  parserState: string | undefined;
  /** The pairs of its timed records in a row that went up and down in time, and its last timed record's time (OrderedStore.orderCounts). */
  order: { up: number; down: number; lastTimed: number };
}

/** What the back half's scan found, for halfFits. */
export interface HalfFacts {
  seen: Seen;
  /** Whether a record of the half wrote a zone offset (and the log had none before it), and the first one's. */
  zoneOffsets: boolean;
  firstOffsetMin: number;
  /** The parser's state the half was read in: the one the log's head leaves it in (LogScanner.primeParser). */
  primed: string | undefined;
  /** The zone offset a log that writes none is read in. */
  utcOffsetMin: number;
  /** A log that may come newest first: the order the half was finished in (holdOrder), and its pairs of timed records in a row that went up and down. */
  order: { descending: boolean; up: number; down: number } | undefined;
}

/**
 * What the half's scan found, once `index` has read all of it: `frontHadOffset` when it was read from
 * a front half's end that had written a zone offset (the log's offset is then that one's, not the half's).
 */
export function halfFactsOf(index: LogIndex, seen: Seen, primed: string | undefined, utcOffsetMin: number, frontHadOffset = false): HalfFacts {
  const { up, down } = index.orderCounts;
  const order = index.dialect.mayDescend === true ? { descending: index.descending, up, down } : undefined;
  return { seen, zoneOffsets: index.zoneOffsetSeen && !frontHadOffset, firstOffsetMin: index.logOffsetMin, primed, utcOffsetMin, order };
}

/**
 * Whether what the half made stands now that the front half's end is known: 'keep' (its lines move,
 * its times by `days`), 'again' (index the half again from `front`), or 'whole' (read the whole log
 * as before). `edgeText`: whether a record at the edge's very time must also write it the same way
 * (a check's regression message quotes the edge).
 */
export function halfFits(half: HalfFacts, front: FrontEnd, dayBase: number | undefined, edgeText: boolean): { fits: 'keep' | 'again' | 'whole'; days: number } {
  const start = front.start;
  const again = { fits: 'again', days: 0 } as const;
  // A parser with a state (EMG's file kind) read the half in the one the log's head left it in: the front half must end in it.
  if (front.parserState !== half.primed) return { fits: 'whole', days: 0 };
  // The log's zone offset is that of its first record with one: set here, it changes how the front
  // half's timed records (there are some when it leaves a time edge) are read.
  if (half.zoneOffsets && !start.hasOffset && !Number.isNaN(front.edge.t)) return { fits: 'whole', days: 0 };
  const seen = half.seen;
  const descending = start.finishing[6] === 1;
  if (half.order !== undefined) {
    // A table that may come newest first: each half was finished in the order its first records gave
    // (holdOrder); the lines stand only where that is the order one scan decides from all its records
    // (OrderedStore.finish), with the pair across the split. Zone offsets make times compare otherwise.
    if (half.zoneOffsets || start.hasOffset) return { fits: 'whole', days: 0 };
    const first = seen.firstTimed?.t ?? NaN;
    const last = front.order.lastTimed;
    const up = front.order.up + half.order.up + (first > last ? 1 : 0);
    const down = front.order.down + half.order.down + (first < last ? 1 : 0);
    // (A half with no such pair has no regression in it, whichever order it was finished in.)
    const halfOrdered = half.order.up + half.order.down > 0;
    if ((halfOrdered && half.order.descending !== descending) || down > up !== descending) return { fits: 'whole', days: 0 };
  }
  if (seen.timedWithoutOffset) {
    if (seen.timedBeforeOffset && half.zoneOffsets) return again;
    const assumed = half.zoneOffsets ? half.firstOffsetMin : half.utcOffsetMin;
    const actual = start.hasOffset ? start.logOffsetMin : assumed;
    if (assumed !== actual) return again;
  }
  const first = seen.firstTimed;
  // No timed record: no regression, nothing of the day read.
  if (first === undefined) return { fits: 'keep', days: 0 };
  const [day, maxTod] = start.finishing;
  let days = 0;
  if (dayBase !== undefined) {
    // dateTimeOfDay at the first record: on past the latest time of day (the same day), or a new day.
    if (maxTod < 0 || first.tod >= maxTod) days = day;
    else if (first.tod < maxTod - DAY_MS / 2) days = day + 1;
    else return again;
  }
  const t = first.t + days * DAY_MS;
  const edge = front.edge;
  // The edge a regression is measured from: this half's first record's own, or one of the same time (and text).
  // Newest first, the edge is the earliest time so far, and a record later than it goes back.
  if (Number.isNaN(edge.t) || (descending ? edge.t > t : edge.t < t) || (edge.t === t && (!edgeText || edge.text === first.text))) return { fits: 'keep', days };
  return again;
}
