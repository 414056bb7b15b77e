// A store handed over whole: a part of a log indexed by a worker (toPart, adopt: stitched after the
// parts before it) and the state the index cache keeps on disk (exportStore, importStore). Between
// RecordStore and WindowedStore, so that the storage's own file stays about storing.
import { NO_OFFSET, RecordStore } from './recordStore';
import type { OverflowRun } from './recordStore';
import { RecordFlag } from './types';
import type { PortableDialogs } from './sessionDialogs';
import { SessionDialogs } from './sessionDialogs';
import type { KeyTableState } from './keyTable';
import { KeyTable } from './keyTable';
import type { PortableProblemLines } from './problemLines';

/** What a part of a log indexed on its own (a worker) hands over to be stitched after the rest. */
export interface StorePart {
  recordCount: number;
  lineCount: number;
  recStartLine: Uint32Array;
  recStartOffset: Uint32Array | Float64Array;
  recBodyCol: Uint16Array;
  recWall: Float64Array;
  offsets: Int16Array | undefined;
  recLevel: Uint8Array;
  recSeverity: Uint8Array;
  recFlags: Uint8Array;
  recSession: Uint32Array;
  /** The part's session keys: bytes and their bounds, in order of first record. */
  keyPool: Uint8Array;
  keyBounds: Uint32Array;
  /** Per session of the part: its first and last record (part numbering) and its record count. */
  sessionFirst: Uint32Array;
  sessionLast: Uint32Array;
  sessionRecordCount: Uint32Array;
  sessionDialogs: PortableDialogs;
  overflow: OverflowRun[];
  /** End of the part's last record (line, offset), when it runs to the end of the part. */
  lastEndLine: number;
  lastEndOffset: number;
  /** Lines before the part's first record that continue the record open before the part, and a SIP dialog they reveal. */
  carryLines: number;
  carryEndOffset: number;
  carryDialog: string | undefined;
  /** Offsets of BuildOptions.search in the part, when it was searched. */
  hits?: Float64Array;
  /** Its problem records' first lines, when they were kept (BuildOptions.problemLines). */
  problemLines?: PortableProblemLines;
  /** The parser's state (LineParser.partState) the part was indexed from and the one it ended in, for a dialect that splitsWithState. */
  parserStates?: { start: string; end: string };
}

/** What a part says of the records before it: lines it began with that continue the last, and marker runs before its first record (part lines). */
export interface PartLead {
  carryLines: number;
  carryEndOffset: number;
  /** A SIP dialog the lines carried reveal (of the last record's session). */
  carryDialog?: string;
  runs: OverflowRun[];
}

export function partLead(p: StorePart): PartLead {
  return { carryLines: p.carryLines, carryEndOffset: p.carryEndOffset, carryDialog: p.carryDialog, runs: p.overflow.filter((run) => run.recordBefore < 0) };
}

/** A store's records, sessions and scan state as plain arrays and values (the index cache writes it to disk). */
export interface StoreState {
  arrays: Record<StoreArrayName, ArrayBufferView | undefined>;
  values: {
    lineCount: number;
    recordCount: number;
    preambleLines: number;
    sessionCount: number;
    descending: boolean;
    dated: boolean;
    logOffsetMin: number;
    hasOffset: boolean;
    prevWall: number;
    prevOffset: number;
    lastEndLine: number;
    lastEndOffset: number;
  };
  sessionDialogs: [number, string][];
  overflow: OverflowRun[];
  /**
   * For a state handed to another thread rather than written out (exportStore's `handOver`): the key
   * table whole, so that no key is interned again (keyPool and keyBounds are left out), and the
   * dialogs as bytes (sessionDialogs is empty).
   */
  keyTable?: KeyTableState;
  portableDialogs?: PortableDialogs;
}

export type StoreArrayName =
  | 'recStartLine'
  | 'recStartOffset'
  | 'recBodyCol'
  | 'recWall'
  | 'offsets'
  | 'recLevel'
  | 'recSeverity'
  | 'recFlags'
  | 'recSession'
  | 'sessionFirst'
  | 'sessionLast'
  | 'sessionRecordCount'
  | 'sessionProblems'
  | 'sessionWorst'
  | 'keyPool'
  | 'keyBounds';

