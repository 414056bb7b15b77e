import { asciiExcerpt, diagnosticFacts, EXCERPT, levelLabel, levelMessage } from '../../engine';
import type { DiagnosticFacts, LogIndex } from '../../engine';
import type { Output } from '../output';
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
  partedIndex: true,
  boolFlags: ['--json'],
  async run(args, out) {
    const maxText = str(args, '--max-warnings');
    const maxWarnings = maxText === undefined ? Infinity : Number(maxText);
    if (maxText !== undefined && !(Number.isInteger(maxWarnings) && maxWarnings >= 0)) throw new UsageError(`--max-warnings needs a whole number ≥ 0, not "${maxText}"`);
    let errors = 0;
    let warnings = 0;
    // Every problem is quoted: their lines are kept while the log is scanned, not read back after.
    // Diagnostics are of records, never of sessions: no key is interned (BuildOptions.keyless).
    // On several threads, the workers' parts are read where they were indexed (BuildOptions.segments).
    const logs = await openLogs(args, args.positional, { problemLines: true, keyless: true, segments: true });
    if (!logs) return 2;
    const { set, prefixed } = logs;
    const json = bool(args, '--json');
    if (json) out.write(`{"dialect":${JSON.stringify(set.dialect)},"diagnostics":[`);
    let n = 0;
    // File by file: sources in argument order, the files of a rotated log in reading order.
    for (const source of set.sources) {
      const markerAt = new Map(source.index.segments().flatMap((segment) => segment.overflow.map((run) => [run.startLine, run.startOffset])));
      const heads = new Heads();
      for (const d of diagnosticFacts(source.index)) {
        const index = d.index;
        if (d.severity === 'error') errors++;
        else if (d.severity === 'warning') warnings++;
        const offset = d.record >= 0 ? index.recStartOffset[d.record] : markerAt.get(d.line) ?? 0;
        const at = source.locate(d.line, offset);
        const line = at.line + 1;
        const endLine = line + (d.endLine - d.line);
        const file = source.files[at.file].display;
        if (json) {
          const item: Record<string, unknown> = { line, endLine, severity: d.severity, code: d.code, message: d.message ?? levelMessage(index, d.record) };
          if (prefixed) item.file = file;
          out.write(`${n ? ',' : ''}\n${JSON.stringify(item)}`);
        } else {
          writeLine(out, prefixed ? `${file}:` : '', line, d, heads);
        }
        n++;
      }
    }
    if (json) out.write('\n]}\n');
    return exitStatus(logs, errors > 0 || warnings > maxWarnings ? 1 : 0);
  },
};

/**
 * A diagnostic's line, `file:` (`prefix`) and `line` first: its message, or for a `level` diagnostic
 * its label and the record's text, copied as bytes when they are plain ASCII (a day's 100,000 lines are
 * put together from bytes, not from strings encoded one by one).
 */
function writeLine(out: Output, prefix: string, line: number, d: DiagnosticFacts, heads: Heads): void {
  const index = d.index;
  const quoted = d.message === undefined ? asciiExcerpt(index, d.record) : undefined;
  if (quoted === undefined) {
    out.write(`${prefix}${line}: ${d.severity} ${d.code}: ${d.message ?? levelMessage(index, d.record)}\n`);
    return;
  }
  if (prefix !== '') out.write(prefix);
  out.decimal(line);
  out.copy(...heads.head(d.severity, d.code));
  out.copy(...heads.label(index, d.record));
  out.copy(quoted, 0, Math.min(quoted.length, EXCERPT));
  out.copy(...(quoted.length > EXCERPT ? CUT : END));
}

/** A byte string whole, as Output.copy takes it. */
type Whole = [Buffer, number, number];

const whole = (text: string): Whole => {
  const bytes = Buffer.from(text, 'utf8');
  return [bytes, 0, bytes.length];
};
const END = whole('\n');
const CUT = whole('…\n');

/** The bytes of what level diagnostics of one log repeat: `: severity code: ` and each level's `label: `. */
class Heads {
  /** By code, one map per severity. */
  private readonly errors = new Map<string, Whole>();
  private readonly warnings = new Map<string, Whole>();
  private readonly labels = new Map<number, Whole>();

  head(severity: 'error' | 'warning', code: string): Whole {
    const heads = severity === 'error' ? this.errors : this.warnings;
    let bytes = heads.get(code);
    if (bytes === undefined) heads.set(code, (bytes = whole(`: ${severity} ${code}: `)));
    return bytes;
  }

  label(index: LogIndex, r: number): Whole {
    const level = index.recLevel[r];
    let bytes = this.labels.get(level);
    if (bytes === undefined) this.labels.set(level, (bytes = whole(`${levelLabel(index, r)}: `)));
    return bytes;
  }
}
