// The first and last record of every session, gathered while a log is indexed a window at a time and
// its records forgotten (LogIndex.buildSessionEnds): what a session list reads of a log, in memory
// that grows with its sessions, not with its records.
import type { LogIndex } from './logIndex';
import { resized } from './keyTable';
import { NO_OFFSET } from './recordStore';
import type { SessionEndArrays } from './windowedStore';

export class SessionEnds implements SessionEndArrays {
  startLine = new Uint32Array(0);
  /** Offsets: 32-bit while the log is under 4 GiB (half the memory), as the index keeps them. */
  startOffset: Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
  endLine = new Uint32Array(0);
  endOffset: Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;
  bodyCol = new Uint16Array(0);
  wall = new Float64Array(0);
  offsetMin = new Int16Array(0);
  level = new Uint8Array(0);
  severity = new Uint8Array(0);
  flags = new Uint8Array(0);
  /** Per session: the last window it was seen in (0: none yet). */
  private window = new Uint32Array(0);
  private windowNo = 0;
  private readonly touched: number[] = [];

  /** For a log of `size` bytes. */
  constructor(size: number) {
    const wide = size > 0xffffffff;
    this.startOffset = wide ? new Float64Array(0) : new Uint32Array(0);
    this.endOffset = wide ? new Float64Array(0) : new Uint32Array(0);
  }

  /** Takes in records [0, n) of `index` (final: they will not change); `expected`: the sessions the log is likely to have in all. */
  fold(index: LogIndex, n: number, expected: number): void {
    this.reserve(index.sessionCount, expected);
    if (this.offsetMin.length === 0 && index.zoneOffsets !== undefined) this.offsetMin = new Int16Array(this.wall.length).fill(NO_OFFSET);
    const sessions = index.recSession;
    const window = this.window;
    const no = ++this.windowNo;
    const touched = this.touched;
    touched.length = 0;
    for (let r = 0; r < n; r++) {
      const s = sessions[r];
      if (window[s] !== no) {
        // Not seen before in any window: this is its first record.
        if (window[s] === 0) this.copy(index, r, 2 * s);
        window[s] = no;
        touched.push(s);
      }
    }
    // The last record of a session in this window is its last so far (the index's sessionLast, in
    // this window's numbering, for the sessions it touched): copied once, not per record.
    const last = index.sessionLast;
    for (const s of touched) this.copy(index, last[s], 2 * s + 1);
  }

  private copy(index: LogIndex, r: number, slot: number): void {
    this.startLine[slot] = index.recStartLine[r];
    this.startOffset[slot] = index.recStartOffset[r];
    this.endLine[slot] = index.endLineOf(r);
    this.endOffset[slot] = index.endOffsetOf(r);
    this.bodyCol[slot] = index.recBodyCol[r];
    this.wall[slot] = index.recWall[r];
    // Zone offsets only where the log writes them (the store keeps none otherwise).
    if (this.offsetMin.length > 0) this.offsetMin[slot] = index.offsetMinOf(r);
    this.level[slot] = index.recLevel[r];
    this.severity[slot] = index.recSeverity[r];
    this.flags[slot] = index.recFlags[r];
  }

  /**
   * Takes in the ends of another's sessions (a back half's, windowedSessions.ts), `map` giving each
   * of its `n` sessions its number here: a session new here (numbered `before` or later) gets both
   * ends, one seen before only its last. Lines move by `lineBase`, times by `shiftMs`.
   */
  takeHalf(from: SessionEndArrays, n: number, map: Uint32Array, before: number, sessions: number, lineBase: number, shiftMs: number): void {
    this.reserve(sessions, sessions);
    for (let w = 0; w < n; w++) {
      const s = map[w];
      if (s >= before) this.copyEnd(from, 2 * w, 2 * s, lineBase, shiftMs);
      this.copyEnd(from, 2 * w + 1, 2 * s + 1, lineBase, shiftMs);
    }
  }

  /** Room for exactly `sessions` sessions (a few picked from another's: windowedSessions.ts), their zone offsets too when `zoned`. */
  reserveExactly(sessions: number, zoned: boolean): void {
    this.reserve(sessions, sessions);
    if (zoned && this.offsetMin.length === 0) this.offsetMin = new Int16Array(this.wall.length).fill(NO_OFFSET);
  }

  /** Slot `a` of `from` as slot `slot` here, as it is. */
  takeSlot(from: SessionEndArrays, a: number, slot: number): void {
    this.copyEnd(from, a, slot, 0, 0);
  }

  /** The arrays alone (to hand over: not this object, whose marks stay here). */
  arrays(): SessionEndArrays {
    const { startLine, startOffset, endLine, endOffset, bodyCol, wall, offsetMin, level, severity, flags } = this;
    return { startLine, startOffset, endLine, endOffset, bodyCol, wall, offsetMin, level, severity, flags };
  }

  private copyEnd(from: SessionEndArrays, a: number, slot: number, lineBase: number, shiftMs: number): void {
    this.startLine[slot] = from.startLine[a] + lineBase;
    this.startOffset[slot] = from.startOffset[a];
    this.endLine[slot] = from.endLine[a] + lineBase;
    this.endOffset[slot] = from.endOffset[a];
    this.bodyCol[slot] = from.bodyCol[a];
    this.wall[slot] = from.wall[a] + shiftMs;
    if (this.offsetMin.length > 0) this.offsetMin[slot] = from.offsetMin.length > 0 ? from.offsetMin[a] : NO_OFFSET;
    this.level[slot] = from.level[a];
    this.severity[slot] = from.severity[a];
    this.flags[slot] = from.flags[a];
  }

  /**
   * Room for `sessions` sessions: `expected` when that is more (sized for the whole log at once, as
   * growing by copies holds two of each array for a while), else half again as many.
   */
  private reserve(sessions: number, expected: number): void {
    if (sessions <= this.window.length) return;
    const n = Math.max(sessions, Math.ceil(expected), Math.ceil(this.window.length * 1.5), 1024);
    this.startLine = resized(this.startLine, 2 * n);
    this.startOffset = resized(this.startOffset, 2 * n);
    this.endLine = resized(this.endLine, 2 * n);
    this.endOffset = resized(this.endOffset, 2 * n);
    this.bodyCol = resized(this.bodyCol, 2 * n);
    this.wall = resized(this.wall, 2 * n);
    if (this.offsetMin.length > 0) this.offsetMin = resized(this.offsetMin, 2 * n).fill(NO_OFFSET, this.offsetMin.length);
    this.level = resized(this.level, 2 * n);
    this.severity = resized(this.severity, 2 * n);
    this.flags = resized(this.flags, 2 * n);
    this.window = resized(this.window, n);
  }
}
