// The one parse cache of the server: one LogIndex per open document version, evicted on close, plus
// a tiny cache of logs read from disk (files too large for the editor to hand to extensions), which
// largeLogStore.ts indexes straight from the file and keeps up to date as the file grows or rotates.
import { promises as fsp, statSync } from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import type { CancellationToken } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LargeLogStoreHost, LargeLogStoreOptions, ProgressSink } from './largeLogStore';
import { LargeLogStore } from './largeLogStore';
import { bytesOfDocument } from './byteDocuments';
import { CancelledError, MemorySource, NotTextError, openLog, prepareLog, threadsFor, touchesAhead, UnknownDialectError } from './engine';
import type { LogIndex } from './engine';
import type { EarlyIndex } from './earlyIndexes';
import { EarlyIndexes } from './earlyIndexes';
import type { FirstAnswerName, FirstAnswerSettings } from './features/firstAnswers';
import { LOG_LANGUAGE_IDS } from '../../common/protocol';
import type { LogLanguageId } from '../../common/protocol';

export interface LogEntry {
  uri: string;
  /** The document version parsed, or -1 for a file read from disk. */
  version: number;
  /** Undefined when the text is not a log the engine can read; `problem` says why. */
  index: LogIndex | undefined;
  problem: string | undefined;
  /**
   * 'forced': the document's language names the dialect (one of ours). 'detected': the server
   * looked at a `log`/`plaintext` document (or a file on disk) and picked the dialect itself.
   */
  mode: 'forced' | 'detected';
  /** The document's language when parsed ('' for files on disk). */
  languageId: string;
  /** The tolerance the index's time regressions were computed with. */
  toleranceMs: number;
}

/** How a request waits for a log read from disk: cancellation, and progress while it is indexed. */
export interface LargeLogRequest {
  token?: CancellationToken;
  progress?: ProgressSink;
  /** Told how long indexing took when this request had the file indexed (not found in the cache). */
  indexed?: (ms: number) => void;
  /** A filter's plain text, searched while the file is indexed when this request has it indexed. */
  search?: string;
}

/** Documents this large are indexed with turns of the event loop between chunks, and stop when superseded or closed. */
const ASYNC_BYTES = 8 << 20;
/** Bytes indexed between two turns of the event loop. */
const ASYNC_STEP = 4 << 20;

export class LogCache {
  private readonly open = new Map<string, LogEntry>();
  /** Documents being indexed (large ones, asynchronously): callers asking for the same version share it. */
  private readonly building = new Map<string, { version: number; languageId: string; opening: Promise<number | undefined> | undefined; entry: Promise<LogEntry> }>();
  private readonly mtimes = new Map<string, Promise<number | undefined>>();
  private readonly reported = new Map<string, LogLanguageId>();
  /** Files indexed by a worker ahead of their didOpen. */
  private readonly early: EarlyIndexes;
  private toleranceMs = 1000;
  /** Files read from disk: the last few the client asked about (two by default), file-backed and watched. */
  readonly largeLogs: LargeLogStore;

  /**
   * `onDetected` hears of a dialect found for a document whose language does not name one; `largeLogs`
   * hears of logs read from disk that changed or left the cache.
   */
  constructor(
    private readonly onDetected: (uri: string, dialect: LogLanguageId) => void,
    largeLogs: Omit<LargeLogStoreHost, 'toleranceMs'>,
    largeLogOptions: LargeLogStoreOptions = {},
    /** The settings the first answers of a file indexed ahead are made with; none made without. */
    answerSettings?: () => FirstAnswerSettings,
  ) {
    this.largeLogs = new LargeLogStore({ ...largeLogs, toleranceMs: () => this.toleranceMs }, largeLogOptions);
    // Files are indexed ahead from the size from which documents are indexed asynchronously.
    this.early = new EarlyIndexes(ASYNC_BYTES, answerSettings);
  }

  /**
   * Starts looking up the file's modification time (EMG stamps have no year). A file indexed ahead
   * (opening) is looked at at once: its first answers wait for it, and the thread pool's answer came
   * 3–14 ms after the text on the bench's host. It was looked at moments ago, so it does not hang.
   */
  opened(uri: string): void {
    this.mtimes.set(uri, this.early.indexing(uri) ? Promise.resolve(fileMtimeNow(uri)) : fileMtime(uri));
  }

