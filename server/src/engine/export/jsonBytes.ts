// Writes NDJSON straight into byte chunks: JSON strings escaped from the log's own bytes, numbers and
// pre-encoded field names, with no intermediate objects or strings per record.

/** A chunk is handed out once it holds this many bytes. */
export const CHUNK_BYTES = 1 << 20;

const HEX = Buffer.from('0123456789abcdef');
const REPLACEMENT = [0xef, 0xbf, 0xbd]; // U+FFFD for bytes that are not UTF-8

/** The size of a chunk's buffer: CHUNK_BYTES and room for the record that fills it. */
const CHUNK_ALLOC = CHUNK_BYTES + 64 * 1024;
/** Buffers of chunks written out and given back (recycle), for the next chunks of this thread. */
const spare: ArrayBuffer[] = [];

/**
 * Gives a chunk's buffer back once it is written out and nothing holds it: the next chunk of this
 * thread is written into it rather than into a new one (an export writes gigabytes in 1 MiB chunks,
 * and each new buffer is garbage a moment later). A chunk another thread wrote goes back to that
 * thread (returnTo).
 */
export function recycle(chunk: Buffer): void {
  const buffer = chunk.buffer;
  const back = owners.get(buffer);
  if (back !== undefined) {
    owners.delete(buffer);
    back(buffer as ArrayBuffer);
    return;
  }
  if (buffer instanceof ArrayBuffer && buffer.byteLength === CHUNK_ALLOC && chunk.byteOffset === 0 && spare.length < 16) spare.push(buffer);
}

/** Chunks written by another thread, and how each goes back to it once recycled (thread.ts). */
const owners = new WeakMap<ArrayBufferLike, (buffer: ArrayBuffer) => void>();

/** Makes recycle() hand the buffer of a chunk written by another thread to `back`, not keep it here. */
export function returnTo(chunk: Buffer, back: (buffer: ArrayBuffer) => void): void {
  owners.set(chunk.buffer, back);
}

function chunkBuffer(): Buffer {
  const buffer = spare.pop();
  return buffer ? Buffer.from(buffer) : Buffer.allocUnsafe(CHUNK_ALLOC);
}

/** Output bytes in chunks of about CHUNK_BYTES; a full chunk is taken with take(). */
export class JsonBytes {
  buf: Buffer = chunkBuffer();
  pos = 0;
  /** `buf` as a DataView, for copying four bytes at a time. */
  view = viewOf(this.buf);
  /** The last source of bytesString and its DataView (a log window: it changes every few MiB). */
  private src: Uint8Array = this.buf;
  private srcView = this.view;

