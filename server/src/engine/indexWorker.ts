// Entry of an index worker thread (parallel.ts): indexes one part of a log file and posts it back
// with its typed arrays transferred, then flags that the answer is there. Also searches a range, finds
// header lines (quickFilter.ts). A whole file indexed for a document being opened has its own entry
// (the server's openingWorker.ts).
import { receiveMessageOnPort, workerData } from 'worker_threads';
import type { MessagePort } from 'worker_threads';
import { dialectById } from './dialects';
import type { Dialect } from './types';
import type { EarlyPartJob, PartAnswer, PartJob } from './parallel';
import { indexPart, transferables } from './parallel';
import { heldPart, serveKeptParts } from './keptParts';
import type { KeptPartsOrder } from './keptParts';
import type { CheckLines } from './checkLines';
import { bodiesTransfer } from './checkLines';
import type { StorePart } from './logIndex';
import { claimBack } from './partPlan';
import type { SearchAnswer, SearchJob } from './parallelSearch';
import { searchRange } from './parallelSearch';
import { FileSource } from './source';
import { MovingSplit } from './movingSplit';
import { tellEnd } from './workerEnd';
import { headerLinesJob } from './quickFilter';
import type { HeaderLinesAnswer, HeaderLinesJob } from './quickFilter';
import { BackHalf, backHalfLines } from './windowedCheck';
import type { BackHalfAnswer, BackHalfJob } from './windowedCheck';
import type { FrontEnd } from './halfFit';
import { answerWord, gatherHalf, halfKeys } from './windowedSessions';
import type { RowsWord, SessionsHalfAnswer, SessionsHalfJob, SessionsWord } from './windowedSessions';

/**
 * Claims parts from the back until none is left, posting each as it is done; the last answer says so.
 * A worker that keeps its parts (PartJob.keep) posts what each is, then waits for this thread's word.
 */
function run(job: PartJob): void {
  const claims = new Int32Array(job.claims);
  const post = poster<PartAnswer | CheckLines>(job);
  const { open, end } = jobFile(job);
  let waiting = false;
  try {
    const dialect = knownDialect(job.dialect);
    const file = open();
    const kept = new Map<number, { k: number; part: StorePart; scannedTo: number; endsInPartialLine: boolean }>();
    for (;;) {
      const k = claimBack(claims, job.bounds.length - 1);
      if (k < 0) break;
      const answer = indexPart(file, dialect, job.ctx, job.toleranceMs, job.bounds[k], job.bounds[k + 1], { search: job.search, problemLines: job.problemLines, keyless: job.keyless }, k);
      if (job.keep && 'part' in answer) {
        kept.set(k, answer);
        post({ k, held: heldPart(answer.part, dialect) });
      } else post(answer, 'part' in answer ? transferables(answer.part) : []);
    }
    if (!job.keep) {
      post({ k: -1, last: true });
      return;
    }
    post({ k: -1, last: true, more: true });
    waiting = true;
    whenTold<KeptPartsOrder>(job.port, post, end, (order) => serveKeptParts(kept, order, { source: file, dialect, ctx: job.ctx, toleranceMs: job.toleranceMs }, post, transferables));
  } catch (e) {
    post({ error: messageOf(e), last: true });
  } finally {
    if (!waiting) end();
  }
}

/**
 * Serves this thread's word (the next message on `port`) once: an error is posted as the last answer;
 * `end` runs after, unless `serve` returns how to serve the word after it (served the same way).
 */
