// Plain and keyed filters (FORMATS §5, §14): whole records in file order, overflow markers kept,
// several conditions and exclusions in one pass, context records around hits.
import { CancelledError, type LogIndex, type OverflowRun, turn } from './logIndex';
import { compileMatcher, pauseDue, REGEX_TEXT_LIMIT, STEP_RECORDS, type TextConditions } from './filterConditions';
import { compileLevel, compileTime, QueryError, type TimeScale } from './query';
import { hasCondition } from '../../../common/filterQuery';
import type { FilterQuery } from '../../../common/filterQuery';

export { REGEX_TEXT_LIMIT };

export type { FilterQuery };
export { hasCondition };

/** A record (a hit, or with `context` a neighbour shown around one), a run of markers, or a `--` between groups. */
export type FilterItem = { kind: 'record'; record: number; context?: true } | { kind: 'overflow'; run: OverflowRun } | { kind: 'separator' };

export interface FilterResult {
  items: FilterItem[];
  /** Records longer than REGEX_TEXT_LIMIT whose regular-expression match looked at their start only. */
  truncated: number;
  /** Number of records output that matched (context records not counted). */
  records: number;
  /** Number of context records output. */
  contextRecords: number;
  /** Sessions remembered by a keyed filter's first pass. */
  keyedSessions: number;
}

export interface FilterOptions {
  /** Current record, for relative times (`+5m`). */
  baseRecord?: number;
  /** Polled now and then; when it returns true the filter stops with a CancelledError. */
  isCancelled?: () => boolean;
  /** Bytes searched per step (tests use tiny chunks to cross every boundary). */
  chunkSize?: number;
  /** Work between pauses, in ms (default 50; tests use 0 to pause at every step). */
  pauseMs?: number;
}

export { CancelledError };

const PAUSE_MS = 50;
const MATCH_CHUNK = 64 << 20;

