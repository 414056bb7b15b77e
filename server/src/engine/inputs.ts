// What the FILE arguments of a command name (FORMATS §9): plain files, directories read recursively,
// and .gz files read by streaming decompression into memory (nothing is written next to them).
import * as fs from 'fs';
import * as path from 'path';
import type * as Zlib from 'node:zlib';
import { assertText, detectDialect, whyUnknown } from './detect';
import { dialectById } from './dialects';
import { DIALECT_IDS, LogInputError } from './types';
import type { Dialect } from './types';

/** One log file to read. */
export interface LogFile {
  /** The path as printed: as given, or `ARG/relative/path` for a file found in a directory (as `grep -r`), minus `.gz`. */
  display: string;
  /** The file on disk. */
  path: string;
  /** Base name that dates, detection and rotation read: the file's own name minus `.gz`. */
  name: string;
  /** Index of the FILE argument that named it. */
  arg: number;
  dialect: Dialect;
  mtimeMs: number;
  /** The decompressed content of a `.gz`; plain files are read from disk in windows. */
  bytes?: Buffer;
}

/** A line for stderr about one input; `error` ones make the command exit 2 once it has read the others. */
export interface InputProblem {
  /** The file it is about, when the text does not name it. */
  file?: string;
  text: string;
  error: boolean;
}

export interface ExpandOptions {
  /** Forced dialect id for every file. */
  dialect?: string;
  /** List files whose dialect is unknown too (with `dialect` undefined): `detect` reports them. */
  keepUnknown?: boolean;
}

export interface ExpandedInputs {
  files: LogFile[];
  /** Files of unknown dialect (only with keepUnknown). */
  unknown: { display: string; arg: number }[];
  problems: InputProblem[];
}

const HEAD_BYTES = 256 * 1024;
/** Compressed formats and archives that are not read; a `.tar.gz` is an archive, not a log. */
const ARCHIVE = /\.(zip|tar|tgz|tar\.gz|tbz2?|tar\.bz2|txz|tar\.xz|bz2|xz|zst|lz4|lzma|7z|rar|z)$/i;

/** The error of one input: the message names the file. */
export class InputError extends LogInputError {}

/**
 * Expands FILE arguments into log files in argument order (a directory's files sorted by path).
 * Problems are collected, not thrown: the other files are still read.
 */
export async function expandInputs(args: readonly string[], options: ExpandOptions = {}): Promise<ExpandedInputs> {
  const out: ExpandedInputs = { files: [], unknown: [], problems: [] };
  let forced: Dialect | undefined;
  if (options.dialect !== undefined) {
    forced = dialectById(options.dialect);
    if (!forced) throw new LogInputError(`unknown dialect "${options.dialect}": use one of ${DIALECT_IDS.join(', ')}`);
  }
  for (let arg = 0; arg < args.length; arg++) {
    const given = args[arg];
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch (e) {
      out.problems.push({ text: `cannot read ${given}: ${errnoText(e)}`, error: true });
      continue;
    }
    if (stat.isDirectory()) {
      const before = out.files.length + out.unknown.length;
      for (const rel of walk(given)) {
        const display = given.endsWith('/') || given.endsWith(path.sep) ? `${given}${rel}` : `${given}/${rel}`;
        await addFile(out, display, path.join(given, rel), arg, forced, true, options);
      }
      if (out.files.length + out.unknown.length === before) out.problems.push({ file: given, text: 'no logs of a known dialect in this directory', error: true });
    } else {
      await addFile(out, given, given, arg, forced, false, options);
    }
  }
  return out;
}

async function addFile(out: ExpandedInputs, display: string, file: string, arg: number, forced: Dialect | undefined, inDirectory: boolean, options: ExpandOptions): Promise<void> {
  const base = path.basename(file);
  if (ARCHIVE.test(base)) {
    out.problems.push({ file: display, text: 'not read: only plain logs and .gz files are read (this is another kind of archive)', error: !inDirectory });
    return;
  }
  const gz = /\.gz$/i.test(base);
  const shown = gz ? display.slice(0, -3) : display;
  let head: Buffer;
  let bytes: Buffer | undefined;
  let mtimeMs: number;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    mtimeMs = fs.statSync(file).mtimeMs;
    if (gz) {
      bytes = await gunzipFile(file);
      head = bytes.subarray(0, HEAD_BYTES);
    } else {
      head = readHead(file);
    }
  } catch (e) {
    if (e instanceof InputError) out.problems.push({ file: display, text: e.message, error: true });
    else out.problems.push({ text: `cannot read ${file}: ${errnoText(e)}`, error: true });
    return;
  }
  const name = gz ? base.slice(0, -3) : base;
  let dialect = forced;
  try {
    assertText(head);
    dialect ??= detectDialect(head, name);
  } catch (e) {
    if (inDirectory) {
      if (options.keepUnknown) out.unknown.push({ display: shown, arg });
      else out.problems.push({ file: shown, text: `skipped: ${(e as Error).message}`, error: false });
    } else {
      out.problems.push({ file: shown, text: (e as Error).message, error: true });
    }
    return;
  }
  if (!dialect) {
    if (options.keepUnknown) out.unknown.push({ display: shown, arg });
    else if (inDirectory) out.problems.push({ file: shown, text: 'skipped: not a log of a known dialect', error: false });
    else out.problems.push({ file: shown, text: `not a log of a known dialect: ${whyUnknown(head)}`, error: true });
    return;
  }
  out.files.push({ display: shown, path: file, name, arg, dialect, mtimeMs, bytes });
}

/** Files under a directory, as paths relative to it, sorted; hidden entries are left out. */
function walk(dir: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (rel: string): void => {
    const abs = path.join(dir, rel);
    let real: string;
    try {
      real = fs.realpathSync(abs);
    } catch {
      return;
    }
    if (seen.has(real)) return; // a link back up the tree
    seen.add(real);
    let entries: string[];
    try {
      entries = fs.readdirSync(abs).filter((e) => !e.startsWith('.')).sort();
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel === '' ? e : `${rel}/${e}`;
      let st: fs.Stats;
      try {
        st = fs.statSync(path.join(dir, r));
      } catch {
        out.push(r); // a dangling link: reading it reports the problem
        continue;
      }
      if (st.isDirectory()) visit(r);
      else if (st.isFile()) out.push(r);
    }
  };
  visit('');
  return out;
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = fs.readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** The decompressed content of a .gz, read as a stream (several members are read as one, as gzip -d does). */
export function gunzipFile(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const input = fs.createReadStream(file);
    // zlib loaded only for a .gz: it costs every other run about 3 ms of start-up.
    const gunzip = (require('node:zlib') as typeof Zlib).createGunzip();
    const fail = (e: Error): void => {
      input.destroy();
      gunzip.destroy();
      reject(e instanceof InputError || (e as NodeJS.ErrnoException).syscall ? e : new InputError(`corrupt .gz file: ${e.message}`));
    };
    input.on('error', fail);
    gunzip.on('error', fail);
    gunzip.on('data', (chunk: Buffer) => parts.push(chunk));
    gunzip.on('end', () => resolve(Buffer.concat(parts)));
    input.pipe(gunzip);
  });
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}
