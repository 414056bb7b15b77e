// A PrivateServer time cell read from bytes: the parser's byte path (privateServer.ts) dates every
// row with it; other forms (zones, abbreviations) are parseCellTime's, as text.
import type { CivilDays } from '../time';
import { DAY_MS } from '../time';
import { DIGIT_VALUE } from '../bytes';

/**
 * Whether `buf[s, e)` is `YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}]` with nothing after it, as parseCellTime
 * reads it; its time (ms) goes to `into[0]`. `days` dates it: rows of a day in a row, computed once.
 * Every row's time goes through it, in small integers only: its digits are checked all at once
 * (DIGIT_VALUE), the fraction read as whole microseconds.
 */
export function plainTime(buf: Uint8Array, s: number, e: number, days: CivilDays, into: Float64Array): boolean {
  if (e - s < 19 || buf[s + 4] !== 0x2d || buf[s + 7] !== 0x2d || (buf[s + 10] !== 0x20 && buf[s + 10] !== 0x54) || buf[s + 13] !== 0x3a || buf[s + 16] !== 0x3a) return false;
  const y0 = DIGIT_VALUE[buf[s]];
  const y1 = DIGIT_VALUE[buf[s + 1]];
  const y2 = DIGIT_VALUE[buf[s + 2]];
  const y3 = DIGIT_VALUE[buf[s + 3]];
  const mo0 = DIGIT_VALUE[buf[s + 5]];
  const mo1 = DIGIT_VALUE[buf[s + 6]];
  const d0 = DIGIT_VALUE[buf[s + 8]];
  const d1 = DIGIT_VALUE[buf[s + 9]];
  const h0 = DIGIT_VALUE[buf[s + 11]];
  const h1 = DIGIT_VALUE[buf[s + 12]];
  const m0 = DIGIT_VALUE[buf[s + 14]];
  const m1 = DIGIT_VALUE[buf[s + 15]];
  const s0 = DIGIT_VALUE[buf[s + 17]];
  const s1 = DIGIT_VALUE[buf[s + 18]];
  if ((y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1 | h0 | h1 | m0 | m1 | s0 | s1) < 0) return false;
  const clock = (((h0 * 10 + h1) * 60 + m0 * 10 + m1) * 60 + s0 * 10 + s1) * 1000;
  let micro = 0;
  const p = s + 19;
  if (p < e) {
    const n = e - p - 1;
    if (buf[p] !== 0x2e || n < 1 || n > 6) return false;
    for (let i = p + 1; i < e; i++) {
      const c = DIGIT_VALUE[buf[i]];
      if (c < 0) return false;
      micro = micro * 10 + c;
    }
    micro *= MICRO_SCALE[n];
  }
  into[0] = days.of(((y0 * 10 + y1) * 10 + y2) * 10 + y3, mo0 * 10 + mo1, d0 * 10 + d1) * DAY_MS + clock + micro / 1000;
  return true;
}

/** Microseconds per unit of a fraction of n digits (index n, 1–6). */
const MICRO_SCALE = [0, 100_000, 10_000, 1000, 100, 10, 1];
