import { plural, problems as describeProblems } from '../../../../common/describe';
import { sessionSummary } from '../../engine';
import { bool, openIndex } from '../args';
import type { Command } from './command';

export const sessions: Command = {
  name: 'sessions',
  usage: 'msglog sessions FILE [--json]               sessions in order of first record',
  boolFlags: ['--json'],
  run(args, out) {
    const index = openIndex(args);
    const json = bool(args, '--json');
    // One session at a time: a day's log has millions of them, so none are gathered in a list.
    if (json) out.write(`{"dialect":${JSON.stringify(index.dialect.id)},"sessions":[`);
    for (let id = 0; id < index.sessionCount; id++) {
      const s = sessionSummary(index, id);
      if (json) {
        const item = { key: s.key, component: s.component, firstLine: s.firstLine + 1, lastLine: s.lastLine + 1, records: s.records, start: s.start, end: s.end, problems: s.problems };
        out.write(`${id ? ',' : ''}\n${JSON.stringify(item)}`);
        continue;
      }
      const problems = s.problems ? `  ${describeProblems(s.problems)}` : '';
      const dialog = s.dialog ? `  dialog ${s.dialog}` : '';
      out.write(`${s.key}\t${s.start} – ${s.end}\t${plural(s.records, 'record')}\tlines ${s.firstLine + 1}-${s.lastLine + 1}${problems}${dialog}\n`);
    }
    if (json) out.write('\n]}\n');
    return 0;
  },
};