/** Runs a filter. Throws QueryError for a bad query and CancelledError when cancelled. */
export function runFilter(index: LogIndex, query: FilterQuery, options: FilterOptions = {}): FilterResult {
  const steps = filterSteps(index, query, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * As runFilter(), but gives the event loop a turn now and then, so that a server answers other
 * requests and sees a cancellation that arrives while a long filter runs.
 */
export async function runFilterAsync(index: LogIndex, query: FilterQuery, options: FilterOptions = {}): Promise<FilterResult> {
  const steps = filterSteps(index, query, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await turn();
  }
}

/** The filter as steps: it yields between chunks of work and returns the result. */
function* filterSteps(index: LogIndex, query: FilterQuery, options: FilterOptions): Generator<void, FilterResult> {
  if (options.isCancelled?.()) throw new CancelledError();
  const pauseMs = options.pauseMs ?? PAUSE_MS;
  const context = query.context;
  if (context !== undefined && !(Number.isInteger(context) && context >= 0)) throw new QueryError(`bad context "${context}": use a whole number of records, 0 or more`);
  const matches = compileMatcher(index, textConditions(query), options.chunkSize ?? MATCH_CHUNK, pauseMs, droppedSessions(index, query));
  const level = compileLevel(index, query.level);
  const from = query.from ? compileTime(index, query.from, options.baseRecord) : undefined;
  const to = query.to ? compileTime(index, query.to, options.baseRecord) : undefined;
  const inInterval = (r: number): boolean => within(from, to, r);
  const eligible = (r: number): boolean => inInterval(r) && (!level || level(r));
  const check = options.isCancelled ?? (() => false);

  // What pass 2 prints: a mark per session (keyed) or per record (plain), tested straight on the arrays,
  // and the records that can hold them: from the first marked record (or first record of a remembered
  // session) to the last.
  let marks: Uint8Array;
  let bySession: boolean;
  let keyedSessions = 0;
  let lo = Infinity;
  let hi = -1;
  if (query.keyed) {
    // Exclusions are part of `matches`: they act in pass 1 only, and pass 2 prints whole sessions.
    const remembered = new Uint8Array(index.sessionCount);
    yield* matches.candidates((r) => {
      const s = index.recSession[r];
      if (!remembered[s] && eligible(r) && matches.test(r)) {
        remembered[s] = 1;
        keyedSessions++;
      }
    }, check);
    // Their records' span, read now (a followed log may have given them records during pass 1).
    if (keyedSessions > 0) {
      for (let s = 0; s < remembered.length; s++) {
        if (remembered[s] !== 1) continue;
        lo = Math.min(lo, index.sessionFirst[s]);
        hi = Math.max(hi, index.sessionLast[s]);
      }
    }
    marks = remembered;
    bySession = true;
  } else {
    const hit = new Uint8Array(index.recordCount);
    yield* matches.candidates((r) => {
      if (eligible(r) && matches.test(r)) {
        hit[r] = 1;
        lo = Math.min(lo, r);
        hi = Math.max(hi, r);
      }
    }, check);
    marks = hit;
    bySession = false;
  }

  const out = new FilterItems(index, inInterval, context !== undefined);
  const clock = { since: performance.now(), every: pauseMs };
  // A followed log may gain records while the filter pauses: then pass 2 goes on to its new end (new
  // records of remembered sessions are printed too, as they would be by a filter started now).
  const counted = index.recordCount;
  const end = (): number => (index.recordCount === counted ? Math.min(counted, hi + (context ?? 0) + 1) : index.recordCount);
  // Records after a hit up to here are its trailing context.
  let after = -1;
  let r = lo === Infinity ? counted : lo;
  while (r < end()) {
    if ((r & (STEP_RECORDS - 1)) === 0 && pauseDue(clock)) {
      yield;
      if (check()) throw new CancelledError();
    }
    // Unmarked records outside any context are skipped in a tight loop, up to the next pause check.
    if (r > after) {
      const stop = Math.min(end(), (r | (STEP_RECORDS - 1)) + 1);
      const sessions = index.recSession;
      if (bySession) while (r < stop && marks[sessions[r]] !== 1) r++;
      else while (r < stop && marks[r] !== 1) r++;
      if (r === stop) continue;
    }
    // (Records a followed log gained since pass 1 have no mark of their own: never plain hits.)
    if (bySession ? marks[index.recSession[r]] === 1 && eligible(r) : marks[r] === 1) {
      // Context is the plain neighbours in the file, whatever their level, time or text.
      if (context) for (let q = Math.max(out.lastRecord + 1, r - context); q < r; q++) out.record(q, true);
      out.record(r, false);
      if (context) after = r + context;
    } else if (r <= after) {
      out.record(r, true);
    }
    r++;
  }
  out.finish();
  return { items: out.items, records: out.hits, contextRecords: out.contextRecords, keyedSessions, truncated: matches.truncated };
}

/**
 * A test of single records against a query's text conditions and dropped sessions (not its level or
 * interval), for records that arrive while a log is followed.
 */
export function compileRecordTest(index: LogIndex, query: FilterQuery): (r: number) => boolean {
  const matcher = compileMatcher(index, textConditions(query), MATCH_CHUNK, PAUSE_MS, droppedSessions(index, query), false);
  return (r) => matcher.test(r);
}

function textConditions(q: FilterQuery): TextConditions {
  const list = (one: string | undefined, many: string[] | undefined): string[] => [...(one === undefined ? [] : [one]), ...(many ?? [])];
  return {
    texts: list(q.text, q.texts),
    regexes: list(q.regex, q.regexes),
    excludeTexts: q.excludeTexts ?? [],
    excludeRegexes: q.excludeRegexes ?? [],
    ignoreCase: q.ignoreCase === true,
  };
}

/** A mark per session whose records a query drops (by key or by component), or undefined. */
function droppedSessions(index: LogIndex, q: FilterQuery): Uint8Array | undefined {
  const keys = q.excludeSessions ?? [];
  const components = new Set(q.excludeComponents ?? []);
  if (keys.length === 0 && components.size === 0) return undefined;
  const dropped = new Uint8Array(index.sessionCount);
  for (const key of keys) {
    const s = index.keys.find(key);
    if (s >= 0) dropped[s] = 1;
  }
  if (components.size > 0) for (let s = 0; s < index.sessionCount; s++) if (components.has(index.componentOf(s))) dropped[s] = 1;
  return dropped;
}

/**
 * The items of a result in file order: records, overflow markers where they fall (inside the
 * interval, consecutive ones once) and, with context, a separator between items that are not
 * neighbours in the file.
 */
class FilterItems {
  readonly items: FilterItem[] = [];
  hits = 0;
  contextRecords = 0;
  /** The last record output, or -1. */
  lastRecord = -1;
  /** Where the last item sits: a record's number, or for a marker run the record before it. */
  private lastAt = -2;
  private lastWasMarker = false;
  private nextRun = 0;

  constructor(
    private readonly index: LogIndex,
    private readonly inInterval: (r: number) => boolean,
    private readonly separators: boolean,
  ) {}

  record(r: number, context: boolean): void {
    this.markersBefore(this.index.recStartLine[r]);
    // Neighbours: the last item was record r-1, or a marker run right after it.
    this.separateUnless(this.lastAt === r - 1);
    this.items.push(context ? { kind: 'record', record: r, context: true } : { kind: 'record', record: r });
    if (context) this.contextRecords++;
    else this.hits++;
    this.lastRecord = r;
    this.lastAt = r;
    this.lastWasMarker = false;
  }

  finish(): void {
    this.markersBefore(Number.MAX_SAFE_INTEGER);
  }

  private markersBefore(line: number): void {
    const runs = this.index.overflow;
    while (this.nextRun < runs.length && runs[this.nextRun].startLine < line) {
      const run = runs[this.nextRun++];
      const inside = run.recordBefore < 0 || this.inInterval(run.recordBefore);
      if (!inside || this.lastWasMarker) continue;
      this.separateUnless(this.lastAt === run.recordBefore);
      this.items.push({ kind: 'overflow', run });
      this.lastWasMarker = true;
      this.lastAt = run.recordBefore;
    }
  }

  private separateUnless(neighbours: boolean): void {
    if (this.separators && !neighbours && this.items.length > 0) this.items.push({ kind: 'separator' });
  }
}

function within(from: TimeScale | undefined, to: TimeScale | undefined, r: number): boolean {
  if (from && !(from.value(r) >= from.target)) return false;
  if (to && !(to.value(r) <= to.target)) return false;
  return true;
}
