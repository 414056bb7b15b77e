import * as fs from 'fs';
import * as path from 'path';
import { buildReport, picturesOf, SEVERITY_NAMES, timeHistogram } from '../../engine';
import type { LogReport } from '../../engine';
import { bool, str, UsageError } from '../args';
import { exitStatus, openLogs } from '../inputs';
import { reportHtml } from '../reportHtml';
import { reportText } from '../reportText';
import type { Command } from './command';

export const report: Command = {
  name: 'report',
  usage: 'msglog report FILE… [--json] [--html OUT]   summary: severities, components, hours, top problems',
  boolFlags: ['--json'],
  valueFlags: ['--html'],
  async run(args, out) {
    const html = str(args, '--html');
    if (html !== undefined) checkOutput(html, args.positional);
    const logs = await openLogs(args, args.positional);
    if (!logs) return 2;
    const files = picturesOf(logs.set);
    const result = buildReport(files);
    if (html !== undefined) {
      try {
        fs.writeFileSync(html, reportHtml(result, timeHistogram(files, 72)));
      } catch (e) {
        throw new UsageError(`cannot write ${html}: ${(e as Error).message}`);
      }
    }
    if (bool(args, '--json')) out.write(`${JSON.stringify(reportJson(result))}\n`);
    else if (html === undefined) out.write(reportText(result));
    return exitStatus(logs, 0);
  },
};

/** The JSON shape (FORMATS §12): lines 1-based, problems with their file. */
export function reportJson(r: LogReport): object {
  return {
    dialects: r.dialects,
    records: r.records,
    sessions: r.sessions,
    bySeverity: r.bySeverity,
    byComponent: r.byComponent,
    perHour: r.perHour.map((h) => ({ hour: h.hour, ...Object.fromEntries(SEVERITY_NAMES.map((s) => [s, h[s]])) })),
    topProblems: r.topProblems.map((p) => ({ message: p.message, count: p.count, firstLine: p.firstLine + 1, file: p.file })),
    byDialect: r.byDialect,
  };
}

/** Refuses to write the page over one of the logs or into a folder that does not exist. */
function checkOutput(out: string, inputs: readonly string[]): void {
  const target = path.resolve(out);
  if (inputs.some((f) => path.resolve(f) === target)) throw new UsageError(`--html ${out} would overwrite a log`);
  if (!fs.existsSync(path.dirname(target))) throw new UsageError(`cannot write ${out}: no such folder`);
}