  /**
   * The editor is about to open the `file:` log `uri` (its didOpen follows): a large one is indexed
   * from disk by a worker while the text is on its way, and forDocument takes that index when the
   * document's bytes are the file's.
   */
  opening(uri: string, languageId: string): void {
    // What was started for an earlier announcement of it is dropped either way (start drops it too).
    if (!uri.startsWith('file:') || this.open.has(uri)) this.early.drop(uri);
    else this.early.start(uri, languageId, { fileName: fileNameOf(uri), dialect: forcedDialect(languageId), toleranceMs: this.toleranceMs });
  }

  /**
   * The text of the document `uri` is arriving: when its file is indexed ahead, its bytes are compared
   * with the file's as they come (WorkerFileIndex.follow).
   */
  textArriving(uri: string): ((text: Uint8Array) => void) | undefined {
    return this.early.follow(uri);
  }

  /** How many documents were given the index a worker made ahead of their didOpen. */
  get earlyIndexesTaken(): number {
    return this.early.indexesTaken;
  }

  /** How many first answers made by those workers were given. */
  get earlyAnswersTaken(): number {
    return this.early.answersTaken;
  }

  /**
   * The answer `name` (UTF-8 JSON) that the worker indexing the file of `document` ahead of its didOpen
   * made with settings `key`, when the document is still as opened and its bytes are the file's (as
   * for its index); undefined otherwise, and for every later request (each answer is given once).
   */
  async earlyAnswer(document: TextDocument, name: FirstAnswerName, key: string): Promise<Uint8Array | undefined> {
    const bytes = bytesOfDocument(document);
    if (bytes === undefined) return undefined;
    const mtime = this.mtimes.get(document.uri) ?? fileMtime(document.uri);
    return this.early.answer(document.uri, document.languageId, bytes, mtime, () => this.toleranceMs, name, key);
  }

  closed(uri: string): void {
    this.early.drop(uri);
    this.open.delete(uri);
    this.building.delete(uri);
    this.mtimes.delete(uri);
    this.reported.delete(uri);
  }

  /** Applies a new time-regression tolerance; indexes pick it up when next asked for. */
  setTolerance(toleranceMs: number): void {
    this.toleranceMs = toleranceMs;
  }

  /** The parse of this version of an open document, parsing it now if needed. */
  async forDocument(document: TextDocument): Promise<LogEntry> {
    const mtimeMs = await (this.mtimes.get(document.uri) ?? fileMtime(document.uri));
    // The document object is updated in place by TextDocuments: read version and text together, now.
    const cached = this.open.get(document.uri);
    if (cached && cached.version === document.version && cached.languageId === document.languageId) {
      return this.withTolerance(cached);
    }
    const { uri, version, languageId } = document;
    const pending = this.building.get(uri);
    if (pending && pending.version === version && pending.languageId === languageId && pending.opening === this.mtimes.get(uri)) {
      try {
        return this.withTolerance(await pending.entry);
      } catch (e) {
        if (e instanceof CancelledError && pending.opening !== undefined && this.mtimes.get(uri) === pending.opening) return this.forDocument(document);
        throw e;
      }
    }
    const forced = forcedDialect(languageId);
    // A document opened with its text as bytes (byteDocuments.ts) is read as it came: nothing to encode.
    const bytes = bytesOfDocument(document) ?? Buffer.from(document.getText(), 'utf8');
    // A document just opened whose file a worker indexed ahead (opening): files are indexed ahead from
    // ASYNC_BYTES on. The index is taken once; the worker's first answers stay for their requests.
    const early = this.early.take(uri, cached === undefined && bytes.length >= ASYNC_BYTES);
    // An edit that only added text at the end (a log that grew) indexes just the new lines.
    const grown = cached && cached.languageId === languageId ? grownEntry(cached, version, bytes) : undefined;
    let entry: LogEntry;
    if (grown) entry = grown;
    else if (bytes.length < ASYNC_BYTES) entry = this.parse(uri, version, languageId, bytes, forced, mtimeMs);
    else {
      // A big document is indexed with the event loop free (other requests, a cancellation, the next
      // edit get in); an edit or a close meanwhile stops it, and the callers get the newer version's parse.
      // The open (a close and a reopen make another) and the version this parse is for.
      const opening = this.mtimes.get(uri);
      const superseded = (): boolean => this.mtimes.get(uri) !== opening || document.version !== version;
      const job =
        early !== undefined
          ? this.parseEarly(uri, version, languageId, bytes, forced, mtimeMs, superseded, early)
          : this.parseAsync(uri, version, languageId, bytes, forced, mtimeMs, superseded);
      this.building.set(uri, { version, languageId, opening, entry: job });
      try {
        entry = await job;
      } catch (e) {
        // Edited meanwhile: the callers get the parse of the version now open.
        if (e instanceof CancelledError && opening !== undefined && this.mtimes.get(uri) === opening) return this.forDocument(document);
        throw e;
      } finally {
        if (this.building.get(uri)?.entry === job) this.building.delete(uri);
      }
    }
    // A document closed while its modification time was looked up is not kept.
    if (this.mtimes.has(document.uri)) this.open.set(document.uri, entry);
    const dialect = entry.index?.dialect.id;
    if (entry.mode === 'detected' && dialect && this.reported.get(document.uri) !== dialect) {
      this.reported.set(document.uri, dialect);
      this.onDetected(document.uri, dialect);
    }
    return entry;
  }

