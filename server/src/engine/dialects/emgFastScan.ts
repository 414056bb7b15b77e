// The index's hot loop for EMG connector logs (Dialect.createFastScan): EmgParser.header() and
// RecordStore.addRecord fused, statement for statement, for connector records. Any other line (a
// malformed header, a continuation line, blanks before a stamp, the records of pdu, profiling and
// general logs) stops it: the index reads that line through the parser.
import { LF } from '../bytes';
import { HeaderScratch, NO_LEVEL, Severity } from '../types';
import type { FastRecords, FastScan } from '../types';
import { connectorHead, flagSeverity, HEAD_CLOSE, HEAD_EVENT, HEAD_LENGTH } from './emg';
import type { EmgParser } from './emg';
import { endFastScan } from '../fastScanEnd';

export class EmgFastScan implements FastScan {
  private readonly head = new Int32Array(HEAD_LENGTH);
  /** Where the parser composes a keyed record's session key. */
  private readonly key = new HeaderScratch();

  constructor(private readonly parser: EmgParser) {}

  scan(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
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
