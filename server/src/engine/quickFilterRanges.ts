// What a quick filter's passes hand on (quickFilter.ts, quickFilterScan.ts): records as `[start, end)`
// byte ranges in file order with their keys, pass 1's findings, and the merge of two such lists.
import { CR, LF } from './bytes';

/** Records as `[start, end)` pairs in file order (the last end may wait for the next chunk), with their keys when asked. */
export class Ranges {
  /** Index in `pairs` of an end that lies in a later chunk, or -1. */
  pending = -1;

  constructor(
    readonly pairs: number[] = [],
    readonly keys: string[] = [],
  ) {}

  get count(): number {
    return this.pairs.length >> 1;
  }
}

export interface FirstPass {
  /** Plain: the records holding the text. */
  records: Ranges;
  /** Keyed: the session keys remembered. */
  keys: Set<string>;
  /**
   * Keyed: every header line holding the text or one of the patterns searched along, with its key
   * (undefined when there were too many to keep: pass 2 then searches for them again).
   */
  headers: Ranges | undefined;
  /** The text and the patterns searched along. */
  searched: Buffer[];
  /** Lines that are overflow markers: `[start, end)` pairs. */
  markers: number[];
}

/** Patterns a search can use (non-empty, on one line), or [] when one of them is not. */
export function usable(patterns: Buffer[]): Buffer[] {
  return patterns.every((p) => p.length > 0 && !p.includes(LF) && !p.includes(CR)) ? patterns : [];
}

/** Two sorted lists of `[start, end)` pairs as one, each start once (with their keys into `keys`, when given). */
export function mergeSorted(a: number[], b: number[], aKeys?: string[], bKeys?: string[], keys?: string[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && a[i] <= b[j]);
    const s = takeA ? a[i] : b[j];
    const e = takeA ? a[i + 1] : b[j + 1];
    const key = takeA ? aKeys?.[i >> 1] : bKeys?.[j >> 1];
    if (takeA) i += 2;
    else j += 2;
    if (out.length > 0 && out[out.length - 2] === s) continue;
    out.push(s, e);
    if (keys !== undefined) keys.push(key ?? '');
  }
  return out;
}
