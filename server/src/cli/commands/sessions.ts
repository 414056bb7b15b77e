import { problems as describeProblems } from '../../../../common/describe';
import { CHUNK_BYTES, CLOSE_ALL, JsonBytes, OPEN_DIALECT, OPEN_SESSIONS, SessionJson, sessionSummary, sessionsInMergedOrder } from '../../engine';
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
  // A list as JSON reads a large log's halves on two threads (windowedSessions.ts); text, on one.
  partedIndex: (args) => (bool(args, '--json') ? 'keyed' : undefined),
  async run(args, out) {
    // Sessions are listed from their first and last records: the others need not be kept.
    const json = bool(args, '--json');
    const logs = await openLogs(args, args.positional, { sessionEnds: true, sessionsJson: json });
    if (!logs) return 2;
    const { set, prefixed } = logs;
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
  const writers = set.sources.map((source) => new SessionJson(source.index, source, w, prefixed, mixed));
  if (set.sources.length === 1 && numberedInOrder(set.sources[0].index)) {
    // One source: its merged order is its record order, and sessions are numbered by first record.
    const writer = writers[0];
    const count = set.sources[0].index.sessionCount;
    for (let id = 0; id < count; id++) {
      writer.write(id, id === 0);
      flushFull();
    }
    // The sessions a worker wrote, that follow these (a large log's back half: windowedSessions.ts).
    const later = set.sources[0].index.laterSessionsJson?.();
    if (later !== undefined) {
      // Written out now: drain's buffer is written on after it.
      w.drain((bytes) => {
        out.bytes(bytes);
        out.flush();
      });
      // Each written out before the next is asked for: the worker writes its next chunk over it.
      for (const chunk of later) {
        out.bytes(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
        out.flush();
      }
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

/** Whether the sessions' first records ascend with their numbers. */
function numberedInOrder(index: LogIndex): boolean {
  const first = index.sessionFirst;
  for (let id = 1; id < index.sessionCount; id++) if (first[id] <= first[id - 1]) return false;
  return true;
}
