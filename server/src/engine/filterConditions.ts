// The text conditions of a filter (FORMATS §5, §14): every included text or pattern must match, no
// excluded one may. All of them are decided in one walk through the log: plain case-sensitive texts
// search the bytes (one cursor each, moving forward only), the others look at the record's body,
// decoded once per record however many conditions read it.
import { CancelledError, type LogIndex, type SearchHits } from './logIndex';
import { compileSafeRegex, type SafeRegex } from './safeRegex';
import { chunks } from './source';

/** Bytes of a record a regular expression looks at. */
export const REGEX_TEXT_LIMIT = 1 << 20;

/** Records between two looks at the clock; a pause comes once the pause time has passed. */
export const STEP_RECORDS = 1 << 10;

/** The conditions on record text, as lists (the query's single `text`/`regex` join them). */
export interface TextConditions {
  texts: string[];
  regexes: string[];
  excludeTexts: string[];
  excludeRegexes: string[];
  ignoreCase: boolean;
}

export interface Matcher {
  /** Calls `visit` with every record that may match, in file order, pausing (yielding) now and then. */
  candidates(visit: (r: number) => void, isCancelled: () => boolean): Generator<void>;
  /** Whether a candidate satisfies every condition. */
  test(r: number): boolean;
  /** Records tested on their first REGEX_TEXT_LIMIT bytes only. */
  truncated: number;
}

/** True when the work since the last pause has run long enough for another. */
export function pauseDue(state: { since: number; every: number }): boolean {
  const now = performance.now();
  if (now - state.since < state.every) return false;
  state.since = now;
  return true;
}

type Condition = { kind: 'bytes'; cursor: ByteCursor } | { kind: 'text'; needle: string } | { kind: 'regex'; re: SafeRegex };

/**
 * Compiles the conditions. `dropped`, when given, is a per-session mark of sessions whose records
 * never match (Filter Out Session / Component). Throws QueryError for a bad regular expression.
 * With `walk` false the matcher tests single records in any order (records arriving while a log is
 * followed): no byte cursors, no driving condition, `test` checks every condition.
 */
export function compileMatcher(index: LogIndex, c: TextConditions, chunkSize: number, pauseMs: number, dropped?: Uint8Array, walk = true): Matcher {
  const condition = (text: string): Condition => {
    // Case folding and text spanning lines (bodies join lines with \n, the log may write \r\n) need the decoded body.
    if (!walk || c.ignoreCase || text.includes('\n') || text.includes('\r') || text === '') return { kind: 'text', needle: c.ignoreCase ? text.toLowerCase() : text };
    return { kind: 'bytes', cursor: new ByteCursor(index, Buffer.from(text, 'utf8'), chunkSize) };
  };
  const pattern = (source: string): Condition => ({ kind: 'regex', re: compileSafeRegex(source, c.ignoreCase) });
  const includes = [...c.texts.map(condition), ...c.regexes.map(pattern)];
  const excludes = [...c.excludeTexts.map(condition), ...c.excludeRegexes.map(pattern)];

  // The first plain included text drives: only records that hold it are visited at all.
  const driverAt = includes.findIndex((x) => x.kind === 'bytes');
  const driver = driverAt >= 0 ? (includes[driverAt] as { kind: 'bytes'; cursor: ByteCursor }).cursor.needle : undefined;
  const others = includes.filter((_, i) => i !== driverAt);

  // The record whose body text is decoded, and that text (plain and lower-cased, each made on demand).
  let textOf = -1;
  let text = '';
  let lower: string | undefined;
  let limited = false;
  let countedAt = -1;
  const matcher: Matcher = {
    candidates: driver ? byteCandidates(index, driver, chunkSize) : allRecords(index, pauseMs),
    test(r) {
      if (dropped && dropped[index.recSession[r]] === 1) return false;
      for (const x of others) if (!holds(x, r)) return false;
      for (const x of excludes) if (holds(x, r)) return false;
      return true;
    },
    truncated: 0,
  };
  const body = (r: number): string => {
    if (textOf !== r) {
      textOf = r;
      lower = undefined;
      // Linear time is still long on a 50 MB line: regular expressions see the first MiB of a record.
      limited = index.endOffsetOf(r) - index.recStartOffset[r] > REGEX_TEXT_LIMIT;
      text = limited ? limitedBody(index, r) : index.body(r);
    }
    return text;
  };
  function holds(x: Condition, r: number): boolean {
    switch (x.kind) {
      case 'bytes':
        return x.cursor.within(index.recStartOffset[r] + index.recBodyCol[r], index.endOffsetOf(r));
      case 'text': {
        const t = body(r);
        // Plain text is matched in full, however long the record.
        if (limited) return (c.ignoreCase ? index.body(r).toLowerCase() : index.body(r)).includes(x.needle);
        if (!c.ignoreCase) return t.includes(x.needle);
        lower ??= t.toLowerCase();
        return lower.includes(x.needle);
      }
      case 'regex': {
        const t = body(r);
        if (limited && countedAt !== r) {
          countedAt = r; // once per record, however many patterns look at it
          matcher.truncated++;
        }
        return x.re.test(t);
      }
    }
  }
  return matcher;
}

