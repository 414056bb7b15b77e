// msglog sessions --json of a large log on two threads. A session list keeps of a log only each
// session's first and last record, gathered a window at a time (LogIndex.buildSessionEnds); here each
// thread gathers one half of the log. This thread's half is read exactly, as one scan reads it. The
// worker reads the back half as if nothing came before it (day 0, no time edge), with a key table of
// its own, numbering its lines from the half's start, and hands over its keys and what it found. Its
// sessions stand when the half's first timed record follows on from this thread's (halfFit.ts), and no
// record without a time comes before it; else the half is read again here from the true state, or the
// whole log as before. This thread looks the worker's keys up in its own table: the sessions both halves
// have are handed over and taken in (LogIndex.adoptHalfSessions: this half's first record, the other's
// last, counts summed); the worker writes the JSON lines of the others itself (SessionJson), which this
// thread writes out after its own, through a ring of shared buffers and a spill file (laterLines.ts).
import { CHUNK_BYTES, JsonBytes } from './export/jsonBytes';
import { laterChunks, LaterLinesWriter, laterLinesWord, RING_SLOT_BYTES, RING_SLOTS } from './laterLines';
import type { LaterLinesWord, LaterPiece } from './laterLines';
import { halfFactsOf, halfFits, note, unseen } from './halfFit';
import type { FrontEnd, HalfFacts, HalfJob } from './halfFit';
import { LogIndex } from './logIndex';
import type { BuildOptions } from './logIndex';
import { canSplit, PartWorker, plainContext, takeEarlyPartWorker, threadsForced, workerFile } from './parallel';
import { HALVES_MIN_BYTES } from './workerStart';
import { lineStartAfter } from './partPlan';
import type { PartLead } from './portableStore';
import type { SegmentStart } from './segmentStore';
import { SessionEnds } from './sessionEnds';
import { SessionJson } from './sessionJson';
import { rowWidths, SessionRows } from './sessionRows';
import type { RowWidths } from './sessionRows';
import type { LogSource } from './source';
import { DAY_MS } from './time';
import type { Dialect, ParseContext } from './types';
import type { HalfSessions, SessionEndArrays } from './windowedStore';

/**
 * The share of the log this thread reads: a little over half, as the worker starts later (1 GB, eight
 * pairs: 2.66–2.88 s against 2.74–2.88 s at an even split).
 */
const FRONT_SHARE = 0.53;


/**
 * Whether the session list of one file of `size` bytes in `dialect` is gathered in two halves: a
 * dialect read in parts with its keys, in time order, from HALVES_MIN_BYTES (any size when
 * MSGLOG_THREADS sets the threads); MSGLOG_SESSIONS_WINDOWS=0 turns it off.
 */
export function sessionsInHalves(size: number, dialect: Dialect): boolean {
  if (process.env.MSGLOG_SESSIONS_WINDOWS === '0') return false;
  return canSplit(dialect, false) && dialect.mayDescend !== true && (size >= HALVES_MIN_BYTES || threadsForced());
}

/** How a half is read. */
export type HalfReading = Pick<HalfJob, 'toleranceMs' | 'utcOffsetMin' | 'windowBytes'>;

/** What the worker gathers: the sessions of its half. */
export interface SessionsHalfJob extends HalfJob {
  kind: 'sessions-half';
}

/**
 * The half's keys by session (bytes, bounds, hashes): for this thread to tell which sessions it has too;
 * and their record counts, for the width of a text list's records column.
 */
export interface HalfKeys {
  sessions: number;
  pool: Uint8Array;
  bounds: Uint32Array;
  hashes: Uint32Array;
  records: Uint32Array;
}

/**
 * The worker's answers: its lead (as soon as it is known), then its keys and what it found of its half;
 * after this thread's word (SessionsWord), the sessions asked for, and for JSON the lines of the others
 * chunk by chunk; the last answer says it is done.
 */