  /**
   * Runs `work` on the parse of a log by URI: the open document when there is one, else the `file:`
   * on disk, indexed from the file (never read whole) and brought up to date with it, and held open
   * until `work` is done (a rotation meanwhile closes the old file after it). Rejects with the
   * engine's CancelledError when the request's token is cancelled while the file is indexed.
   */
  async withUri<T>(uri: string, document: TextDocument | undefined, request: LargeLogRequest, work: (entry: LogEntry) => T | Promise<T>): Promise<T> {
    if (document) return work(await this.forDocument(document));
    let file: string;
    try {
      file = fileURLToPath(uri);
    } catch {
      return work(noLog(uri, `not an open document or a file: ${uri}`));
    }
    let problem: string | undefined;
    try {
      if (!(await fsp.stat(file)).isFile()) problem = `${file} is not a file`;
    } catch (e) {
      problem = `cannot read ${file}: ${(e as Error).message}`;
    }
    if (problem !== undefined) return work(noLog(uri, problem));
    return this.largeLogs.use(uri, file, request, (parse) => {
      parse.index?.setTolerance(this.toleranceMs);
      return work({ uri, version: -1, index: parse.index, problem: parse.problem, mode: 'detected', languageId: '', toleranceMs: this.toleranceMs });
    });
  }

  private parse(uri: string, version: number, languageId: string, bytes: Buffer, dialect: LogLanguageId | undefined, mtimeMs: number | undefined): LogEntry {
    const mode = dialect ? 'forced' : 'detected';
    const toleranceMs = this.toleranceMs;
    try {
      const index = openLog(bytes, { fileName: fileNameOf(uri), mtimeMs, dialect, toleranceMs });
      return { uri, version, index, problem: undefined, mode, languageId, toleranceMs };
    } catch (e) {
      if (e instanceof NotTextError || e instanceof UnknownDialectError) {
        return { uri, version, index: undefined, problem: e.message, mode, languageId, toleranceMs };
      }
      throw e;
    }
  }

  /**
   * The parse of a document just opened whose file a worker indexed ahead of the didOpen (`early`):
   * that index when `bytes` are the file's, in this language, with these settings; otherwise as
   * parseAsync.
   */
  private async parseEarly(uri: string, version: number, languageId: string, bytes: Buffer, dialect: LogLanguageId | undefined, mtimeMs: number | undefined, isCancelled: () => boolean, early: EarlyIndex): Promise<LogEntry> {
    const toleranceMs = this.toleranceMs;
    const index = await this.early.indexOf(early, languageId, bytes, mtimeMs, toleranceMs, isCancelled);
    if (index === undefined) return this.parseAsync(uri, version, languageId, bytes, dialect, mtimeMs, isCancelled);
    return { uri, version, index, problem: undefined, mode: dialect ? 'forced' : 'detected', languageId, toleranceMs };
  }