function whenTold<W, N = never>(port: MessagePort, post: (answer: { error: string; last: true }) => void, end: () => void, serve: (word: W) => void | ((next: N) => void)): void {
  port.once('message', (word: W) => {
    let next: void | ((next: N) => void) = undefined;
    try {
      next = serve(word);
    } catch (e) {
      post({ error: messageOf(e), last: true });
    } finally {
      if (typeof next === 'function') whenTold<N>(port, post, end, next);
      else end();
    }
  });
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Posts an answer of a job and flags it (this thread may be blocked on the flag: PartWorker.waitSync). */
function poster<A>(job: { done: SharedArrayBuffer; port: MessagePort }): (answer: A, transfer?: ArrayBuffer[]) => void {
  const done = new Int32Array(job.done);
  return (answer, transfer = []) => {
    job.port.postMessage(answer, transfer);
    Atomics.add(done, 0, 1);
    Atomics.notify(done, 0);
  };
}

/** Opens the job's file (inside the caller's try: a file that cannot be read is an error answer), and ends the job: the file closed, the port too. */
function jobFile(job: { path: string; port: MessagePort }): { open: () => FileSource; end: () => void } {
  let source: FileSource | undefined;
  return {
    open: () => (source = new FileSource(job.path)),
    end: () => {
      source?.close();
      job.port.close();
    },
  };
}

function knownDialect(id: string): Dialect {
  const dialect = dialectById(id);
  if (!dialect) throw new Error(`unknown dialect ${id}`);
  return dialect;
}

/** Posts the one answer of a job (or its error), then closes the port and flags that the answer is there. */
function answerOnce<A>(job: { done: SharedArrayBuffer; port: MessagePort }, compute: () => { answer: A; transfer?: ArrayBuffer[] }): void {
  const done = new Int32Array(job.done);
  try {
    const { answer, transfer } = compute();
    job.port.postMessage(answer, transfer ?? []);
  } catch (e) {
    job.port.postMessage({ error: messageOf(e) });
  } finally {
    job.port.close();
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
}

function search(job: SearchJob): void {
  answerOnce<SearchAnswer>(job, () => {
    const source = new FileSource(job.path);
    try {
      const offsets = searchRange(source, job.from, Math.min(job.to, source.size), Buffer.from(job.needle, 'utf8'));
      return { answer: { offsets }, transfer: [offsets.buffer as ArrayBuffer] };
    } finally {
      source.close();
    }
  });
}

/** The header lines holding some patterns, and the marker lines, of a whole log (quickFilter). */
function headerLines(job: HeaderLinesJob): void {
  answerOnce<HeaderLinesAnswer>(job, () => {
    return { answer: headerLinesJob(job, knownDialect(job.dialect)) };
  });
}

/**
 * A windowed check's back half (windowedCheck.ts): indexed window by window, its lead posted as soon as
 * it is known, its lines kept; once this thread says where the front half ends, its lines are posted.
 */
function checkHalf(posted: BackHalfJob & { done: SharedArrayBuffer; port: MessagePort }): void {
  const post = poster<BackHalfAnswer>(posted);
  const { open, end } = jobFile(posted);
  try {
    const dialect = knownDialect(posted.dialect);
    const file = open();
    // Where the half starts, taken now from what the front half has not claimed (movingSplit.ts).
    const job = posted.moving === undefined ? posted : { ...posted, from: new MovingSplit(posted.moving).claimBack(file, posted.to) };
    const half = new BackHalf(file, dialect, job.ctx, job);
    half.run((lead) => post({ k: -1, lead }));
    whenTold<FrontEnd>(job.port, post, end, (front) => {
      const lines = backHalfLines(half, front, file, dialect, job.ctx, job);
      if (lines === undefined) post({ k: -1, again: true, last: true });
      else post({ k: -1, lines, last: true }, bodiesTransfer(lines));
    });
  } catch (e) {
    post({ error: messageOf(e), last: true });
    end();
  }
}

/**
 * The back half of a session list on two threads (windowedSessions.ts): its sessions gathered window by
 * window, its lead posted as soon as it is known, then its keys; this thread's word is then answered
 * (answerWord).
 */
function sessionsHalf(job: SessionsHalfJob & { done: SharedArrayBuffer; port: MessagePort }): void {
  const post = poster<SessionsHalfAnswer>(job);
  const { open, end } = jobFile(job);
  let waiting = false;
  try {
    const gathered = gatherHalf(open(), knownDialect(job.dialect), job.ctx, job, undefined, (lead) => post({ k: -1, lead }));
    const { keys, transfer } = halfKeys(gathered);
    post({ k: -1, keys, facts: gathered.facts }, transfer);
    waiting = true;
    // A text list's rows wait for a second word, their widths (answerWord returns what serves it).
    whenTold<SessionsWord, RowsWord>(job.port, post, end, (word) => answerWord(gathered, word, post));
  } catch (e) {
    post({ error: messageOf(e), last: true });
  } finally {
    if (!waiting) end();
  }
}

/** A part worker started early (startEarlyPartWorker): claims parts as run() does once its job comes, or checks a back half. */
function earlyPart(job: EarlyPartJob): void {
  const sent = receiveMessageOnPort(job.port);
  const take = (part: Omit<PartJob, 'done' | 'port'> | BackHalfJob | SessionsHalfJob): void => {
    if ('kind' in part && part.kind === 'check-half') checkHalf({ ...part, done: job.done, port: job.port });
    else if ('kind' in part && part.kind === 'sessions-half') sessionsHalf({ ...part, done: job.done, port: job.port });
    else run({ ...(part as Omit<PartJob, 'done' | 'port'>), done: job.done, port: job.port });
  };
  if (sent !== undefined) take(sent.message as Omit<PartJob, 'done' | 'port'> | BackHalfJob | SessionsHalfJob);
  else job.port.once('message', take);
}

type Posted<J> = J & { done: SharedArrayBuffer; port: MessagePort };
const job = workerData as PartJob | SearchJob | HeaderLinesJob | EarlyPartJob | Posted<BackHalfJob> | Posted<SessionsHalfJob>;
// This thread may be blocked on the answers' count: it is to learn if this worker ends before answering.
tellEnd(job.done);
if ('kind' in job && job.kind === 'search') search(job);
else if ('kind' in job && job.kind === 'check-half') checkHalf(job);
else if ('kind' in job && job.kind === 'sessions-half') sessionsHalf(job);
else if ('kind' in job && job.kind === 'early-part') earlyPart(job);
else if ('kind' in job && job.kind === 'headers') headerLines(job);
else run(job as PartJob);
