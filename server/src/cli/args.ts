// Arguments of msglog subcommands: flags declared by each command, positional FILE/TIME/ID words.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DIALECT_IDS, isDialectId } from '../../../common/dialects';
import type { DialectId } from '../../../common/dialects';
import { LogInputError } from '../engine';

/** A usage or input error: one line on stderr, exit 2. */
export class UsageError extends LogInputError {}

/** An answer that is not an error of the input but still a failure: one line on stderr, exit 1. */
export class NothingFound extends LogInputError {
  readonly exitCode = 1;
}

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

/** `-` as FILE: standard input. */
export const STDIN = '-';

/**
 * FILE arguments with `-` (standard input) replaced by a file holding what was read, in a folder of
 * its own under the system's temporary folder (never beside a user's logs), removed at exit. The
 * readers take files: a pipe cannot be read twice or at an offset.
 */
export function withStdin(files: readonly string[]): string[] {
  if (!files.includes(STDIN)) return [...files];
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(0);
  } catch (e) {
    throw new UsageError(`cannot read standard input: ${(e as Error).message}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-stdin-'));
  const file = path.join(dir, 'stdin');
  fs.writeFileSync(file, bytes);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return files.map((f) => (f === STDIN ? file : f));
}