export type SessionsHalfAnswer =
  | { k: -1; lead: PartLead }
  | { k: -1; keys: HalfKeys; facts: HalfFacts }
  | { k: -1; half: HalfSessions; last?: true }
  | LaterPiece
  | { k: -1; last: true }
  | { error: string; last: true };

/**
 * This thread's word once its half is done: every session of the half, to be taken in here ('all'); or
 * those this thread has too (`shared`, 1 by the half's session number), the worker writing the JSON
 * lines or text rows (`rows`) of the others, their lines after `lineBase` and their times moved by
 * `shiftMs` ('lines'). Rows wait for a second word, their widths (RowsWord): those are known once this
 * thread has taken in the sessions both halves have.
 */
export type SessionsWord = { take: 'all' } | ({ take: 'lines'; rows: boolean; shared: Uint8Array; lineBase: number; shiftMs: number } & LaterLinesWord);

/** This thread's second word for a text list: the widths of every row's columns. */
export interface RowsWord {
  widths: RowWidths;
}

/** What a list's later lines are: JSON lines, or text rows (LogSetOptions.sessionList). */
export type SessionList = 'json' | 'text';

/** A back half gathered: its index (its records forgotten, its sessions and keys kept), its sessions' ends and what it found. */
export interface GatheredHalf {
  index: LogIndex;
  ends: SessionEndArrays;
  facts: HalfFacts;
}

/**
 * Gathers the sessions of the back half `[job.from, job.to)` of the log in `source`, window by window:
 * as if nothing came before it, or from `front` (where this thread's records end) when that is known.
 * `onLead` gets what the half says of the records before it as soon as that is known.
 */
export function gatherHalf(source: LogSource, dialect: Dialect, ctx: ParseContext, job: Pick<SessionsHalfJob, 'from' | 'to'> & HalfReading, front?: SegmentStart, onLead?: (lead: PartLead) => void): GatheredHalf {
  const index = new LogIndex(source, dialect, ctx, { toleranceMs: job.toleranceMs });
  index.logOffsetMin = job.utcOffsetMin;
  index.startPart(job.from, job.to);
  // Its keys are read by this thread where they are (halfKeys): no copy of them made at the end.
  index.keys.shareArrays();
  const primed = index.primedParserState;
  if (front !== undefined) index.followSegment({ ...front, lineCount: 0 });
  const ends = new SessionEnds(job.to);
  const seen = unseen();
  let lead = onLead;
  index.foldSessionEnds(ends, job.windowBytes, {}, job.to, true, () => {
    note(index, seen);
    if (lead !== undefined && (index.recordCount > 0 || index.scannedTo >= job.to)) {
      lead(index.leadSoFar());
      lead = undefined;
    }
  });
  return { index, ends: ends.arrays(), facts: halfFactsOf(index, seen, primed, job.utcOffsetMin, front?.hasOffset) };
}

/** The half's sessions, to be taken in whole (views of its arrays: transfer them, or use them here). */
export function halfSessions(g: GatheredHalf): HalfSessions {
  const { index } = g;
  const n = index.sessionCount;
  const keys = index.keys.view();
  const dialogs = index.sessionDialog.toPortable();
  return { sessions: n, keyPool: keys.pool, keyBounds: keys.bounds, ends: g.ends, records: index.sessionRecordCount.subarray(0, n), problems: index.sessionProblems.subarray(0, n), worst: index.sessionWorst.subarray(0, n), dialogs, lineCount: index.lineCount };
}

/** The buffers of a half's arrays, to transfer to the thread that takes it in. */
export function halfBuffers(half: HalfSessions): ArrayBuffer[] {
  const e = half.ends;
  const arrays: ArrayBufferView[] = [half.keyPool, half.keyBounds, half.records, half.problems, half.worst, half.dialogs.sessions, half.dialogs.starts, half.dialogs.pool];
  arrays.push(e.startLine, e.startOffset, e.endLine, e.endOffset, e.bodyCol, e.wall, e.offsetMin, e.level, e.severity, e.flags);
  return transferable(arrays);
}

