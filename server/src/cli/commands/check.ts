import { CheckHeads, diagnosticFacts, writeCheckLine, writeLaterLines } from '../../engine';
import type { CheckCounts } from '../../engine';
import { bool, str, UsageError } from '../args';
import { exitStatus, openLogs } from '../inputs';
import type { Command } from './command';

/**
 * Exit status as linters have it, for cron and CI: 1 when an error-severity diagnostic was found or
 * the warnings exceed --max-warnings N (no limit without it), else 0 (2 when a file was unreadable).
 */
export const check: Command = {
  name: 'check',
  usage: `msglog check FILE… [--json] [--max-warnings N]
                                            diagnostics, every one, in line order (file by file);
                                            exit 1 when one is an error or warnings exceed N`,
  examples: [
    'msglog check 2026-01-15.log                      # every problem, crash, failure, time regression',
    'msglog check 2026-01-15.log --max-warnings 0     # exit 1 on any warning too (a CI gate)',
    'msglog check imap.log --json | jq \'.diagnostics[] | select(.severity == "error")\'',
  ],
  valueFlags: ['--max-warnings'],
  partedIndex: () => 'keyless',
  boolFlags: ['--json'],
  async run(args, out) {
    const maxText = str(args, '--max-warnings');
    const maxWarnings = maxText === undefined ? Infinity : Number(maxText);
    if (maxText !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0)) throw new UsageError(`--max-warnings needs a whole number ≥ 0, not "${maxText}"`);
    // Every problem is quoted: their lines are kept while the log is scanned, not read back after.
    // Diagnostics are of records, never of sessions: no key is interned (BuildOptions.keyless).
    // One large file on two threads is checked window by window, each thread writing its half's lines
    // (windowedCheck.ts); otherwise on several threads the workers' parts are read where they were
    // indexed (BuildOptions.segments), on two the worker writing their lines (BuildOptions.checkFormat).
    const json = bool(args, '--json');
    const logs = await openLogs(args, args.positional, { problemLines: true, keyless: true, segments: true, checkJson: json });
    if (!logs) return 2;
    const { set, prefixed } = logs;
    if (json) out.write(`{"dialect":${JSON.stringify(set.dialect)},"diagnostics":[`);
    const counts: CheckCounts = { errors: 0, warnings: 0, written: 0 };
    // File by file: sources in argument order, the files of a rotated log in reading order.
    for (const source of set.sources) {
      // Checked window by window on two threads (one large file): its lines were written as it was read.
      const windowed = source.index.windowedCheckLines;
      if (windowed !== undefined) writeLaterLines(out, json, windowed, counts);
      else {
        const markerAt = new Map(source.index.segments().flatMap((segment) => segment.overflow.map((run) => [run.startLine, run.startOffset])));
        const heads = new CheckHeads();
        diagnosticFacts(source.index, (d) => {
          const offset = d.record >= 0 ? d.index.recStartOffset[d.record] : markerAt.get(d.line) ?? 0;
          const at = source.locate(d.line, offset);
          const line = at.line + 1;
          writeCheckLine(out, json, prefixed ? source.files[at.file].display : undefined, line, line + (d.endLine - d.line), d, heads, counts);
        });
      }
      const later = source.index.laterCheckLines?.();
      if (later !== undefined) writeLaterLines(out, json, later, counts);
    }
    if (json) out.write('\n]}\n');
    const { errors, warnings } = counts;
    return exitStatus(logs, errors > 0 || warnings > maxWarnings ? 1 : 0);
  },
};
