// Both cores for a text search: every occurrence of a text in a log file, one worker per core each
// searching its share of the bytes (a filter's pass 1 on a log the server reads from disk).
import * as os from 'os';
import type { MessagePort } from 'worker_threads';
import { CancelledError } from './buildOptions';
import type { SearchHits } from './buildOptions';
import { PartWorker, workerFile } from './parallel';
import type { LogSource } from './source';

/** What a search worker is asked: every occurrence of `needle` that starts in `[from, to)`. */
export interface SearchJob {
  kind: 'search';
  path: string;
  from: number;
  to: number;
  needle: string;
  done: SharedArrayBuffer;
  port: MessagePort;
}

export type SearchAnswer = { offsets: Float64Array } | { error: string };

/** Logs from this size on are searched by workers on every core (a warm filter in the server). */
export const PARALLEL_SEARCH_MIN_BYTES = 32 << 20;

/**
 * Every occurrence of `text` (no line breaks) in the first `size` bytes of the file, searched by one
 * worker per core, each over its share of the bytes; undefined when workers are not available.
 * The event loop stays free meanwhile; a cancellation stops the workers.
 */
export async function searchFileParallel(file: string, size: number, text: string, isCancelled?: () => boolean): Promise<SearchHits | undefined> {
  const entry = workerFile();
  if (entry === undefined || text === '' || /[\r\n]/.test(text)) return undefined;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const n = Math.max(1, Math.min(cores, 4));
  const workers: PartWorker<SearchAnswer>[] = [];
  for (let k = 0; k < n; k++) {
    const from = Math.floor((size * k) / n);
    const to = Math.floor((size * (k + 1)) / n);
    workers.push(new PartWorker<SearchAnswer>(entry, { kind: 'search', path: file, from, to, needle: text }));
  }
  const found: Float64Array[] = [];
  try {
    for (const worker of workers) {
      const answer = await worker.wait(isCancelled);
      if (isCancelled?.()) throw new CancelledError();
      if ('error' in answer) throw new Error(`search worker: ${answer.error}`);
      found.push(answer.offsets);
    }
  } catch (e) {
    for (const worker of workers) worker.terminate();
    throw e;
  }
  const count = found.reduce((sum, a) => sum + a.length, 0);
  const offsets = new Float64Array(count);
  let at = 0;
  for (const a of found) {
    offsets.set(a, at);
    at += a.length;
  }
  return { needle: text, offsets, count, size };
}

/** The occurrences of `needle` that start in `[from, to)` of the file (a search worker's share). */
export function searchRange(source: LogSource & { readTransient?: LogSource['readTransient'] }, from: number, to: number, needle: Buffer): Float64Array {
  let offsets = new Float64Array(256);
  let count = 0;
  const step = 16 << 20;
  for (let base = from; base < to; base += step) {
    // Each read overlaps the next by the needle's length less one; a match belongs to the read it starts in.
    const end = Math.min(to, base + step);
    const chunk = source.readTransient?.(base, end + needle.length - 1) ?? source.read(base, end + needle.length - 1);
    for (let i = chunk.indexOf(needle); i >= 0 && base + i < end; i = chunk.indexOf(needle, i + 1)) {
      if (count === offsets.length) {
        const grown = new Float64Array(count * 2);
        grown.set(offsets);
        offsets = grown;
      }
      offsets[count++] = base + i;
    }
  }
  return offsets.slice(0, count);
}
