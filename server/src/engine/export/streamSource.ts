// One log of a streamed export (streamExport.ts): its file indexed a window at a time, the records
// that may be written (a window of look-ahead behind what is indexed), the next one to merge, and
// what the export's worker has been told of its sessions.
import { LogIndex } from '../logIndex';
import { NO_OFFSET } from '../recordStore';
import { FileSource } from '../source';
import type { Dialect, ParseContext } from '../types';
import type { IndexNews } from './exportIndex';

/** One log on disk to stream. */
export interface StreamInput {
  /** The file on disk. */
  file: string;
  /** The path as the user named it (`log.file.path`). */
  path: string;
  /** Its source's name (FORMATS §9). */
  source: string;
  dialect: Dialect;
  ctx: ParseContext;
}

export class StreamSource {
  readonly index: LogIndex;
  private readonly file: FileSource;
  /** The whole log is indexed. */
  ended = false;
  /** Records that may be written: final, and a window of the log indexed after them. */
  ready = 0;
  /** The next record to merge. */
  head = 0;
  windows = 0;
  sessionResets = 0;
  peakRecords = 0;
  // What the worker knows: sessions and dialogs up to these counts, of this epoch.
  private epochSent = -1;
  private sessionsSent = 0;
  private dialogsSent = 0;
  private dialogs: IterableIterator<[number, string]> | undefined;

  /** Opens the file (one that cannot be read fails here, before anything is written). */
  constructor(
    readonly input: StreamInput,
    utcOffsetMin: number,
    private readonly windowBytes: number,
  ) {
    this.file = new FileSource(input.file);
    this.index = new LogIndex(this.file, input.dialect, input.ctx);
    this.index.logOffsetMin = utcOffsetMin;
  }

  get size(): number {
    return this.file.size;
  }

  /**
   * Whether record `head` may be merged, indexing windows as needed; false once every record is. A
   * window's records may be written once the next window is indexed too: a SIP session's Call-ID
   * comes a few records after its first ones, and this lets it cross a window's edge.
   */
  available(): boolean {
    while (this.head >= this.ready) {
      if (this.ended) return false;
      const before = this.index.recordCount;
      const final = this.index.indexWindow(this.windowBytes);
      this.windows++;
      this.ended = this.index.scannedTo >= this.file.size;
      this.ready = this.ended ? final : Math.min(final, before);
      this.peakRecords = Math.max(this.peakRecords, this.index.recordCount);
    }
    return true;
  }

  /** Record r's UTC time as MergedOrder compares times (no time: first). */
  timeOf(r: number): number {
    const index = this.index;
    const off = index.offsetMinOf(r);
    const t = index.recWall[r] - (off === NO_OFFSET ? index.logOffsetMin : off) * 60_000;
    return Number.isNaN(t) ? -Infinity : t;
  }

  /**
   * Forgets the records merged so far (all of them are written or sent) once they are at least half
   * of those held: forgetting moves the others to the front, so each record is moved once on average.
   * Then forgets the sessions of those written once more than `sessionLimit` are held.
   */
  forgetMerged(sessionLimit: number): void {
    if (this.head === 0 || this.head * 2 < this.index.recordCount) return;
    this.index.forget(this.head);
    this.ready -= this.head;
    this.head = 0;
    if (this.index.sessionCount > sessionLimit) {
      this.index.forgetSessions();
      this.sessionResets++;
    }
  }

  /** What the index gained since the worker last heard (its setup, or the last news); undefined: nothing. */
  news(): IndexNews | undefined {
    const index = this.index;
    if (index.sessionEpoch !== this.epochSent) {
      this.epochSent = index.sessionEpoch;
      this.sessionsSent = 0;
      this.dialogsSent = 0;
      this.dialogs = index.sessionDialog.entries();
    } else if (index.sessionCount === this.sessionsSent && index.sessionDialog.size === this.dialogsSent) {
      return undefined;
    }
    const keys = index.keys.exportFrom(this.sessionsSent);
    // The map's iterator is never run to its end, so it goes on to the entries added since.
    const added: [number, string][] = [];
    for (; this.dialogsSent < index.sessionDialog.size; this.dialogsSent++) added.push((this.dialogs as IterableIterator<[number, string]>).next().value as [number, string]);
    this.sessionsSent = index.sessionCount;
    return { epoch: this.epochSent, sessionCount: this.sessionsSent, keys, dialogs: added };
  }

  /** The worker's setup was made now: it knows what the index has. */
  told(): void {
    const index = this.index;
    this.epochSent = index.sessionEpoch;
    this.sessionsSent = index.sessionCount;
    this.dialogs = index.sessionDialog.entries();
    for (this.dialogsSent = 0; this.dialogsSent < index.sessionDialog.size; this.dialogsSent++) this.dialogs.next();
  }

  close(): void {
    this.file.close();
  }
}
