// The export's JSON string writer (engine/export/jsonBytes.ts) copies plain ASCII four bytes at a time.
// Checked against a byte-by-byte writer of the same rules (FORMATS §13) on random bytes: ranges of
// every length and alignment, the bytes around a range different from those inside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonBytes } from '../../server/src/engine/export/jsonBytes';

/** The rules one byte at a time: escapes, line terminators as \n, bytes that are not UTF-8 as U+FFFD. */
function reference(src: Uint8Array, start: number, end: number): Buffer {
  const out: number[] = [0x22];
  const hex = '0123456789abcdef';
  for (let i = start; i < end; i++) {
    const c = src[i];
    if (c >= 0x80) {
      const n = utf8Length(src, i, end);
      if (n === 0) out.push(0xef, 0xbf, 0xbd);
      else {
        for (let k = 0; k < n; k++) out.push(src[i + k]);
        i += n - 1;
      }
    } else if (c === 0x22 || c === 0x5c) out.push(0x5c, c);
    else if (c === 0x0a) out.push(0x5c, 0x6e);
    else if (c === 0x0d) {
      out.push(0x5c, 0x6e);
      if (i + 1 < end && src[i + 1] === 0x0a) i++;
    } else if (c === 0x09) out.push(0x5c, 0x74);
    else if (c < 0x20) out.push(0x5c, 0x75, 0x30, 0x30, hex.charCodeAt(c >> 4), hex.charCodeAt(c & 15));
    else out.push(c);
  }
  out.push(0x22);
  return Buffer.from(out);
}

function utf8Length(s: Uint8Array, i: number, end: number): number {
  // The decoder's own answer: a sequence is well formed when it decodes to one character without U+FFFD.
  for (const n of [2, 3, 4]) {
    if (i + n > end) break;
    const text = Buffer.from(s.subarray(i, i + n)).toString('utf8');
    if (!text.includes('\ufffd') && [...text].length === 1) return n;
  }
  return 0;
}

/** A deterministic pseudo-random byte source (xorshift). */
function randomBytes(n: number, seed: number, plainBias: number): Uint8Array {
  let x = seed;
  const out = new Uint8Array(n);
  const utf8 = Buffer.from('é€😀');
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = (x >>> 0) % 1000;
    if (r < plainBias) out[i] = 0x20 + (r % 95);
    else if (r < plainBias + 40 && i + utf8.length < n) {
      const k = r % 3 === 0 ? 0 : r % 3 === 1 ? 2 : 5;
      const len = k === 0 ? 2 : k === 2 ? 3 : 4;
      out.set(utf8.subarray(k, k + len), i);
      i += len - 1;
    } else out[i] = (x >>> 8) & 0xff;
  }
  return out;
}

test('JSON strings from bytes: the four-bytes-at-a-time copy writes what a byte-by-byte writer writes', () => {
  for (const [seed, bias] of [
    [1, 990],
    [7, 900],
    [42, 600],
    [99, 100],
  ]) {
    const src = Buffer.from(randomBytes(4096, seed, bias));
    const out = new JsonBytes();
    let checked = 0;
    for (let start = 0; start < 64; start++) {
      for (let len = 0; len < 80; len++) {
        const end = Math.min(src.length, start + len * 7 + (len % 5));
        out.pos = 0;
        out.bytesString(src, start, end);
        const got = out.buf.subarray(0, out.pos);
        const want = reference(src, start, end);
        assert.ok(got.equals(want), `seed ${seed}, bytes [${start}, ${end}): ${got.toString('latin1')} ≠ ${want.toString('latin1')}`);
        assert.equal(typeof JSON.parse(got.toString('utf8')), 'string');
        checked++;
      }
    }
    assert.equal(checked, 64 * 80);
  }
});

test('JSON strings from bytes: a range ends where it says, whatever plain bytes follow', () => {
  const src = Buffer.from('QUEUE([4401]) and more plain text after it');
  const out = new JsonBytes();
  for (let end = 7; end <= 12; end++) {
    out.pos = 0;
    out.bytesString(src, 7, end);
    assert.equal(out.buf.toString('utf8', 0, out.pos), JSON.stringify(src.toString('latin1', 7, end)));
  }
});
