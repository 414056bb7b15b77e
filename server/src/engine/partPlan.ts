// How a parted build (parallel.ts) splits a log and hands its parts out: parts that shrink toward
// where this thread, taking them from the front, and the workers, from the back, are expected to
// meet; each part claimed once, from either end, through one shared Int32.
import { LF } from './bytes';
import type { LogSource } from './source';

/**
 * No part smaller than this. The last parts decide how long one side waits for the other: with 24 MB
 * (about 100 ms of scanning here), `msglog check` of a 200 MB log took 5–9 % longer than with 8 MB.
 */
export const MIN_PART_BYTES = 8 << 20;

/** A thread for each this many bytes of a log, at most (a worker's start costs 50–150 ms). */
export const MIN_THREAD_BYTES = 24 << 20;

/**
 * Offsets that split `[0, size)` into parts, each starting at a line boundary (after an LF): about
 * `parts` equal ones, or by default (`parts` undefined) parts for `threads` threads (partSizes).
 */
export function splitAtLines(source: LogSource, size: number, threads: number, parts?: number): number[] {
  const bounds = [0];
  const cuts = parts === undefined ? cutsOf(partSizes(size, threads)) : Array.from({ length: parts - 1 }, (_, k) => Math.floor((size * (k + 1)) / parts));
  for (const at of cuts) {
    const cut = lineStartAfter(source, Math.max(Math.floor(at), bounds[bounds.length - 1]), size);
    if (cut < 0 || cut >= size) break;
    if (cut > bounds[bounds.length - 1]) bounds.push(cut);
  }
  bounds.push(size);
  return bounds;
}

/** The start of the first line after offset `at` of a log of `size` bytes (just past an LF), or -1 when none starts before `size`. */
export function lineStartAfter(source: LogSource, at: number, size: number): number {
  for (let pos = at; pos < size; ) {
    const window = source.read(pos, Math.min(size, pos + (1 << 16)));
    const nl = window.indexOf(LF);
    if (nl >= 0) return pos + nl + 1;
    pos += window.length;
  }
  return -1;
}

/**
 * Claims the next part from the front of a log split into `parts` (this thread's: they follow the
 * ones it indexed already, so its index goes on with them and nothing is copied), or -1 when every
 * part is claimed. `claims` holds one Int32: the parts claimed from the front in its low 16 bits,
 * those claimed from the back above, changed together so that the two ends never take the same part.
 */
export function claimFront(claims: Int32Array, parts: number): number {
  return claim(claims, parts, 1);
}

/** Claims the next part from the back (a worker's: stitched on after this thread's), or -1 when every part is claimed. */
export function claimBack(claims: Int32Array, parts: number): number {
  return claim(claims, parts, BACK);
}

/** The count of parts claimed from the back is kept above this (so fewer than this many parts). */
export const BACK = 1 << 16;

function claim(claims: Int32Array, parts: number, step: number): number {
  for (;;) {
    const seen = Atomics.load(claims, 0);
    const front = seen & (BACK - 1);
    const back = seen >>> 16;
    if (front + back >= parts) return -1;
    if (Atomics.compareExchange(claims, 0, seen, seen + step) === seen) return step === BACK ? parts - 1 - back : front;
  }
}

/**
 * The sizes of the parts, in order, that a log of `size` bytes is split into for `threads` threads.
 * This thread takes parts from the front and the workers from the back, so they meet at about a
 * `threads`th of the log (later when a worker starts late). The parts shrink toward there by
 * halves, down to MIN_PART_BYTES: whichever side comes to the last ones first takes them, and the
 * other waits for at most a small part. The workers' side is first cut into parts of half this
 * thread's first, so that several workers share it.
 */
export function partSizes(size: number, threads: number): number[] {
  const meet = size / Math.max(1, threads);
  const back: number[] = [];
  let rest = size - meet;
  for (; rest > meet; rest -= meet / 2) back.push(meet / 2);
  back.push(...halving(rest));
  return [...halving(meet), ...back.reverse()];
}

/** `length` in parts from its outer end inward: each half of what is left, down to MIN_PART_BYTES, then the rest. */
function halving(length: number): number[] {
  const parts: number[] = [];
  let rest = length;
  for (; rest / 2 >= MIN_PART_BYTES; rest -= rest / 2) parts.push(rest / 2);
  if (rest > 0) parts.push(rest);
  return parts;
}

/** Where parts of these sizes end, but the last. */
function cutsOf(sizes: number[]): number[] {
  const cuts: number[] = [];
  let at = 0;
  for (const s of sizes.slice(0, -1)) cuts.push((at += s));
  return cuts;
}
