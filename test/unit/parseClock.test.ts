// bytes.ts parseClock, the clock of EMG, Axigen and Messaging Server stamps: its three-digit fast path
// (milliseconds read as one integer) must read what the digit loop reads, and reject what it rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClock } from '../../server/src/engine/bytes';

/** What parseClock read before its fast path (its digit loop), written again with regular expressions: the reference. */
function reference(text: string): { end: number; ms: number } {
  const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6})(?!\d))?/.exec(text);
  if (m === null || (m[4] === undefined && /^\d\d:\d\d:\d\d\.\d/.test(text))) return { end: -1, ms: NaN };
  const [hh, mm, ss] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (hh > 23 || mm > 59 || ss > 60) return { end: -1, ms: NaN };
  let frac = 0;
  let scale = 100;
  for (const c of m[4] ?? '') {
    frac += Number(c) * scale;
    scale /= 10;
  }
  if (/^\d\d:\d\d:\d\d\.(?!\d)/.test(text)) return { end: -1, ms: NaN };
  return { end: m[0].length, ms: ((hh * 60 + mm) * 60 + ss) * 1000 + frac };
}

test('parseClock: every fraction width, at the range end or before more text, as the digit loop reads it', () => {
  const clocks = ['00:00:00', '23:59:59.999', '12:34:56.789', '12:34:56.7', '12:34:56.78', '12:34:56.7890', '12:34:56.78912', '12:34:56.789123', '12:34:56.7891234', '12:34:56.', '12:34:56.78x', '23:59:60.500', '24:00:00.000', '12:60:00.000'];
  const out = new Float64Array(1);
  for (const clock of clocks) {
    for (const after of ['', ' 2 rest', 'x', '9']) {
      const text = clock + after;
      // The range ends where the clock does (`after` not in it), or at the text's end.
      for (const end of [clock.length, text.length]) {
        const buf = Buffer.from(`  ${text}`, 'latin1');
        const got = parseClock(buf, 2, end + 2, out);
        const want = reference(text.slice(0, end));
        assert.equal(got < 0 ? -1 : got - 2, want.end, `"${text}" to ${end}: end`);
        if (want.end >= 0) assert.ok(Math.abs(out[0] - want.ms) < 1e-9, `"${text}" to ${end}: ${out[0]} against ${want.ms}`);
      }
    }
  }
});
