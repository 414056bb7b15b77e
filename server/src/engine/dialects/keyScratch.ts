// Builds computed session keys (`queue:123`, `SIGNAL-000056`) in a reusable byte buffer.
import type { HeaderScratch } from '../types';

export class KeyComposer {
  // A Buffer, as the log's bytes are: the key table's compare then sees one kind of array (a Uint8Array
  // here made V8 drop its optimised interning the first time a composed key came back).
  private buf = Buffer.alloc(256);
  private len = 0;

  begin(): this {
    this.len = 0;
    return this;
  }

  ascii(s: string): this {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i) & 0xff;
    return this;
  }

  bytes(src: Uint8Array, start: number, end: number): this {
    this.ensure(end - start);
    // Byte by byte: keys are short, and a subarray would be an object per record.
    const out = this.buf;
    let at = this.len;
    for (let i = start; i < end; i++) out[at++] = src[i];
    this.len = at;
    return this;
  }

  /** A non-negative integer in decimal. */
  decimal(n: number): this {
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    this.ensure(digits);
    for (let i = digits - 1, v = n; i >= 0; i--, v = Math.floor(v / 10)) this.buf[this.len + i] = 0x30 + (v % 10);
    this.len += digits;
    return this;
  }

  /** Points the header's session key at the composed bytes (valid until the next begin()). */
  into(h: HeaderScratch): void {
    h.keyBuf = this.buf;
    h.keyStart = 0;
    h.keyEnd = this.len;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = Buffer.alloc(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
}

/** Splits `buf[start, end)` at TAB bytes into field boundaries: [s0, e0, s1, e1, …] (reused array). */
export function tabFields(buf: Uint8Array, start: number, end: number, out: number[]): number {
  out.length = 0;
  let s = start;
  for (let i = start; i < end; i++) {
    if (buf[i] === 0x09) {
      out.push(s, i);
      s = i + 1;
    }
  }
  out.push(s, end);
  return out.length >> 1;
}

/** Whether the field `buf[s, e)` equals the ASCII string `word`. */
export function fieldIs(buf: Uint8Array, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word.charCodeAt(i)) return false;
  return true;
}
