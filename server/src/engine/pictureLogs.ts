// The logs the SIP dialog and report engines read: one index per log, in the order given (FORMATS
// §9). A LogSet's sources (rotated files read as one, placed in time) become these through picturesOf;
// an editor's documents are one each.
import type { LogIndex } from './logIndex';
import type { LogSet } from './logSet';

/** One indexed log and the name it is shown by (its path as given, or its document's URI). */
export interface PictureLog {
  index: LogIndex;
  file: string;
  /** Milliseconds added to its times (a log without a date placed on the others' first date). */
  shiftMs?: number;
  /** For a log of several files read as one: the file (as shown) and 0-based line of record r. */
  locate?: (r: number) => { file: string; line: number };
}

/** The sources of a LogSet (msglog's FILE… arguments, rotation and undated placement done). */
export function picturesOf(set: LogSet): PictureLog[] {
  return set.sources.map((source) => ({
    index: source.index,
    file: source.name,
    shiftMs: source.shiftMs,
    locate: (r: number) => {
      const at = source.locateRecord(r);
      return { file: source.files[at.file].display, line: at.line };
    },
  }));
}

/** Where record r of a log is shown: its file and 0-based line there. */
export function placeOf(log: PictureLog, r: number): { file: string; line: number } {
  return log.locate ? log.locate(r) : { file: log.file, line: log.index.recStartLine[r] };
}

/** A record of one of several logs: which log (position in the list) and which record. */
export interface SetRecord {
  file: number;
  record: number;
}

/**
 * Merges per-file lists of records (each in its file's order) by normalised time: a stable k-way
 * merge, equal times in argument order, so each file keeps its own order (FORMATS §9).
 */
export function mergeByTime(files: readonly PictureLog[], lists: readonly (readonly number[])[]): SetRecord[] {
  const out: SetRecord[] = [];
  const at = lists.map(() => 0);
  for (;;) {
    let best = -1;
    let bestTime = Infinity;
    for (let f = 0; f < lists.length; f++) {
      if (at[f] >= lists[f].length) continue;
      const t = files[f].index.normalized(lists[f][at[f]]) + (files[f].shiftMs ?? 0);
      // NaN (no time at all) sorts first, as it would in a file with no times.
      const time = Number.isNaN(t) ? -Infinity : t;
      if (best < 0 || time < bestTime) {
        best = f;
        bestTime = time;
      }
    }
    if (best < 0) return out;
    out.push({ file: best, record: lists[best][at[best]++] });
  }
}

/** The record containing byte `offset` of an index, or -1 (preamble, overflow markers). */
export function recordAtOffset(index: LogIndex, offset: number): number {
  let lo = 0;
  let hi = index.recordCount - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index.recEndOffset[mid] <= offset) lo = mid + 1;
    else if (index.recStartOffset[mid] > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}

const SCAN_CHUNK = 8 << 20;

/**
 * Records whose bytes contain `needle` (a plain byte search over the log, in chunks, so a log read
 * from disk is never held whole), in file order, each once.
 */
export function recordsContaining(index: LogIndex, needle: string): number[] {
  const bytes = Buffer.from(needle, 'utf8');
  const out: number[] = [];
  if (bytes.length === 0) return out;
  const size = index.scannedTo;
  let start = 0;
  while (start < size) {
    const end = Math.min(size, start + SCAN_CHUNK);
    // Chunks overlap by the needle's length less one, so a match across a boundary is seen once.
    const chunk = index.read(start, Math.min(size, end + bytes.length - 1));
    for (let p = chunk.indexOf(bytes); p >= 0 && p < end - start; p = chunk.indexOf(bytes, p + 1)) {
      const r = recordAtOffset(index, start + p);
      if (r >= 0 && out[out.length - 1] !== r) out.push(r);
    }
    start = end;
  }
  return out;
}