/** The distinct ArrayBuffers under `arrays` (SharedArrayBuffers are shared, not transferred). */
function transferable(arrays: ArrayBufferView[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer && a.buffer.byteLength > 0) buffers.add(a.buffer);
  return [...buffers];
}

/** The half's keys for this thread: views where they are shared, else copies (the worker keeps its own, to write its sessions' lines); and what to transfer. */
export function halfKeys(g: GatheredHalf): { keys: HalfKeys; transfer: ArrayBuffer[] } {
  const view = g.index.keys.view();
  const shared = (a: ArrayBufferView): boolean => a.buffer instanceof SharedArrayBuffer;
  const sessions = g.index.sessionCount;
  const records = g.index.sessionRecordCount.slice(0, sessions);
  const keys = shared(view.pool) && shared(view.bounds) && shared(view.hashes) ? { sessions, ...view, records } : { sessions, pool: view.pool.slice(), bounds: view.bounds.slice(), hashes: view.hashes.slice(), records };
  return { keys, transfer: transferable([keys.pool, keys.bounds, keys.hashes, keys.records]) };
}

/** The sessions of the half whose `shared` is 1, in order: the sessions both halves have. */
function pickShared(g: GatheredHalf, shared: Uint8Array): HalfSessions {
  const { index } = g;
  const sessions = index.sessionCount;
  const { pool, bounds } = index.keys.view();
  const renumbered = new Int32Array(sessions).fill(-1);
  let n = 0;
  let poolBytes = 0;
  for (let w = 0; w < sessions; w++) {
    if (shared[w] === 0) continue;
    renumbered[w] = n++;
    poolBytes += bounds[2 * w + 1] - bounds[2 * w];
  }
  const keyPool = new Uint8Array(poolBytes);
  const keyBounds = new Uint32Array(2 * n);
  const ends = new SessionEnds(g.ends.startOffset instanceof Float64Array ? Infinity : 0);
  ends.reserveExactly(n, g.ends.offsetMin.length > 0);
  const records = new Uint32Array(n);
  const problems = new Uint32Array(n);
  const worst = new Uint8Array(n);
  let at = 0;
  for (let w = 0; w < sessions; w++) {
    const i = renumbered[w];
    if (i < 0) continue;
    const start = bounds[2 * w];
    const end = bounds[2 * w + 1];
    keyPool.set(pool.subarray(start, end), at);
    keyBounds[2 * i] = at;
    keyBounds[2 * i + 1] = at += end - start;
    ends.takeSlot(g.ends, 2 * w, 2 * i);
    ends.takeSlot(g.ends, 2 * w + 1, 2 * i + 1);
    records[i] = index.sessionRecordCount[w];
    problems[i] = index.sessionProblems[w];
    worst[i] = index.sessionWorst[w];
  }
  const dialogs = index.sessionDialog.renumbered(renumbered).toPortable();
  return { sessions: n, keyPool, keyBounds, ends: ends.arrays(), records, problems, worst, dialogs, lineCount: index.lineCount };
}

/**
 * The worker's side of this thread's word: its half's sessions handed over ('all'), or those this
 * thread has too, then the JSON lines or text rows of the others, written as this thread would write
 * them after its own. Text rows wait for their widths: the function that writes them is returned, to
 * be given this thread's second word (RowsWord); undefined when nothing more is to come.
 */
