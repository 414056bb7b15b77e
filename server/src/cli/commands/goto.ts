import { goToTimeInSet } from '../../engine';
import { exitStatus, filesBefore, openLogs, warn } from '../inputs';
import type { Command } from './command';

export const goto: Command = {
  name: 'goto',
  usage: 'msglog goto FILE… TIME                      1-based line of the record (PATH:N with several), exit 1 if none',
  async run(args, out) {
    const { files, last: time } = filesBefore(args, 'TIME');
    const logs = await openLogs(args, files);
    if (!logs) return 2;
    const p = goToTimeInSet(logs.set, time);
    if (p < 0) {
      warn(`no record at or after ${time}`);
      return exitStatus(logs, 1);
    }
    const source = logs.set.sources[logs.set.order.src[p]];
    const at = source.locateRecord(logs.set.order.rec[p]);
    out.write(logs.prefixed ? `${source.files[at.file].display}:${at.line + 1}\n` : `${at.line + 1}\n`);
    return exitStatus(logs, 0);
  },
};
