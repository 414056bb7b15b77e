// Large logs: the logs the server reads from disk itself, `file:` URIs the editor has not opened, above all files larger than
// the editor hands to extensions (FORMATS §8, 50 MB). Each is indexed straight from the file through a
// FileSource (read in windows, never held whole) with the engine's buildAsync, which gives the event
// loop a turn after each chunk, so that progress goes out and a `$/cancelRequest` gets in while a big
// file is indexed. The last few files asked about stay indexed; each is polled for growth (indexed
// incrementally) and for rotation or truncation (indexed anew), and the host hears of every change.
// A replaced or evicted file is closed once no request reads through it any more (use() counts them).
import * as fs from 'fs';
import { basename as baseName } from 'path';
import type { CancellationToken } from 'vscode-languageserver';
import { CancelledError, MemorySource } from './engine';
import type { LogChangeKind } from '../../common/protocol';
import { indexLogFile, noParse } from './largeLogIndexing';
import type { IndexLogFileOptions, LargeLogParse } from './largeLogIndexing';
import type { SharedFile } from './sharedFile';

export type { LargeLogParse } from './largeLogIndexing';

/** Where indexing progress goes: a work-done progress of a request, or one the server started. */
export interface ProgressSink {
  report(done: number, total: number): void;
  end(): void;
}

export interface LargeLogStoreHost {
  toleranceMs(): number;
  /** A log grew or was replaced, and is indexed again; the new parse is in place. */
  changed(uri: string, kind: LogChangeKind): void;
  /** A log left the cache (least recently used, or the server is shutting down). */
  evicted(uri: string): void;
  /** Progress for indexing nobody waits on with a token of their own (a watcher saw a rotation); may be undefined. */
  backgroundProgress(title: string): Promise<ProgressSink | undefined>;
  failed(error: unknown): void;
}

export interface LargeLogStoreOptions {
  /** Files kept indexed at once (least recently used evicted first). */
  capacity?: number;
  /** How often the files are polled for growth and rotation, ms. */
  watchIntervalMs?: number;
  /** Bytes indexed per chunk, between turns of the event loop (progress reports, cancellation checks). */
  stepBytes?: number;
  /** Where the indexes of large logs are kept between sessions (engine/indexCache.ts); undefined: not kept. */
  cacheDir?: () => string | undefined;
  /** Logs from this size on have their index kept (default 48 MB: smaller ones index in well under a second). */
  cacheMinBytes?: number;
}

export interface GetOptions {
  /** Cancels this caller's wait; indexing stops when every caller waiting on it has cancelled. */
  token?: CancellationToken;
  /** Gets the progress of the indexing this caller waits on (also when another caller started it). */
  progress?: ProgressSink;
  /** Tells the caller that it started indexing (the time it took, ms), as opposed to finding the file indexed. */
  indexed?: (ms: number) => void;
  /**
   * Text the caller will look for (a filter's plain text): when this call starts the indexing, the
   * text is searched in each chunk as it is indexed (one read of the file), found in `index.searched`.
   */
  search?: string;
}

const DEFAULT_STEP = 4 << 20;
/** Work of more steps than this gets a progress of the server's own when no request reports one. */
const BACKGROUND_PROGRESS_STEPS = 8;

interface StoredLog {
  uri: string;
  path: string;
  parse: LargeLogParse;
  file: SharedFile | undefined;
  /** Size and modification time when last indexed (for files that held no log, re-tried on change). */
  size: number;
  mtimeMs: number;
  /** Updates run one after another; requests wait for the one under way. */
  busy: Promise<void>;
  watcher: ((curr: fs.Stats, prev: fs.Stats) => void) | undefined;
}

/** One indexing of a file not in the cache yet, shared by every request that asks for it meanwhile. */
class Job {
  readonly waiters = new Set<object>();
  readonly sinks = new Set<ProgressSink>();
  done = 0;
  total = 0;
  started = Date.now();
  promise!: Promise<StoredLog | undefined>;

  /** Nobody waits any more: every request that asked has been cancelled. */
  isCancelled = (): boolean => this.waiters.size === 0;

  report = (done: number, total: number): void => {
    this.done = done;
    this.total = total;
    for (const sink of this.sinks) sink.report(done, total);
  };
}

export class LargeLogStore {
  /** Least recently used first. */
  private readonly logs = new Map<string, StoredLog>();
  private readonly jobs = new Map<string, Job>();
  private readonly capacity: number;
  private readonly watchIntervalMs: number;
  private readonly stepBytes: number;
  private readonly cacheDir: () => string | undefined;
  private readonly cacheMinBytes: number;
  private disposed = false;