export class PortableStore extends RecordStore {
  /** This store's records, sessions and runs as a part for another store to adopt (see adopt). */
  toPart(carryLines: number, carryEndOffset: number, carryDialog: string | undefined): StorePart {
    // Handed over as they are (the adopting store reads recordCount slots): no copy to trim them.
    const { pool, bounds } = this.keys.export();
    return {
      recordCount: this.recordCount,
      lineCount: this.lineCount,
      recStartLine: this.recStartLine,
      recStartOffset: this.recStartOffset,
      recBodyCol: this.recBodyCol,
      recWall: this.recWall,
      offsets: this.offsets,
      recLevel: this.recLevel,
      recSeverity: this.recSeverity,
      recFlags: this.recFlags,
      recSession: this.recSession,
      keyPool: pool,
      keyBounds: bounds,
      sessionFirst: this.sessionFirst,
      sessionLast: this.sessionLast,
      sessionRecordCount: this.sessionRecordCount,
      sessionDialogs: this.sessionDialog.toPortable(),
      overflow: this.overflow,
      lastEndLine: this.lastEndLine,
      lastEndOffset: this.lastEndOffset,
      carryLines,
      carryEndOffset,
      carryDialog,
    };
  }

  /**
   * Appends a part indexed on its own from the next line boundary on: its lines follow ours, its
   * sessions are renumbered through our key table (in order of first record, as one scan would),
   * lines it began with continue our last record, and a NoTime record at its start takes our last time.
   */
  protected adopt(p: StorePart): void {
    const base = this.recordCount;
    const lineBase = this.lineCount;
    this.acceptLead(partLead(p));
    // Sessions: local id → ours.
    const map = new Uint32Array(p.keyBounds.length >> 1);
    for (let i = 0; i < map.length; i++) map[i] = this.keys.intern(p.keyPool, p.keyBounds[2 * i], p.keyBounds[2 * i + 1]);
    const n = p.recordCount;
    if (base + n > this.recStartLine.length) this.growRecords(base + n);
    if (p.recStartOffset instanceof Float64Array) this.widenOffsets();
    const lines = this.recStartLine;
    const partLines = p.recStartLine;
    for (let i = 0; i < n; i++) lines[base + i] = partLines[i] + lineBase;
    this.recStartOffset.set(p.recStartOffset.subarray(0, n), base);
    this.recBodyCol.set(p.recBodyCol.subarray(0, n), base);
    this.recWall.set(p.recWall.subarray(0, n), base);
    this.recLevel.set(p.recLevel.subarray(0, n), base);
    this.recSeverity.set(p.recSeverity.subarray(0, n), base);
    this.recFlags.set(p.recFlags.subarray(0, n), base);
    if (p.offsets !== undefined) {
      if (this.offsets === undefined) this.offsets = new Int16Array(this.recStartLine.length).fill(NO_OFFSET);
      this.offsets.set(p.offsets.subarray(0, n), base);
    } else if (this.offsets !== undefined) {
      this.offsets.fill(NO_OFFSET, base, base + n);
    }
    // A keyless index's records are all in session 0, as its new array already says (pages left untouched).
    if (!this.keyless) {
      const sessions = p.recSession;
      const out = this.recSession;
      for (let i = 0; i < n; i++) out[base + i] = map[sessions[i]];
    }
    // Session aggregates per session of the part, not per record: its records all follow ours.
    if (this.keys.size > this.sessionFirst.length) this.growSessions(this.keys.size);
    for (let local = 0; local < map.length; local++) {
      const count = p.sessionRecordCount[local];
      if (count === 0) continue;
      const s = map[local];
      if (this.sessionRecordCount[s] === 0) this.sessionFirst[s] = base + p.sessionFirst[local];
      this.sessionLast[s] = base + p.sessionLast[local];
      this.sessionRecordCount[s] += count;
    }
    // Records without a time before the part's first timed one carry our last time.
    for (let i = 0; i < n && this.recFlags[base + i] & RecordFlag.NoTime; i++) {
      this.recWall[base + i] = this.prevWall;
      if (this.prevOffset !== NO_OFFSET) this.setOffset(base + i, this.prevOffset);
    }
    for (let i = n - 1; i >= 0; i--) {
      if (this.recFlags[base + i] & RecordFlag.NoTime) continue;
      this.prevWall = this.recWall[base + i];
      this.prevOffset = p.offsets === undefined ? NO_OFFSET : p.offsets[i];
      break;
    }
    if (!this.hasOffset && p.offsets !== undefined) {
      for (let i = 0; i < n; i++) {
        if (p.offsets[i] !== NO_OFFSET && !(p.recFlags[i] & RecordFlag.NoTime)) {
          this.hasOffset = true;
          this.logOffsetMin = p.offsets[i];
          break;
        }
      }
    }
    this.sessionDialog.addPortable(p.sessionDialogs, map);
    // Overflow runs: a run that continues our last run merges with it.
    for (const run of p.overflow) if (run.recordBefore >= 0) this.addRun({ ...run, startLine: run.startLine + lineBase, endLine: run.endLine + lineBase, recordBefore: run.recordBefore + base });
    if (base === 0 && n > 0) this.preambleLines = lineBase + p.recStartLine[0];
    this.recordCount = base + n;
    if (n > 0) {
      this.lastEndLine = p.lastEndLine + lineBase;
      this.lastEndOffset = p.lastEndOffset;
    }
    this.lineCount = lineBase + p.lineCount;
    this.invalidateDerived();
  }

