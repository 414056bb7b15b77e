// Filters, go to time and session order over several sources merged in time (FORMATS §9).
import { textColumn } from './bytes';
import type { FilterItem, FilterOptions, FilterQuery } from './filters';
import { runFilter } from './filters';
import type { LogIndex } from './logIndex';
import type { LogSet } from './logSet';
import { compileLevel, compileTime, QueryError } from './query';
import { compileSafeRegex } from './safeRegex';
import { parseTimeQuery } from './time';

/** A filter item of one source. */
export interface SetFilterItem {
  source: number;
  item: FilterItem;
}

export interface SetFilterResult {
  items: SetFilterItem[];
  records: number;
  truncated: number;
  /** (source, session) pairs a keyed filter remembered, per source. */
  remembered: Uint8Array[];
}

/**
 * Runs a filter on every source and interleaves the results in merged order. A keyed filter
 * remembers (source, key) pairs: the same key in two sources is two sessions.
 */
export function filterSet(set: LogSet, query: FilterQuery, options: FilterOptions = {}): SetFilterResult {
  const items: SetFilterItem[] = [];
  const sortKey: number[] = [];
  let records = 0;
  let truncated = 0;
  const remembered: Uint8Array[] = [];
  set.sources.forEach((src, s) => {
    const result = runFilter(src.index, query, options);
    records += result.records;
    truncated += result.truncated;
    const rank = set.order.rank[s];
    const keep = new Uint8Array(src.index.sessionCount);
    for (const item of result.items) {
      items.push({ source: s, item });
      if (item.kind === 'record') {
        sortKey.push(rank[item.record]);
        if (query.keyed) keep[src.index.recSession[item.record]] = 1;
      } else {
        // A marker goes right after the record before it (before everything when none).
        sortKey.push(item.run.recordBefore < 0 ? -1 : rank[item.run.recordBefore] + 0.5);
      }
    }
    remembered.push(keep);
  });
  const idx = items.map((_, i) => i);
  // Stable: equal keys (markers before any record) keep source order.
  idx.sort((a, b) => sortKey[a] - sortKey[b] || a - b);
  return { items: idx.map((i) => items[i]), records, truncated, remembered };
}

/**
 * The merged position of the first record at or after a time (FORMATS §3 and §9), or -1. A time of
 * day is read on each source's first day; a date-time against normalised time (undated sources placed).
 */
export function goToTimeInSet(set: LogSet, query: string): number {
  let q;
  try {
    q = parseTimeQuery(query);
  } catch (e) {
    throw new QueryError((e as Error).message);
  }
  if (q.kind === 'relative') throw new QueryError(`bad time "${query}": a relative time needs a current record (use it in the editor)`);
  const tests = set.sources.map((src) => {
    if (q.kind === 'clock' || src.index.dated) {
      const scale = compileTime(src.index, query);
      return (r: number): boolean => scale.value(r) >= scale.target;
    }
    const target = q.wall - src.index.logOffsetMin * 60_000 - src.shiftMs;
    return (r: number): boolean => src.index.normalized(r) >= target;
  });
  const { src, rec, length } = set.order;
  for (let p = 0; p < length; p++) if (tests[src[p]](rec[p])) return p;
  return -1;
}

/** Sessions of every source in order of their first record in merged order: [source, session] pairs. */
export function* sessionsInMergedOrder(set: LogSet): Generator<[number, number]> {
  const { src, rec, length } = set.order;
  for (let p = 0; p < length; p++) {
    const ix = set.sources[src[p]].index;
    const r = rec[p];
    const s = ix.recSession[r];
    if (ix.sessionFirst[s] === r) yield [src[p], s];
  }
}

/**
 * A test of single records against a filter query, for records that arrive while a log is
 * followed (the whole-log filter is not run again for each new line).
 */
export function recordPredicate(index: LogIndex, query: FilterQuery): (r: number) => boolean {
  const level = compileLevel(index, query.level);
  const from = query.from ? compileTime(index, query.from) : undefined;
  const to = query.to ? compileTime(index, query.to) : undefined;
  const re = query.regex !== undefined ? compileSafeRegex(query.regex, query.ignoreCase === true) : undefined;
  const needle = query.ignoreCase ? (query.text ?? '').toLowerCase() : query.text ?? '';
  return (r) => {
    if (level && !level(r)) return false;
    if (from && !(from.value(r) >= from.target)) return false;
    if (to && !(to.value(r) <= to.target)) return false;
    const text = matchText(index, r);
    if (re) return re.test(text);
    return (query.ignoreCase ? text.toLowerCase() : text).includes(needle);
  };
}

/** The body minus a level word inside it (Messaging Server), as filters match it. */
function matchText(index: LogIndex, r: number): string {
  const body = index.body(r);
  const gapOf = index.dialect.levelGap;
  if (!gapOf) return body;
  const header = index.headerLine(r);
  const gap = gapOf(header);
  if (!gap) return body;
  const col = textColumn(header, index.recBodyCol[r]);
  return body.slice(0, gap[0] - col) + body.slice(gap[1] - col);
}
