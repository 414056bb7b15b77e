// The typed arrays of an index's records and sessions, and how they are sized: grown geometrically
// while a log is scanned, sized once where its size is known, mapped ahead of the scan, and trimmed when
// a build ends. RecordStore (recordStore.ts) fills them.
import { PageToucher } from './pageToucher';
import { grow, KeyTable, resized } from './keyTable';
import { SessionDialogs } from './sessionDialogs';

/**
 * Slots left unused past this many times the records are given back when a build ends (trim). The
 * record arrays are sized from the log's bytes (64 a record): a log of long records leaves a few
 * times its records unused, which costs no memory; only a far larger gap (a log of multi-line
 * records) is worth a copy, for the address space.
 */
const TRIM_SLACK = 4;

type TouchedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
/** The smallest page the kernel maps (huge pages are whole multiples of it). */
const PAGE_BYTES = 4096;

/** Record arrays made and mapped ahead of a first build (prepareRecordSlots), in RecordArrays' order. */
type PreparedRecords = [Uint32Array<ArrayBuffer>, Uint32Array<ArrayBuffer>, Uint16Array<ArrayBuffer>, Float64Array<ArrayBuffer>, Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>, Uint32Array<ArrayBuffer>];
let prepared: PreparedRecords | undefined;

/**
 * Makes record arrays of `n` slots on this thread and maps their memory (mapPages),
 * for the next new store of this thread whose first build needs about as many: a thread that waits for
 * a log (the server's standby worker, openingWorker.ts) pays now the page faults that log's scan would
 * pay (40–75 ms for the 820,000 slots of a 50 MB log on the bench's host). Zeroed as new arrays are.
 */
export function prepareRecordSlots(n: number): void {
  const arrays: PreparedRecords = [new Uint32Array(n), new Uint32Array(n), new Uint16Array(n), new Float64Array(n), new Uint8Array(n), new Uint8Array(n), new Uint8Array(n), new Uint32Array(n)];
  mapPages(arrays, 0, n);
  prepared = arrays;
}

/**
 * Maps the memory of slots `[from, to)` of each array: a write of each page's value to itself, which the
 * kernel maps at its first write, the values unchanged.
 */
function mapPages(arrays: readonly TouchedArray[], from: number, to: number): void {
  for (const a of arrays) {
    const step = PAGE_BYTES / a.BYTES_PER_ELEMENT;
    for (let i = from; i < to; i += step) a[i] = a[i];
  }
}

/** The arrays of records and sessions. */
export class RecordArrays {
  recordCount = 0;

  recStartLine = new Uint32Array(1024);
  /** Byte offsets: 32-bit while the log is under 4 GiB (half the memory), 64-bit floats past that. */
  recStartOffset: Uint32Array | Float64Array = new Uint32Array(1024);
  recBodyCol = new Uint16Array(1024);
  recWall = new Float64Array(1024);
  recLevel = new Uint8Array(1024);
  recSeverity = new Uint8Array(1024);
  recFlags = new Uint8Array(1024);
  recSession = new Uint32Array(1024);
  /** Zone offsets as written; undefined while no record has written one (all NO_OFFSET). */
  protected offsets: Int16Array | undefined = undefined;

  keys = new KeyTable();
  /** Every record in session 0, the empty key (BuildOptions.keyless): set before the first record. */
  protected keyless = false;
  sessionFirst = new Uint32Array(256);
  sessionLast = new Uint32Array(256);
  sessionRecordCount = new Uint32Array(256);
  sessionProblems = new Uint32Array(256);
  /** Most severe diagnostic severity among the session's problems (Severity), or 255. */
  sessionWorst = new Uint8Array(256);
  /** SIP dialog (Call-ID) of a session, where one was seen. */
  sessionDialog = new SessionDialogs();
  /** Times the sessions were forgotten (forgetSessions): session numbers of another epoch mean other sessions. */
  sessionEpoch = 0;

  /** Room for `sessions` sessions and their keys at once (see KeyTable.reserve). */
  reserveSessions(sessions: number, keyBytes: number): void {
    this.keys.reserve(sessions, keyBytes);
    if (sessions > this.sessionFirst.length) this.growSessions(sessions, true);
  }

  protected growSessions(min: number, exact = false): void {
    if (exact) {
      const had = this.sessionWorst.length;
      this.sessionFirst = resized(this.sessionFirst, min);
      this.sessionLast = resized(this.sessionLast, min);
      this.sessionRecordCount = resized(this.sessionRecordCount, min);
      this.sessionProblems = resized(this.sessionProblems, min);
      this.sessionWorst = resized(this.sessionWorst, min).fill(255, had);
      return;
    }
    this.sessionFirst = grow(this.sessionFirst, min);
    this.sessionLast = grow(this.sessionLast, min);
    this.sessionRecordCount = grow(this.sessionRecordCount, min);
    this.sessionProblems = grow(this.sessionProblems, min);
    // A new session has no problem yet: 255, as finish() sets it (a log that grows gains sessions after).
    const had = this.sessionWorst.length;
    this.sessionWorst = grow(this.sessionWorst, min);
    this.sessionWorst.fill(255, had);
  }

