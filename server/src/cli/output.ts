// Buffered stdout for msglog: large writes in few system calls, and a quiet exit on a closed pipe.
import * as fs from 'fs';
import { copyBytes } from '../engine/bytes';

const CHUNK = 1 << 20;

export class Output {
  /** Bytes to write, in order: views of `scratch` and buffers handed to bytes(). */
  private parts: Buffer[] = [];
  private size = 0;
  /** Where write() encodes its text (a check writes 100,000 short lines): reused after each flush. */
  private readonly scratch = Buffer.allocUnsafe(CHUNK);
  /** scratch[from, used) is encoded text not yet in `parts`. */
  private from = 0;
  private used = 0;

  write(text: string): void {
    // At most 3 bytes a UTF-16 unit: text that may not fit in what is left is written after a flush,
    // and text larger than the whole scratch goes out as a buffer of its own.
    if (3 * text.length > CHUNK - this.used) {
      this.flush();
      if (3 * text.length > CHUNK) {
        this.bytes(Buffer.from(text, 'utf8'));
        return;
      }
    }
    const n = this.scratch.write(text, this.used, 'utf8');
    this.used += n;
    this.size += n;
    if (this.size >= CHUNK) this.flush();
  }

  /** Writes the decimal digits of `n`, a whole number ≥ 0 (a line number), as write(String(n)) does. */
  decimal(n: number): void {
    if (!(Number.isSafeInteger(n) && n >= 0)) {
      this.write(String(n));
      return;
    }
    if (CHUNK - this.used < 16) this.flush();
    const scratch = this.scratch;
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let rest = n;
    for (let o = this.used + digits - 1; o >= this.used; o--, rest = Math.floor(rest / 10)) scratch[o] = 0x30 + (rest % 10);
    this.used += digits;
    this.size += digits;
    if (this.size >= CHUNK) this.flush();
  }

  /** Writes `src[start, end)` as write() writes text, into the same buffer: many short pieces go out as one part, not one each. */
  copy(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n > CHUNK - this.used) {
      this.flush();
      if (n > CHUNK) {
        this.bytes(Buffer.from(src.subarray(start, end)));
        return;
      }
    }
    // Short pieces byte by byte (a call to copy them costs more than the loop), a line's body natively.
    this.used = copyBytes(this.scratch, this.used, src, start, end);
    this.size += n;
    if (this.size >= CHUNK) this.flush();
  }

  /** Queues `src`; sources never overwrite a buffer they handed out, so a view is safe to keep. */
  bytes(src: Buffer): void {
    this.takeText();
    this.parts.push(src);
    this.size += src.length;
    if (this.size >= CHUNK) this.flush();
  }

  /** Each line of `src` prefixed with `N:` as `grep -n` does (`N-` for context lines: mark `-`). */
  numbered(src: Buffer, firstLine: number, mark = ':'): void {
    let line = firstLine;
    let p = 0;
    while (p < src.length) {
      let nl = src.indexOf(0x0a, p);
      nl = nl < 0 ? src.length : nl + 1;
      this.write(`${line}${mark}`);
      this.bytes(src.subarray(p, nl));
      p = nl;
      line++;
    }
  }

  flush(): void {
    this.takeText();
    // Small parts (lines) are joined and written at once; a large one (a worker's megabyte of check
    // lines) is written as it is, not copied into a join first.
    let small: Buffer[] = [];
    for (const part of this.parts) {
      if (part.length < LARGE_PART) {
        small.push(part);
        continue;
      }
      if (small.length > 0) writeFully(1, small.length === 1 ? small[0] : Buffer.concat(small));
      small = [];
      writeFully(1, part);
    }
    if (small.length > 0) writeFully(1, small.length === 1 ? small[0] : Buffer.concat(small));
    this.parts = [];
    // Everything queued is written: the scratch is free again.
    this.size = 0;
    this.from = 0;
    this.used = 0;
  }

  /** Moves the text encoded since the last part into `parts` (a view: the scratch is reused only after flush). */
  private takeText(): void {
    if (this.used > this.from) this.parts.push(this.scratch.subarray(this.from, this.used));
    this.from = this.used;
  }
}

/** Bytes from which a part is written by itself rather than joined with the others. */
const LARGE_PART = 64 << 10;

/** What a write to a full non-blocking stdout waits before it tries again: 1 ms, doubling to 16 ms. */
const FULL_WAIT_MS = [1, 2, 4, 8, 16];
const waitCell = new Int32Array(new SharedArrayBuffer(4));

/** Writes `data` to `fd` whole; a closed stdout (the reader quit: `| head`) ends msglog quietly. */
export function writeFully(fd: number, data: Buffer): void {
  let off = 0;
  let full = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
      full = 0;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A stdout left non-blocking by whoever opened it, and its reader behind: wait for it rather
        // than trying again at once, which kept a core busy for as long as the reader was away.
        Atomics.wait(waitCell, 0, 0, FULL_WAIT_MS[Math.min(full++, FULL_WAIT_MS.length - 1)]);
        continue;
      }
      if (code === 'EPIPE' && fd === 1) process.exit(process.exitCode ?? 0);
      throw e;
    }
  }
}
