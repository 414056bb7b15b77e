// Arguments of msglog subcommands: flags declared by each command, positional FILE/TIME/ID words.
import * as fs from 'fs';
import { DIALECT_IDS, isDialectId } from '../../../common/dialects';
import type { DialectId } from '../../../common/dialects';
import * as path from 'path';
import type { LogIndex, FileOpenOptions } from '../engine';
import { LogInputError, openLogFile } from '../engine';

/** A usage or input error: one line on stderr, exit 2. */
export class UsageError extends LogInputError {}

export interface Args {
  command: string;
  positional: string[];
  /** Flags as given: a value flag keeps every value in order (repeatable flags), a boolean flag `true`. */
  flags: Map<string, string[] | true>;
}

/** Flags every subcommand takes. */
export const GLOBAL_VALUE_FLAGS = ['--dialect', '--utc-offset'];
export const GLOBAL_BOOL_FLAGS = ['--help', '-h'];

export function parseArgs(argv: string[], valueFlags: ReadonlySet<string>, boolFlags: ReadonlySet<string>): Args {
  const positional: string[] = [];
  const flags = new Map<string, string[] | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (valueFlags.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      const seen = flags.get(name);
      if (Array.isArray(seen)) seen.push(value);
      else flags.set(name, [value]);
    } else if (boolFlags.has(name)) {
      flags.set(name, true);
    } else if (a.startsWith('--') && a.length > 2) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  return { command: positional.shift() ?? '', positional, flags };
}

/** The dialect forced with `--dialect`, or undefined; an id that is not a dialect's is a usage error. */
export function forcedDialect(args: Args): DialectId | undefined {
  const id = str(args, '--dialect');
  if (id === undefined || isDialectId(id)) return id;
  throw new UsageError(`unknown dialect "${id}": use one of ${DIALECT_IDS.join(', ')}`);
}

/** The last value of a value flag, or undefined. */
export function str(args: Args, flag: string): string | undefined {
  const v = args.flags.get(flag);
  return Array.isArray(v) ? v[v.length - 1] : undefined;
}

/** Every value of a repeatable value flag, in order. */
export function strs(args: Args, flag: string): string[] {
  const v = args.flags.get(flag);
  return Array.isArray(v) ? v : [];
}

export function bool(args: Args, flag: string): boolean {
  return args.flags.get(flag) === true;
}

/** Checks that FILE names a readable file; returns its base name (CommuniGate dates, EMG kinds). */
export function checkFile(file: string | undefined): string {
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

/** Indexes the first FILE from disk in chunks: the file is never held in memory as a whole. */
export function openIndex(args: Args, options: FileOpenOptions = {}): LogIndex {
  const file = args.positional[0];
  const fileName = checkFile(file);
  const dialect = forcedDialect(args);
  return openLogFile(file, { ...options, fileName, mtimeMs: fs.statSync(file).mtimeMs, dialect });
}
