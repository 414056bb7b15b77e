// Buffered stdout for msglog: large writes in few system calls, and a quiet exit on a closed pipe.
import * as fs from 'fs';

const CHUNK = 1 << 20;

export class Output {
  private parts: (string | Buffer)[] = [];
  private size = 0;

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK) this.flush();
  }

  bytes(src: Buffer, start: number, end: number): void {
    this.parts.push(src.subarray(start, end));
    this.size += end - start;
    if (this.size >= CHUNK) this.flush();
  }

  /** Each line of `src[start, end)` prefixed with `N:` as `grep -n` does. */
  numbered(src: Buffer, start: number, end: number, firstLine: number): void {
    let line = firstLine;
    let p = start;
    while (p < end) {
      let nl = src.indexOf(0x0a, p);
      nl = nl < 0 || nl >= end ? end : nl + 1;
      this.write(`${line}:`);
      this.bytes(src, p, nl);
      p = nl;
      line++;
    }
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const data = Buffer.concat(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    this.parts = [];
    this.size = 0;
    let off = 0;
    while (off < data.length) {
      try {
        off += fs.writeSync(1, data, off, data.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw e;
      }
    }
  }
}
