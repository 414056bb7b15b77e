// A store that can be a segment of a log (LogIndex.segments): a part a worker indexed, left where it
// was indexed rather than copied into the index of the whole log, its lines moved in place to follow
// the records before it (which take in what it says of them: PortableStore.acceptLead). Between PortableStore
// and WindowedStore, so that the parts' own file stays about handing parts over.
import { NO_OFFSET } from './recordStore';
import type { RecordStore } from './recordStore';
import { PortableStore } from './portableStore';
import type { StorePart } from './portableStore';
import { RecordFlag } from './types';

/** What decides whether a part can be left as a segment (LogIndex.canSegment). */
export interface PartShape {
  recordCount: number;
  /** Whether a record of it writes a zone offset. */
  zoneOffsets: boolean;
  /** Whether it was built keyless (every record in the one empty key). */
  keyless: boolean;
}

export function partShape(p: StorePart): PartShape {
  return { recordCount: p.recordCount, zoneOffsets: p.offsets !== undefined, keyless: p.keyBounds.length === 2 && p.keyBounds[1] === p.keyBounds[0] };
}

/**
 * Where the records before a segment of a log end (LogIndex.segmentStart): its lines' base, the time
 * its records without one carry, the log's zone offset, and the finishing state (OrderedStore).
 * Plain numbers: a worker that finishes its parts as segments is sent it.
 */
export interface SegmentStart {
  lineCount: number;
  prevWall: number;
  prevOffset: number;
  hasOffset: boolean;
  logOffsetMin: number;
  /** day, maxTod, lastTimed, regressionEdge, finishPrev, dated (0/1), descending (0/1), in this order. */
  finishing: number[];
}

export class SegmentStore extends PortableStore {
  /** What a part after this store's records starts from (takeOverPart), finishing aside (OrderedStore.segmentStart adds it). */
  protected storeStart(): Omit<SegmentStart, 'finishing'> {
    return { lineCount: this.lineCount, prevWall: this.prevWall, prevOffset: this.prevOffset, hasOffset: this.hasOffset, logOffsetMin: this.logOffsetMin };
  }

  /**
   * Takes a part over as this new, empty store's records, its arrays used as they are (not copied):
   * a segment of a log whose records before it end as `start` says (LogIndex.segments), as adopt would
   * have appended it there, its lines moved in place to follow them. What the part says of the records
   * before it (partLead) is theirs to take (PortableStore.acceptLead). A keyless part with records (its sessions are
   * not carried), that does not set the log's zone offset (LogIndex.canSegment).
   */
  protected takeOverPart(p: StorePart, start: SegmentStart): void {
    const n = p.recordCount;
    if (this.recordCount > 0 || n === 0) throw new Error('takeOverPart: a part with records, into a new store');
    const lineBase = start.lineCount;
    const lines = p.recStartLine;
    for (let i = 0; i < n; i++) lines[i] += lineBase;
    // A part's arrays are a worker's, transferred: over ArrayBuffers of their own, as the store's are.
    type Store = RecordStore;
    this.recStartLine = lines as Store['recStartLine'];
    this.recStartOffset = p.recStartOffset as Store['recStartOffset'];
    this.recBodyCol = p.recBodyCol as Store['recBodyCol'];
    this.recWall = p.recWall as Store['recWall'];
    this.recLevel = p.recLevel as Store['recLevel'];
    this.recSeverity = p.recSeverity as Store['recSeverity'];
    this.recFlags = p.recFlags as Store['recFlags'];
    this.recSession = p.recSession as Store['recSession'];
    // Records without a time before the part's first timed one carry the time (and zone offset) before it.
    let offsets = p.offsets as Store['offsets'];
    if (start.prevOffset !== NO_OFFSET && p.recFlags[0] & RecordFlag.NoTime) offsets ??= new Int16Array(lines.length).fill(NO_OFFSET);
    for (let i = 0; i < n && p.recFlags[i] & RecordFlag.NoTime; i++) {
      p.recWall[i] = start.prevWall;
      if (offsets !== undefined) offsets[i] = start.prevOffset;
    }
    this.offsets = offsets;
    this.hasOffset = start.hasOffset;
    this.logOffsetMin = start.logOffsetMin;
    this.prevWall = start.prevWall;
    this.prevOffset = start.prevOffset;
    for (let i = n - 1; i >= 0; i--) {
      if (p.recFlags[i] & RecordFlag.NoTime) continue;
      this.prevWall = p.recWall[i];
      this.prevOffset = offsets === undefined ? NO_OFFSET : offsets[i];
      break;
    }
    // Runs before the part's first record are the records' before it (partLead).
    for (const run of p.overflow) if (run.recordBefore >= 0) this.addRun({ ...run, startLine: run.startLine + lineBase, endLine: run.endLine + lineBase });
    this.recordCount = n;
    this.lineCount = lineBase + p.lineCount;
    this.lastEndLine = p.lastEndLine + lineBase;
    this.lastEndOffset = p.lastEndOffset;
    this.invalidateDerived();
  }
}
