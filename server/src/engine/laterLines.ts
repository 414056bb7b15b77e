// The lines a worker writes that this thread writes out after its own (windowedSessions.ts: the JSON
// lines or text rows of a large log's back half). They go through a ring of slots of shared memory,
// which this thread empties only once its own lines are written: a ring as large as the worker's
// lines (about 110 MB for a day's 1 GB log) would cost that much memory. When the ring is full, the
// worker writes on into a spill file (an unlinked temporary file: the page cache, not msglog's
// memory) instead of waiting, and this thread reads those pieces back where their turn comes. Before
// the spill, the worker sat idle for most of the time this thread wrote its own lines, and wrote the
// rest of its own only after (1 GB: about 0.2 s at the end of `sessions --json`).
import { CHUNK_BYTES } from './export/jsonBytes';
import { closeSpillFile, openSpillFile, readSpilled, SpillWriter } from './spillFile';

/**
 * Slots of the ring. Beyond it pieces go to the spill file, which costs a copy into the page cache;
 * a slot costs page faults on its first touch (about 12 µs a page on the bench's host). 1 GB
 * `sessions --json`, eight pairs: 4 slots 2.33 s and 260 MB at the peak, 32 slots 2.41 s and 287 MB.
 */
export const RING_SLOTS = 4;
export const RING_SLOT_BYTES = CHUNK_BYTES;

/** What the worker is given to hand its lines over: the ring, the count of slots written out, and the spill file's descriptor (none: it waits for a slot). */
export interface LaterLinesWord {
  ring: SharedArrayBuffer;
  taken: SharedArrayBuffer;
  spill?: number;
}

/** The worker's word for one piece of its lines: in ring slot `slot`, or in the spill file at `spilled`. */
export type LaterPiece = { k: -1; slot: number; length: number } | { k: -1; spilled: number; length: number };

/** A new ring of `slots` slots, and a spill file unless `spill` is false (or none can be made: the worker then waits for slots). */
export function laterLinesWord(slots = RING_SLOTS, spill = true): LaterLinesWord {
  const word: LaterLinesWord = { ring: new SharedArrayBuffer(slots * RING_SLOT_BYTES), taken: new SharedArrayBuffer(4) };
  if (spill) word.spill = openSpillFile();
  return word;
}

/**
 * The worker's side: hands each piece (at most RING_SLOT_BYTES) to this thread through `post`, in a
 * free slot, else appended to the spill file, else (no spill file, or it failed) in the next slot
 * once this thread has written it out. Pieces are posted in order; this thread takes them in that order.
 */
export class LaterLinesWriter {
  private readonly taken: Int32Array;
  private readonly ring: Uint8Array;
  private readonly slots: number;
  /** Pieces put in the ring. */
  private inRing = 0;
  private readonly spill: SpillWriter | undefined;

  constructor(
    word: LaterLinesWord,
    private readonly post: (piece: LaterPiece) => void,
  ) {
    this.taken = new Int32Array(word.taken);
    this.ring = new Uint8Array(word.ring);
    this.slots = this.ring.length / RING_SLOT_BYTES;
    this.spill = word.spill === undefined ? undefined : new SpillWriter(word.spill);
  }

  put(piece: Uint8Array): void {
    if (this.inRing - Atomics.load(this.taken, 0) >= this.slots && this.spill !== undefined) {
      const at = this.spill.append(piece);
      if (at >= 0) {
        this.post({ k: -1, spilled: at, length: piece.length });
        return;
      }
    }
    // A slot this thread has written out (it takes the pieces in order).
    for (let out = Atomics.load(this.taken, 0); this.inRing - out >= this.slots; out = Atomics.load(this.taken, 0)) Atomics.wait(this.taken, 0, out, 1000);
    const slot = this.inRing % this.slots;
    this.ring.set(piece, slot * RING_SLOT_BYTES);
    this.post({ k: -1, slot, length: piece.length });
    this.inRing++;
  }
}

/**
 * This thread's side: the worker's pieces in order, as `next` gives its answers (pieces until one that
 * is not). Each piece is to be written out before the next is asked for: its slot, or the buffer a
 * spilled piece is read into, is used again. The spill file is closed at the end, or when the caller stops.
 */
export function* laterChunks<E extends object>(next: () => LaterPiece | E, word: LaterLinesWord): Generator<Uint8Array, E> {
  const taken = new Int32Array(word.taken);
  let read: Buffer | undefined;
  try {
    for (let out = 0; ; ) {
      // The ring's pieces before this one are written out.
      Atomics.store(taken, 0, out);
      Atomics.notify(taken, 0);
      const answer = next();
      if (!isPiece(answer)) return answer;
      if ('slot' in answer) {
        out++;
        yield new Uint8Array(word.ring, answer.slot * RING_SLOT_BYTES, answer.length);
      } else {
        if (word.spill === undefined) throw new Error('lines spilled to a file this thread has closed');
        read ??= Buffer.allocUnsafe(RING_SLOT_BYTES);
        yield read.subarray(0, readSpilled(word.spill, read, answer.length, answer.spilled));
      }
    }
  } finally {
    closeSpill(word);
  }
}

function isPiece(answer: object): answer is LaterPiece {
  return 'length' in answer && ('slot' in answer || 'spilled' in answer);
}

/** Closes the spill file of `word`, if it has one. */
export function closeSpill(word: LaterLinesWord): void {
  const fd = word.spill;
  if (fd === undefined) return;
  word.spill = undefined;
  closeSpillFile(fd);
}
