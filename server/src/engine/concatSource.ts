// The rotated files of one log read as one byte stream (FORMATS §9: "as if concatenated").
import { CR, LF } from './bytes';
import type { LogSource } from './source';

/**
 * Parts read one after the other. A part that does not end with a line feed gets one (counted in the
 * size, never written anywhere), so that the last line of one file never runs into the next file.
 */
export class ConcatSource implements LogSource {
  private readonly parts: LogSource[] = [];
  /** Offset of each part's first byte in the stream. */
  private readonly starts: number[] = [];
  /** 1 when a line feed is supplied after the part (it does not end with one and is not the last). */
  private readonly pads: number[] = [];

  /**
   * While a log is followed, a last line still being written is not yet part of the stream: the
   * size stops after the last line feed of the last part, and the line counts once it is complete.
   */
  holdPartialLine = false;
  private settled = { partSize: -1, end: 0 };

  constructor(parts: readonly LogSource[]) {
    for (const p of parts) this.add(p);
  }

  get partCount(): number {
    return this.parts.length;
  }

  part(k: number): LogSource {
    return this.parts[k];
  }

  /** Offset of part k's first byte. */
  partStart(k: number): number {
    return this.starts[k];
  }

  /** Offset just past part k's bytes (its supplied line feed excluded). */
  partEnd(k: number): number {
    return this.starts[k] + this.parts[k].size;
  }

  /**
   * The 0-based line at which each part starts, counted as the index counts lines (LF, CRLF and a
   * lone CR end one): one read of every part but the last. For an export that writes each record's
   * line in its own file while it holds a window of the log, not the lines before it.
   */
  partFirstLines(chunkBytes = 16 << 20): number[] {
    const lines = [0];
    let line = 0;
    // A CR that ended the bytes read so far: the line it ends is counted once the next byte is seen.
    let pendingCr = false;
    for (let k = 1; k < this.parts.length; k++) {
      const to = this.starts[k];
      for (let from = this.starts[k - 1]; from < to; ) {
        const end = Math.min(to, from + chunkBytes);
        const buf = this.read(from, end);
        if (buf.length === 0) break;
        if (pendingCr && buf[0] !== LF) line++;
        pendingCr = false;
        for (let i = buf.indexOf(LF); i >= 0; i = buf.indexOf(LF, i + 1)) line++;
        for (let i = buf.indexOf(CR); i >= 0; i = buf.indexOf(CR, i + 1)) {
          if (i + 1 === buf.length) pendingCr = true;
          else if (buf[i + 1] !== LF) line++;
        }
        from += buf.length;
      }
      // Parts end with a line feed (supplied where the file has none), so no CR waits across parts.
      if (pendingCr) line++;
      pendingCr = false;
      lines.push(line);
    }
    return lines;
  }

  /** Appends a part (a log rotated while it was followed: the new file). */
  add(part: LogSource): void {
    const k = this.parts.length;
    if (k > 0) {
      const prev = this.parts[k - 1];
      const last = prev.size > 0 ? prev.read(prev.size - 1, prev.size)[0] : LF;
      this.pads[k - 1] = last === LF ? 0 : 1;
    }
    this.settled = { partSize: -1, end: 0 };
    this.starts.push(k === 0 ? 0 : this.starts[k - 1] + this.parts[k - 1].size + this.pads[k - 1]);
    this.parts.push(part);
    this.pads.push(0);
  }

  get size(): number {
    const k = this.parts.length - 1;
    if (k < 0) return 0;
    const last = this.parts[k];
    return this.starts[k] + (this.holdPartialLine ? this.settledEnd(last) : last.size);
  }

  /** Bytes of the last part up to its last line feed. */
  private settledEnd(part: LogSource): number {
    const size = part.size;
    if (this.settled.partSize === size) return this.settled.end;
    let end = 0;
    for (let to = size; to > 0; ) {
      const from = Math.max(0, to - 65536);
      const lf = part.read(from, to).lastIndexOf(LF);
      if (lf >= 0) {
        end = from + lf + 1;
        break;
      }
      to = from;
    }
    this.settled = { partSize: size, end };
    return end;
  }

  /** The part holding byte `offset` (the last part for offsets at or past the end). */
  partAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** As read, through the part's reused buffer (or `into`) when the bytes lie in one part (an index scan). */
  readTransient(start: number, end: number, into?: Buffer): Buffer {
    end = Math.min(end, this.size);
    if (end <= start) return Buffer.alloc(0);
    const k = this.partAt(start);
    const part = this.parts[k];
    const local = start - this.starts[k];
    if (part.readTransient !== undefined && local + (end - start) <= part.size) return part.readTransient(local, local + (end - start), into);
    return this.read(start, end);
  }

  read(start: number, end: number): Buffer {
    end = Math.min(end, this.size);
    if (end <= start) return Buffer.alloc(0);
    let k = this.partAt(start);
    const first = this.parts[k];
    const local = start - this.starts[k];
    if (local + (end - start) <= first.size) return first.read(local, local + (end - start));
    const out: Buffer[] = [];
    let pos = start;
    while (pos < end && k < this.parts.length) {
      const partEnd = this.starts[k] + this.parts[k].size;
      if (pos < partEnd) {
        const take = Math.min(end, partEnd);
        // Copied: a part's view may be replaced by its next read.
        out.push(Buffer.from(this.parts[k].read(pos - this.starts[k], take - this.starts[k])));
        pos = take;
      }
      if (pos < end && this.pads[k] === 1 && pos === partEnd) {
        out.push(Buffer.from([LF]));
        pos++;
      }
      k++;
    }
    return Buffer.concat(out);
  }
}