  constructor(private readonly host: LargeLogStoreHost, options: LargeLogStoreOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 2);
    this.watchIntervalMs = options.watchIntervalMs ?? 1000;
    this.stepBytes = Math.max(1, options.stepBytes ?? DEFAULT_STEP);
    this.cacheDir = options.cacheDir ?? (() => undefined);
    this.cacheMinBytes = options.cacheMinBytes ?? 48 << 20;
  }

  /**
   * The parse of a file, indexing it now when it is not cached, and first catching up with the file
   * when it is (growth indexed, a replaced file indexed anew). A file that is not a log, or cannot be
   * read, gets a parse without index that says why. Rejects with CancelledError when the caller's
   * token is cancelled (the indexing stops when no other caller waits for it).
   */
  async get(uri: string, path: string, options: GetOptions = {}): Promise<LargeLogParse> {
    const { parse, release } = await this.lease(uri, path, options);
    release(); // nothing holds the file: callers that read through the index later use use()
    return parse;
  }

  /** The parse and a hold on its file, taken in the same turn as the parse is read (before any retirement can slip in). */
  private async lease(uri: string, path: string, options: GetOptions): Promise<{ parse: LargeLogParse; release: () => void }> {
    const known = this.logs.get(uri);
    if (known) {
      this.touch(known);
      await this.waitFor(this.update(known), options.token);
      return hold(known);
    }
    let job = this.jobs.get(uri);
    if (!job) {
      const created = new Job();
      job = created;
      this.jobs.set(uri, created);
      // The first waiter joins before the job starts, so it is not taken for cancelled.
      const waiter = {};
      created.waiters.add(waiter);
      created.promise = this.load(uri, path, created, options.search).finally(() => this.jobs.delete(uri));
      return this.join(created, options, waiter);
    }
    return this.join(job, options, {});
  }

  /**
   * Runs `work` on the parse of a file (as get() finds it) while holding the file open: a rotation
   * or eviction meanwhile retires the file, which closes only when `work` is done.
   */
  async use<T>(uri: string, path: string, options: GetOptions, work: (parse: LargeLogParse) => T | Promise<T>): Promise<T> {
    const { parse, release } = await this.lease(uri, path, options);
    try {
      return await work(parse);
    } finally {
      release();
    }
  }

  /** What the cache holds, least recently used first. */
  list(): { uri: string; parse: LargeLogParse; backing: 'file' | 'memory' | 'none'; bytes: number; watched: boolean }[] {
    return [...this.logs.values()].map((log) => ({
      uri: log.uri,
      parse: log.parse,
      // From the index itself: a file-backed index reads through a FileSource, a MemorySource holds the bytes.
      backing: !log.parse.index ? 'none' : log.parse.index.source instanceof MemorySource ? 'memory' : 'file',
      bytes: log.parse.index?.scannedTo ?? 0,
      watched: log.watcher !== undefined,
    }));
  }

  /** Whether this URI is indexed (not merely being indexed). */
  has(uri: string): boolean {
    return this.logs.has(uri);
  }

  /** Stops every watcher and closes every file now. */
  dispose(): void {
    this.disposed = true;
    for (const log of [...this.logs.values()]) this.evict(log, true);
  }

  private async join(job: Job, options: GetOptions, waiter: object): Promise<{ parse: LargeLogParse; release: () => void }> {
    job.waiters.add(waiter);
    const sink = options.progress;
    if (sink) {
      job.sinks.add(sink);
      if (job.total > 0) sink.report(job.done, job.total);
    }
    try {
      const log = await this.waitFor(job.promise, options.token);
      options.indexed?.(Date.now() - job.started);
      return log ? hold(log) : { parse: noParse('file vanished while it was indexed'), release: () => undefined };
    } finally {
      job.waiters.delete(waiter);
      if (sink) {
        job.sinks.delete(sink);
        sink.end();
      }
    }
  }

  /** `work`, or a CancelledError as soon as `token` is cancelled (the work goes on for others). */
  private waitFor<T>(work: Promise<T>, token: CancellationToken | undefined): Promise<T> {
    if (!token) return work;
    if (token.isCancellationRequested) return Promise.reject(new CancelledError());
    return new Promise<T>((resolve, reject) => {
      const listener = token.onCancellationRequested(() => reject(new CancelledError()));
      work.then(
        (value) => {
          listener.dispose();
          resolve(value);
        },
        (error: unknown) => {
          listener.dispose();
          reject(error);
        },
      );
    });
  }

  /** Indexes a file anew; undefined when it cannot be stat'ed. */
  private async load(uri: string, path: string, job: Job, search?: string): Promise<StoredLog | undefined> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(path);
    } catch {
      return undefined;
    }
    // Indexing a big file that no request shows progress for gets a progress of the server's own.
    let own: ProgressSink | undefined;
    if (job.sinks.size === 0 && stat.size >= BACKGROUND_PROGRESS_STEPS * this.stepBytes) {
      own = await this.host.backgroundProgress(`Indexing ${baseName(path)}`);
      if (own) job.sinks.add(own);
    }
    let indexed: { parse: LargeLogParse; file: SharedFile | undefined };
    try {
      indexed = await indexLogFile(path, stat, this.indexing(job.report, () => job.isCancelled() || this.disposed, search));
    } finally {
      if (own) {
        job.sinks.delete(own);
        own.end();
      }
    }
    const { parse, file } = indexed;
    if (this.disposed) {
      file?.closeNow();
      throw new CancelledError();
    }
    const log: StoredLog = { uri, path, parse, file, size: stat.size, mtimeMs: stat.mtimeMs, busy: Promise.resolve(), watcher: undefined };
    this.logs.set(uri, log);
    while (this.logs.size > this.capacity) this.evict(this.logs.values().next().value as StoredLog, false);
    this.watch(log);
    // The file may have grown while it was indexed, before the watcher took its first look.
    this.background(log);
    return log;
  }

  /** How indexLogFile reads a file for this store: its step, its kept indexes, the host's tolerance. */
  private indexing(report: (done: number, total: number) => void, isCancelled: () => boolean, search?: string): IndexLogFileOptions {
    return {
      stepBytes: this.stepBytes,
      cacheDir: this.cacheDir,
      cacheMinBytes: this.cacheMinBytes,
      toleranceMs: this.host.toleranceMs(),
      report,
      isCancelled,
      search,
      failed: (e) => this.host.failed(e),
    };
  }

  private touch(log: StoredLog): void {
    this.logs.delete(log.uri);
    this.logs.set(log.uri, log);
  }

  /** Catches up with the file (after any update under way); resolves when the parse is current. */
  private update(log: StoredLog): Promise<void> {
    const run = log.busy.then(() => this.sync(log));
    log.busy = run.catch(() => undefined);
    return run;
  }

  private background(log: StoredLog): void {
    this.update(log).catch((e: unknown) => {
      if (!(e instanceof CancelledError)) this.host.failed(e);
    });
  }

  private async sync(log: StoredLog): Promise<void> {
    if (this.logs.get(log.uri) !== log) return; // evicted meanwhile
    let kind: LogChangeKind | undefined;
    let stat: fs.Stats | undefined;
    try {
      stat = await fs.promises.stat(log.path);
    } catch {
      stat = undefined;
    }
    if (log.file) {
      const seen = log.file.source.refresh();
      if (seen !== 'same') kind = seen;
    } else if (stat ? stat.size !== log.size || stat.mtimeMs !== log.mtimeMs : log.size >= 0) {
      kind = 'replaced'; // nothing readable before: whatever is there now is new
    }
    if (!kind) return;
    const index = log.parse.index;
    let appended = false;
    if (kind === 'grown' && index && log.file) {
      const file = log.file.source;
      const sink = file.size - index.scannedTo >= BACKGROUND_PROGRESS_STEPS * this.stepBytes ? await this.host.backgroundProgress('Indexing new records') : undefined;
      try {
        // False when the last line had no terminator (it may have grown): indexed anew below.
        appended = await index.appendAsync({ chunkSize: this.stepBytes, onProgress: (done, total) => sink?.report(done, total) });
      } finally {
        sink?.end();
      }
      log.size = file.size;
    }
    if (!appended) {
      // Rotated, truncated, or grown past a last line that had no terminator: index from scratch.
      const sink = stat && stat.size >= BACKGROUND_PROGRESS_STEPS * this.stepBytes ? await this.host.backgroundProgress('Indexing the log anew') : undefined;
      let fresh: { parse: LargeLogParse; file: SharedFile | undefined };
      try {
        fresh = stat ? await indexLogFile(log.path, stat, this.indexing((done, total) => sink?.report(done, total), () => this.disposed)) : { parse: noParse(`cannot read ${log.path}: it is gone`), file: undefined };
      } finally {
        sink?.end();
      }
      if (this.logs.get(log.uri) !== log) {
        fresh.file?.retire();
        return;
      }
      log.file?.retire();
      log.parse = fresh.parse;
      log.file = fresh.file;
      log.size = stat ? stat.size : -1;
      log.mtimeMs = stat ? stat.mtimeMs : 0;
    }
    this.host.changed(log.uri, kind);
  }

  private watch(log: StoredLog): void {
    const listener = (curr: fs.Stats, prev: fs.Stats): void => {
      if (curr.size === prev.size && curr.mtimeMs === prev.mtimeMs && curr.ino === prev.ino) return;
      this.background(log);
    };
    fs.watchFile(log.path, { interval: this.watchIntervalMs, persistent: false }, listener);
    log.watcher = listener;
  }

  private evict(log: StoredLog, now: boolean): void {
    this.logs.delete(log.uri);
    if (log.watcher) fs.unwatchFile(log.path, log.watcher);
    log.watcher = undefined;
    if (now) log.file?.closeNow();
    else log.file?.retire();
    log.file = undefined;
    this.host.evicted(log.uri);
  }
}

/** The log's parse with a hold on its file (none needed for a parse without one). */
function hold(log: StoredLog): { parse: LargeLogParse; release: () => void } {
  return { parse: log.parse, release: log.file ? log.file.acquire() : () => undefined };
}
