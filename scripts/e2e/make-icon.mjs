// Writes images/icon.png (128x128 RGBA): a rounded dark tile with log lines — a time stamp column,
// level-coloured markers and message bars. Pure node (zlib), no image tools needed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'images', 'icon.png');
const W = 128;
const H = 128;
const px = Buffer.alloc(W * H * 4);

function blend(x, y, [r, g, b], a = 1) {
  if (x < 0 || y < 0 || x >= W || y >= H) return;
  const i = (y * W + x) * 4;
  const ea = px[i + 3] / 255;
  const oa = a + ea * (1 - a);
  if (oa === 0) return;
  px[i] = Math.round((r * a + px[i] * ea * (1 - a)) / oa);
  px[i + 1] = Math.round((g * a + px[i + 1] * ea * (1 - a)) / oa);
  px[i + 2] = Math.round((b * a + px[i + 2] * ea * (1 - a)) / oa);
  px[i + 3] = Math.round(oa * 255);
}

/** Rounded rectangle with 4x4 supersampled edges. */
function rect(x0, y0, x1, y1, radius, color) {
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
    for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
      let hits = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const X = x + (sx + 0.5) / 4;
          const Y = y + (sy + 0.5) / 4;
          if (X < x0 || X > x1 || Y < y0 || Y > y1) continue;
          const cx = Math.min(Math.max(X, x0 + radius), x1 - radius);
          const cy = Math.min(Math.max(Y, y0 + radius), y1 - radius);
          if ((X - cx) ** 2 + (Y - cy) ** 2 <= radius ** 2) hits++;
        }
      }
      if (hits) blend(x, y, color, hits / 16);
    }
  }
}

const bg = [30, 41, 59];
const stamp = [100, 116, 139];
const text = [203, 213, 225];
const levels = { error: [239, 68, 68], warning: [245, 158, 11], info: [56, 189, 248], ok: [34, 197, 94] };

rect(4, 4, 124, 124, 22, bg);
const lines = [
  ['info', 62],
  ['info', 48],
  ['warning', 56],
  ['error', 40],
  ['ok', 52],
  ['info', 30],
];
lines.forEach(([level, len], i) => {
  const y = 22 + i * 15;
  rect(16, y, 38, y + 7, 3, stamp);
  rect(43, y, 50, y + 7, 3.5, levels[level]);
  rect(55, y, 55 + len, y + 7, 3, level === 'error' ? levels.error : text);
});

// PNG encoding
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(W, 0);
ihdr.writeUInt32BE(H, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc((W * 4 + 1) * H);
for (let y = 0; y < H; y++) {
  raw[y * (W * 4 + 1)] = 0;
  px.copy(raw, y * (W * 4 + 1) + 1, y * W * 4, (y + 1) * W * 4);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, png);
console.log(`wrote ${path.relative(root, out)} (${png.length} bytes)`);
