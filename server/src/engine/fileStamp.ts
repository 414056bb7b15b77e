// Whether a document's bytes are its file's: what lets the server take an index a worker made of the
// file (fileIndexJob.ts) for the document whose text the editor sent. The bytes are compared with the
// file, under a stamp that says the file did not change meanwhile.
import * as fs from 'fs';
import { turn } from './logIndex';

/**
 * What identifies a file's bytes without reading them: any write changes its change time (which, unlike
 * the modification time, cannot be set back), a rotation its inode.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

export function stampOf(st: fs.Stats): FileStamp {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, dev: st.dev };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino && a.dev === b.dev;
}

/** Bytes of the file read at a time by fileStampIfHolding and ArrivingComparison… */
const COMPARE_BYTES = 1 << 20;
/** …and compared between turns of the event loop (reads in the thread pool, one turn each, took twice as long). */
const COMPARE_TURN_BYTES = 8 << 20;

/**
 * The file's stamp when it holds exactly `bytes` (read a megabyte at a time, its stamp the same before
 * and after), else undefined. Unreadable files hold nothing.
 */
export async function fileStampIfHolding(file: string, bytes: Uint8Array): Promise<FileStamp | undefined> {
  let fd = -1;
  try {
    fd = fs.openSync(file, 'r');
    const before = stampOf(fs.fstatSync(fd));
    if (before.size !== bytes.length) return undefined;
    const piece = Buffer.allocUnsafeSlow(Math.min(COMPARE_BYTES, Math.max(1, bytes.length)));
    for (let at = 0; at < bytes.length; at += COMPARE_TURN_BYTES) {
      if (at > 0) await turn();
      if (!sameAsFile(fd, piece, bytes, at, Math.min(bytes.length, at + COMPARE_TURN_BYTES))) return undefined;
    }
    const after = stampOf(fs.fstatSync(fd));
    return sameStamp(before, after) ? after : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/** Whether the file's bytes `[from, to)` are `bytes`'s, read into `piece` a piece at a time. */
function sameAsFile(fd: number, piece: Buffer, bytes: Uint8Array, from: number, to: number): boolean {
  for (let at = from; at < to; ) {
    const read = fs.readSync(fd, piece, 0, Math.min(piece.length, to - at), at);
    if (read === 0 || piece.compare(bytes, at, at + read, 0, read) !== 0) return false;
    at += read;
  }
  return true;
}

/** ArrivingComparison.finish's answer for bytes it did not see arrive: compare them with fileStampIfHolding. */
export const NOT_FOLLOWED = 'not followed';

/**
 * A document's bytes compared with its file while they arrive, a megabyte at a time as they come,
 * so that little is left to compare once the last of them is in. On the bench's host the whole
 * comparison of a 50 MB log, after its text was in, took 15–20 ms of the time to the first answers,
 * while this thread had little to do during the transfer. The bytes are the growing start of one
 * buffer (the didOpen's text, unescaped in place: bytes before its end so far are final).
 */
export class ArrivingComparison {
  private fd = -1;
  private before: FileStamp | undefined;
  /** The start of the buffer the bytes are in, once seen. */
  private buffer: ArrayBufferLike | undefined;
  private byteOffset = 0;
  /** Bytes found equal so far; -1 once they differ, or the file could not be read. */
  private compared = 0;
  private piece: Buffer | undefined;

  constructor(readonly file: string) {}

  /** The document's bytes so far: a view of one buffer from one start, longer each time. */
  advance(text: Uint8Array): void {
    if (this.compared < 0) return;
    if (!this.sameStart(text)) return this.close();
    if (text.length - this.compared >= COMPARE_BYTES) this.compareTo(text, text.length - (text.length % COMPARE_BYTES));
  }

  /**
   * The file's stamp when it holds exactly `bytes`, the bytes followed so far grown to their end;
   * undefined when they differ from the file or it changed; NOT_FOLLOWED when `bytes` are not the bytes
   * this followed. The file is closed in any case.
   */
  finish(bytes: Uint8Array): FileStamp | undefined | typeof NOT_FOLLOWED {
    try {
      if (this.buffer === undefined || !this.sameStart(bytes)) return NOT_FOLLOWED;
      this.compareTo(bytes, bytes.length);
      if (this.compared !== bytes.length || this.before === undefined || this.before.size !== bytes.length) return undefined;
      const after = stampOf(fs.fstatSync(this.fd));
      return sameStamp(this.before, after) ? after : undefined;
    } catch {
      return undefined;
    } finally {
      this.close();
    }
  }

  /** Closes the file: nothing more is compared (as when the bytes differ or the file cannot be read). */
  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    this.compared = -1;
    this.piece = undefined;
  }

  private sameStart(text: Uint8Array): boolean {
    if (this.buffer === undefined) {
      this.buffer = text.buffer;
      this.byteOffset = text.byteOffset;
    }
    return text.buffer === this.buffer && text.byteOffset === this.byteOffset;
  }

  /** Compares the file's bytes up to `end` with `text`'s. */
  private compareTo(text: Uint8Array, end: number): void {
    if (this.compared < 0) return;
    try {
      if (this.fd < 0) {
        this.fd = fs.openSync(this.file, 'r');
        this.before = stampOf(fs.fstatSync(this.fd));
        this.piece = Buffer.allocUnsafeSlow(COMPARE_BYTES);
      }
      if (end > (this.before as FileStamp).size || !sameAsFile(this.fd, this.piece as Buffer, text, this.compared, end)) return this.close();
      this.compared = end;
    } catch {
      this.close();
    }
  }
}
