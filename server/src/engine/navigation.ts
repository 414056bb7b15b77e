// Go to time (FORMATS §3) and moving between the records of a session.
import type { LogIndex } from './logIndex';
import { compileTime } from './query';

/**
 * The record for "go to time": in an ascending log the first record in file order at or after the
 * target; in a descending log the last such record in file order. -1 when none.
 * Throws QueryError for a bad query.
 */
export function goToTime(index: LogIndex, query: string, baseRecord?: number): number {
  const { value, target } = compileTime(index, query, baseRecord);
  if (index.descending) {
    for (let r = index.recordCount - 1; r >= 0; r--) if (value(r) >= target) return r;
    return -1;
  }
  for (let r = 0; r < index.recordCount; r++) if (value(r) >= target) return r;
  return -1;
}

/** The next (direction 1) or previous (-1) record of the same session as record `r`, or -1. */
export function nextInSession(index: LogIndex, r: number, direction: 1 | -1): number {
  const s = index.recSession[r];
  const stop = direction > 0 ? index.sessionLast[s] : index.sessionFirst[s];
  if (r === stop) return -1;
  for (let i = r + direction; i >= 0 && i < index.recordCount; i += direction) if (index.recSession[i] === s) return i;
  return -1;
}

/** The first record of the next (1) or previous (-1) session in order of first records, or -1. */
export function nextSession(index: LogIndex, r: number, direction: 1 | -1): number {
  // Session ids are assigned in order of first record, so neighbours by id are neighbours in time.
  const other = index.recSession[r] + direction;
  return other >= 0 && other < index.sessionCount ? index.sessionFirst[other] : -1;
}

/** The records of a session in file order, at most `limit` of them. */
export function sessionRecords(index: LogIndex, session: number, limit = Infinity): number[] {
  const out: number[] = [];
  const last = index.sessionLast[session];
  for (let r = index.sessionFirst[session]; r <= last && out.length < limit; r++) if (index.recSession[r] === session) out.push(r);
  return out;
}
