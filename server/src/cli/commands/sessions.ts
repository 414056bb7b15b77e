import { sessionSummary } from '../../engine';
import type { LogIndex } from '../../engine';
import { bool, openIndex } from '../args';
import type { Command } from './command';

/** Keys longer than this do not widen the key column for every row (one odd key would). */
const KEY_COLUMN_MAX = 40;

const digits = (n: number): number => String(n).length;

export const sessions: Command = {
  name: 'sessions',
  usage: 'msglog sessions FILE [--json]               sessions in order of first record',
  examples: [
    'msglog sessions 2026-01-15.log                   # key, earliest – latest time, records, lines, problems',
    "msglog sessions 2026-01-15.log | grep problem    # the sessions with problems",
    "msglog sessions imap.log --json | jq '.sessions | sort_by(-.problems) | .[:10]'",
  ],
  boolFlags: ['--json'],
  run(args, out) {
    const index = openIndex(args);
    const json = bool(args, '--json');
    // One session at a time: a day's log has millions of them, so none are gathered in a list.
    if (json) {
      out.write(`{"dialect":${JSON.stringify(index.dialect.id)},"sessions":[`);
      for (let id = 0; id < index.sessionCount; id++) {
        const s = sessionSummary(index, id);
        const item = { key: s.key, component: s.component, firstLine: s.firstLine + 1, lastLine: s.lastLine + 1, records: s.records, start: s.start, end: s.end, problems: s.problems };
        out.write(`${id ? ',' : ''}\n${JSON.stringify(item)}`);
      }
      out.write('\n]}\n');
      return 0;
    }
    const columns = columnWidths(index);
    for (let id = 0; id < index.sessionCount; id++) {
      const s = sessionSummary(index, id);
      // Earliest – latest, also in a table exported newest first (its first record is the latest).
      const [from, to] = index.descending ? [s.end, s.start] : [s.start, s.end];
      const records = `${String(s.records).padStart(columns.records)} record${s.records === 1 ? ' ' : 's'}`;
      const lines = `lines ${`${s.firstLine + 1}-${s.lastLine + 1}`.padEnd(columns.lines)}`;
      const problems = s.problems ? `  ${s.problems} problem${s.problems === 1 ? '' : 's'}` : '';
      const dialog = s.dialog ? `  dialog ${s.dialog}` : '';
      const row = `${s.key.padEnd(columns.key)}  ${from.padEnd(columns.time)} – ${to.padEnd(columns.time)}  ${records}  ${lines}${problems}${dialog}`;
      out.write(`${row.trimEnd()}\n`);
    }
    return 0;
  },
};

/**
 * Column widths from facts that cost no record reads: key lengths (interned), the largest record
 * count and line number, and the first record's timestamp (a log writes all its times alike).
 */
function columnWidths(index: LogIndex): { key: number; time: number; records: number; lines: number } {
  let key = 0;
  let records = 1;
  for (let id = 0; id < index.sessionCount; id++) {
    key = Math.max(key, Math.min(KEY_COLUMN_MAX, index.sessionKey(id).length));
    records = Math.max(records, index.sessionRecords[id]);
  }
  const time = index.recordCount > 0 ? index.timestampText(0).length : 0;
  return { key, time, records: digits(records), lines: 2 * digits(index.lineCount) + 1 };
}
