import { goToTime } from '../../engine';
import { openIndex, UsageError } from '../args';
import type { Command } from './command';

export const goto: Command = {
  name: 'goto',
  usage: 'msglog goto FILE TIME                       1-based line of the record, exit 1 if none',
  examples: ['msglog goto 2026-01-15.log 12:30             # the line of the first record at or after 12:30', 'msglog goto imap.log "2026-01-15 10:05:00"    # a date-time, in the log\'s own offset', 'vi +$(msglog goto 2026-01-15.log 14:00) 2026-01-15.log'],
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
