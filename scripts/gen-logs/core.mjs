// The generator's machinery, shared by the dialects: a seeded random source, a buffered writer whose
// clock follows the bytes written (so any size spans the same day), and a scheduler that interleaves
// many sessions the way a busy server's log does.
import * as fs from 'node:fs';

export const DAY_MS = 86_400_000;

/** mulberry32: small, fast and the same on every machine, so equal arguments give equal bytes. */
export class Rng {
  constructor(seed) {
    this.s = (seed >>> 0) ^ 0x9e3779b9;
  }
  next() {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** 0 … n-1 */
  int(n) {
    return (this.next() * n) | 0;
  }
  range(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }
  chance(p) {
    return this.next() < p;
  }
  pick(list) {
    return list[(this.next() * list.length) | 0];
  }
  hex(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[this.int(16)];
    return s;
  }
}
const HEX = '0123456789ABCDEF';

export const pad2 = (n) => (n < 10 ? '0' + n : '' + n);
export const pad3 = (n) => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);
export const pad6 = (n) => {
  const s = '' + n;
  return s.length >= 6 ? s : '000000'.slice(s.length) + s;
};
/** 3169 → `3,169` (as the consoles print counts). */
export const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `HH:MM:SS` of a time of day in ms, cached per second (most records share their second with others). */
export class ClockText {
  constructor() {
    this.sec = -1;
    this.text = '';
  }
  hms(ms) {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.sec) {
      this.sec = sec;
      const s = sec % 86400;
      this.text = pad2(Math.floor(s / 3600)) + ':' + pad2(Math.floor(s / 60) % 60) + ':' + pad2(s % 60);
    }
    return this.text;
  }
}
const MS3 = Array.from({ length: 1000 }, (_, i) => pad3(i));
export const ms3 = (ms) => MS3[ms % 1000];

/** Buffered output; `written` counts bytes (every generated text is ASCII, so characters are bytes). */
export class Out {
  constructor(file) {
    this.fd = fs.openSync(file, 'w');
    this.buf = '';
    this.flushed = 0;
  }
  get written() {
    return this.flushed + this.buf.length;
  }
  write(text) {
    this.buf += text;
    if (this.buf.length > 1 << 21) this.flush();
  }
  /** Text that may hold non-ASCII characters (a sort glyph in a table header): counted in bytes. */
  writeUtf8(text) {
    this.flush();
    const bytes = Buffer.from(text, 'utf8');
    fs.writeSync(this.fd, bytes);
    this.flushed += bytes.length;
  }
  flush() {
    if (this.buf.length === 0) return;
    fs.writeSync(this.fd, this.buf, null, 'latin1');
    this.flushed += this.buf.length;
    this.buf = '';
  }
  close() {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/**
 * Runs a dialect: `dialect.start(ctx)` once, then keeps `dialect.concurrency` sessions open, each a
 * generator yielding record texts (or arrays of texts written together, a SIP packet), advancing a
 * random one per step, until `bytes` are written. The clock is the fraction of bytes written times a
 * day, so a 1 MB and a 1 GB log both run from midnight to midnight. Now and then (and at fixed
 * fractions, so that even a small log has them) a record is stamped a few seconds early: a time
 * regression, as when a thread's record waits behind another.
 */
export function run(dialect, { out, bytes, rng, date }) {
  const ctx = { rng, date, out, ms: 0, extra: dialect.extra ?? null, regressAt: [0.37, 0.81] };
  dialect.start?.(ctx);
  const active = [];
  const concurrency = dialect.concurrency;
  for (let i = 0; i < concurrency; i++) active.push(dialect.session(ctx));
  const special = (dialect.specials ?? []).slice().sort((a, b) => a.at - b.at);
  let nextSpecial = 0;
  let nextRegress = 0;
  let regressBy = 0;
  const stamp = dialect.stamp;
  const span = dialect.spanMs ?? DAY_MS;
  // The time that ~20 records take: a regression must reach back past the records just written.
  const gap = Math.floor((span / bytes) * 2000);
  while (out.written < bytes) {
    const fraction = out.written / bytes;
    ctx.ms = Math.floor(fraction * span);
    while (nextSpecial < special.length && fraction >= special[nextSpecial].at) special[nextSpecial++].run(ctx);
    if (nextRegress < ctx.regressAt.length && fraction >= ctx.regressAt[nextRegress]) {
      nextRegress++;
      regressBy = rng.range(3000, 9000) + gap;
    } else if (regressBy === 0 && rng.next() < dialect.regressRate) regressBy = rng.range(2000, 6000) + gap;
    const i = rng.int(active.length);
    const step = active[i].next();
    if (step.done) {
      active[i] = dialect.session(ctx);
      continue;
    }
    const value = step.value;
    const at = regressBy > 0 && ctx.ms > regressBy ? ctx.ms - regressBy : ctx.ms;
    regressBy = 0;
    const prefix = stamp(at, ctx);
    if (typeof value === 'string') out.write(prefix + value + '\n');
    else for (const text of value) out.write(prefix + text + '\n');
  }
  dialect.finish?.(ctx);
}