  /** The bytes written since the last take() (a fresh buffer is started). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = chunkBuffer();
    this.view = viewOf(this.buf);
    this.pos = 0;
    return out;
  }


  /**
   * Hands the bytes written since the last take to `write`, which must be done with them when it
   * returns (a synchronous write), and writes on over the same buffer: no new buffer per chunk.
   */
  drain(write: (bytes: Buffer) => void): void {
    write(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Room for `n` more bytes (a huge record grows the chunk rather than splitting it). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n + 1024));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view = viewOf(bigger);
  }

  /** Pre-encoded bytes (field names, punctuation). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    // A loop beats TypedArray.set's call overhead (about 25 ns) up to a dozen bytes, not beyond.
    if (n > 12) this.buf.set(bytes, this.pos);
    else {
      const b = this.buf;
      const p = this.pos;
      for (let i = 0; i < n; i++) b[p + i] = bytes[i];
    }
    this.pos += n;
  }


  /**
   * Bytes `src[start, end)` (`srcView` a DataView of `src`), copied four at a time: no view object made
   * for a native copy of a few dozen bytes.
   */
  copy(src: Uint8Array, srcView: DataView, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    const dv = this.view;
    let p = this.pos;
    let i = start;
    for (; i + 4 <= end; i += 4, p += 4) dv.setUint32(p, srcView.getUint32(i, true), true);
    const b = this.buf;
    for (; i < end; i++) b[p++] = src[i];
    this.pos = p;
  }

  /** An integer as JSON digits (times in microseconds included: up to 2^53). */
  int(n: number): void {
    this.ensure(24);
    if (n < 0 || n > Number.MAX_SAFE_INTEGER || n !== Math.floor(n)) {
      this.pos += this.buf.write(String(n), this.pos, 'latin1');
      return;
    }
    if (n < 1e9) {
      this.pos = smallInt(this.buf, this.pos, n | 0);
      return;
    }
    // Split into 32-bit halves: integer arithmetic on each, the low half padded to 9 digits.
    const high = Math.floor(n / 1e9);
    const low = n - high * 1e9;
    let p = high < 1e9 ? smallInt(this.buf, this.pos, high) : this.pos + this.buf.write(String(high), this.pos, 'latin1');
    const b = this.buf;
    let v = low | 0;
    for (let i = 8; i >= 0; i--) {
      const q = (v / 10) | 0;
      b[p + i] = 0x30 + v - q * 10;
      v = q;
    }
    p += 9;
    this.pos = p;
  }


  /** A JSON string (quotes included) from a JS string; escapes what JSON requires. */
  string(s: string): void {
    this.ensure(s.length * 6 + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    // Session keys are plain ASCII nearly always: copy their codes; anything else goes the long way.
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) break;
      b[p + i] = c;
    }
    if (i === s.length) p += i;
    else p += b.write(JSON.stringify(s).slice(1, -1), p, 'utf8');
    b[p++] = 0x22;
    this.pos = p;
  }

  /**
   * A JSON string (quotes included) of a session key's bytes `src[start, end)`: plain ASCII is
   * copied, anything else is decoded as UTF-8 and escaped as JSON.stringify would.
   */
  key(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n + 2);
    const b = this.buf;
    const p = this.pos;
    b[p] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = src[start + i];
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
        this.string(Buffer.from(src.buffer, src.byteOffset + start, n).toString('utf8'));
        return;
      }
      b[p + 1 + i] = c;
    }
    b[p + 1 + n] = 0x22;
    this.pos = p + n + 2;
  }

  /**
   * A JSON string (quotes included) from the log's bytes `src[start, end)`: line terminators become
   * `\n` (CRLF and lone CR alike), other control bytes `\uXXXX`, and bytes that are not UTF-8 U+FFFD,
   * so that every line parses whatever the log holds.
   */
  bytesString(src: Uint8Array, start: number, end: number): void {
    this.ensure((end - start) * 6 + 2);
    const b = this.buf;
    const dv = this.view;
    if (src !== this.src) {
      this.src = src;
      this.srcView = viewOf(src);
    }
    const sv = this.srcView;
    let p = this.pos;
    b[p++] = 0x22;
    let i = start;
    while (i < end) {
      // Plain ASCII is copied four bytes at a time while no byte of the four needs escaping
      // (a control byte, a quote, a backslash or a byte of a multi-byte character), then one by one.
      while (i + 4 <= end) {
        const x = sv.getUint32(i, true);
        if (needsEscape(x)) break;
        dv.setUint32(p, x, true);
        p += 4;
        i += 4;
      }
      if (i >= end) break;
      let c = src[i];
      while (c >= 0x20 && c !== 0x22 && c !== 0x5c && c < 0x80) {
        b[p++] = c;
        if (++i >= end) break;
        c = src[i];
      }
      if (i >= end) break;
      if (c >= 0x80) {
        const n = utf8Length(src, i, end);
        if (n === 0) {
          b[p++] = REPLACEMENT[0];
          b[p++] = REPLACEMENT[1];
          b[p++] = REPLACEMENT[2];
          i++;
        } else {
          for (let k = 0; k < n; k++) b[p++] = src[i + k];
          i += n;
        }
        continue;
      }
      b[p++] = 0x5c;
      if (c === 0x22 || c === 0x5c) b[p++] = c;
      else if (c === 0x0a) b[p++] = 0x6e;
      else if (c === 0x0d) {
        b[p++] = 0x6e;
        if (i + 1 < end && src[i + 1] === 0x0a) i++;
      } else if (c === 0x09) b[p++] = 0x74;
      else {
        b[p++] = 0x75;
        b[p++] = 0x30;
        b[p++] = 0x30;
        b[p++] = HEX[c >> 4];
        b[p++] = HEX[c & 15];
      }
      i++;
    }
    b[p++] = 0x22;
    this.pos = p;
  }
}

/** A DataView over the bytes of `a`. */
export function viewOf(a: Uint8Array): DataView {
  return new DataView(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Whether any of the four bytes of `x` is below 0x20, 0x80 or above, a quote or a backslash (the
 * word-at-a-time tests for a byte below n and for a zero byte, the latter after XOR with the byte).
 */
function needsEscape(x: number): boolean {
  const q = x ^ 0x22222222;
  const s = x ^ 0x5c5c5c5c;
  return (((x - 0x20202020) & ~x) | x | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080 ? true : false;
}

/** Writes a 32-bit non-negative integer's digits at `p`; returns the end. */
export function smallInt(b: Uint8Array, p: number, n: number): number {
  let digits = 1;
  for (let v = n; v >= 10; v = (v / 10) | 0) digits++;
  let e = p + digits;
  const end = e;
  do {
    const q = (n / 10) | 0;
    b[--e] = 0x30 + n - q * 10;
    n = q;
  } while (n > 0);
  return end;
}

/** Length of the well-formed UTF-8 sequence at `i` (2–4), or 0 when the bytes there are not one. */
function utf8Length(s: Uint8Array, i: number, end: number): number {
  const c = s[i];
  if (c >= 0xc2 && c <= 0xdf) return i + 1 < end && (s[i + 1] & 0xc0) === 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (i + 2 >= end) return 0;
    const c1 = s[i + 1];
    if ((c1 & 0xc0) !== 0x80 || (s[i + 2] & 0xc0) !== 0x80) return 0;
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // surrogates
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (i + 3 >= end) return 0;
    const c1 = s[i + 1];
    if ((c1 & 0xc0) !== 0x80 || (s[i + 2] & 0xc0) !== 0x80 || (s[i + 3] & 0xc0) !== 0x80) return 0;
    if (c === 0xf0 && c1 < 0x90) return 0;
    if (c === 0xf4 && c1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}
