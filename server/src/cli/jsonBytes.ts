// JSON written straight into byte buffers, for outputs of millions of small objects (`msglog sessions
// --json`): no object and no JSON.stringify per item, the same bytes JSON.stringify would write.
import type { Output } from './output';

const BLOCK = 1 << 20;
const QUOTE = 0x22;

/** Appends JSON text to 1 MB buffers handed to `out` as they fill (each buffer is new: Output keeps views). */
export class JsonBytes {
  private buf = Buffer.allocUnsafe(BLOCK);
  private pos = 0;

  constructor(private readonly out: Output) {}

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  /** Hands what is written to the output and starts a new buffer. */
  flush(): void {
    if (this.pos === 0) return;
    this.out.bytes(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(BLOCK);
    this.pos = 0;
  }

  /** Text written as is; `ascii` must hold only characters below U+0080. */
  raw(ascii: string): void {
    this.room(ascii.length);
    // A loop: short strings are written faster than by a call into Buffer.write.
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < ascii.length; i++) buf[p++] = ascii.charCodeAt(i);
    this.pos = p;
  }

  /** Bytes written as they are (already JSON: see `token`). */
  rawBytes(bytes: Uint8Array): void {
    this.room(bytes.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < bytes.length; i++) buf[p++] = bytes[i];
    this.pos = p;
  }

  /** Fixed JSON text (`,"start":`) encoded once, for rawBytes. */
  static token(ascii: string): Uint8Array {
    return Buffer.from(ascii, 'latin1');
  }

  /** A number as JSON.stringify writes it (non-negative 31-bit integers straight into the buffer). */
  uint(n: number): void {
    if (!(n >= 0 && n < 0x80000000 && (n | 0) === n)) {
      this.raw(JSON.stringify(n));
      return;
    }
    this.room(10);
    const buf = this.buf;
    let digits = 1;
    for (let v = n; v >= 10; v = (v / 10) | 0) digits++;
    let p = this.pos + digits;
    this.pos = p;
    let v = n;
    do {
      const q = (v / 10) | 0;
      buf[--p] = 0x30 + v - q * 10;
      v = q;
    } while (v > 0);
  }

  /** A string as JSON.stringify writes it. */
  string(s: string): void {
    if (plain(s)) {
      this.room(s.length + 2);
      const buf = this.buf;
      let p = this.pos;
      buf[p++] = QUOTE;
      for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
      buf[p++] = QUOTE;
      this.pos = p;
      return;
    }
    const json = JSON.stringify(s);
    this.room(Buffer.byteLength(json, 'utf8'));
    this.pos += this.buf.write(json, this.pos, 'utf8');
  }

  /**
   * UTF-8 bytes as a JSON string, copied when every byte is printable ASCII that needs no escape;
   * otherwise `decode()` gives the text, written as JSON.stringify writes it.
   */
  utf8String(bytes: Uint8Array, decode: () => string): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b < 0x20 || b > 0x7e || b === QUOTE || b === 0x5c) {
        this.string(decode());
        return;
      }
    }
    this.room(bytes.length + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < bytes.length; i++) buf[p++] = bytes[i];
    buf[p++] = QUOTE;
    this.pos = p;
  }
}

/** Whether a string is printable ASCII without `"` or `\` (JSON writes it between quotes unchanged). */
function plain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return false;
  }
  return true;
}
