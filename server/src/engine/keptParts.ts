// msglog check on two threads (BuildOptions.checkFormat): the worker keeps the parts it indexed (the
// log's tail) instead of handing them over. Once this thread's part is finished, it sends the worker
// where that part ends (SegmentStart, the time edge); the worker finishes its parts as segments after
// it and writes their diagnostics as check does, while this thread writes those of its own part. The
// lines are the same as one thread writes (segments.test.ts, earlyWorker.test.ts); only no thread
// waits for the other to copy or to write.
import { CheckBytes, CheckHeads, writeCheckLine } from './checkLines';
import type { CheckFormat, CheckLines } from './checkLines';
import { diagnosticFactsOf } from './diagnostics';
import { LogIndex } from './logIndex';
import type { StorePart } from './logIndex';
import type { PartAnswer, PartWorker } from './parallel';
import { partLead } from './portableStore';
import { partShape } from './segmentStore';
import type { PartLead } from './portableStore';
import type { PartShape, SegmentStart } from './segmentStore';
import type { LogSource } from './source';
import type { Dialect, ParseContext } from './types';
import { RecordFlag } from './types';

/**
 * What a worker that keeps a part posts of it: enough to decide whether it can stay a segment (the
 * parser's states it began and ended in, for a dialect that splitsWithState; what it adds to the
 * counts that decide the order of a log that may come newest first), and what it says of the records
 * before it.
 */
export interface HeldPart {
  shape: PartShape;
  lead: PartLead;
  parserStates?: StorePart['parserStates'];
  timeSteps?: TimeSteps;
}

/** This thread's word to a worker that kept its parts, once all are in: hand them over after all, or finish them and write their check lines. */
export type KeptPartsOrder = { kind: 'hand-over' } | { kind: 'check'; start: SegmentStart; edge: { t: number; text: string }; format: CheckFormat };

/** A part indexed by a worker, as it answers it. */
type IndexedPart = { k: number; part: StorePart; scannedTo: number; endsInPartialLine: boolean };

/**
 * What a part of a log that may come newest first adds to the counts that decide the log's order
 * (OrderedStore.orderAs): its pairs of timed records in a row going up and down in time, and the
 * wall times of its first and last timed records (NaN: none), for the pairs across its edges.
 */
export interface TimeSteps {
  up: number;
  down: number;
  firstWall: number;
  lastWall: number;
}

/** What the worker posts of a part it keeps; its TimeSteps only for a dialect whose logs may come newest first. */
export function heldPart(part: StorePart, dialect: Dialect): HeldPart {
  return { shape: partShape(part), lead: partLead(part), parserStates: part.parserStates, timeSteps: dialect.mayDescend === true ? timeStepsOf(part) : undefined };
}

/**
 * A part's TimeSteps, from its records' wall times (a part is finished where it is stitched, not where
 * it is indexed; its steps count only where no record writes a zone offset: LogIndex.canSegment).
 */
function timeStepsOf(part: StorePart): TimeSteps {
  const flags = part.recFlags;
  const wall = part.recWall;
  let up = 0;
  let down = 0;
  let firstWall = NaN;
  let lastWall = NaN;
  for (let r = 0; r < part.recordCount; r++) {
    if (flags[r] & RecordFlag.NoTime) continue;
    const w = wall[r];
    if (w > lastWall) up++;
    else if (w < lastWall) down++;
    if (firstWall !== firstWall) firstWall = w;
    lastWall = w;
  }
  return { up, down, firstWall, lastWall };
}

/**
 * Ends a parted build (this thread's side) whose one worker kept its parts (`held`, in order): where
 * they can all stay segments, finishes this index, takes in what the first says of its last record,
 * and asks the worker for their check lines (LogIndex.laterCheckLines); returns undefined. Otherwise
 * the worker hands them over, and they are returned, for the build to take as any worker's parts.
 */
export function endKeptParts(index: LogIndex, worker: PartWorker, held: PartAnswer[], format: CheckFormat | undefined): PartAnswer[] | undefined {
  const kept: HeldPart[] = [];
  for (const a of held) if ('held' in a) kept.push(a.held);
  // Each part began and ended in the parser's state this index ends in (LogIndex.fits), or it is read again here.
  if (format === undefined || kept.length !== held.length || kept.some((h) => !index.canSegment(h.shape, true) || !index.fits(h))) return handOver(worker);
  index.endParts();
  index.acceptLead(kept[0].lead);
  if (index.dialect.mayDescend === true) index.orderAs(newestFirst(index, kept));
  const { t, record } = index.timeEdge();
  worker.send({ kind: 'check', start: index.segmentStart(), edge: { t, text: record >= 0 ? index.timestampText(record) : '' }, format });
  // The worker answers once: asked again, the same lines.
  let lines: CheckLines | undefined;
  index.laterCheckLines = () => (lines ??= checkLinesOf(worker));
  return undefined;
}

