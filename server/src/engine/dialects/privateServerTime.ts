// A PrivateServer time cell read from bytes: the parser's byte path (privateServer.ts) dates every
// row with it; other forms (zones, abbreviations) are parseCellTime's, as text.
import type { CivilDays } from '../time';
import { DAY_MS } from '../time';

/**
 * Whether `buf[s, e)` is `YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}]` with nothing after it, as parseCellTime
 * reads it; its time (ms) goes to `into[0]`. `days` dates it: rows of a day in a row, computed once.
 * Every row's time goes through it, in small integers only: its digits are checked all at once
 * (notDigit), the fraction read as whole microseconds.
 */
export function plainTime(buf: Uint8Array, s: number, e: number, days: CivilDays, into: Float64Array): boolean {
  if (e - s < 19 || buf[s + 4] !== 0x2d || buf[s + 7] !== 0x2d || (buf[s + 10] !== 0x20 && buf[s + 10] !== 0x54) || buf[s + 13] !== 0x3a || buf[s + 16] !== 0x3a) return false;
  const bad =
    notDigit(buf[s]) | notDigit(buf[s + 1]) | notDigit(buf[s + 2]) | notDigit(buf[s + 3]) | notDigit(buf[s + 5]) | notDigit(buf[s + 6]) | notDigit(buf[s + 8]) |
    notDigit(buf[s + 9]) | notDigit(buf[s + 11]) | notDigit(buf[s + 12]) | notDigit(buf[s + 14]) | notDigit(buf[s + 15]) | notDigit(buf[s + 17]) | notDigit(buf[s + 18]);
  if (bad < 0) return false;
  const y = (buf[s] - 0x30) * 1000 + (buf[s + 1] - 0x30) * 100 + (buf[s + 2] - 0x30) * 10 + (buf[s + 3] - 0x30);
  const mo = (buf[s + 5] - 0x30) * 10 + (buf[s + 6] - 0x30);
  const d = (buf[s + 8] - 0x30) * 10 + (buf[s + 9] - 0x30);
  const clock = ((((buf[s + 11] - 0x30) * 10 + (buf[s + 12] - 0x30)) * 60 + (buf[s + 14] - 0x30) * 10 + (buf[s + 15] - 0x30)) * 60 + (buf[s + 17] - 0x30) * 10 + (buf[s + 18] - 0x30)) * 1000;
  let micro = 0;
  const p = s + 19;
  if (p < e) {
    const n = e - p - 1;
    if (buf[p] !== 0x2e || n < 1 || n > 6) return false;
    for (let i = p + 1; i < e; i++) {
      const c = buf[i] - 0x30;
      if ((c >>> 0) > 9) return false;
      micro = micro * 10 + c;
    }
    micro *= MICRO_SCALE[n];
  }
  into[0] = days.of(y, mo, d) * DAY_MS + clock + micro / 1000;
  return true;
}

/** Negative unless `c` is an ASCII digit: OR-ed over many bytes, one compare tells whether all are. */
function notDigit(c: number): number {
  return (c - 0x30) | (0x39 - c);
}

/** Microseconds per unit of a fraction of n digits (index n, 1–6). */
const MICRO_SCALE = [0, 100_000, 10_000, 1000, 100, 10, 1];
