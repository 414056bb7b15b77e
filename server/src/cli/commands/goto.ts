import { goToTime } from '../../engine';
import { openIndex, UsageError } from '../args';
import type { Command } from './command';

export const goto: Command = {
  name: 'goto',
  usage: 'msglog goto FILE TIME                       1-based line of the record, exit 1 if none',
  run(args, out) {
    const time = args.positional[1];
    if (!time) throw new UsageError('missing TIME');
    const index = openIndex(args);
    const r = goToTime(index, time);
    if (r < 0) {
      process.stderr.write(`msglog: no record at or after ${time}\n`);
      return 1;
    }
    out.write(`${index.recStartLine[r] + 1}\n`);
    return 0;
  },
};
