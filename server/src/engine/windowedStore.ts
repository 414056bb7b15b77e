// A store that holds a window of a log at a time (a streamed export, `msglog sessions`): records and
// sessions forgotten once used, or every record but each session's first and last. Between
// SegmentStore and OrderedStore (on the way from RecordStore to LogIndex), so that the storage's own
// file stays about storing.
import { KeyTable } from './keyTable';
import type { SessionEnds } from './sessionEnds';
import type { PortableDialogs } from './sessionDialogs';
import { SegmentStore } from './segmentStore';

/** Each session's first record (slot 2 s) and last (2 s + 1): see installSessionEnds and sessionEnds.ts. */
export interface SessionEndArrays {
  startLine: Uint32Array<ArrayBuffer>;
  startOffset: Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
  endLine: Uint32Array<ArrayBuffer>;
  endOffset: Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
  bodyCol: Uint16Array<ArrayBuffer>;
  wall: Float64Array<ArrayBuffer>;
  offsetMin: Int16Array<ArrayBuffer>;
  level: Uint8Array<ArrayBuffer>;
  severity: Uint8Array<ArrayBuffer>;
  flags: Uint8Array<ArrayBuffer>;
}

/** The sessions of a log's back half gathered on their own (windowedSessions.ts): keys, ends and counts, in its own numbers. */
export interface HalfSessions {
  sessions: number;
  /** The keys' bytes and their bounds, by session. */
  keyPool: Uint8Array;
  keyBounds: Uint32Array;
  /** Their ends (slots 2 s and 2 s + 1, lines the half's). */
  ends: SessionEndArrays;
  records: Uint32Array;
  problems: Uint32Array;
  worst: Uint8Array;
  dialogs: PortableDialogs;
  /** Lines of the half. */
  lineCount: number;
}

export class WindowedStore extends SegmentStore {
  /**
   * Forgets the first `n` records, the rest renumbered from 0 (a streamed export keeps one window of
   * records, not the log's). Sessions keep their keys, dialogs and problem counts, and the sessions
   * of the records kept their last record; first record numbers no longer mean anything, nor do
   * overflow runs before the records kept.
   */
  protected forgetRecords(n: number): void {
    const count = this.recordCount;
    if (n <= 0) return;
    if (n > count) throw new Error(`cannot forget ${n} of ${count} records`);
    this.recStartLine.copyWithin(0, n, count);
    this.recStartOffset.copyWithin(0, n, count);
    this.recBodyCol.copyWithin(0, n, count);
    this.recWall.copyWithin(0, n, count);
    this.offsets?.copyWithin(0, n, count);
    this.recLevel.copyWithin(0, n, count);
    this.recSeverity.copyWithin(0, n, count);
    this.recFlags.copyWithin(0, n, count);
    this.recSession.copyWithin(0, n, count);
    this.recordCount = count - n;
    // The last record of the sessions of the records kept, in their new numbers (their first is gone).
    for (let r = 0; r < this.recordCount; r++) this.sessionLast[this.recSession[r]] = r;
    const closed = [...this.closedBy].filter(([r]) => r >= n);
    this.closedBy.clear();
    for (const [r, run] of closed) this.closedBy.set(r - n, run);
    // Runs after a record kept are kept (a windowed check reports them with it), renumbered; so is the
    // last, which can still grow (a marker line right after it).
    const last = this.overflow[this.overflow.length - 1];
    const kept = this.overflow.filter((run) => run.recordBefore >= n || run === last);
    this.overflow.length = 0;
    for (const run of kept) {
      run.recordBefore = run.recordBefore >= n ? run.recordBefore - n : -1;
      this.overflow.push(run);
    }
    this.invalidateDerived();
  }

