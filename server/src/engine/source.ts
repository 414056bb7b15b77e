// Where a log's bytes come from: memory (an editor document, appended to as it grows) or a file
// read in windows (the command line and files too large for the editor), never all at once.
import * as fs from 'fs';

export interface LogSource {
  /** Bytes available now. */
  readonly size: number;
  /** Bytes `[start, end)`; a view where possible, so do not keep it past the next read. */
  read(start: number, end: number): Buffer;
  /**
   * As read, into a buffer the source reuses for the next readTransient: for a scan that is done
   * with the bytes before it reads on (the index), so that a 1 GB scan does not leave 1 GB of garbage.
   * `into`: the caller's buffer to read into instead, where it holds them all (a source that copies).
   */
  readTransient?(start: number, end: number, into?: Buffer): Buffer;
}

/** A log held in memory as a list of segments, so that appending never copies what is there. */
export class MemorySource implements LogSource {
  private segments: Buffer[] = [];
  private starts: number[] = [];
  size = 0;

  constructor(bytes?: Uint8Array) {
    if (bytes && bytes.length > 0) this.append(bytes);
  }

  append(bytes: Uint8Array): void {
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (b.length === 0) return;
    this.segments.push(b);
    this.starts.push(this.size);
    this.size += b.length;
  }

  /** Takes `bytes`, which hold this log and more after it (an edited document that grew), as the whole log. */
  extendTo(bytes: Buffer): void {
    if (bytes.length < this.size) throw new Error('extendTo: the new bytes are shorter than the log');
    this.segments = bytes.length > 0 ? [bytes] : [];
    this.starts = bytes.length > 0 ? [0] : [];
    this.size = bytes.length;
  }

  /** The whole log as one buffer (joins segments once, then keeps the join). */
  whole(): Buffer {
    if (this.segments.length === 0) return Buffer.alloc(0);
    if (this.segments.length > 1) {
      this.segments = [Buffer.concat(this.segments)];
      this.starts = [0];
    }
    return this.segments[0];
  }

  read(start: number, end: number): Buffer {
    end = Math.min(end, this.size);
    if (end <= start) return Buffer.alloc(0);
    let i = this.segmentAt(start);
    const s = this.segments[i];
    const local = start - this.starts[i];
    if (local + (end - start) <= s.length) return s.subarray(local, local + (end - start));
    const parts: Buffer[] = [];
    let pos = start;
    while (pos < end) {
      const seg = this.segments[i];
      const from = pos - this.starts[i];
      const take = Math.min(seg.length - from, end - pos);
      parts.push(seg.subarray(from, from + take));
      pos += take;
      i++;
    }
    return Buffer.concat(parts);
  }

  private segmentAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Bytes read at once by reads that go on from the last (a scan, records in order)… */
const WINDOW = 1 << 20;
/**
 * …and by a read elsewhere (a record looked up: msglog check quoting a time, a diagnostic quoting its
 * line), which would otherwise map a megabyte of new pages for a line. Lookups are read into one
 * buffer kept for them, and the caller gets a copy of what it asked for: a new buffer for each was as
 * many new pages (a worker's first 1,000 diagnostics of a 50 MB log read 5.5 MB that way, 14 ms of
 * page faults on the bench's host, against 2 ms now).
 */
const LOOKUP_WINDOW = 64 << 10;

/** A log file read with positional reads through a small window (sequential access stays cheap). */
export class FileSource implements LogSource {
  private readonly fd: number;
  size: number;
  /** Device and inode when opened: a different file under the same name means rotation. */
  readonly identity: string;
  private window = Buffer.alloc(0);
  private windowStart = 0;
  /** The buffer lookups are read into (reused: what read returns from it is copied), and what it holds. */
  private lookup = Buffer.alloc(0);
  private lookupStart = 0;
  private lookupLength = 0;
  private scratch = Buffer.alloc(0);

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'r');
    const st = fs.fstatSync(this.fd);
    this.size = st.size;
    this.identity = `${st.dev}:${st.ino}`;
  }

  /** Re-reads the size; returns 'grown', 'same', or 'replaced' (truncated, or another file now has the name). */
  refresh(): 'grown' | 'same' | 'replaced' {
    let byName: fs.Stats;
    try {
      byName = fs.statSync(this.path);
    } catch {
      return 'replaced';
    }
    if (`${byName.dev}:${byName.ino}` !== this.identity) return 'replaced';
    const size = fs.fstatSync(this.fd).size;
    if (size < this.size) return 'replaced';
    if (size === this.size) return 'same';
    this.size = size;
    return 'grown';
  }

  read(start: number, end: number): Buffer {
    end = Math.min(end, this.size);
    if (end <= start) return Buffer.alloc(0);
    const ws = this.windowStart;
    if (start >= ws && end <= ws + this.window.length) return this.window.subarray(start - ws, end - ws);
    const onward = start >= ws && start <= ws + this.window.length;
    if (!onward && end - start <= LOOKUP_WINDOW) return this.lookUp(start, end);
    const length = Math.max(onward ? WINDOW : LOOKUP_WINDOW, end - start);
    const buf = Buffer.allocUnsafe(Math.min(length, this.size - start));
    const got = this.readInto(buf, buf.length, start);
    this.window = got === buf.length ? buf : buf.subarray(0, got);
    this.windowStart = start;
    return this.window.subarray(0, Math.min(end - start, got));
  }

  /** A copy of `[start, end)` (within the size), read through the lookup buffer. */
  private lookUp(start: number, end: number): Buffer {
    const ls = this.lookupStart;
    if (start < ls || end > ls + this.lookupLength) {
      if (this.lookup.length === 0) this.lookup = Buffer.allocUnsafeSlow(LOOKUP_WINDOW);
      this.lookupStart = start;
      this.lookupLength = this.readInto(this.lookup, Math.min(LOOKUP_WINDOW, this.size - start), start);
    }
    const from = start - this.lookupStart;
    return Buffer.from(this.lookup.subarray(from, Math.min(end - this.lookupStart, this.lookupLength)));
  }

  readTransient(start: number, end: number, into?: Buffer): Buffer {
    end = Math.min(end, this.size);
    if (end <= start) return Buffer.alloc(0);
    if (into !== undefined && into.length >= end - start) return into.subarray(0, this.readInto(into, end - start, start));
    if (this.scratch.length < end - start) this.scratch = Buffer.allocUnsafe(end - start);
    return this.scratch.subarray(0, this.readInto(this.scratch, end - start, start));
  }

  /** Reads `length` bytes at `position` into the start of `buffer`; fewer at the end of the file. Returns how many. */
  private readInto(buffer: Buffer, length: number, position: number): number {
    let got = 0;
    while (got < length) {
      const n = fs.readSync(this.fd, buffer, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** The bytes `[from, to)` in chunks of `chunkSize` that overlap the next by `overlap` bytes, with their offsets. */
export function* chunks(source: LogSource, from: number, to: number, chunkSize: number, overlap: number): Generator<[Buffer, number]> {
  for (let base = from; base < to; base += chunkSize) {
    yield [source.read(base, Math.min(to, base + chunkSize + overlap)), base];
    if (base + chunkSize + overlap >= to) return;
  }
}