/**
 * Whether a log that may come newest first does, as one scan of it would decide (OrderedStore.finish):
 * more pairs of timed records in a row going down in time than up, in this index's records, in each
 * part's, and across their edges. No record writes a zone offset (LogIndex.canSegment): wall times
 * compare as the records' times.
 */
function newestFirst(index: LogIndex, kept: HeldPart[]): boolean {
  let { up, down, lastTimed } = index.orderCounts;
  const logOffsetMs = index.logOffsetMin * 60_000;
  for (const h of kept) {
    const steps = h.timeSteps;
    if (steps === undefined) throw new Error('a part of a log that may come newest first, without its time steps');
    up += steps.up;
    down += steps.down;
    const first = steps.firstWall - logOffsetMs;
    if (first > lastTimed) up++;
    else if (first < lastTimed) down++;
    if (!Number.isNaN(steps.lastWall)) lastTimed = steps.lastWall - logOffsetMs;
  }
  return down > up;
}

/** The worker's check lines (waits for them). */
function checkLinesOf(worker: PartWorker): CheckLines {
  for (;;) {
    // The worker's last part answer may not have been taken yet (the parts were all in before it).
    const answer = worker.waitSync() as PartAnswer | CheckLines;
    if ('error' in answer) throw new Error(`index worker: ${answer.error}`);
    if ('lines' in answer) return answer;
  }
}

/** The worker's parts, handed over after all (in order of their numbers). */
function handOver(worker: PartWorker): PartAnswer[] {
  worker.send({ kind: 'hand-over' });
  const parts: PartAnswer[] = [];
  for (;;) {
    const answer = worker.waitSync();
    if ('error' in answer) throw new Error(`index worker: ${answer.error}`);
    if ('part' in answer) parts.push(answer);
    // The last answer of the parts kept (more to come) may come first; then the parts, then a last one.
    if (answer.last === true && answer.more !== true) break;
  }
  return parts.sort((a, b) => ('k' in a && 'k' in b ? a.k - b.k : 0));
}

/** What a worker thread needs to serve the order (its job's own values). */
export interface KeptPartsJob {
  source: LogSource;
  dialect: Dialect;
  ctx: ParseContext;
  toleranceMs: number;
}

/**
 * The worker's side: serves `order` for the parts it kept (`kept`, by number), posting each answer.
 * Handed over, they go as they would have; else they are finished as segments one after another from
 * `order.start` and their diagnostics written (JSON items each with a `,` before it).
 */
export function serveKeptParts(kept: Map<number, IndexedPart>, order: KeptPartsOrder, job: KeptPartsJob, post: (answer: PartAnswer | CheckLines, transfer?: ArrayBuffer[]) => void, transferables: (part: StorePart) => ArrayBuffer[]): void {
  const parts = [...kept.values()].sort((a, b) => a.k - b.k);
  if (order.kind === 'hand-over') {
    for (const answer of parts) post(answer, transferables(answer.part));
    post({ k: -1, last: true });
    return;
  }
  const segments: LogIndex[] = [];
  for (const { part } of parts) {
    const before = segments[segments.length - 1];
    if (before !== undefined) before.acceptLead(partLead(part));
    segments.push(LogIndex.segmentOf(job.source, job.dialect, job.ctx, job.toleranceMs, before?.segmentStart() ?? order.start, part));
  }
  const { json, file } = order.format;
  const sink = new CheckBytes();
  const heads = new CheckHeads();
  // Every JSON item with its `,`: this thread drops the first when it wrote none before them.
  const counts = { errors: 0, warnings: 0, written: json ? 1 : 0 };
  // One file: a line of the log is a line of the file.
  diagnosticFactsOf(segments, order.edge, (d) => writeCheckLine(sink, json, file, d.line + 1, d.endLine + 1, d, heads, counts));
  const lines = sink.take();
  post({ lines, errors: counts.errors, warnings: counts.warnings, written: counts.written - (json ? 1 : 0) }, lines.map((chunk) => chunk.buffer as ArrayBuffer));
}