  /**
   * As parse, with turns of the event loop between chunks; rejects with CancelledError when
   * `isCancelled` says so.
   */
  private async parseAsync(uri: string, version: number, languageId: string, bytes: Buffer, dialect: LogLanguageId | undefined, mtimeMs: number | undefined, isCancelled: () => boolean): Promise<LogEntry> {
    const mode = dialect ? 'forced' : 'detected';
    const toleranceMs = this.toleranceMs;
    const ctx = { fileName: fileNameOf(uri), mtimeMs, dialect, toleranceMs };
    let index: LogIndex;
    try {
      index = prepareLog(bytes, ctx);
    } catch (e) {
      if (e instanceof NotTextError || e instanceof UnknownDialectError) {
        return { uri, version, index: undefined, problem: e.message, mode, languageId, toleranceMs };
      }
      throw e;
    }
    await index.buildAsync({ chunkSize: ASYNC_STEP, isCancelled, touchAhead: touchesAhead(bytes.length, threadsFor(bytes.length)) });
    return { uri, version, index, problem: undefined, mode, languageId, toleranceMs };
  }

  private withTolerance(entry: LogEntry): LogEntry {
    if (entry.index && entry.toleranceMs !== this.toleranceMs) {
      entry.index.setTolerance(this.toleranceMs);
      entry.toleranceMs = this.toleranceMs;
    }
    return entry;
  }
}

/**
 * The cached parse brought up to `bytes` when they are the parsed bytes plus more at the end and the
 * index can take them as an append (its last line was complete); undefined when a new parse is needed.
 */
function grownEntry(cached: LogEntry, version: number, bytes: Buffer): LogEntry | undefined {
  const index = cached.index;
  if (!index || !(index.source instanceof MemorySource)) return undefined;
  const old = index.source.size;
  if (bytes.length <= old || index.endsInPartialLine) return undefined;
  if (bytes.compare(index.source.whole(), 0, old, 0, old) !== 0) return undefined;
  index.source.extendTo(bytes);
  if (!index.append()) return undefined;
  return { ...cached, version };
}

/** The dialect a document's language names, or undefined when the server should detect one. */
export function forcedDialect(languageId: string): LogLanguageId | undefined {
  return (LOG_LANGUAGE_IDS as readonly string[]).includes(languageId) ? (languageId as LogLanguageId) : undefined;
}

function noLog(uri: string, problem: string): LogEntry {
  return { uri, version: -1, index: undefined, problem, mode: 'detected', languageId: '', toleranceMs: 0 };
}

/** A filter result document of the client (`msglog-filter:…`), not a log of its own. */
export function isFilterResult(uri: string): boolean {
  return uri.startsWith('msglog-filter:');
}

/**
 * The log a document was made from: a filter result (`msglog-filter:…?source=URI`) is read with its
 * source's name and modification time, which carry the date of a CommuniGate log and EMG's year.
 */
export function filterSourceUri(uri: string): string {
  const q = uri.indexOf('?');
  if (!isFilterResult(uri) || q < 0) return uri;
  // The editor escapes the query (`=` and `:` too), so unescape until it reads `source=scheme:…`.
  let query = uri.slice(q + 1);
  try {
    for (let i = 0; i < 3 && !/^source=[a-z][a-z0-9+.-]*:/i.test(query); i++) query = decodeURIComponent(query);
  } catch {
    return uri;
  }
  const m = /^source=([a-z][a-z0-9+.-]*:.*)$/is.exec(query);
  return m ? m[1] : uri;
}

/** The base name of a URI's path (the engine reads dates and file kinds from it). */
export function fileNameOf(uri: string): string | undefined {
  try {
    const url = new URL(filterSourceUri(uri));
    if (url.protocol === 'file:') return path.basename(fileURLToPath(url));
    const last = url.pathname.split('/').pop();
    return last ? decodeURIComponent(last) : undefined;
  } catch {
    return undefined;
  }
}

/** fileMtime of a `file:` URI, looked up on this thread. */
function fileMtimeNow(uri: string): number | undefined {
  try {
    return statSync(fileURLToPath(uri)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The modification time of a `file:` URI, or undefined (other schemes, missing files). */
async function fileMtime(uri: string): Promise<number | undefined> {
  uri = filterSourceUri(uri);
  if (!uri.startsWith('file:')) return undefined;
  try {
    return (await fsp.stat(fileURLToPath(uri))).mtimeMs;
  } catch {
    return undefined;
  }
}
