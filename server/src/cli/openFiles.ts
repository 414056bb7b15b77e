// Several FILE arguments (FORMATS §9): each is indexed from disk; one that cannot be read gets one
// line on stderr and the others are still read (the caller exits 2 at the end).
import * as fs from 'fs';
import { LogInputError, openLogFile } from '../engine';
import type { LogFile } from '../engine';
import { checkFile, str, UsageError } from './args';
import type { Args } from './args';

export interface OpenedFiles {
  files: LogFile[];
  /** Whether a file could not be read (exit 2 once the others are done). */
  failed: boolean;
}

export function openFiles(args: Args, paths: readonly string[]): OpenedFiles {
  if (paths.length === 0) throw new UsageError('missing FILE');
  const dialect = str(args, '--dialect');
  const files: LogFile[] = [];
  let failed = false;
  for (const file of paths) {
    try {
      const fileName = checkFile(file);
      files.push({ index: openLogFile(file, { fileName, mtimeMs: fs.statSync(file).mtimeMs, dialect }), file });
    } catch (e) {
      if (!(e instanceof LogInputError)) throw e;
      // One file alone: its error is the command's error.
      if (paths.length === 1) throw e;
      process.stderr.write(`msglog: ${file}: ${e.message.replace(/^cannot read \S+: /, '')}\n`);
      failed = true;
    }
  }
  if (files.length === 0) throw new UsageError('no readable log among the files given');
  return { files, failed };
}
