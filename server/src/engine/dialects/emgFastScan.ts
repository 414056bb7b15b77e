// The index's hot loop for EMG connector logs (Dialect.createFastScan): EmgParser.header() and
// RecordStore.addRecord fused, statement for statement, for connector records. Any other line (a
// malformed header, a continuation line, blanks before a stamp, the records of pdu, profiling and
// general logs) stops it: the index reads that line through the parser.
import { LF } from '../bytes';
import { HeaderScratch, NO_LEVEL, RecordFlag, Severity } from '../types';
import type { FastRecords, FastScan } from '../types';
import { connectorHead, EVENT_BYTES, EVENT_FAILS, flagSeverity, hasOrphaned, HEAD_CLOSE, HEAD_EVENT, HEAD_LENGTH, ORPHANED } from './emg';
import type { EmgParser } from './emg';
import { endFastScan } from '../fastScanEnd';
import { emgWasmScan } from '../wasm/emgScan';
import type { EmgVocabulary, EmgWasm } from '../wasm/emgScan';
import { LazyWasmScan, KeylessWasmScan } from '../wasm/wasmScan';

/** The flags and severity of a record the WebAssembly scan marked (an OK whose INFO has `orphaned`): the loop's, below. */
function finishMarked(out: FastRecords, r: number, buf: Uint8Array, from: number, end: number): void {
  const orphaned = hasOrphaned(buf, from, end);
  out.recFlags[r] = orphaned ? RecordFlag.EventError : 0;
  out.recSeverity[r] = orphaned ? flagSeverity(RecordFlag.EventError) : Severity.Info;
}

/** What the WebAssembly scan reads by (read when it is made: emg.ts and this module import each other). */
const vocabulary = (): EmgVocabulary => ({ events: EVENT_BYTES, fails: EVENT_FAILS, orphaned: ORPHANED, finishMarked });

export class EmgFastScan extends KeylessWasmScan implements FastScan {
  private readonly head = new Int32Array(HEAD_LENGTH);
  /** Where the parser composes a keyed record's session key. */
  private readonly key = new HeaderScratch();
  /**
   * The WebAssembly scan (wasm/emgScan.ts), for keyless indexes: it reads the records of the date the
   * parser's stamps read last; the loop below, the others (given each line it leaves), and it tells
   * the module the date it read.
   */
  protected readonly wasm: LazyWasmScan;
  /** The thread's module the WebAssembly scan runs (made with it), told of the dates. */
  private module: EmgWasm | undefined = undefined;
  private readonly jsLoop = (buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number => {
    const to = this.loop(buf, pos, stop, base, out);
    this.module?.readDate(this.parser.stamps.lastDate, this.parser.stamps.lastDateMs);
    return to;
  };

  /** `wasm` false: keyless indexes on the JavaScript loop below too (the tests compare the two). */
  constructor(
    private readonly parser: EmgParser,
    wasm = true,
  ) {
    super();
    this.wasm = new LazyWasmScan(
      wasm
        ? () => {
            this.module = emgWasmScan(vocabulary());
            return this.module?.scan;
          }
        : undefined,
    );
  }

  scan(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    // The kind is decided by the first record at the latest, and fast scans come after one.
    const wasm = out.keyless && this.parser.readsConnector() ? this.wasm.get() : undefined;
    if (wasm === undefined) return this.loop(buf, pos, stop, base, out);
    // The module is this thread's: it is told of the parser's last date at each call.
    this.module?.readDate(this.parser.stamps.lastDate, this.parser.stamps.lastDateMs);
    return wasm.scanKeyless(buf, pos, stop, base, out, this.jsLoop);
  }

  private loop(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    const parser = this.parser;
    // The kind is decided by the first record at the latest, and fast scans come after one.
    if (!parser.readsConnector()) return pos;
    const stamps = parser.stamps;
    const head = this.head;
    const key = this.key;
    const { recStartLine, recStartOffset, recBodyCol, recWall, recLevel, recSeverity, recFlags, recSession } = out;
    const { sessionFirst, sessionLast, sessionRecordCount, keys, keyless } = out;
    const capacity = recStartLine.length;
    const sessionSlots = sessionFirst.length;
    let r = out.recordCount;
    let line = out.line;
    let prevWall = out.prevWall;
    while (pos < stop && r < capacity) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0 || nl >= stop) break;
      const start = pos;
      const end = nl;
      // A keyed record may make a new session: its slot must exist before the parser's spans move on,
      // since a line left to header() here would be counted twice.
      if (!keyless && keys.size >= sessionSlots) break;
      // header(): the stamp, then the connector header (blanks before the stamp fail it: the index skips them).
      const p = stamps.end(buf, start, end);
      if (p < 0) break;
      const flags = connectorHead(buf, p, end, head);
      if (flags < 0) break; // malformed: a record of the `general` session
      let s = 0;
      if (!keyless) {
        parser.spanKey(buf, p, head[HEAD_CLOSE] + 1, head[HEAD_EVENT], key);
        s = keys.intern(key.keyBuf, key.keyStart, key.keyEnd);
      }
      // addRecord(), for a header with a time, no zone and no level.
      recStartLine[r] = line;
      recStartOffset[r] = base + start;
      const bodyCol = p - start;
      recBodyCol[r] = bodyCol < 0xffff ? bodyCol : 0xffff;
      recLevel[r] = NO_LEVEL;
      recSeverity[r] = flags === 0 ? Severity.Info : flagSeverity(flags);
      const wall = stamps.wall;
      recWall[r] = wall;
      prevWall = wall;
      recFlags[r] = flags;
      if (!keyless) recSession[r] = s; // keyless: 0 already, its pages left untouched
      if (sessionRecordCount[s] === 0) sessionFirst[s] = r;
      sessionLast[s] = r;
      sessionRecordCount[s]++;
      r++;
      line++;
      pos = nl + 1;
    }
    endFastScan(out, r, line, prevWall, base, pos);
    return pos;
  }
}
