import { plural, problems as describeProblems } from '../../../../common/describe';
import { sessionSummary, sessionsInMergedOrder } from '../../engine';
import { bool } from '../args';
import { exitStatus, openLogs } from '../inputs';
import type { Command } from './command';

export const sessions: Command = {
  name: 'sessions',
  usage: 'msglog sessions FILE… [--json]              sessions in order of first record',
  boolFlags: ['--json'],
  async run(args, out) {
    const logs = await openLogs(args, args.positional);
    if (!logs) return 2;
    const { set, prefixed } = logs;
    const json = bool(args, '--json');
    const mixed = set.dialect === 'mixed';
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
      if (json) {
        const item: Record<string, unknown> = { key: s.key, component: s.component, firstLine, lastLine, records: s.records, start: s.start, end: s.end, problems: s.problems };
        if (prefixed) Object.assign(item, { file, lastFile, source: source.name });
        if (mixed) item.dialect = index.dialect.id;
        out.write(`${n++ ? ',' : ''}\n${JSON.stringify(item)}`);
        continue;
      }
      const problems = s.problems ? `  ${describeProblems(s.problems)}` : '';
      const dialog = s.dialog ? `  dialog ${s.dialog}` : '';
      const lines = !prefixed ? `lines ${firstLine}-${lastLine}` : file === lastFile ? `${file}:${firstLine}-${lastLine}` : `${file}:${firstLine}-${lastFile}:${lastLine}`;
      out.write(`${s.key}\t${s.start} – ${s.end}\t${plural(s.records, 'record')}\t${lines}${problems}${dialog}\n`);
    }
    if (json) out.write('\n]}\n');
    return exitStatus(logs, 0);
  },
};
