import { diagnostics } from '../../engine';
import { bool } from '../args';
import { exitStatus, openLogs } from '../inputs';
import type { Command } from './command';

export const check: Command = {
  name: 'check',
  usage: 'msglog check FILE… [--json]                 diagnostics, every one, in line order (file by file)',
  boolFlags: ['--json'],
  async run(args, out) {
    const logs = await openLogs(args, args.positional);
    if (!logs) return 2;
    const { set, prefixed } = logs;
    const json = bool(args, '--json');
    if (json) out.write(`{"dialect":${JSON.stringify(set.dialect)},"diagnostics":[`);
    let n = 0;
    // File by file: sources in argument order, the files of a rotated log in reading order.
    for (const source of set.sources) {
      const markerAt = new Map(source.index.overflow.map((run) => [run.startLine, run.startOffset]));
      for (const d of diagnostics(source.index)) {
        const offset = d.record >= 0 ? source.index.recStartOffset[d.record] : markerAt.get(d.line) ?? 0;
        const at = source.locate(d.line, offset);
        const line = at.line + 1;
        const endLine = line + (d.endLine - d.line);
        const file = source.files[at.file].display;
        if (json) {
          const item: Record<string, unknown> = { line, endLine, severity: d.severity, code: d.code, message: d.message };
          if (prefixed) item.file = file;
          out.write(`${n ? ',' : ''}\n${JSON.stringify(item)}`);
        } else {
          out.write(`${prefixed ? `${file}:` : ''}${line}: ${d.severity} ${d.code}: ${d.message}\n`);
        }
        n++;
      }
    }
    if (json) out.write('\n]}\n');
    return exitStatus(logs, 0);
  },
};

