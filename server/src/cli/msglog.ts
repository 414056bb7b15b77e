// msglog: the command line on the same engine as the language server (SPEC §6).
import * as fs from 'fs';
import * as path from 'path';
import { detectDialect, assertText } from '../engine/detect';
import { FileSource } from '../engine/source';
import { diagnostics, goToTime, LogIndex, LogInputError, openLogFile, runFilter, sessionSummary } from '../engine';
import { FilterQuery } from '../engine/filters';
import { Output } from './output';

const USAGE = `usage:
  msglog detect FILE                          dialect id, or "unknown" (exit 1)
  msglog sessions FILE [--json]               sessions in order of first record
  msglog check FILE [--json]                  diagnostics, every one, in line order
  msglog filter FILE (--text S | --regex R) [--ignore-case] [--keyed] [--level L]
                [--from T] [--to T] [--line-numbers]
  msglog goto FILE TIME                       1-based line of the record, exit 1 if none
  msglog --dialect ID …                       force a dialect instead of detection`;

/** A usage or input error: one line on stderr, exit 2. */
class UsageError extends LogInputError {}

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--text', '--regex', '--level', '--from', '--to', '--dialect']);
const BOOL_FLAGS = new Set(['--json', '--ignore-case', '--keyed', '--line-numbers', '--help', '-h']);

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      flags.set(name, value);
    } else if (BOOL_FLAGS.has(name)) {
      flags.set(name, true);
    } else if (a.startsWith('--') && a.length > 2) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  return { command: positional.shift() ?? '', positional, flags };
}

/** Checks that FILE names a readable file; returns its base name (CommuniGate dates, EMG kinds). */
function checkFile(file: string | undefined): string {
  if (!file) throw new UsageError('missing FILE');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    if (!stat.isDirectory()) fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (stat.isDirectory()) throw new UsageError(`cannot read ${file}: it is a directory`);
  return path.basename(file);
}

/** Indexes FILE from disk in chunks: the file is never held in memory as a whole. */
function open(args: Args): LogIndex {
  const file = args.positional[0];
  const fileName = checkFile(file);
  const dialect = str(args, '--dialect');
  return openLogFile(file, { fileName, mtimeMs: fs.statSync(file).mtimeMs, dialect });
}

function str(args: Args, flag: string): string | undefined {
  const v = args.flags.get(flag);
  return typeof v === 'string' ? v : undefined;
}

function run(argv: string[], out: Output): number {
  const args = parseArgs(argv);
  if (args.flags.has('--help') || args.flags.has('-h') || args.command === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  switch (args.command) {
    case 'detect': {
      const file = args.positional[0];
      const fileName = checkFile(file);
      const source = new FileSource(file);
      const head = source.read(0, 256 * 1024);
      source.close();
      assertText(head);
      const id = str(args, '--dialect') ?? detectDialect(head, fileName)?.id;
      out.write(`${id ?? 'unknown'}\n`);
      return id ? 0 : 1;
    }
    case 'sessions':
      return sessions(open(args), args.flags.has('--json'), out);
    case 'check':
      return check(open(args), args.flags.has('--json'), out);
    case 'filter':
      return filter(open(args), args, out);
    case 'goto': {
      const time = args.positional[1];
      if (!time) throw new UsageError('missing TIME');
      const index = open(args);
      const r = goToTime(index, time);
      if (r < 0) {
        process.stderr.write(`msglog: no record at or after ${time}\n`);
        return 1;
      }
      out.write(`${index.recStartLine[r] + 1}\n`);
      return 0;
    }
    case '':
      throw new UsageError(`missing command\n${USAGE}`);
    default:
      throw new UsageError(`unknown command "${args.command}" (use detect, sessions, check, filter or goto)`);
  }
}

function sessions(index: LogIndex, json: boolean, out: Output): number {
  // One session at a time: a day's log has millions of them, so none are gathered in a list.
  if (json) out.write(`{"dialect":${JSON.stringify(index.dialect.id)},"sessions":[`);
  for (let id = 0; id < index.sessionCount; id++) {
    const s = sessionSummary(index, id);
    if (json) {
      const item = { key: s.key, component: s.component, firstLine: s.firstLine + 1, lastLine: s.lastLine + 1, records: s.records, start: s.start, end: s.end, problems: s.problems };
      out.write(`${id ? ',' : ''}\n${JSON.stringify(item)}`);
      continue;
    }
    const problems = s.problems ? `  ${s.problems} problem${s.problems === 1 ? '' : 's'}` : '';
    const dialog = s.dialog ? `  dialog ${s.dialog}` : '';
    out.write(`${s.key}\t${s.start} – ${s.end}\t${s.records} record${s.records === 1 ? '' : 's'}\tlines ${s.firstLine + 1}-${s.lastLine + 1}${problems}${dialog}\n`);
  }
  if (json) out.write('\n]}\n');
  return 0;
}

function check(index: LogIndex, json: boolean, out: Output): number {
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
}

function filter(index: LogIndex, args: Args, out: Output): number {
  const text = str(args, '--text');
  const regex = str(args, '--regex');
  if ((text === undefined) === (regex === undefined)) throw new UsageError('filter needs exactly one of --text S or --regex R');
  const query: FilterQuery = {
    text,
    regex,
    ignoreCase: args.flags.has('--ignore-case'),
    keyed: args.flags.has('--keyed'),
    level: str(args, '--level'),
    from: str(args, '--from'),
    to: str(args, '--to'),
  };
  const result = runFilter(index, query);
  if (result.truncated > 0) {
    process.stderr.write(`msglog: note: ${result.truncated} record(s) longer than 1 MiB were matched against their first MiB only\n`);
  }
  const numbers = args.flags.has('--line-numbers');
  for (const item of result.items) {
    const [start, end, line] =
      item.kind === 'record'
        ? [index.recStartOffset[item.record], index.recEndOffset[item.record], index.recStartLine[item.record]]
        : [item.run.startOffset, item.run.startOffset + item.run.firstLineLength, item.run.startLine];
    const bytes = index.read(start, end);
    if (numbers) out.numbered(bytes, line + 1);
    else out.bytes(bytes);
  }
  return result.records > 0 ? 0 : 1;
}

function main(): void {
  const out = new Output();
  let code: number;
  try {
    code = run(process.argv.slice(2), out);
  } catch (e) {
    out.flush();
    // Input errors are expected and get their one-line message; anything else is a bug, still one line.
    const message = e instanceof LogInputError ? e.message.split('\n')[0] : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`msglog: ${message}\n`);
    if (e instanceof UsageError && e.message.includes('\n')) process.stderr.write(`${e.message.split('\n').slice(1).join('\n')}\n`);
    process.exitCode = 2;
    return;
  }
  out.flush();
  process.exitCode = code;
}

main();
