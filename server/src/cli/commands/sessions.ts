import { problems as describeProblems } from '../../../../common/describe';
import { sessionSummary, sessionsInMergedOrder } from '../../engine';
import type { LogSet } from '../../engine';
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
    const logs = await openLogs(args, args.positional);
    if (!logs) return 2;
    const { set, prefixed } = logs;
    const json = bool(args, '--json');
    const mixed = set.dialect === 'mixed';
    const columns = json ? undefined : columnWidths(set);
    // One session at a time: a day's log has millions of them, so none are gathered in a list.
    if (json) out.write(`{"dialect":${JSON.stringify(set.dialect)},"sessions":[`);
    let n = 0;
    for (const [src, id] of sessionsInMergedOrder(set)) {
      const source = set.sources[src];
      const index = source.index;
      const s = sessionSummary(index, id);
      const first = source.locateRecord(index.sessionFirst[id]);
      const lastRecord = index.sessionLast[id];
      const last = source.locate(index.recEndLine[lastRecord], index.recEndOffset[lastRecord] - 1);
      const firstLine = first.line + 1;
      const lastLine = last.line + 1;
      const file = source.files[first.file].display;
      const lastFile = source.files[last.file].display;
      if (json || !columns) {
        const item: Record<string, unknown> = { key: s.key, component: s.component, firstLine, lastLine, records: s.records, start: s.start, end: s.end, problems: s.problems };
        if (prefixed) Object.assign(item, { file, lastFile, source: source.name });
        if (mixed) item.dialect = index.dialect.id;
        out.write(`${n++ ? ',' : ''}\n${JSON.stringify(item)}`);
        continue;
      }
      // Earliest – latest, also in a table exported newest first (its first record is the latest).
      const [from, to] = index.descending ? [s.end, s.start] : [s.start, s.end];
      const records = `${String(s.records).padStart(columns.records)} record${s.records === 1 ? ' ' : 's'}`;
      const lines = !prefixed ? `lines ${firstLine}-${lastLine}` : file === lastFile ? `${file}:${firstLine}-${lastLine}` : `${file}:${firstLine}-${lastFile}:${lastLine}`;
      const problems = s.problems ? `  ${describeProblems(s.problems)}` : '';
      const dialog = s.dialog ? `  dialog ${s.dialog}` : '';
      const row = `${s.key.padEnd(columns.key)}  ${from.padEnd(columns.time)} – ${to.padEnd(columns.time)}  ${records}  ${lines.padEnd(columns.lines)}${problems}${dialog}`;
      out.write(`${row.trimEnd()}\n`);
    }
    if (json) out.write('\n]}\n');
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
