// The open file under a large log's index (largeLogStore.ts), closed only once no request reads
// through it any more.
import type { FileSource } from './engine';

/**
 * The open file under an index, shared by the cache and the requests reading through the index.
 * Retired (replaced or evicted) it stays open until the last request using it is done, never longer:
 * closing it earlier would make a request read a closed descriptor, or another file that reuses it.
 */
export class SharedFile {
  private users = 0;
  private retired = false;
  private closed = false;

  constructor(readonly source: FileSource) {}

  /** Holds the file open until the returned release is called (once; later calls do nothing). */
  acquire(): () => void {
    this.users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users--;
      this.closeWhenUnused();
    };
  }

  /** The cache is done with the file: it closes now, or when its last user releases it. */
  retire(): void {
    this.retired = true;
    this.closeWhenUnused();
  }

  /** Closes at once, users or not (the server is shutting down). */
  closeNow(): void {
    this.retired = true;
    this.users = 0;
    this.closeWhenUnused();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private closeWhenUnused(): void {
    if (!this.retired || this.users > 0 || this.closed) return;
    this.closed = true;
    this.source.close();
  }
}
