// A windowed check's back half writes its check lines before their numbers are known (windowedCheck.ts):
// their bodies are kept here, with their lines from the half's start, and the heads put in front
// where they are written (checkLines.ts, writeLaterLines).
import { CHECK_CHUNK, countCheckLine, DECIMAL_ROOM, writeCheckBody, writeDecimal } from './checkLines';
import type { CheckBodies, CheckCounts, CheckFormat, CheckHeads, LineSink } from './checkLines';
import type { DiagnosticFacts } from './diagnostics';
import { copyBytes } from './bytes';
import { grow } from './keyTable';
import { SpillWriter } from './spillFile';

/**
 * Check lines written before their numbers are known: the worker of a windowed check (windowedCheck.ts)
 * writes those of the log's back half, whose first line this thread counts only at its own end. Each
 * line's body is kept with its lines from the half's start; writeLaterLines puts the heads in front (bodies).
 */
export class CheckLinesAt implements LineSink, CheckCounts {
  errors = 0;
  warnings = 0;
  written = 0;
  /** Where full chunks go (spillFile.ts), and what is in it by chunk (-1: in memory). */
  private readonly spill: SpillWriter | undefined;
  private readonly spillAt: number[] = [];
  private readonly spillLengths: number[] = [];

  /** The bodies, in buffers of CHECK_CHUNK bytes (more for a longer body): each body whole in one, none grown by copies into new memory; empty where spilled. */
  private readonly chunks: Buffer[] = [Buffer.allocUnsafeSlow(CHECK_CHUNK)];
  private used = 0;
  /** Per line: the chunk its body is in, where the body ends there, and its lines from the half's start. */
  private chunkOf = new Uint32Array(1024);
  private ends = new Uint32Array(1024);
  private startLines = new Uint32Array(1024);
  private endLines = new Uint32Array(1024);
  /** Where the body being written starts in the last chunk. */
  private bodyStart = 0;

  /** `spill`: a spill file full chunks go to rather than stay in new memory (a worker's half: spillFile.ts), written from its start; its owner closes it. */
  constructor(spill?: number) {
    this.spill = spill === undefined ? undefined : new SpillWriter(spill);
  }

  /** Writes diagnostic `d` at the half's 0-based lines `line`…`endLine`. */
  add(json: boolean, file: string | undefined, line: number, endLine: number, d: DiagnosticFacts, heads: CheckHeads): void {
    countCheckLine(d, this);
    this.bodyStart = this.used;
    writeCheckBody(this, json, file, d, heads);
    const i = this.written++;
    if (i >= this.ends.length) {
      this.chunkOf = grow(this.chunkOf, i + 1);
      this.ends = grow(this.ends, i + 1);
      this.startLines = grow(this.startLines, i + 1);
      this.endLines = grow(this.endLines, i + 1);
    }
    this.chunkOf[i] = this.chunks.length - 1;
    this.ends[i] = this.used;
    this.startLines[i] = line;
    this.endLines[i] = endLine;
  }

  write(text: string): void {
    this.room(3 * text.length);
    this.used += this.chunks[this.chunks.length - 1].write(text, this.used, 'utf8');
  }

  decimal(n: number): void {
    this.room(DECIMAL_ROOM);
    this.used = writeDecimal(this.chunks[this.chunks.length - 1], this.used, n);
  }

  copy(src: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.used = copyBytes(this.chunks[this.chunks.length - 1], this.used, src, start, end);
  }

  /** The lines as a worker hands them over, the half starting at 0-based line `base` of the log (written as `format` says: add's). */
  bodies(base: number, format: CheckFormat): CheckBodies {
    const { chunks, chunkOf, ends, startLines, endLines, errors, warnings, written } = this;
    const bodies: CheckBodies = { format, base, chunks, chunkOf, ends, startLines, endLines, errors, warnings, written };
    // Given even when nothing went to it: writeLaterLines closes it.
    if (this.spill !== undefined) bodies.spill = { fd: this.spill.fd, at: this.spillAt, lengths: this.spillLengths };
    return bodies;
  }

  /**
   * Room for `n` more bytes of the body being written: in a new chunk when the last has none, the
   * body's start moved there. With a spill file the full chunk's bodies go to it, and its buffer is
   * used again for the next chunk.
   */
  private room(n: number): void {
    const last = this.chunks[this.chunks.length - 1];
    if (this.used + n <= last.length) return;
    const begun = this.used - this.bodyStart;
    if (this.toSpill(last)) {
      this.chunks[this.chunks.length - 1] = Buffer.alloc(0);
      if (begun + n <= last.length) {
        last.copyWithin(0, this.bodyStart, this.used);
        this.chunks.push(last);
        this.bodyStart = 0;
        this.used = begun;
        return;
      }
    }
    const chunk = Buffer.allocUnsafeSlow(Math.max(CHECK_CHUNK, begun + n));
    last.copy(chunk, 0, this.bodyStart, this.used);
    this.chunks.push(chunk);
    this.bodyStart = 0;
    this.used = begun;
  }

  /** Writes the whole bodies of the last chunk, `last`, to the spill file; false when there is none or it takes no more. */
  private toSpill(last: Buffer): boolean {
    const at = this.spill?.append(last.subarray(0, this.bodyStart)) ?? -1;
    if (at < 0) return false;
    const c = this.chunks.length - 1;
    while (this.spillAt.length < c) {
      this.spillAt.push(-1);
      this.spillLengths.push(0);
    }
    this.spillAt.push(at);
    this.spillLengths.push(this.bodyStart);
    return true;
  }
}