export function answerWord(g: GatheredHalf, word: SessionsWord, post: (answer: SessionsHalfAnswer, transfer?: ArrayBuffer[]) => void): ((rows: RowsWord) => void) | undefined {
  if (word.take === 'all') {
    const half = halfSessions(g);
    post({ k: -1, half, last: true }, halfBuffers(half));
    return undefined;
  }
  const picked = pickShared(g, word.shared);
  post({ k: -1, half: picked }, halfBuffers(picked));
  const { index, ends } = g;
  const sessions = index.sessionCount;
  const { lineBase, shiftMs } = word;
  for (let slot = 0; slot < 2 * sessions; slot++) {
    ends.startLine[slot] += lineBase;
    ends.endLine[slot] += lineBase;
    ends.wall[slot] += shiftMs;
  }
  index.installSessionEnds(ends);
  const w = new JsonBytes();
  if (!word.rows) {
    const json = new SessionJson(index, oneFile, w, false, false);
    writeLater(w, word, sessions, (s) => json.write(s, false), post);
    return undefined;
  }
  return ({ widths }) => {
    const rows = new SessionRows(index, oneFile, w, false, widths);
    writeLater(w, word, sessions, (s) => rows.write(s), post);
  };
}

/** The lines of the half's sessions this thread has not (`write` writes one into `w`), handed over a piece at a time (laterLines.ts); then the last answer. */
function writeLater(w: JsonBytes, word: Extract<SessionsWord, { take: 'lines' }>, sessions: number, write: (s: number) => void, post: (answer: SessionsHalfAnswer) => void): void {
  const pieces = new LaterLinesWriter(word, post);
  const flush = (): void =>
    w.drain((bytes) => {
      // In pieces of a slot: a chunk is a slot and a line more.
      for (let from = 0; from < bytes.length; from += RING_SLOT_BYTES) pieces.put(bytes.subarray(from, Math.min(bytes.length, from + RING_SLOT_BYTES)));
    });
  for (let s = 0; s < sessions; s++) {
    if (word.shared[s] === 1) continue;
    write(s);
    if (w.pos >= CHUNK_BYTES) flush();
  }
  if (w.pos > 0) flush();
  post({ k: -1, last: true });
}

/** One file, not named on each line (SessionJson asks nothing of it then). */
const oneFile = { name: '', files: [{ display: '' }], locateRecord: (): { file: number; line: number } => ({ file: 0, line: 0 }), locate: (): { file: number; line: number } => ({ file: 0, line: 0 }) };

/** The worker as this thread sees it: a PartWorker, or the worker's functions run on this thread (tests). */
export interface HalfWorker {
  waitSync(): SessionsHalfAnswer | { error: string };
  send(word: SessionsWord | RowsWord): void;
  terminate(): void;
}

/** The lines the worker writes, a piece at a time as it comes (laterChunks): each is to be written out before the next is asked for. */
function* workerChunks(back: HalfWorker, word: LaterLinesWord): Generator<Uint8Array> {
  const end = yield* laterChunks(() => back.waitSync(), word);
  if ('error' in end) throw new Error(`index worker: ${end.error}`);
}

/** The worker's next answer, which must be of the kind `has` names. */
function expect<K extends string>(back: HalfWorker, has: K): Extract<SessionsHalfAnswer, Record<K, unknown>> {
  const answer = back.waitSync();
  if (has in answer) return answer as Extract<SessionsHalfAnswer, Record<K, unknown>>;
  throw new Error(`index worker: ${'error' in answer ? answer.error : `no ${has}`}`);
}

/**
 * Builds `index` (new, over the file `file`) for a session list on two threads, window by window, and
 * installs its sessions' ends (LogIndex.installSessionEnds); for JSON (`reading.json`), the worker may
 * write the lines of the back half's new sessions (LogIndex.laterSessionsJson). False when the log is
 * to be read as before (no worker, or the worker's half does not fit): `index` is then spent, and a new
 * one is to be built.
 */