  /**
   * Forgets every session but those of the records kept (a streamed export), which are renumbered
   * from 0 with their keys, dialogs and last records; their counts start again.
   */
  forgetSessions(): void {
    const old = this.keys;
    const fresh = new KeyTable();
    const renumbered = new Int32Array(old.size).fill(-1);
    const sessions = this.recSession;
    for (let r = 0; r < this.recordCount; r++) {
      const s = sessions[r];
      if (renumbered[s] < 0) {
        const { pool, start, end } = old.boundsOf(s);
        renumbered[s] = fresh.intern(pool, start, end);
      }
      sessions[r] = renumbered[s];
    }
    this.keys = fresh;
    this.sessionDialog = this.sessionDialog.renumbered(renumbered);
    this.sessionFirst.fill(0);
    this.sessionLast.fill(0);
    this.sessionRecordCount.fill(0);
    this.sessionProblems.fill(0);
    this.sessionWorst.fill(255);
    for (let r = 0; r < this.recordCount; r++) this.sessionLast[sessions[r]] = r;
    this.sessionEpoch++;
  }

  /**
   * Takes in the sessions of the log's back half (`half`), gathered on their own, after this store's,
   * whose ends `ends` holds (before installSessionEnds): a session of both halves ends where the half
   * has it end and adds its counts; one new here follows in the half's order, as one scan numbers them.
   * The half's lines follow this store's; its times move by `shiftMs` (the days passed before it).
   */
  adoptHalfSessions(ends: SessionEnds, half: HalfSessions, shiftMs: number, numbers?: Uint32Array): void {
    const before = this.keys.size;
    // `numbers`: the half's sessions' numbers here, known already (each one this index has).
    const map = numbers ?? new Uint32Array(half.sessions);
    if (numbers === undefined) for (let w = 0; w < half.sessions; w++) map[w] = this.keys.intern(half.keyPool, half.keyBounds[2 * w], half.keyBounds[2 * w + 1]);
    const sessions = this.keys.size;
    if (sessions > this.sessionFirst.length) this.growSessions(sessions);
    ends.takeHalf(half.ends, half.sessions, map, before, sessions, this.lineCount, shiftMs);
    const { sessionRecordCount: records, sessionProblems: problems, sessionWorst: worst } = this;
    for (let w = 0; w < half.sessions; w++) {
      const s = map[w];
      if (s >= before) {
        records[s] = half.records[w];
        problems[s] = half.problems[w];
        worst[s] = half.worst[w];
      } else {
        records[s] += half.records[w];
        problems[s] += half.problems[w];
        if (half.worst[w] < worst[s]) worst[s] = half.worst[w];
      }
    }
    this.sessionDialog.addPortable(half.dialogs, map);
    this.lineCount += half.lineCount;
  }

  /**
   * Makes the records those of `ends`: each session's first record (2 s) and last (2 s + 1), every
   * other one forgotten (msglog sessions reads no more). Sessions keep their keys, counts, problems
   * and dialogs; a session of one record ends where it starts.
   */
  installSessionEnds(ends: SessionEndArrays): void {
    const sessions = this.keys.size;
    const n = 2 * sessions;
    this.recStartLine = ends.startLine.subarray(0, n);
    this.recStartOffset = ends.startOffset.subarray(0, n);
    this.recBodyCol = ends.bodyCol.subarray(0, n);
    this.recWall = ends.wall.subarray(0, n);
    this.offsets = this.offsets === undefined ? undefined : ends.offsetMin.subarray(0, n);
    this.recLevel = ends.level.subarray(0, n);
    this.recSeverity = ends.severity.subarray(0, n);
    this.recFlags = ends.flags.subarray(0, n);
    this.endLineAt = ends.endLine.subarray(0, n);
    this.endOffsetAt = ends.endOffset.subarray(0, n);
    this.recSession = new Uint32Array(n);
    for (let s = 0; s < sessions; s++) {
      this.recSession[2 * s] = this.recSession[2 * s + 1] = s;
      this.sessionFirst[s] = 2 * s;
      this.sessionLast[s] = this.sessionRecordCount[s] === 1 ? 2 * s : 2 * s + 1;
    }
    this.recordCount = n;
    this.closedBy.clear();
    this.overflow.length = 0;
    this.invalidateDerived();
  }

}
