import { problems as describeProblems } from '../../../../common/describe';
import { CHUNK_BYTES, JsonBytes, sessionSummary, sessionsInMergedOrder } from '../../engine';
import type { LogIndex, LogSet } from '../../engine';
import type { Output } from '../output';
import { bool } from '../args';
import { exitStatus, openLogs } from '../inputs';
import type { Command } from './command';

/** Keys longer than this do not widen the key column for every row (one odd key would). */
const KEY_COLUMN_MAX = 40;

export const sessions: Command = {
  name: 'sessions',
  usage: 'msglog sessions FILE… [--json]              sessions in order of first record',
  examples: [
    'msglog sessions 2026-01-15.log                   # key, earliest – latest time, records, lines, problems',
    'msglog sessions 2026-01-15.log | grep problem    # the sessions with problems',
    "msglog sessions imap.log --json | jq '.sessions | sort_by(-.problems) | .[:10]'",
  ],
  boolFlags: ['--json'],
  async run(args, out) {
    // Sessions are listed from their first and last records: the others need not be kept.
    const logs = await openLogs(args, args.positional, { sessionEnds: true });
    if (!logs) return 2;
    const { set, prefixed } = logs;
    const json = bool(args, '--json');
    if (json) {
      writeJson(set, prefixed, out);
      return exitStatus(logs, 0);
    }
    const columns = columnWidths(set);
    // One session at a time: a day's log has millions of them, so none are gathered in a list.
    for (const [src, id] of sessionsInMergedOrder(set)) {
      const source = set.sources[src];
      const index = source.index;
      const s = sessionSummary(index, id);
      const first = source.locateRecord(index.sessionFirst[id]);
      const lastRecord = index.sessionLast[id];
      const last = source.locate(index.endLineOf(lastRecord), index.endOffsetOf(lastRecord) - 1);
      const firstLine = first.line + 1;
      const lastLine = last.line + 1;
      const file = source.files[first.file].display;
      const lastFile = source.files[last.file].display;
      // Earliest – latest, also in a table exported newest first (its first record is the latest).
      const [from, to] = index.descending ? [s.end, s.start] : [s.start, s.end];
      const records = `${String(s.records).padStart(columns.records)} record${s.records === 1 ? ' ' : 's'}`;
      const lines = !prefixed ? `lines ${firstLine}-${lastLine}` : file === lastFile ? `${file}:${firstLine}-${lastLine}` : `${file}:${firstLine}-${lastFile}:${lastLine}`;
      const problems = s.problems ? `  ${describeProblems(s.problems)}` : '';
      const dialog = s.dialog ? `  dialog ${s.dialog}` : '';
      const row = `${s.key.padEnd(columns.key)}  ${from.padEnd(columns.time)} – ${to.padEnd(columns.time)}  ${records}  ${lines.padEnd(columns.lines)}${problems}${dialog}`;
      out.write(`${row.trimEnd()}\n`);
    }
    return exitStatus(logs, 0);
  },
};

/**
 * Column widths from facts that cost no record reads: key lengths (interned), the largest record
 * count and line number, and each source's first timestamp (a log writes all its times alike).
 */
function columnWidths(set: LogSet): { key: number; time: number; records: number; lines: number } {
  let key = 0;
  let records = 1;
  let time = 0;
  let lineCount = 1;
  for (const { index } of set.sources) {
    for (let id = 0; id < index.sessionCount; id++) {
      key = Math.max(key, Math.min(KEY_COLUMN_MAX, index.sessionKey(id).length));
      records = Math.max(records, index.sessionRecordCount[id]);
    }
    if (index.recordCount > 0) time = Math.max(time, index.timestampText(0).length);
    lineCount = Math.max(lineCount, index.lineCount);
  }
  return { key, time, records: String(records).length, lines: 6 + 2 * String(lineCount).length + 1 };
}

/** Fixed JSON text encoded once, for JsonBytes.raw. */
function token(ascii: string): Buffer {
  return Buffer.from(ascii, 'latin1');
}

// The fixed parts of a session's JSON, encoded once.
const FIRST_KEY = token('\n{"key":');
const NEXT_KEY = token(',\n{"key":');
const T_COMPONENT = token(',"component":');
const T_FIRSTLINE = token(',"firstLine":');
const T_LASTLINE = token(',"lastLine":');
const T_RECORDS = token(',"records":');
const T_START = token(',"start":');
const T_END = token(',"end":');
const T_PROBLEMS = token(',"problems":');
const T_FILE = token(',"file":');
const T_LASTFILE = token(',"lastFile":');
const T_SOURCE = token(',"source":');
const T_DIALECT = token(',"dialect":');
const CLOSE = token('}');
const OPEN_DIALECT = token('{"dialect":');
const OPEN_SESSIONS = token(',"sessions":[');
const CLOSE_ALL = token('\n]}\n');
const QUOTE = 0x22;

