import { diagnostics } from '../../engine';
import { bool, openIndex, str, UsageError } from '../args';
import type { Command } from './command';

/**
 * Exit status as linters have it, for cron and CI: 1 when an error-severity diagnostic was found or
 * the warnings exceed --max-warnings N (no limit without it), else 0.
 */
export const check: Command = {
  name: 'check',
  usage: `msglog check FILE [--json] [--max-warnings N]
                                            diagnostics, every one, in line order; exit 1 when
                                            one is an error or warnings exceed N`,
  examples: [
    'msglog check 2026-01-15.log                      # every problem, crash, failure, time regression',
    'msglog check 2026-01-15.log --max-warnings 0     # exit 1 on any warning too (a CI gate)',
    'msglog check imap.log --json | jq \'.diagnostics[] | select(.severity == "error")\'',
  ],
  valueFlags: ['--max-warnings'],
  boolFlags: ['--json'],
  run(args, out) {
    const maxText = str(args, '--max-warnings');
    const maxWarnings = maxText === undefined ? Infinity : Number(maxText);
    if (maxText !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0)) throw new UsageError(`--max-warnings needs a whole number ≥ 0, not "${maxText}"`);
    const index = openIndex(args);
    const json = bool(args, '--json');
    let errors = 0;
    let warnings = 0;
    if (json) out.write(`{"dialect":${JSON.stringify(index.dialect.id)},"diagnostics":[`);
    let n = 0;
    for (const d of diagnostics(index)) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      if (json) {
        const item = { line: d.line + 1, endLine: d.endLine + 1, severity: d.severity, code: d.code, message: d.message };
        out.write(`${n ? ',' : ''}\n${JSON.stringify(item)}`);
      } else {
        out.write(`${d.line + 1}: ${d.severity} ${d.code}: ${d.message}\n`);
      }
      n++;
    }
    if (json) out.write('\n]}\n');
    return errors > 0 || warnings > maxWarnings ? 1 : 0;
  },
};
