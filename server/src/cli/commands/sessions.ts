import { CHUNK_BYTES, CLOSE_ALL, JsonBytes, OPEN_DIALECT, OPEN_SESSIONS, rowWidths, SessionJson, SessionRows, sessionsInMergedOrder } from '../../engine';
import type { LogIndex, LogSet } from '../../engine';
import type { Output } from '../output';
import { bool } from '../args';
import { exitStatus, openLogs } from '../inputs';
import type { Command } from './command';

export const sessions: Command = {
  name: 'sessions',
  usage: 'msglog sessions FILE… [--json]              sessions in order of first record',
  examples: [
    'msglog sessions 2026-01-15.log                   # key, earliest – latest time, records, lines, problems',
    'msglog sessions 2026-01-15.log | grep problem    # the sessions with problems',
    "msglog sessions imap.log --json | jq '.sessions | sort_by(-.problems) | .[:10]'",
  ],
  boolFlags: ['--json'],
  // A large log's list is gathered in halves on two threads (windowedSessions.ts), as JSON and as text.
  partedIndex: () => 'keyed',
  async run(args, out) {
    // Sessions are listed from their first and last records: the others need not be kept.
    const json = bool(args, '--json');
    const logs = await openLogs(args, args.positional, { sessionEnds: true, sessionList: json ? 'json' : 'text' });
    if (!logs) return 2;
    const { set, prefixed } = logs;
    if (json) {
      writeJson(set, prefixed, out);
      return exitStatus(logs, 0);
    }
    writeRows(set, prefixed, out);
    return exitStatus(logs, 0);
  },
};

/**
 * `{"dialect":…,"sessions":[…]}` with one line per session, as JSON.stringify would write each
 * session's summary, but written from the index's arrays into byte buffers (a day's log has over a
 * million sessions: an object and a JSON.stringify each took seconds).
 */
function writeJson(set: LogSet, prefixed: boolean, out: Output): void {
  const mixed = set.dialect === 'mixed';
  // The export's writer: chunks are written out as they fill, synchronously, and its buffer reused.
  const w = new JsonBytes();
  w.raw(OPEN_DIALECT);
  w.string(set.dialect);
  w.raw(OPEN_SESSIONS);
  const writers = set.sources.map((source) => new SessionJson(source.index, source, w, prefixed, mixed));
  const later = set.sources.length === 1 ? set.sources[0].index.laterSessionsJson : undefined;
  writeSessions(set, w, out, (src, id, n) => writers[src].write(id, n === 0), later);
  w.raw(CLOSE_ALL);
  out.bytes(w.take());
}

/**
 * One row per session (SessionRows), in order of first record, written from the index's arrays into
 * byte buffers: one session at a time, none gathered in a list.
 */
function writeRows(set: LogSet, prefixed: boolean, out: Output): void {
  const w = new JsonBytes();
  // A large log's back half: its new sessions' rows written by the worker, every row as wide as the list needs (windowedSessions.ts).
  const later = set.sources.length === 1 ? set.sources[0].index.laterSessionRows : undefined;
  const widths = later?.widths ?? rowWidths(set.sources.map((source) => source.index));
  const writers = set.sources.map((source) => new SessionRows(source.index, source, w, prefixed, widths));
  writeSessions(set, w, out, (src, id) => writers[src].write(id), later?.chunks);
  out.bytes(w.take());
}

/**
 * Every session's line in order of first record, `write` writing the `n`th (session `id` of source `src`)
 * into `w`, written out as chunks fill; then, after this thread's own, the lines a worker wrote of the
 * sessions that begin in a large log's back half (`later`: windowedSessions.ts).
 */
function writeSessions(set: LogSet, w: JsonBytes, out: Output, write: (src: number, id: number, n: number) => void, later: (() => Iterable<Uint8Array>) | undefined): void {
  const flush = (): void =>
    w.drain((bytes) => {
      out.bytes(bytes);
      out.flush();
    });
  if (set.sources.length === 1 && numberedInOrder(set.sources[0].index)) {
    // One source: its merged order is its record order, and sessions are numbered by first record.
    const count = set.sources[0].index.sessionCount;
    for (let id = 0; id < count; id++) {
      write(0, id, id);
      if (w.pos >= CHUNK_BYTES) flush();
    }
    if (later !== undefined) {
      // Written out now: drain's buffer is written on after it.
      flush();
      // Each written out before the next is asked for: the worker writes its next chunk over it.
      for (const chunk of later()) {
        out.bytes(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
        out.flush();
      }
    }
  } else {
    let n = 0;
    for (const [src, id] of sessionsInMergedOrder(set)) {
      write(src, id, n++);
      if (w.pos >= CHUNK_BYTES) flush();
    }
  }
}

/** Whether the sessions' first records ascend with their numbers. */
function numberedInOrder(index: LogIndex): boolean {
  const first = index.sessionFirst;
  for (let id = 1; id < index.sessionCount; id++) if (first[id] <= first[id - 1]) return false;
  return true;
}
