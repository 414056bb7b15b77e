// Large log files indexed by a worker ahead of their didOpen: the client announces a file it is about to
// open (documentOpening), a worker indexes it from disk and makes its first answers while the text
// travels, and the document takes that index and those answers when its bytes are the file's
// (engine/fileIndexJob.ts, engine/fileStamp.ts). LogCache asks here.
import { statSync } from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { CancelledError } from './engine';
import type { LogIndex } from './engine';
import { WorkerFileIndex } from './engine/fileIndexJob';
import type { FirstAnswerName, FirstAnswerSettings } from './features/firstAnswers';
import type { LogLanguageId } from '../../common/protocol';

/** Files larger than this are not indexed ahead of their didOpen (VS Code hands documents up to 50 MB to extensions). */
const EARLY_MAX_BYTES = 256 << 20;
/** An index made ahead of a didOpen that did not come within this long is dropped. */
const EARLY_KEEP_MS = 60_000;

/** A file indexed by a worker ahead of its didOpen. */
export interface EarlyIndex {
  languageId: string;
  /** Undefined when the file is not indexed ahead (small, not a file, no workers). */
  worker: WorkerFileIndex | undefined;
  /** Set once a document's parse took (or looked at) the index; its first answers may still be given. */
  taken: boolean;
}

/** What a file indexed ahead is indexed as: its name, its dialect if its language names one, and the index's tolerance. */
export interface EarlyFile {
  fileName: string | undefined;
  dialect: LogLanguageId | undefined;
  toleranceMs: number;
}

/** The worker that indexes a file ahead of its didOpen and makes its first answers: next to this module, bundled or not. */
export function openingWorkerFile(): string {
  return path.join(__dirname, 'openingWorker.js');
}

export class EarlyIndexes {
  private readonly early = new Map<string, EarlyIndex>();
  private indexesGiven = 0;
  private answersGiven = 0;

  /**
   * `minBytes`: smaller files are not indexed ahead. `answerSettings`: the settings first answers are made
   * with; none are made without.
   */
  constructor(
    private readonly minBytes: number,
    private readonly answerSettings?: () => FirstAnswerSettings,
  ) {}

  /**
   * Starts indexing the `file:` log `uri` in a worker, when it is a file of the sizes indexed ahead;
   * what was started for it before is dropped.
   */
  start(uri: string, languageId: string, file: EarlyFile): void {
    this.drop(uri);
    let worker: WorkerFileIndex | undefined;
    try {
      const filePath = fileURLToPath(uri);
      // Looked at now: the text is arriving, and a stat in the thread pool came back 10–30 ms later,
      // after this thread had taken in megabytes of it (the worker's whole lead).
      const stat = statSync(filePath);
      if (stat.isFile() && stat.size >= this.minBytes && stat.size <= EARLY_MAX_BYTES) {
        const ctx = { fileName: file.fileName, mtimeMs: stat.mtimeMs };
        worker = WorkerFileIndex.start(filePath, { dialect: file.dialect, ctx, toleranceMs: file.toleranceMs, maxBytes: EARLY_MAX_BYTES }, openingWorkerFile(), this.answerSettings?.());
      }
    } catch {
      // Not a file we can read: the document is indexed from its text.
    }
    const early: EarlyIndex = { languageId, worker, taken: false };
    this.early.set(uri, early);
    setTimeout(() => {
      if (this.early.get(uri) === early) this.drop(uri);
    }, EARLY_KEEP_MS).unref();
  }

  /** How many documents were given the index a worker made ahead of their didOpen. */
  get indexesTaken(): number {
    return this.indexesGiven;
  }

  /** How many first answers made by those workers were given. */
  get answersTaken(): number {
    return this.answersGiven;
  }

  /** Whether a worker indexes the file of `uri` ahead. */
  indexing(uri: string): boolean {
    return this.early.get(uri)?.worker !== undefined;
  }

  /** Who follows the text of `uri` as it arrives: the worker's job, comparing it with the file (WorkerFileIndex.follow). */
  follow(uri: string): ((text: Uint8Array) => void) | undefined {
    return this.early.get(uri)?.worker?.follow();
  }

  /** Stops and forgets what was started for `uri`. */
  drop(uri: string): void {
    const early = this.early.get(uri);
    this.early.delete(uri);
    early?.worker?.stop();
  }

  /**
   * For the parse of the document `uri` just opened: what was started for it, marked taken, when the
   * parse may take its index (`usable`); otherwise it is dropped and the answer is undefined.
   */
  take(uri: string, usable: boolean): EarlyIndex | undefined {
    const early = this.early.get(uri);
    if (early !== undefined && !early.taken && usable) {
      early.taken = true;
      return early;
    }
    this.drop(uri);
    return undefined;
  }

  /**
   * The index `early` made, when it was made of `bytes` for this language, modification time and
   * tolerance; undefined otherwise. Rejects with CancelledError when `isCancelled` says so once it is known.
   */
  async indexOf(early: EarlyIndex, languageId: string, bytes: Buffer, mtimeMs: number | undefined, toleranceMs: number, isCancelled: () => boolean): Promise<LogIndex | undefined> {
    const job = early.worker;
    let index: LogIndex | undefined;
    if (job !== undefined && madeFor(early, job, languageId, mtimeMs, toleranceMs)) index = await job.indexOf(bytes);
    else job?.stop();
    if (isCancelled()) throw new CancelledError();
    if (index !== undefined) this.indexesGiven++;
    return index;
  }

  /**
   * The answer `name` (UTF-8 JSON) the worker indexing the file of `uri` made with settings `key`, for
   * the document's `bytes` in this language, modification time and tolerance; undefined otherwise, and
   * for every later request (each answer is given once).
   */
  async answer(uri: string, languageId: string, bytes: Uint8Array, mtime: Promise<number | undefined>, toleranceMs: () => number, name: FirstAnswerName, key: string): Promise<Uint8Array | undefined> {
    const early = this.early.get(uri);
    const job = early?.worker;
    if (early === undefined || job === undefined) return undefined;
    const mtimeMs = await mtime;
    if (this.early.get(uri) !== early || !madeFor(early, job, languageId, mtimeMs, toleranceMs())) return undefined;
    const json = await job.partOf(name, key, bytes);
    if (json !== undefined) this.answersGiven++;
    return json;
  }
}

/** Whether `early`'s worker indexes the file as a document of this language, modification time and tolerance is indexed (its index and first answers are then the document's). */
function madeFor(early: EarlyIndex, job: WorkerFileIndex, languageId: string, mtimeMs: number | undefined, toleranceMs: number): boolean {
  return early.languageId === languageId && job.options.ctx.mtimeMs === mtimeMs && job.options.toleranceMs === toleranceMs;
}
