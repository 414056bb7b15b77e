// The FILE arguments every msglog subcommand takes (docs/FORMATS.md §9): expanded, grouped into
// sources and merged; problems with one file get one stderr line and the others are still read.
import * as fs from 'fs';
import { expandInputs, LogInputError, LogSet } from '../engine';
import type { LogFile, OverflowRun } from '../engine';
import { forcedDialect, NothingFound, str, UsageError, withStdin } from './args';
import type { Args } from './args';
import type { Output } from './output';

export interface OpenedLogs {
  set: LogSet;
  /** Log lines get `PATH:` prefixes as grep prints them with more than one file (or a directory). */
  prefixed: boolean;
  /** A file could not be read: the command exits 2 once it has done the rest. */
  failed: boolean;
}

/** `--utc-offset ±HH:MM` in minutes east of UTC (0 when not given). */
export function utcOffsetOf(args: Args): number {
  const v = str(args, '--utc-offset');
  if (v === undefined) return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})$/.exec(v.trim());
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) throw new UsageError(`bad --utc-offset "${v}": use ±HH:MM, such as +02:00 or -05:00`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

export function warn(text: string): void {
  process.stderr.write(`msglog: ${text}\n`);
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Opens the logs FILE arguments name. With one plain FILE its problem is the command's error (thrown);
 * with several, each problem is one stderr line and undefined is returned when nothing is left to read.
 */
export async function openLogs(args: Args, named: readonly string[], options: { holdPartialLine?: boolean; search?: string; sessionEnds?: boolean; sessionList?: 'json' | 'text'; problemLines?: boolean; keyless?: boolean; segments?: boolean; checkJson?: boolean } = {}): Promise<OpenedLogs | undefined> {
  if (named.length === 0) throw new UsageError('missing FILE');
  const files = withStdin(named);
  const single = files.length === 1 && !isDirectory(files[0]);
  const utcOffsetMin = utcOffsetOf(args);
  const expanded = await expandInputs(files, { dialect: forcedDialect(args) });
  let failed = false;
  for (const p of expanded.problems) {
    if (single && p.error) throw new LogInputError(p.text);
    warn(p.file ? `${p.file}: ${p.text}` : p.text);
    failed ||= p.error;
  }
  if (expanded.files.length === 0) return undefined;
  const prefixed = !single || expanded.files.length > 1;
  const check = options.checkJson === undefined ? undefined : { json: options.checkJson, named: prefixed };
  const set = await LogSet.open(expanded.files, { utcOffsetMin, holdPartialLine: options.holdPartialLine, search: options.search, sessionEnds: options.sessionEnds, sessionList: prefixed ? undefined : options.sessionList, problemLines: options.problemLines, keyless: options.keyless, segments: options.segments, check }, (f: LogFile, e: Error) => {
    if (single) throw new LogInputError(`cannot read ${f.display}: ${e.message}`);
    warn(`cannot read ${f.display}: ${e.message}`);
    failed = true;
  });
  for (const note of set.notes) warn(`note: ${note}`);
  // A forced dialect that recognises no line of a file: said, not answered as an empty log.
  const forced = str(args, '--dialect');
  if (forced !== undefined) {
    for (const source of set.sources) {
      if (source.index.recordCount > 0 || source.index.lineCount === 0) continue;
      const text = `${named.length === 1 && named[0] === '-' ? 'standard input' : source.name}: no line is a record of ${source.index.dialect.name} (forced with --dialect ${forced})`;
      if (single) throw new NothingFound(text);
      warn(text);
    }
  }
  return { set, prefixed, failed };
}

/** The FILE arguments of a command whose last positional word is something else (TIME, ID). */
export function filesBefore(args: Args, what: string): { files: string[]; last: string } {
  if (args.positional.length < 2) throw new UsageError(args.positional.length === 0 ? 'missing FILE' : `missing ${what}`);
  return { files: args.positional.slice(0, -1), last: args.positional[args.positional.length - 1] };
}

/**
 * Writes bytes `[start, end)` of a source (whole lines starting at source line `line`), each line
 * prefixed with `PATH:` when prefixed and with its line number in its file (`N:`) when numbered;
 * context lines (mark `-`) get `PATH-` and `N-` as grep prints them.
 */
export function writeLines(out: Output, logs: OpenedLogs, s: number, start: number, end: number, line: number, numbers: boolean, mark = ':'): void {
  const src = logs.set.sources[s];
  const bytes = src.index.read(start, end);
  // A last line without terminator still ends its output line, as grep prints it.
  const open = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a;
  if (!logs.prefixed) {
    if (numbers) out.numbered(bytes, src.locate(line, start).line + 1, mark);
    else out.bytes(bytes);
    if (open) out.write('\n');
    return;
  }
  let loc = src.locate(line, start);
  let fileEnd = src.fileEnd(loc.file);
  let prefix = prefixBytes(src.files[loc.file].display, mark);
  let n = loc.line;
  let p = 0;
  while (p < bytes.length) {
    if (start + p >= fileEnd && loc.file + 1 < src.files.length) {
      // The record goes on into the next file of the source (continuation lines at a file's start).
      loc = { file: loc.file + 1, line: 0 };
      fileEnd = src.fileEnd(loc.file);
      prefix = prefixBytes(src.files[loc.file].display, mark);
      n = 0;
    }
    let nl = bytes.indexOf(0x0a, p);
    nl = nl < 0 ? bytes.length : nl + 1;
    out.bytes(prefix);
    if (numbers) out.write(`${n + 1}${mark}`);
    out.bytes(bytes.subarray(p, nl));
    p = nl;
    n++;
  }
  if (open) out.write('\n');
}

const prefixes = new Map<string, Buffer>();

/** `PATH:` (or `PATH-`) as bytes, made once per file and mark. */
function prefixBytes(display: string, mark: string): Buffer {
  const key = `${mark}${display}`;
  let b = prefixes.get(key);
  if (!b) prefixes.set(key, (b = Buffer.from(`${display}${mark}`, 'utf8')));
  return b;
}

/** Writes record r of source s (a context record with `-` marks). */
export function writeRecord(out: Output, logs: OpenedLogs, s: number, r: number, numbers: boolean, mark = ':'): void {
  const ix = logs.set.sources[s].index;
  writeLines(out, logs, s, ix.recStartOffset[r], ix.recEndOffset[r], ix.recStartLine[r], numbers, mark);
}

/** Writes the first marker line of an overflow run (consecutive markers print as one). */
export function writeOverflow(out: Output, logs: OpenedLogs, s: number, run: OverflowRun, numbers: boolean): void {
  writeLines(out, logs, s, run.startOffset, run.startOffset + run.firstLineLength, run.startLine, numbers);
}

/** The exit status: 2 when a file could not be read, else the command's own. */
export function exitStatus(logs: OpenedLogs, code: number): number {
  return logs.failed ? 2 : code;
}

/** Waits for growth while following: the interval between looks at the files. */
export const FOLLOW_POLL_MS = 200;
