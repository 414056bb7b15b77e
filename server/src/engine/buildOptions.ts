// What a build of the index is asked (IndexOptions, BuildOptions), and the text searched while it
// scans (BuildOptions.search): kept apart from LogIndex, which only calls these.
import { grow } from './keyTable';
import type { CheckFormat } from './checkLines';

export interface IndexOptions {
  /** Time-regression tolerance in ms (FORMATS §4, default 1000). */
  toleranceMs?: number;
  /** false: every line through the dialect's header parser, none through its fast scan (tests compare both). */
  fastScan?: boolean;
}

export interface BuildOptions {
  /** Told the bytes scanned so far after each chunk. */
  onProgress?: (done: number, total: number) => void;
  /** Polled after each chunk; true stops the build with a CancelledError. */
  isCancelled?: () => boolean;
  /** Bytes read per step (tests use tiny chunks to cross every boundary). */
  chunkSize?: number;
  /**
   * Text a filter will look for next: it is searched in each chunk while the chunk is at hand (one
   * read of the log for index and search), and the offsets found are kept in `searched`.
   */
  search?: string;
  /** A new index built on one thread with the other core idle: a worker maps its record arrays' memory ahead of the scan (pageToucher.ts). */
  touchAhead?: boolean;
  /** Parts a log indexed on several threads is split into (default: a few per thread, by size). */
  parts?: number;
  /**
   * Keep the first line of each problem record while it is scanned (ProblemLines): for a command that
   * quotes every problem (`msglog check`), so that its diagnostics read nothing back. Not for windows.
   */
  problemLines?: boolean;
  /**
   * Every record in one session (the empty key), no SIP dialog read: for a command that reads records
   * only (`msglog check`), so that a day's million sessions are neither interned nor stitched. Only a
   * first build of an index takes it; its sessions answer nothing else.
   */
  keyless?: boolean;
  /**
   * With `keyless`, on several threads: the workers' parts may be left where they were indexed, as
   * segments after the index (LogIndex.segments), not copied into it — for a command that reads the
   * diagnostics only (`msglog check`), which go through every segment. The index itself then holds
   * the log's first part only.
   */
  segments?: boolean;
  /**
   * With `segments`, on two threads: the worker keeps the parts it indexed, finishes them as segments
   * once this thread's part is done, and writes their diagnostics as msglog check does in this format
   * while this thread writes its own (LogIndex.laterCheckLines).
   */
  checkFormat?: CheckFormat;
}

/** Offsets of every occurrence of a text in the log, found while indexing (BuildOptions.search). */
export interface SearchHits {
  needle: string;
  /** Ascending byte offsets, `count` of them. */
  offsets: Float64Array;
  count: number;
  /** Bytes of the log searched (from its start); undefined: all that the index has scanned. */
  size?: number;
}

/** Past this many occurrences a search stops keeping them (a filter then scans as usual). */
export const MAX_HITS = 1 << 22;

/** Thrown when a long operation is cancelled. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

/** The needle of BuildOptions.search as bytes, when it can be searched chunk by chunk (no line breaks). */
export function searchable(text: string | undefined): Buffer | undefined {
  if (text === undefined || text === '' || /[\r\n]/.test(text)) return undefined;
  return Buffer.from(text, 'utf8');
}

/** Adds the offsets of `needle` in `buf[0, used)` (at `base` in the log) to `hits`; false when there are too many to keep. */
export function searchChunk(hits: SearchHits, buf: Buffer, used: number, base: number, needle: Buffer): boolean {
  const view = used === buf.length ? buf : buf.subarray(0, used);
  for (let i = view.indexOf(needle); i >= 0; i = view.indexOf(needle, i + 1)) {
    if (hits.count === MAX_HITS) return false;
    if (hits.count === hits.offsets.length) hits.offsets = grow(hits.offsets, hits.count + 1);
    hits.offsets[hits.count++] = base + i;
  }
  return true;
}

/** Appends a part's hits (its offsets follow ours); false when it has none or there would be too many to keep. */
export function adoptHits(hits: SearchHits, partHits: Float64Array | undefined): boolean {
  if (partHits === undefined || hits.count + partHits.length > MAX_HITS) return false;
  if (hits.count + partHits.length > hits.offsets.length) hits.offsets = grow(hits.offsets, hits.count + partHits.length);
  hits.offsets.set(partHits, hits.count);
  hits.count += partHits.length;
  return true;
}