  /**
   * Takes in what a part that follows this store's records says of them (PartLead): lines it began
   * with extend the last record, unless a marker closed it; markers before the part's first record
   * close it, or go on with its last run. For a part adopted, or left as a segment (takeOverPart).
   */
  acceptLead(lead: PartLead): void {
    const lineBase = this.lineCount;
    const last = this.recordCount - 1;
    // Leading continuation lines of the part extend our last record (unless a marker closed it), and
    // reveal its SIP dialog; markers before the part's first record follow it.
    if (last >= 0 && lead.carryLines > 0 && !this.closedBy.has(last)) {
      this.lastEndLine = lineBase + lead.carryLines - 1;
      this.lastEndOffset = lead.carryEndOffset;
      if (lead.carryDialog !== undefined) this.sessionDialog.add(this.recSession[last], lead.carryDialog);
    }
    for (const run of lead.runs) this.addRun({ ...run, startLine: run.startLine + lineBase, endLine: run.endLine + lineBase, recordBefore: last });
    this.invalidateDerived();
  }

  /** Adds a run of markers (lines of this store) after the others: one that goes on from the last run (the same record before it) merges with it. */
  protected addRun(run: OverflowRun): void {
    const last = this.overflow[this.overflow.length - 1];
    if (last && last.endLine === run.startLine - 1 && run.recordBefore === last.recordBefore) {
      last.endLine = run.endLine;
      last.endOffset = run.endOffset;
      last.count += run.count;
    } else {
      this.overflow.push(run);
      this.closeBy(run.recordBefore, run);
    }
  }

  /**
   * The store as a StoreState: views of the used part of each record array (no copy; later appends
   * write past them), copies of the session arrays, and the scan state. `handOver`: for another
   * thread that takes the state over (the key table whole, the dialogs as bytes).
   */
  protected exportStore(handOver = false): StoreState {
    const n = this.recordCount;
    const sessions = this.keys.size;
    // Handed over, the key table goes whole: no copies of its pool and bounds.
    const { pool, bounds } = handOver ? { pool: undefined, bounds: undefined } : this.keys.export();
    return {
      arrays: {
        recStartLine: this.recStartLine.subarray(0, n),
        recStartOffset: this.recStartOffset.subarray(0, n),
        recBodyCol: this.recBodyCol.subarray(0, n),
        recWall: this.recWall.subarray(0, n),
        offsets: this.offsets?.subarray(0, n),
        recLevel: this.recLevel.subarray(0, n),
        recSeverity: this.recSeverity.subarray(0, n),
        recFlags: this.recFlags.subarray(0, n),
        recSession: this.recSession.subarray(0, n),
        // Copies: records appended later (a log that grows while the state is written out) change the
        // sessions they join, never the records already there, whose arrays are views.
        sessionFirst: this.sessionFirst.slice(0, sessions),
        sessionLast: this.sessionLast.slice(0, sessions),
        sessionRecordCount: this.sessionRecordCount.slice(0, sessions),
        sessionProblems: this.sessionProblems.slice(0, sessions),
        sessionWorst: this.sessionWorst.slice(0, sessions),
        keyPool: pool,
        keyBounds: bounds,
      },
      values: {
        lineCount: this.lineCount,
        recordCount: n,
        preambleLines: this.preambleLines,
        sessionCount: sessions,
        descending: this.descending,
        dated: this.dated,
        logOffsetMin: this.logOffsetMin,
        hasOffset: this.hasOffset,
        prevWall: this.prevWall,
        prevOffset: this.prevOffset,
        lastEndLine: this.lastEndLine,
        lastEndOffset: this.lastEndOffset,
      },
      sessionDialogs: handOver ? [] : [...this.sessionDialog],
      overflow: this.overflow,
      ...(handOver ? { keyTable: this.keys.exportTable(), portableDialogs: this.sessionDialog.toPortable() } : {}),
    };
  }

