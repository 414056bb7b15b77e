// Several sources in one order: a stable k-way merge over their record arrays (FORMATS §9).
// Each source keeps its own file order; heads are compared by normalised time, ties by source
// number (argument order). No record objects: positions live in typed arrays.
import { grow } from './keyTable';
import { NO_OFFSET } from './recordStore';
import type { RecordStore } from './recordStore';

/** A source as the merge sees it: its records and the shift that places it in time (undated sources). */
export interface MergeSource {
  readonly store: RecordStore;
  /** Added to every normalised time of the source, in ms. */
  shiftMs: number;
}

export class MergedOrder {
  private srcs = new Uint16Array(1024);
  private recs = new Uint32Array(1024);
  private readonly ranks: Uint32Array[] = [];
  private merged = 0;
  /** Records of each source merged so far. */
  private readonly done: number[] = [];
  /**
   * The merge is made when first asked for: commands that go source by source (check, sessions)
   * never pay its three arrays (about 10 bytes a record) nor its pass.
   */
  private pending = true;

  constructor(private readonly sources: readonly MergeSource[]) {
    for (let s = 0; s < sources.length; s++) {
      this.ranks.push(new Uint32Array(0));
      this.done.push(0);
    }
  }

  /** Source of each merged position. */
  get src(): Uint16Array {
    if (this.pending) this.extend();
    return this.srcs;
  }

  /** Record (in its source) of each merged position. */
  get rec(): Uint32Array {
    if (this.pending) this.extend();
    return this.recs;
  }

  /** Merged position of each record, per source. */
  get rank(): readonly Uint32Array[] {
    if (this.pending) this.extend();
    return this.ranks;
  }

  /** Positions merged. */
  get length(): number {
    if (this.pending) this.extend();
    return this.merged;
  }

  /**
   * Merges the records the sources gained since the last call after everything merged so far
   * (a followed log grows: its new records come after what was shown). Returns the first new position.
   */
  extend(): number {
    this.pending = false;
    const k = this.sources.length;
    const from = this.merged;
    let total = from;
    for (let s = 0; s < k; s++) {
      const n = this.sources[s].store.recordCount;
      total += n - this.done[s];
      if (this.ranks[s].length < n) this.ranks[s] = grow(this.ranks[s], n);
    }
    if (this.srcs.length < total) {
      this.srcs = grow(this.srcs, total);
      this.recs = grow(this.recs, total);
    }
    // A binary heap of source numbers ordered by (time of the head record, source number).
    const heap = new Int32Array(k);
    const headTime = new Float64Array(k);
    let size = 0;
    const less = (a: number, b: number): boolean => headTime[a] < headTime[b] || (headTime[a] === headTime[b] && a < b);
    const siftDown = (i: number): void => {
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) return;
        const c = l + 1 < size && less(heap[l + 1], heap[l]) ? l + 1 : l;
        if (!less(heap[c], heap[i])) return;
        const t = heap[c];
        heap[c] = heap[i];
        heap[i] = t;
        i = c;
      }
    };
    const siftUp = (i: number): void => {
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(heap[i], heap[p])) return;
        const t = heap[p];
        heap[p] = heap[i];
        heap[i] = t;
        i = p;
      }
    };
    for (let s = 0; s < k; s++) {
      if (this.done[s] < this.sources[s].store.recordCount) {
        headTime[s] = this.timeOf(s, this.done[s]);
        heap[size++] = s;
        siftUp(size - 1);
      }
    }
    let pos = from;
    const src = this.srcs;
    const rec = this.recs;
    while (size > 0) {
      const s = heap[0];
      const store = this.sources[s].store;
      const rank = this.ranks[s];
      let r = this.done[s];
      const n = store.recordCount;
      if (size === 1) {
        // The last source left: the rest of it in file order, without comparisons.
        for (; r < n; r++) {
          src[pos] = s;
          rec[pos] = r;
          rank[r] = pos++;
        }
        this.done[s] = n;
        break;
      }
      // Take this source's records while they stay before the runner-up's head.
      const second = size === 2 ? heap[1] : less(heap[1], heap[2]) ? heap[1] : heap[2];
      const limit = headTime[second];
      for (;;) {
        src[pos] = s;
        rec[pos] = r;
        rank[r] = pos++;
        r++;
        if (r >= n) break;
        const t = this.timeOf(s, r);
        if (t > limit || (t === limit && s > second)) {
          headTime[s] = t;
          break;
        }
      }
      this.done[s] = r;
      if (r >= n) {
        heap[0] = heap[--size];
      }
      siftDown(0);
    }
    this.merged = pos;
    return from;
  }

  /** Normalised time plus the source's shift; records before any time sort first. */
  timeOf(s: number, r: number): number {
    const { store, shiftMs } = this.sources[s];
    const off = store.recOffsetMin[r];
    const t = store.recWall[r] - (off === NO_OFFSET ? store.logOffsetMin : off) * 60_000 + shiftMs;
    return Number.isNaN(t) ? -Infinity : t;
  }
}
