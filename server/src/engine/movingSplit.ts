// Where a log's two halves meet, decided while they are read. A fixed split (a share of the log for
// this thread, the rest for a worker) left one thread idle for 50–150 ms of a 200 MB check: the worker
// comes to the log 100–200 ms after this thread, later still on a busy host, and by how much varies
// from run to run. Here this thread claims the log ahead of its scan, a few windows at a time; the
// worker, once it has started, takes a share of what is not claimed yet. Both then end at about the
// same time, however late the worker came. One shared cell holds this thread's claim, or the split.
import type { LogSource } from './source';
import { lineStartAfter } from './partPlan';

/** The cell's states: a claim (≥ 0: this thread may scan up to there), or the split fixed (SPLIT_BASE - split). */
const SPLIT_BASE = -1n;

/** Where this thread stops claiming while the worker has not taken its share: the worker's half is never empty. */
export const FRONT_CAP = 0.9;

/**
 * The least share of what this thread has not claimed that the worker takes. Under half: this thread
 * also takes in the worker's lines at the end, and the worker's code is still being compiled as it
 * starts. With 0.5 the worker ended 20–80 ms after this thread on the 200 MB bench logs; 0.45 took
 * 15–20 ms off each of the four (eight pairs alternating).
 */
export const BACK_SHARE = 0.45;

/**
 * What the worker's late compiles and this thread's taking in of its lines are worth, in bytes this
 * thread leaves the worker of the rest: the share is `0.5 - FRONT_LEAD_BYTES / rest`, never under
 * BACK_SHARE. A fixed 0.45 left the worker idle for 60–350 ms at the end of the 1 GB check (a tenth of
 * the 900 MB it shared out is far more than those costs): 0.49 there, 1.46 against 1.55 s (medians of
 * sixteen pairs alternating); the 200 MB logs keep 0.45.
 */
const FRONT_LEAD_BYTES = 9 << 20;

/** The worker's share of `rest` bytes not claimed yet. */
export function backShare(rest: number): number {
  return Math.max(BACK_SHARE, 0.5 - FRONT_LEAD_BYTES / Math.max(1, rest));
}

export class MovingSplit {
  private readonly cell: BigInt64Array;

  /** Over `shared` (another MovingSplit's, posted to the worker), or over a new cell with no claim. */
  constructor(readonly shared: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.cell = new BigInt64Array(shared);
  }

  /** The split once the worker has fixed it, else undefined. */
  fixed(): number | undefined {
    const v = Atomics.load(this.cell, 0);
    return v < 0n ? Number(SPLIT_BASE - v) : undefined;
  }

  /**
   * This thread's side: how far it may scan from `scannedTo`, a line start of the log of `size` bytes
   * read through `source`. When less than `ahead` bytes past it are claimed, the claim goes on to the
   * line start after twice that; never past `cap` (a line start). Once the split is fixed, the split.
   * At the cap with the split not fixed yet, `wait` is called (to block until the worker takes its
   * share, or says it failed); the cap is returned if it is still not fixed then.
   */
  frontTo(source: LogSource, scannedTo: number, size: number, cap: number, ahead: number, wait: () => void): number {
    for (;;) {
      const v = Atomics.load(this.cell, 0);
      if (v < 0n) return Number(SPLIT_BASE - v);
      const reach = Number(v);
      if (reach >= cap && scannedTo >= cap) {
        wait();
        return this.fixed() ?? cap;
      }
      if (reach >= Math.min(cap, scannedTo + ahead)) return reach;
      const at = lineStartAfter(source, scannedTo + 2 * ahead, size);
      const want = at < 0 || at > cap ? cap : at;
      if (Atomics.compareExchange(this.cell, 0, v, BigInt(want)) === v) return want;
    }
  }

  /** Blocks until the split is fixed or `ms` pass (frontTo's `wait`, between looks at the worker). */
  waitFixed(ms: number): void {
    const v = Atomics.load(this.cell, 0);
    if (v >= 0n) Atomics.wait(this.cell, 0, v, ms);
  }

  /**
   * The worker's side: fixes the split at the first line start after its share (backShare) of what this
   * thread has not claimed of the log of `size` bytes (at this thread's claim when none starts there), and
   * returns it. Called once.
   */
  claimBack(source: LogSource, size: number): number {
    for (;;) {
      const v = Atomics.load(this.cell, 0);
      if (v < 0n) return Number(SPLIT_BASE - v);
      const reach = Number(v);
      const rest = size - reach;
      const at = lineStartAfter(source, Math.floor(reach + rest * (1 - backShare(rest))), size);
      const split = at < 0 ? reach : at;
      if (Atomics.compareExchange(this.cell, 0, v, SPLIT_BASE - BigInt(split)) === v) {
        Atomics.notify(this.cell, 0);
        return split;
      }
    }
  }
}