export function sessionsInWindows(index: LogIndex, file: string, ctx: ParseContext, reading: HalfReading & { list: SessionList }, options: BuildOptions = {}): boolean {
  const size = index.source.size;
  const split = lineStartAfter(index.source, Math.floor(size * FRONT_SHARE), size);
  const entry = workerFile();
  if (split <= 0 || split >= size || entry === undefined) return false;
  const { toleranceMs, utcOffsetMin, windowBytes } = reading;
  const job: SessionsHalfJob = { kind: 'sessions-half', path: file, from: split, to: size, dialect: index.dialect.id, ctx: plainContext(ctx), toleranceMs, utcOffsetMin, windowBytes };
  const back = (takeEarlyPartWorker()?.assign(job) ?? new PartWorker(entry, job)) as unknown as PartWorker<SessionsHalfAnswer>;
  try {
    return readHalves(index, back, job, ctx, reading.list, options);
  } catch (e) {
    back.terminate();
    throw e;
  }
}

/**
 * sessionsInWindows once the worker `back` has its job: this thread's half, then the worker's taken in:
 * the sessions both have, the worker's lines of the others through a ring of `ringSlots` and a spill
 * file unless `spill` is false (`list`); every one of its sessions when `list` is undefined.
 */
export function readHalves(index: LogIndex, back: HalfWorker, job: Pick<SessionsHalfJob, 'from' | 'to'> & HalfReading, ctx: ParseContext, list: SessionList | undefined, options: BuildOptions = {}, ringSlots = RING_SLOTS, spill = true): boolean {
  const ends = new SessionEnds(job.to);
  index.foldSessionEnds(ends, job.windowBytes, options, job.from, false);
  index.acceptLead(expect(back, 'lead').lead);
  ends.fold(index, index.recordCount, index.sessionCount);
  index.forget(index.recordCount);
  const start = index.segmentStart();
  const front: FrontEnd = { start, edge: { t: index.timeEdge().t, text: '' }, parserState: index.parserState, order: index.orderCounts };
  const { keys, facts } = expect(back, 'keys');
  const { fits, days } = halfFits(facts, front, index.dialect.timeOfDay?.(ctx), false);
  // A zone offset the half writes where this thread's half wrote none: read as before (rare, and the ends here keep none).
  if (fits === 'whole' || (facts.zoneOffsets && ends.offsetMin.length === 0)) {
    back.terminate();
    return false;
  }
  const shiftMs = days * DAY_MS;
  if (fits === 'again' || facts.seen.untimedFirst) {
    // Records without a time before the half's first timed one take the time of the records before it.
    back.terminate();
    index.adoptHalfSessions(ends, halfSessions(gatherHalf(index.source, index.dialect, ctx, job, start)), 0);
  } else if (list === undefined || index.sessionCount === 0) {
    back.send({ take: 'all' });
    index.adoptHalfSessions(ends, expect(back, 'half').half, shiftMs);
  } else {
    // The worker's keys this thread has too, by their numbers here: the sessions both halves have.
    const numbers = index.keyNumbers(keys.pool, keys.bounds, keys.hashes, keys.sessions);
    const shared = new Uint8Array(keys.sessions);
    let sharedCount = 0;
    for (let w = 0; w < keys.sessions; w++) {
      if (numbers[w] < 0) continue;
      shared[w] = 1;
      sharedCount++;
    }
    const map = new Uint32Array(sharedCount);
    for (let w = 0, i = 0; w < keys.sessions; w++) if (numbers[w] >= 0) map[i++] = numbers[w];
    const later = laterLinesWord(ringSlots, spill);
    back.send({ take: 'lines', rows: list === 'text', shared, lineBase: index.lineCount, shiftMs, ...later });
    index.adoptHalfSessions(ends, expect(back, 'half').half, shiftMs, map);
    const chunks = (): Iterable<Uint8Array> => workerChunks(back, later);
    if (list === 'json') index.laterSessionsJson = chunks;
    else {
      // Rows are as wide as every session's needs: those here (the shared ones with both halves' records), and the worker's others.
      index.installSessionEnds(ends);
      const widths = rowWidths([index], { pool: keys.pool, bounds: keys.bounds, records: keys.records, skip: shared });
      back.send({ widths });
      index.laterSessionRows = { widths, chunks };
      return true;
    }
  }
  index.installSessionEnds(ends);
  return true;
}
