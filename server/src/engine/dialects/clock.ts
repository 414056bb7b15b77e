// A time of day as a log writes it, `HH:MM:SS` and fraction digits, rebuilt from the index's times
// (Dialect.stampText, stampBytes): a session list shows two per session, millions of them.

// The last second's `HH:MM:SS`: stamps are asked for in time order (a session list), many per second.
let clockSecs = -1;
let clockSecsText = '';
/** `000`…`999`: the millisecond digits, the common precision. */
const MILLIS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `HH:MM:SS` and `n` fraction digits of a time of day given in ms. */
export function clockText(tod: number, n: number): string {
  const micros = Math.round(tod * 1000);
  const secs = Math.floor(micros / 1e6);
  if (secs !== clockSecs) {
    const two = (v: number): string => (v < 10 ? `0${v}` : `${v}`);
    clockSecs = secs;
    clockSecsText = `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}`;
  }
  if (n === 0) return clockSecsText;
  const fraction = micros % 1e6;
  if (n === 3) return `${clockSecsText}.${MILLIS[Math.floor(fraction / 1000)]}`;
  return `${clockSecsText}.${String(fraction).padStart(6, '0').slice(0, n)}`;
}

/**
 * clockText(tod, n) as ASCII bytes written at `at` in `out` (room for 15 bytes, 16 from 100 hours);
 * returns the index after them. No string is made: a session list writes them into its JSON.
 */
export function clockBytes(tod: number, n: number, out: Uint8Array, at: number): number {
  const micros = Math.round(tod * 1000);
  // Whole numbers below 2^53 throughout, split by division and subtraction: `%` on a number past 32
  // bits is a floating-point remainder, a library call, and this runs twice for every session listed.
  const secs = Math.floor(micros / 1e6);
  const minutes = Math.floor(secs / 60);
  const hours = Math.floor(secs / 3600);
  let p = digitsOf(hours, out, at);
  out[p++] = 0x3a;
  p = digitsOf(minutes - hours * 60, out, p);
  out[p++] = 0x3a;
  p = digitsOf(secs - minutes * 60, out, p);
  if (n === 0) return p;
  out[p++] = 0x2e;
  // The fraction's six digits (microseconds), the first n of them.
  let fraction = (micros - secs * 1e6) | 0;
  for (let i = 5; i >= 0; i--) {
    const q = (fraction / 10) | 0;
    if (i < n) out[p + i] = 0x30 + fraction - q * 10;
    fraction = q;
  }
  return p + n;
}

/** `v` (0 or more) in at least two digits, as clockText's `two` writes it. */
function digitsOf(v: number, out: Uint8Array, at: number): number {
  if (v < 100) {
    const tens = (v / 10) | 0;
    out[at] = 0x30 + tens;
    out[at + 1] = 0x30 + v - tens * 10;
    return at + 2;
  }
  const text = String(v);
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}
