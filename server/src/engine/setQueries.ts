// Filters, go to time and session order over several sources merged in time (FORMATS §9).
import { compileRecordTest, type FilterItem, type FilterOptions, type FilterQuery, runFilter } from './filters';
import type { LogIndex } from './logIndex';
import type { LogSet } from './logSet';
import { compileLevel, compileTime, QueryError } from './query';
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
      // Separators between context groups are placed again once the sources are merged.
      if (item.kind === 'separator') continue;
      items.push({ source: s, item });
      if (item.kind === 'record') {
        sortKey.push(rank[item.record]);
        if (query.keyed && !item.context) keep[src.index.recSession[item.record]] = 1;
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
  const merged = idx.map((i) => items[i]);
  return { items: query.context === undefined ? merged : separateGroups(merged), records, truncated, remembered };
}

/**
 * `--` between merged items that are not neighbours in their file (FORMATS §14): a record follows
 * the record before it in the same source, a marker run the record it comes after.
 */
function separateGroups(items: SetFilterItem[]): SetFilterItem[] {
  const out: SetFilterItem[] = [];
  let last: SetFilterItem | undefined;
  for (const x of items) {
    if (last) {
      const after = x.item.kind === 'record' ? x.item.record - 1 : x.item.kind === 'overflow' ? x.item.run.recordBefore : NaN;
      const at = last.item.kind === 'record' ? last.item.record : last.item.kind === 'overflow' ? last.item.run.recordBefore : NaN;
      if (x.source !== last.source || after !== at) out.push({ source: x.source, item: { kind: 'separator' } });
    }
    out.push(x);
    last = x;
  }
  return out;
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
  const eligible = recordEligibility(index, query);
  const text = compileRecordTest(index, query);
  return (r) => eligible(r) && text(r);
}

/**
 * Whether a record is under the level threshold and inside the interval: what a keyed filter asks of
 * every record it prints, also of the records of sessions it remembered (FORMATS §5).
 */
export function recordEligibility(index: LogIndex, query: FilterQuery): (r: number) => boolean {
  const level = compileLevel(index, query.level);
  const from = query.from ? compileTime(index, query.from) : undefined;
  const to = query.to ? compileTime(index, query.to) : undefined;
  return (r) => {
    if (level && !level(r)) return false;
    if (from && !(from.value(r) >= from.target)) return false;
    if (to && !(to.value(r) <= to.target)) return false;
    return true;
  };
}