  /** Past 4 GiB, offsets no longer fit 32 bits. */
  protected widenOffsets(): void {
    if (this.recStartOffset instanceof Float64Array) return;
    this.recStartOffset = Float64Array.from(this.recStartOffset);
  }

  protected growRecords(min: number): void {
    this.recStartLine = grow(this.recStartLine, min);
    this.recStartOffset = grow(this.recStartOffset, min);
    this.recBodyCol = grow(this.recBodyCol, min);
    this.recWall = grow(this.recWall, min);
    if (this.offsets !== undefined) this.offsets = grow(this.offsets, min);
    this.recLevel = grow(this.recLevel, min);
    this.recSeverity = grow(this.recSeverity, min);
    this.recFlags = grow(this.recFlags, min);
    this.recSession = grow(this.recSession, min);
  }

  /**
   * Sizes the record arrays to exactly `n` slots (no copy when they already are). Slots never
   * written cost no memory: the pages of a large new array are only mapped when first touched.
   */
  protected resizeRecords(n: number, shared = false): void {
    if (!shared && this.recordCount === 0 && this.takePrepared(n)) return;
    // Only the slots in use are copied: copying the rest would touch (map) the new array's pages for nothing.
    const used = this.recordCount;
    this.recStartLine = resized(this.recStartLine, n, used, shared);
    this.recStartOffset = resized(this.recStartOffset, n, used, shared);
    this.recBodyCol = resized(this.recBodyCol, n, used, shared);
    this.recWall = resized(this.recWall, n, used, shared);
    // Zone offsets whole: a record without a time may leave its slot as it is (NO_OFFSET where adopt filled ahead).
    if (this.offsets !== undefined) this.offsets = resized(this.offsets, n);
    this.recLevel = resized(this.recLevel, n, used, shared);
    this.recSeverity = resized(this.recSeverity, n, used, shared);
    this.recFlags = resized(this.recFlags, n, used, shared);
    this.recSession = resized(this.recSession, n, used, shared);
  }

  /**
   * Takes the arrays prepareRecordSlots made, for a store with no record yet that needs `n` slots: when
   * they have room for them and not so much more that the build's end would trim them (a copy).
   */
  private takePrepared(n: number): boolean {
    const arrays = prepared;
    const slots = arrays?.[0].length ?? 0;
    if (arrays === undefined || slots < n || n * TRIM_SLACK < slots || !(this.recStartOffset instanceof Uint32Array) || this.offsets !== undefined) return false;
    prepared = undefined;
    [this.recStartLine, this.recStartOffset, this.recBodyCol, this.recWall, this.recLevel, this.recSeverity, this.recFlags, this.recSession] = arrays;
    return true;
  }

  /**
   * Room for `n` records in arrays a worker maps the memory of ahead of the scan (pageToucher.ts): for a
   * new store built on one thread, the other core idle.
   */
  protected reserveTouched(n: number): PageToucher {
    if (this.recordCount !== 0) throw new Error('reserveTouched: a new store only');
    this.resizeRecords(n, true);
    const arrays = [this.recStartLine, this.recStartOffset, this.recBodyCol, this.recWall, this.recLevel, this.recSeverity, this.recFlags];
    // A keyless index never writes its session column.
    if (!this.keyless) arrays.push(this.recSession);
    return new PageToucher(arrays);
  }

  /**
   * Maps the memory of record slots `[from, to)` (beyond the records) ahead of their writing: a write
   * of each page's value to itself, which the kernel maps at its first write. A parted build's thread
   * does it while it waits for a worker, so that stitching the worker's parts on does not stop at
   * every new page (on a virtual machine, costlier than the copy: see common/hugePages.ts).
   */
  touchRecords(from: number, to: number): void {
    const end = Math.min(to, this.recStartLine.length);
    const start = Math.max(from, this.recordCount);
    const arrays: TouchedArray[] = [this.recStartLine, this.recStartOffset, this.recBodyCol, this.recWall, this.recLevel, this.recSeverity, this.recFlags];
    // A keyless index never writes its session column; zone offsets, once there, are filled whole.
    if (!this.keyless) arrays.push(this.recSession);
    mapPages(arrays, start, end);
  }

  /**
   * Gives back the slots a build did not use when they are many times the records (one copy per
   * array). Fewer are kept: slots never written were never mapped, so they cost address space only,
   * while the copy would cost time, the memory of a second index for a moment, and a page fault for
   * each of its pages (on a virtual machine, more than the copy: common/hugePages.ts).
   */
  protected trim(): void {
    const n = this.recordCount;
    if (this.recStartLine.length - n > Math.max(4096, TRIM_SLACK * n)) this.resizeRecords(Math.max(n, 1024));
    this.keys.trim();
  }
}
