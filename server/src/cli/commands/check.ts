import { diagnostics } from '../../engine';
import { bool, openIndex } from '../args';
import type { Command } from './command';

export const check: Command = {
  name: 'check',
  usage: 'msglog check FILE [--json]                  diagnostics, every one, in line order',
  boolFlags: ['--json'],
  run(args, out) {
    const index = openIndex(args);
    const json = bool(args, '--json');
    if (json) out.write(`{"dialect":${JSON.stringify(index.dialect.id)},"diagnostics":[`);
    let n = 0;
    for (const d of diagnostics(index)) {
      if (json) {
        const item = { line: d.line + 1, endLine: d.endLine + 1, severity: d.severity, code: d.code, message: d.message };
        out.write(`${n ? ',' : ''}\n${JSON.stringify(item)}`);
      } else {
        out.write(`${d.line + 1}: ${d.severity} ${d.code}: ${d.message}\n`);
      }
      n++;
    }
    if (json) out.write('\n]}\n');
    return 0;
  },
};
