// Byte-level helpers for the hot paths: header parsing works on the raw bytes of each line.
import { isAscii } from 'node:buffer';

export const SP = 0x20;
export const TAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const COLON = 0x3a;
export const DOT = 0x2e;

/**
 * Each byte's value as an ASCII digit, -1 for any other: the digits of a stamp read at fixed columns
 * are checked at once, by the sign of their values OR-ed together.
 */
export const DIGIT_VALUE = Int8Array.from({ length: 256 }, (_, c) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : -1));

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Letters, digits and `_`: the characters of a CommuniGate component NAME. */
export function isNameChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 0x5f;
}

/** Value of `n` ASCII digits at `p`, or -1 when any is not a digit. */
export function digits(buf: Uint8Array, p: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[p + i];
    if (c === undefined || c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/** Index of the first byte `c` in `buf[from, end)`, or -1. */
export function indexOfByte(buf: Uint8Array, c: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === c) return i;
  return -1;
}

/** Whether `buf[p, …)` starts with the ASCII string `s` (and fits before `end`). */
export function startsWithAscii(buf: Uint8Array, p: number, end: number, s: string): boolean {
  if (p + s.length > end) return false;
  for (let i = 0; i < s.length; i++) if (buf[p + i] !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * Parses `HH:MM:SS[.f{0,6}]` at `p`. Returns the end column or -1; the time of day in ms (with
 * fraction) is left in `timeOut[0]`.
 */
export function parseClock(buf: Uint8Array, p: number, end: number, timeOut: Float64Array): number {
  if (p + 8 > end) return -1;
  const hh = digits(buf, p, 2);
  const mm = digits(buf, p + 3, 2);
  const ss = digits(buf, p + 6, 2);
  if (hh < 0 || mm < 0 || ss < 0 || buf[p + 2] !== COLON || buf[p + 5] !== COLON) return -1;
  if (hh > 23 || mm > 59 || ss > 60) return -1;
  let q = p + 8;
  let frac = 0;
  // Milliseconds, the usual fraction: three digits read as one integer (no division per digit).
  if (q + 4 <= end && buf[q] === DOT && isDigit(buf[q + 1]) && isDigit(buf[q + 2]) && isDigit(buf[q + 3]) && (q + 4 === end || !isDigit(buf[q + 4]))) {
    timeOut[0] = ((hh * 60 + mm) * 60 + ss) * 1000 + (buf[q + 1] - 0x30) * 100 + (buf[q + 2] - 0x30) * 10 + (buf[q + 3] - 0x30);
    return q + 4;
  }
  if (q < end && buf[q] === DOT) {
    q++;
    let scale = 100;
    let n = 0;
    while (q < end && isDigit(buf[q]) && n < 6) {
      frac += (buf[q] - 0x30) * scale;
      scale /= 10;
      q++;
      n++;
    }
    if (n === 0) return -1;
    if (q < end && isDigit(buf[q])) return -1; // more than 6 fraction digits
  }
  timeOut[0] = ((hh * 60 + mm) * 60 + ss) * 1000 + frac;
  return q;
}

/** Parses `±HHMM` at `p`: minutes east of UTC, or NaN. */
export function parseZone(buf: Uint8Array, p: number, end: number): number {
  if (p + 5 > end) return NaN;
  const sign = buf[p] === 0x2b ? 1 : buf[p] === 0x2d ? -1 : 0;
  if (sign === 0) return NaN;
  const hh = digits(buf, p + 1, 2);
  const mm = digits(buf, p + 3, 2);
  if (hh < 0 || mm < 0) return NaN;
  return sign * (hh * 60 + mm);
}

export function asBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The UTF-16 column of a byte column on an (almost always ASCII) line. */
export function textColumn(line: string, byteCol: number): number {
  return Buffer.byteLength(line) === line.length ? byteCol : Buffer.from(line).subarray(0, byteCol).toString('utf8').length;
}

/** Bytes `bytes[start, end)`, read where they are: what a hot path is given instead of a view made for it. */
export interface ByteSpan {
  bytes: Uint8Array;
  start: number;
  end: number;
}

/**
 * Past this many bytes, a range is copied or checked natively: a view and a call (about 40 ns) cost
 * less than a byte loop (1–1.5 ns a byte); below it, the loop is quicker.
 */
const NATIVE_BYTES = 48;

/** Whether `buf[start, end)` is plain ASCII (then its UTF-16 length is its byte length). */
export function isAsciiRange(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start > NATIVE_BYTES) return isAscii(new Uint8Array(buf.buffer, buf.byteOffset + start, end - start));
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) return false;
  return true;
}

/** Copies `src[start, end)` to `dst` at `at` (room for it checked by the caller); returns the offset after it. */
export function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, start: number, end: number): number {
  // A plain Uint8Array view: Buffer's subarray makes a Buffer, twice as slow for a line's body.
  if (end - start > NATIVE_BYTES) dst.set(new Uint8Array(src.buffer, src.byteOffset + start, end - start), at);
  else for (let i = start, o = at; i < end; i++, o++) dst[o] = src[i];
  return at + end - start;
}
