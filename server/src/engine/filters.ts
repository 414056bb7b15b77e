// Plain and keyed filters (SPEC §5): whole records in file order, overflow markers kept.
import { textColumn } from './bytes';
import type { LogIndex, OverflowRun } from './logIndex';
import { CancelledError, turn } from './logIndex';
import { chunks } from './source';
import type { TimeScale } from './query';
import { compileLevel, compileTime } from './query';
import { compileSafeRegex } from './safeRegex';

export interface FilterQuery {
  /** Substring to find in record bodies (case-sensitive unless ignoreCase). */
  text?: string;
  /** Regular expression to find in record bodies (instead of text). */
  regex?: string;
  ignoreCase?: boolean;
  /** Two passes: remember the session keys of matching records, then output all their records. */
  keyed?: boolean;
  /** CommuniGate digit 0–5 or a severity name. */
  level?: string;
  /** Inclusive interval bounds (SPEC §3 queries). */
  from?: string;
  to?: string;
}

export type FilterItem = { kind: 'record'; record: number } | { kind: 'overflow'; run: OverflowRun };

export interface FilterResult {
  items: FilterItem[];
  /** Records longer than REGEX_TEXT_LIMIT whose regular-expression match looked at their start only. */
  truncated: number;
  /** Number of records output. */
  records: number;
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

/** Records between two looks at the clock; a pause comes once PAUSE_MS have passed. */
const STEP_RECORDS = 1 << 10;
const PAUSE_MS = 50;

/** True when the work since the last pause has run long enough for another. */
function pauseDue(state: { since: number; every: number }): boolean {
  const now = performance.now();
  if (now - state.since < state.every) return false;
  state.since = now;
  return true;
}

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
  const matches = compileMatcher(index, query, options.chunkSize ?? MATCH_CHUNK, pauseMs);
  const level = compileLevel(index, query.level);
  const from = query.from ? compileTime(index, query.from, options.baseRecord) : undefined;
  const to = query.to ? compileTime(index, query.to, options.baseRecord) : undefined;
  const inInterval = (r: number): boolean => within(from, to, r);
  const eligible = (r: number): boolean => inInterval(r) && (!level || level(r));
  const check = options.isCancelled ?? (() => false);

  let selected: (r: number) => boolean;
  let keyedSessions = 0;
  if (query.keyed) {
    const remembered = new Uint8Array(index.sessionCount);
    yield* matches.candidates((r) => {
      if (!remembered[index.recSession[r]] && eligible(r) && matches.test(r)) {
        remembered[index.recSession[r]] = 1;
        keyedSessions++;
      }
    }, check);
    selected = (r) => remembered[index.recSession[r]] === 1 && eligible(r);
  } else {
    const hit = new Uint8Array(index.recordCount);
    yield* matches.candidates((r) => {
      if (eligible(r) && matches.test(r)) hit[r] = 1;
    }, check);
    selected = (r) => hit[r] === 1;
  }

  const items: FilterItem[] = [];
  const runs = index.overflow;
  let next = 0;
  let records = 0;
  let lastWasMarker = false;
  const emitRunsBefore = (line: number): void => {
    while (next < runs.length && runs[next].startLine < line) {
      const run = runs[next++];
      const inside = run.recordBefore < 0 || inInterval(run.recordBefore);
      if (inside && !lastWasMarker) {
        items.push({ kind: 'overflow', run });
        lastWasMarker = true;
      }
    }
  };
  const clock = { since: performance.now(), every: pauseMs };
  for (let r = 0; r < index.recordCount; r++) {
    if ((r & (STEP_RECORDS - 1)) === 0 && pauseDue(clock)) {
      yield;
      if (check()) throw new CancelledError();
    }
    if (!selected(r)) continue;
    emitRunsBefore(index.recStartLine[r]);
    items.push({ kind: 'record', record: r });
    records++;
    lastWasMarker = false;
  }
  emitRunsBefore(Number.MAX_SAFE_INTEGER);
  return { items, records, keyedSessions, truncated: matches.truncated };
}

function within(from: TimeScale | undefined, to: TimeScale | undefined, r: number): boolean {
  if (from && !(from.value(r) >= from.target)) return false;
  if (to && !(to.value(r) <= to.target)) return false;
  return true;
}

