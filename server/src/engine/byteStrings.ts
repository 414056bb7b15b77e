// A list of byte strings in one pool, appended to and never changed: what SessionDialogs and
// ProblemLines keep per entry (a SIP dialog, a problem record's line), decoded only when asked for.
import { grow, resized } from './keyTable';
import { copyBytes, isAsciiRange } from './bytes';
import type { ByteSpan } from './bytes';

export class ByteStrings {
  /** String i is `pool[starts[i], starts[i + 1])`: one more start than there are strings. */
  private starts: Uint32Array = new Uint32Array(65);
  private pool: Uint8Array;
  private count = 0;
  /** The pool as a Buffer, for decoding (see text). */
  private view: Buffer | undefined;

  /**
   * `poolBytes`: room for that many bytes at once. A pool that would grow to megabytes is better
   * given its room up front: bytes not written cost no memory, while each growth copies into new pages.
   */
  constructor(poolBytes = 1024) {
    this.pool = new Uint8Array(poolBytes);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held in all. */
  get bytes(): number {
    return this.starts[this.count];
  }

  /** Room for `strings` strings of `bytes` bytes in all, at once (only what is held is copied). */
  reserve(strings: number, bytes: number): void {
    if (strings + 1 > this.starts.length) this.starts = resized(this.starts, strings + 1, this.count + 1);
    if (bytes > this.pool.length) this.pool = resized(this.pool, bytes, this.starts[this.count]);
  }

  /** Appends `buf[start, end)`; returns its number. */
  push(buf: Uint8Array, start: number, end: number): number {
    const i = this.count++;
    if (i + 2 > this.starts.length) this.starts = grow(this.starts, i + 2);
    const at = this.starts[i];
    if (at + (end - start) > this.pool.length) this.pool = grow(this.pool, at + (end - start));
    // A Call-ID byte by byte, a problem record's line natively (copyBytes says where the two meet).
    copyBytes(this.pool, at, buf, start, end);
    this.starts[i + 1] = at + (end - start);
    return i;
  }

  /** String i, decoded as UTF-8. */
  text(i: number): string {
    return this.poolView().toString('utf8', this.starts[i], this.starts[i + 1]);
  }

  /** String i as bytes: a view of the pool (strings are never changed). */
  bytesAt(i: number): Buffer {
    return this.poolView().subarray(this.starts[i], this.starts[i + 1]);
  }

  /** String i's bytes where they are, set in `out` (no view made): valid until strings are added or cleared. */
  spanOf(i: number, out: ByteSpan): void {
    out.bytes = this.pool;
    out.start = this.starts[i];
    out.end = this.starts[i + 1];
  }

  /** One Buffer over the pool (made again when the pool grows), not one per string: check decodes 100,000 lines. */
  private poolView(): Buffer {
    const pool = this.pool;
    if (this.view?.buffer !== pool.buffer) this.view = Buffer.from(pool.buffer, pool.byteOffset, pool.length);
    return this.view;
  }

  /** Whether string i is `want`, byte for byte. */
  equals(i: number, want: Uint8Array): boolean {
    const s = this.starts[i];
    const e = this.starts[i + 1];
    return e - s === want.length && Buffer.compare(want, this.pool.subarray(s, e)) === 0;
  }

  /** Whether string i has no byte past ASCII (in its first `upTo` bytes, when given). */
  isAscii(i: number, upTo = Infinity): boolean {
    return isAsciiRange(this.pool, this.starts[i], Math.min(this.starts[i + 1], this.starts[i] + upTo));
  }

  /** The starts and pool, copied to their exact size (to transfer). */
  toPortable(): { starts: Uint32Array; pool: Uint8Array } {
    return { starts: this.starts.slice(0, this.count + 1), pool: this.pool.slice(0, this.bytes) };
  }

  /** The strings of a toPortable() answer, its arrays used as they are (not copied). */
  static fromPortable(p: { starts: Uint32Array; pool: Uint8Array }): ByteStrings {
    if (p.starts.length === 0 || p.starts[p.starts.length - 1] > p.pool.length) throw new Error('byte strings: starts and pool differ');
    const strings = new ByteStrings();
    strings.starts = p.starts;
    strings.pool = p.pool;
    strings.count = p.starts.length - 1;
    return strings;
  }

  /** Drops every string, keeping the pool and starts for the next ones (a window's lines forgotten: ProblemLines.forget). */
  clear(): void {
    this.count = 0;
    this.starts[0] = 0;
  }

  /** Appends string i of `other`. */
  pushFrom(other: ByteStrings, i: number): number {
    return this.push(other.pool, other.starts[i], other.starts[i + 1]);
  }
}
