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

  /** Queues `src`; sources never overwrite a buffer they handed out, so a view is safe to keep. */
  bytes(src: Buffer): void {
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
    if (this.parts.length === 0) return;
    const [only] = this.parts;
    const data = this.parts.length === 1 && typeof only !== 'string' ? only : Buffer.concat(encodedRuns(this.parts));
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

/** The parts as buffers, each run of strings joined and encoded once (a diagnostic a line: 100,000 short strings). */
function encodedRuns(parts: readonly (string | Buffer)[]): Buffer[] {
  const out: Buffer[] = [];
  let run: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      run.push(part);
      continue;
    }
    if (run.length > 0) out.push(Buffer.from(run.join(''), 'utf8'));
    run = [];
    out.push(part);
  }
  if (run.length > 0) out.push(Buffer.from(run.join(''), 'utf8'));
  return out;
}