function limitedBody(index: LogIndex, r: number): string {
  const start = index.recStartOffset[r];
  return index.read(start + index.recBodyCol[r], start + REGEX_TEXT_LIMIT).toString('utf8');
}

function allRecords(index: LogIndex, pauseMs: number): Matcher['candidates'] {
  return function* (visit, isCancelled) {
    const clock = { since: performance.now(), every: pauseMs };
    for (let r = 0; r < index.recordCount; r++) {
      if ((r & (STEP_RECORDS - 1)) === 0 && pauseDue(clock)) {
        yield;
        if (isCancelled()) throw new CancelledError();
      }
      visit(r);
    }
  };
}

/** As byteCandidates, over occurrences found beforehand (LogIndex.searched): each maps to the record whose body holds it. */
function* hitCandidates(index: LogIndex, hits: SearchHits, needleLength: number, visit: (r: number) => void, isCancelled: () => boolean): Generator<void> {
  let r = 0;
  let next = 0;
  for (let i = 0; i < hits.count && r < index.recordCount; i++) {
    const pos = hits.offsets[i];
    if (pos < next) continue;
    // The first record ending after pos: found by bisection (hits may be far apart in a big log).
    r = lastStartingAtOrBefore(index, pos, r);
    if (index.endOffsetOf(r) <= pos) r++;
    if (r >= index.recordCount) return;
    const bodyStart = index.recStartOffset[r] + index.recBodyCol[r];
    if (pos >= bodyStart && pos + needleLength <= index.endOffsetOf(r)) {
      visit(r);
      next = index.endOffsetOf(r);
      r++;
    }
    if ((i & 0xffff) === 0xffff) {
      yield;
      if (isCancelled()) throw new CancelledError();
    }
  }
}

/** The last record at or after `from` that starts at or before `pos` (`from` when none does). */
function lastStartingAtOrBefore(index: LogIndex, pos: number, from: number): number {
  const starts = index.recStartOffset;
  let lo = from;
  let hi = index.recordCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Finds every occurrence of the needle with Buffer.indexOf, chunk by chunk, and maps each to the
 * record whose body holds it: no decoding, no per-record work for records that cannot match.
 */
function byteCandidates(index: LogIndex, needle: Buffer, chunkSize: number): Matcher['candidates'] {
  return function* (visit, isCancelled) {
    // Found beforehand (searched while indexing, or by search workers): walk those offsets, read nothing.
    const hits = index.searched;
    if (hits !== undefined && hits.needle === needle.toString('utf8')) {
      yield* hitCandidates(index, hits, needle.length, visit, isCancelled);
      return;
    }
    let r = 0;
    // Chunks overlap by the needle's length less one, and `next` skips what an earlier chunk covered.
    let next = 0;
    for (const [chunk, base] of chunks(index.source, 0, index.scannedTo, chunkSize, needle.length - 1)) {
      let local = chunk.indexOf(needle, Math.max(0, next - base));
      while (local >= 0 && r < index.recordCount) {
        const pos = base + local;
        while (r < index.recordCount && index.endOffsetOf(r) <= pos) r++;
        if (r >= index.recordCount) return;
        const bodyStart = index.recStartOffset[r] + index.recBodyCol[r];
        let from: number;
        if (pos >= bodyStart && pos + needle.length <= index.endOffsetOf(r)) {
          visit(r);
          from = index.endOffsetOf(r);
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
  };
}

/**
 * Answers "do the bytes [start, end) hold the needle?" for ranges that come in file order, keeping
 * the next occurrence found: each byte of the log is searched at most once per cursor.
 */
class ByteCursor {
  /** The first occurrence at or after `searchedFrom`, or Infinity when there is none. */
  private hit = -1;
  private chunk: Buffer = Buffer.alloc(0);
  private chunkBase = 0;

  constructor(
    private readonly index: LogIndex,
    readonly needle: Buffer,
    private readonly chunkSize: number,
  ) {}

  within(start: number, end: number): boolean {
    if (this.hit < start) this.hit = this.find(start);
    return this.hit + this.needle.length <= end;
  }

  private find(from: number): number {
    const n = this.needle.length;
    const total = this.index.scannedTo;
    let pos = from;
    while (pos < total) {
      // The chunk held covers [chunkBase, chunkBase + chunk.length); occurrences must fit inside it.
      if (pos < this.chunkBase || pos + n > this.chunkBase + this.chunk.length) {
        this.chunkBase = pos;
        this.chunk = this.index.read(pos, Math.min(total, pos + this.chunkSize + n - 1));
        if (this.chunk.length < n) return Infinity;
      }
      const i = this.chunk.indexOf(this.needle, pos - this.chunkBase);
      if (i >= 0) return this.chunkBase + i;
      pos = this.chunkBase + this.chunk.length - n + 1;
      if (this.chunkBase + this.chunk.length >= total) return Infinity;
    }
    return Infinity;
  }
}