interface Matcher {
  /** Calls `visit` with every record that may match, in file order, pausing (yielding) now and then. */
  candidates(visit: (r: number) => void, isCancelled: () => boolean): Generator<void>;
  test(r: number): boolean;
  /** Records tested on their first REGEX_TEXT_LIMIT bytes only. */
  truncated: number;
}

/** Bytes of a record a regular expression looks at. */
export const REGEX_TEXT_LIMIT = 1 << 20;

/** Regular expressions and case-folding match decoded bodies; plain text scans the bytes. */
function compileMatcher(index: LogIndex, query: FilterQuery, chunkSize: number, pauseMs: number): Matcher {
  function* allRecords(visit: (r: number) => void, isCancelled: () => boolean): Generator<void> {
    const clock = { since: performance.now(), every: pauseMs };
    for (let r = 0; r < index.recordCount; r++) {
      if ((r & (STEP_RECORDS - 1)) === 0 && pauseDue(clock)) {
        yield;
        if (isCancelled()) throw new CancelledError();
      }
      visit(r);
    }
  }
  if (query.regex !== undefined) {
    const re = compileSafeRegex(query.regex, query.ignoreCase === true);
    return {
      candidates: allRecords,
      test(r) {
        // Linear time is still long on a 50 MB line: regular expressions see the first MiB of a record.
        if (index.recEndOffset[r] - index.recStartOffset[r] > REGEX_TEXT_LIMIT) {
          this.truncated++;
          return re.test(matchText(index, r, REGEX_TEXT_LIMIT));
        }
        return re.test(matchText(index, r));
      },
      truncated: 0,
    };
  }
  const text = query.text ?? '';
  if (query.ignoreCase || index.dialect.levelGap || text.includes('\n') || text === '') {
    const needle = query.ignoreCase ? text.toLowerCase() : text;
    return {
      candidates: allRecords,
      test: (r) => (query.ignoreCase ? matchText(index, r).toLowerCase() : matchText(index, r)).includes(needle),
      truncated: 0,
    };
  }
  return byteMatcher(index, Buffer.from(text, 'utf8'), chunkSize);
}

/** The text a filter matches: the body, minus a level word inside it (Messaging Server); at most `limit` bytes of the record. */
function matchText(index: LogIndex, r: number, limit = Infinity): string {
  const body = limit === Infinity ? index.body(r) : index.read(index.recStartOffset[r] + index.recBodyCol[r], index.recStartOffset[r] + limit).toString('utf8');
  const levelGap = index.dialect.levelGap;
  if (!levelGap) return body;
  const header = index.headerLine(r);
  const gap = levelGap(header);
  if (!gap) return body;
  // The body starts `col` characters into the header line: the gap's columns shift by that much.
  const col = textColumn(header, index.recBodyCol[r]);
  return body.slice(0, gap[0] - col) + body.slice(gap[1] - col);
}

/**
 * Finds every occurrence of the needle with Buffer.indexOf, chunk by chunk, and maps each to the
 * record whose body holds it: no decoding, no per-record work for records that cannot match.
 */
function byteMatcher(index: LogIndex, needle: Buffer, chunkSize: number): Matcher {
  return {
    *candidates(visit, isCancelled) {
      let r = 0;
      // Chunks overlap by the needle's length less one, and `next` skips what an earlier chunk covered.
      let next = 0;
      for (const [chunk, base] of chunks(index.source, 0, index.scannedTo, chunkSize, needle.length - 1)) {
        let local = chunk.indexOf(needle, Math.max(0, next - base));
        while (local >= 0 && r < index.recordCount) {
          const pos = base + local;
          while (r < index.recordCount && index.recEndOffset[r] <= pos) r++;
          if (r >= index.recordCount) return;
          const bodyStart = index.recStartOffset[r] + index.recBodyCol[r];
          let from: number;
          if (pos >= bodyStart && pos + needle.length <= index.recEndOffset[r]) {
            visit(r);
            from = index.recEndOffset[r];
            r++;
          } else {
            from = pos < bodyStart ? bodyStart : pos + 1;
          }
          next = from;
          local = from - base < chunk.length ? chunk.indexOf(needle, from - base) : -1;
        }
        if (r >= index.recordCount) return;
        yield;
        if (isCancelled()) throw new CancelledError();
      }
    },
    test: () => true,
    truncated: 0,
  };
}

const MATCH_CHUNK = 64 << 20;
