// The end of a parted build on this thread (parallel.ts): the workers' parts adopted in order as they
// come (Stitcher), or held and left as segments, or kept by the worker (keptParts.ts); and the record
// slots they will fill mapped while this thread waits (SlotsAhead).
import { endKeptParts } from './keptParts';
import type { BuildOptions, LogIndex } from './logIndex';
import type { PartAnswer, PartWorker } from './parallel';

/**
 * Adopts the workers' parts of a parted build in order (those after this thread's), each as soon as
 * it and the ones before it are in.
 */
export class Stitcher {
  private readonly parts = new Map<number, PartAnswer>();
  private readonly finished = new Set<PartWorker>();
  /** The parts held in order rather than adopted, when they may be left as segments (see end). */
  private readonly held: PartAnswer[] | undefined;
  private readonly checkFormat: BuildOptions['checkFormat'];
  /**
   * Set when a part did not start in the state the parts before it left, or changed it (a dialect that
   * splitsWithState): the parts before it are in, and this thread indexes the rest itself (goOnAlone).
   */
  alone = false;

  /** `next`: the first part the workers indexed (the ones before it are in `index` already). */
  constructor(
    private readonly index: LogIndex,
    private readonly count: number,
    private readonly workers: PartWorker[],
    private next: number,
    options: BuildOptions,
  ) {
    this.checkFormat = options.checkFormat;
    this.held = options.segments === true && options.keyless === true && options.search === undefined ? [] : undefined;
  }

  /** Whether the parts are held for segments (nothing to copy them into meanwhile). */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /**
   * Ends the build once every part is in: the held parts left as segments after the index where they
   * all can be (LogIndex.canSegment), else adopted as usual. When alone, only the parts that fit are
   * adopted: the build goes on with LogIndex.goOnAlone.
   */
  end(): void {
    let held = this.held ?? [];
    if (held.some((a) => 'held' in a)) {
      // A worker that kept its parts: they stay with it (check), or come now as any worker's do.
      const handed = endKeptParts(this.index, this.workers[0], held, this.checkFormat);
      if (handed === undefined) return;
      held = handed;
    }
    const fit = held.findIndex((a) => 'part' in a && !this.index.fits(a.part));
    if (fit >= 0) {
      this.alone = true;
      held = held.slice(0, fit);
    }
    const asSegments = !this.alone && held.length > 0 && held.every((a) => 'part' in a && this.index.canSegment(a.part));
    if (!asSegments) for (const answer of held) adopt(this.index, answer);
    // Alone: the index's goOnAlone ends the parts, then indexes the rest.
    if (this.alone) return;
    this.index.endParts();
    if (asSegments) for (const answer of held) if ('part' in answer) this.index.addSegment(answer.part, answer.scannedTo, answer.endsInPartialLine);
  }

  get done(): boolean {
    return this.alone || this.next >= this.count;
  }

  /** Takes what the workers have posted, and adopts every part now in order. */
  add(): void {
    for (const worker of this.workers) {
      if (this.finished.has(worker)) continue;
      for (let a = worker.poll(); a !== undefined; a = this.finished.has(worker) ? undefined : worker.poll()) this.file(a, worker);
    }
    for (let part = this.parts.get(this.next); part !== undefined && !this.alone; part = this.parts.get(this.next)) {
      if (this.held === undefined && 'part' in part && !this.index.fits(part.part)) {
        this.alone = true;
        break;
      }
      if (this.held !== undefined) this.held.push(part);
      else adopt(this.index, part);
      this.parts.delete(this.next++);
    }
  }

  /** Waits a little for the next answer of a worker that has not finished (blocking). */
  block(): void {
    const waiting = this.workers.find((w) => !this.finished.has(w));
    if (waiting === undefined) throw new Error(`index worker: part ${this.next} of ${this.count} is missing`);
    this.throwIfEnded(waiting);
    waiting.block(this.workers.length > 1 ? 5 : 1000);
  }

  /** Throws when `worker` ended without its last answer (the ones it posted are taken by add first): none will come. */
  throwIfEnded(worker: PartWorker): void {
    if (worker.ended) throw new Error(`index worker: it stopped before part ${this.next} of ${this.count}`);
  }

  /** The workers that have not posted their last answer. */
  get busy(): PartWorker[] {
    return this.workers.filter((w) => !this.finished.has(w));
  }

  private file(answer: PartAnswer | { error: string }, worker: PartWorker): void {
    if ('error' in answer) throw new Error(`index worker: ${answer.error}`);
    if (answer.last === true) this.finished.add(worker);
    if ('k' in answer && answer.k >= 0) this.parts.set(answer.k, answer);
  }
}

/**
 * The record slots the workers' parts are expected to fill after this thread's (`scanned` bytes):
 * as many records per byte as this thread found, and a twentieth more. Touched slice by slice
 * (RecordArrays.touchRecords) while this thread would otherwise wait.
 */
export class SlotsAhead {
  private next: number;
  private readonly end: number;

  constructor(
    private readonly index: LogIndex,
    scanned: number,
  ) {
    this.next = index.recordCount;
    const perByte = scanned > 0 ? index.recordCount / scanned : 0;
    this.end = index.recordCount + Math.ceil((index.source.size - scanned) * perByte * 1.05);
  }

  /** Touches the next slice; false when there is none left. */
  touchSlice(): boolean {
    this.next = Math.max(this.next, this.index.recordCount);
    if (this.next >= this.end) return false;
    const to = Math.min(this.end, this.next + TOUCH_SLICE);
    this.index.touchRecords(this.next, to);
    this.next = to;
    return true;
  }
}

/** Record slots touched between two looks at the workers (about 1.5 MB of pages for a record of ~21 bytes). */
const TOUCH_SLICE = 1 << 16;

function adopt(index: LogIndex, answer: PartAnswer): void {
  if ('error' in answer) throw new Error(`index worker: ${answer.error}`);
  if (!('part' in answer)) throw new Error('index worker: no part in its answer');
  index.adoptPart(answer.part, answer.scannedTo, answer.endsInPartialLine);
}