  /** Takes over a StoreState (into a new, empty store): the arrays are used as they are, not copied. */
  protected importStore(state: StoreState): void {
    const a = state.arrays;
    const v = state.values;
    const need = <T>(name: StoreArrayName): T => {
      const array = a[name];
      if (array === undefined) throw new Error(`index cache: no ${name}`);
      return array as T;
    };
    this.recStartLine = need<RecordStore['recStartLine']>('recStartLine');
    this.recStartOffset = need<RecordStore['recStartOffset']>('recStartOffset');
    this.recBodyCol = need<RecordStore['recBodyCol']>('recBodyCol');
    this.recWall = need<RecordStore['recWall']>('recWall');
    this.offsets = a.offsets as RecordStore['offsets'];
    this.recLevel = need<RecordStore['recLevel']>('recLevel');
    this.recSeverity = need<RecordStore['recSeverity']>('recSeverity');
    this.recFlags = need<RecordStore['recFlags']>('recFlags');
    this.recSession = need<RecordStore['recSession']>('recSession');
    if (state.keyTable !== undefined) {
      if (state.keyTable.count !== v.sessionCount) throw new Error('index state: key table and sessions differ');
      this.keys = KeyTable.fromTable(state.keyTable);
    } else {
      const pool = need<Uint8Array>('keyPool');
      const bounds = need<Uint32Array>('keyBounds');
      for (let id = 0; id < v.sessionCount; id++) {
        if (this.keys.intern(pool, bounds[2 * id], bounds[2 * id + 1]) !== id) throw new Error('index cache: duplicate session key');
      }
    }
    this.sessionFirst = need<RecordStore['sessionFirst']>('sessionFirst');
    this.sessionLast = need<RecordStore['sessionLast']>('sessionLast');
    this.sessionRecordCount = need<RecordStore['sessionRecordCount']>('sessionRecordCount');
    this.sessionProblems = need<RecordStore['sessionProblems']>('sessionProblems');
    this.sessionWorst = need<RecordStore['sessionWorst']>('sessionWorst');
    this.lineCount = v.lineCount;
    this.recordCount = v.recordCount;
    this.preambleLines = v.preambleLines;
    this.descending = v.descending;
    this.dated = v.dated;
    this.logOffsetMin = v.logOffsetMin;
    this.hasOffset = v.hasOffset;
    this.prevWall = v.prevWall;
    this.prevOffset = v.prevOffset;
    this.lastEndLine = v.lastEndLine;
    this.lastEndOffset = v.lastEndOffset;
    const portable = state.portableDialogs;
    if (portable !== undefined && state.sessionDialogs.length === 0 && this.sessionDialog.size === 0) this.sessionDialog = SessionDialogs.fromPortable(portable);
    else {
      for (const [session, dialog] of state.sessionDialogs) this.sessionDialog.add(session, dialog);
      if (portable !== undefined) this.sessionDialog.addPortable(portable);
    }
    for (const run of state.overflow) {
      this.overflow.push(run);
      this.closeBy(run.recordBefore, run);
    }
    this.invalidateDerived();
  }
}