/**
 * `{"dialect":…,"sessions":[…]}` with one line per session, as JSON.stringify would write each
 * session's summary, but written from the index's arrays into byte buffers (a day's log has over a
 * million sessions: an object and a JSON.stringify each took seconds).
 */
function writeJson(set: LogSet, prefixed: boolean, out: Output): void {
  const mixed = set.dialect === 'mixed';
  // The export's writer: chunks are written out as they fill, synchronously, and its buffer reused.
  const w = new JsonBytes();
  const flushFull = (): void => {
    if (w.pos >= CHUNK_BYTES)
      w.drain((bytes) => {
        out.bytes(bytes);
        out.flush();
      });
  };
  w.raw(OPEN_DIALECT);
  w.string(set.dialect);
  w.raw(OPEN_SESSIONS);
  const writers = set.sources.map((source) => new SessionJson(source, w, prefixed, mixed));
  if (set.sources.length === 1 && numberedInOrder(set.sources[0].index)) {
    // One source: its merged order is its record order, and sessions are numbered by first record.
    const writer = writers[0];
    const count = set.sources[0].index.sessionCount;
    for (let id = 0; id < count; id++) {
      writer.write(id, id === 0);
      flushFull();
    }
  } else {
    let n = 0;
    for (const [src, id] of sessionsInMergedOrder(set)) {
      writers[src].write(id, n++ === 0);
      flushFull();
    }
  }
  w.raw(CLOSE_ALL);
  out.bytes(w.take());
}

/** Writes the sessions of one source, with what is the same for all of them looked up once. */
class SessionJson {
  private readonly index: LogIndex;
  private readonly oneFile: boolean;

  constructor(
    private readonly source: LogSet['sources'][number],
    private readonly w: JsonBytes,
    private readonly prefixed: boolean,
    private readonly mixed: boolean,
  ) {
    this.index = source.index;
    this.oneFile = source.files.length === 1;
  }

  write(id: number, firstOfAll: boolean): void {
    const { w, index } = this;
    const first = index.sessionFirst[id];
    const last = index.sessionLast[id];
    w.raw(firstOfAll ? FIRST_KEY : NEXT_KEY);
    const key = index.keys.boundsOf(id);
    w.key(key.pool, key.start, key.end);
    w.raw(T_COMPONENT);
    w.string(index.componentOf(id));
    const lastLine = index.endLineOf(last);
    let firstFile = 0;
    let lastFile = 0;
    w.raw(T_FIRSTLINE);
    if (this.oneFile) {
      w.int(index.recStartLine[first] + 1);
      w.raw(T_LASTLINE);
      w.int(lastLine + 1);
    } else {
      const a = this.source.locateRecord(first);
      const b = this.source.locate(lastLine, index.endOffsetOf(last) - 1);
      firstFile = a.file;
      lastFile = b.file;
      w.int(a.line + 1);
      w.raw(T_LASTLINE);
      w.int(b.line + 1);
    }
    w.raw(T_RECORDS);
    w.int(index.sessionRecordCount[id]);
    w.raw(T_START);
    const start = this.stamp(first);
    w.raw(T_END);
    // A session of one record (most are) starts and ends with the same stamp: a stamp read from the log is read once.
    this.stamp(last, last === first ? start : undefined);
    w.raw(T_PROBLEMS);
    w.int(index.sessionProblems[id]);
    if (this.prefixed) {
      const files = this.source.files;
      w.raw(T_FILE);
      w.string(files[firstFile].display);
      w.raw(T_LASTFILE);
      w.string(files[lastFile].display);
      w.raw(T_SOURCE);
      w.string(this.source.name);
    }
    if (this.mixed) {
      w.raw(T_DIALECT);
      w.string(index.dialect.id);
    }
    w.raw(CLOSE);
  }

  /**
   * Record r's stamp as a JSON string: written in place where the dialect rebuilds it from the arrays
   * (no string made; returns undefined), else `text` or timestampText (returned, for the same record again).
   */
  private stamp(r: number, text?: string): string | undefined {
    const w = this.w;
    if (text === undefined) {
      w.ensure(18);
      const end = this.index.stampBytes(r, w.buf, w.pos + 1);
      if (end >= 0) {
        w.buf[w.pos] = QUOTE;
        w.buf[end] = QUOTE;
        w.pos = end + 1;
        return undefined;
      }
    }
    const stamp = text ?? this.index.timestampText(r);
    w.string(stamp);
    return stamp;
  }
}

/** Whether the sessions' first records ascend with their numbers. */
function numberedInOrder(index: LogIndex): boolean {
  const first = index.sessionFirst;
  for (let id = 1; id < index.sessionCount; id++) if (first[id] <= first[id - 1]) return false;
  return true;
}
