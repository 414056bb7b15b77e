// A spill file: bytes a thread has written and will read back once, kept in the page cache rather than
// in msglog's memory. On the bench's host a page of new memory costs a fault of about 12 µs on its
// first touch; 13 MB written into new buffers took 46 ms, written through one reused 1 MB buffer into
// a file and read back 10 ms. The file is unlinked as soon as it is opened: threads share its
// descriptor, and nothing is left behind however msglog ends.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Spill files that could not be unlinked while open (Windows without delete sharing), by descriptor: removed once closed. */
const namedFiles = new Map<number, string>();
let made = 0;

/** A new spill file's descriptor, or undefined when none can be made (no temporary directory): the caller keeps its bytes in memory then. */
export function openSpillFile(): number | undefined {
  try {
    const file = path.join(os.tmpdir(), `msglog-spill-${process.pid}-${Date.now().toString(36)}-${made++}`);
    const fd = fs.openSync(file, 'wx+', 0o600);
    try {
      fs.unlinkSync(file);
    } catch {
      namedFiles.set(fd, file);
    }
    return fd;
  } catch {
    return undefined;
  }
}

/**
 * Appends to a spill file: where each write lands, and whether the file still takes them. After a
 * write fails (no room) it takes no more: its writer keeps the rest in memory, or waits.
 */
export class SpillWriter {
  /** Bytes appended so far. */
  size = 0;
  private taking = true;

  constructor(readonly fd: number) {}

  /** Appends `bytes` whole; returns where they start, or -1 when the file takes no more. */
  append(bytes: Uint8Array): number {
    if (!this.taking) return -1;
    const at = this.size;
    try {
      for (let done = 0; done < bytes.length; ) done += fs.writeSync(this.fd, bytes, done, bytes.length - done, at + done);
    } catch {
      this.taking = false;
      return -1;
    }
    this.size += bytes.length;
    return at;
  }
}

/** Reads `length` bytes at `position` into `buf`; throws when the file has fewer. Returns `length`. */
export function readSpilled(fd: number, buf: Uint8Array, length: number, position: number): number {
  for (let done = 0; done < length; ) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`the spilled lines end at ${position + done} bytes, before ${position + length}`);
    done += n;
  }
  return length;
}

/** Closes a spill file (and removes it where it could not be unlinked open). */
export function closeSpillFile(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Closed already.
  }
  const file = namedFiles.get(fd);
  if (file !== undefined) {
    namedFiles.delete(fd);
    fs.rmSync(file, { force: true });
  }
}
