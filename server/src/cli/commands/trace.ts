import { traceMessage } from '../../engine';
import { bool } from '../args';
import { exitStatus, filesBefore, openLogs, writeRecord } from '../inputs';
import type { Command } from './command';

export const trace: Command = {
  name: 'trace',
  usage: `msglog trace FILE… ID [--sessions] [--json]   every record that handled one message, in time order
                (CommuniGate queue id, Message-ID or address; EMG message id or phone number)`,
  boolFlags: ['--sessions', '--json', '--line-numbers'],
  async run(args, out) {
    const { files, last: id } = filesBefore(args, 'ID');
    const logs = await openLogs(args, files);
    if (!logs) return 2;
    const { set } = logs;
    const result = traceMessage(set, id, { sessions: bool(args, '--sessions') });
    const { positions } = result;
    if (bool(args, '--json')) {
      out.write(`{"id":${JSON.stringify(id)},"records":[`);
      positions.forEach((p, i) => {
        const s = set.order.src[p];
        const r = set.order.rec[p];
        const source = set.sources[s];
        const ix = source.index;
        const at = source.locateRecord(r);
        const session = ix.recSession[r];
        const item = { file: source.files[at.file].display, line: at.line + 1, time: ix.timestampText(r), session: ix.sessionKey(session), component: ix.componentOf(session), text: ix.headerLine(r) };
        out.write(`${i ? ',' : ''}\n${JSON.stringify(item)}`);
      });
      out.write('\n]}\n');
    } else {
      const numbers = bool(args, '--line-numbers');
      for (const p of positions) writeRecord(out, logs, set.order.src[p], set.order.rec[p], numbers);
    }
    return exitStatus(logs, positions.length > 0 ? 0 : 1);
  },
};
