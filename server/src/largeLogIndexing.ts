// How the language server indexes a log it reads from disk (largeLogStore.ts keeps them): detected as
// openLogFile detects, restored from a kept index when one still holds (engine/indexCache.ts), else
// built with turns of the event loop, on both cores when the log is large.
import type * as fs from 'fs';
import { basename as baseName } from 'path';
import type { LogIndex } from './engine';
import { buildParallelAsync, FileSource, loadIndexCache, NotTextError, prepareLogSource, saveIndexCache, threadsFor, UnknownDialectError } from './engine';
import type { LogLanguageId } from '../../common/protocol';
import { SharedFile } from './sharedFile';

/** What a log read from disk is, as the rest of the server sees it (a LogEntry without document fields). */
export interface LargeLogParse {
  index: LogIndex | undefined;
  /** Why there is no index (not a text log, no dialect recognised, unreadable). */
  problem: string | undefined;
  /** The dialect was detected (always, for files on disk). */
  dialect: LogLanguageId | undefined;
}

export interface IndexLogFileOptions {
  /** Bytes indexed per chunk, between turns of the event loop. */
  stepBytes: number;
  /** Where indexes are kept between sessions; undefined: not kept. */
  cacheDir: () => string | undefined;
  /** Logs from this size on have their index kept. */
  cacheMinBytes: number;
  toleranceMs: number;
  report: (done: number, total: number) => void;
  /** Checked between chunks: true stops the index (CancelledError). */
  isCancelled: () => boolean;
  /** Text searched in each chunk as it is indexed (LogIndex.searched). */
  search?: string;
  /** A kept index could not be written. */
  failed: (error: unknown) => void;
}

/**
 * Opens and indexes a file, as the engine's openLogFile does but with buildAsync. Logs the engine
 * cannot read get a parse with the problem and no file kept open. Rejects with CancelledError (the
 * file closed) when `o.isCancelled` says so.
 */
export async function indexLogFile(path: string, stat: fs.Stats, o: IndexLogFileOptions): Promise<{ parse: LargeLogParse; file: SharedFile | undefined }> {
  let source: FileSource;
  try {
    source = new FileSource(path);
  } catch (e) {
    return { parse: noParse(`cannot read ${path}: ${(e as Error).message}`), file: undefined };
  }
  const ctx = { fileName: baseName(path), mtimeMs: stat.mtimeMs };
  let index: LogIndex;
  try {
    // Detection exactly as openLogFile does it (binary data, dialect), on the head of the file only.
    index = prepareLogSource(source, { ...ctx, toleranceMs: o.toleranceMs });
  } catch (e) {
    source.close();
    if (e instanceof NotTextError || e instanceof UnknownDialectError) return { parse: noParse(e.message), file: undefined };
    throw e;
  }
  try {
    o.report(0, source.size);
    const build = { chunkSize: o.stepBytes, onProgress: o.report, isCancelled: o.isCancelled, search: o.search };
    const cacheDir = source.size >= o.cacheMinBytes ? o.cacheDir() : undefined;
    // An index kept from an earlier session, still true of the file's bytes, spares the scan: only
    // what the log gained since is indexed.
    const kept = cacheDir === undefined ? undefined : await loadIndexCache(cacheDir, path, source, index.dialect, ctx, o.toleranceMs).catch(() => undefined);
    if (kept !== undefined) {
      index = kept;
      if (source.size > index.scannedTo) await index.appendAsync(build);
      o.report(source.size, source.size);
    } else {
      // Large logs on both cores (worker threads index parts of the file), small ones here.
      const threads = threadsFor(source.size);
      if (threads > 1) await buildParallelAsync(index, path, threads, ctx, o.toleranceMs, build);
      else await index.buildAsync(build);
      // Written in the background; a failure (a full disk) only costs the next open a scan.
      if (cacheDir !== undefined && index.dialect.partable === true) saveIndexCache(cacheDir, path, index).catch((e: unknown) => o.failed(e));
    }
  } catch (e) {
    source.close(); // a cancelled index is incomplete: dropped
    throw e;
  }
  return { parse: { index, problem: undefined, dialect: index.dialect.id }, file: new SharedFile(source) };
}

/** A parse with no index, saying why. */
export function noParse(problem: string): LargeLogParse {
  return { index: undefined, problem, dialect: undefined };
}
