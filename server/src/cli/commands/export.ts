// msglog export FILE… --format otlp|ecs [--bulk] [--out FILE] [--utc-offset ±HH:MM] (FORMATS §13):
// every file is opened and indexed before a byte is written, so that an unreadable one fails the
// export with nothing written; the NDJSON is then streamed in chunks straight to stdout or --out.
import * as fs from 'fs';
import * as path from 'path';
import { dateUndatedInputs, EXPORT_FORMATS, type ExportFormat, type ExportInput, type LogIndex, LogExporter, openLogFile, parseUtcOffset } from '../../engine';
import { bool, checkFile, str, UsageError } from '../args';
import type { Command } from './command';

export const exportCommand: Command = {
  name: 'export',
  usage:
    'msglog export FILE… --format otlp|ecs [--bulk] [--out FILE] [--utc-offset ±HH:MM]\n' +
    '                                            NDJSON for log platforms: ECS documents (--bulk: with _bulk\n' +
    '                                            action lines) or OTLP/JSON ExportLogsServiceRequest lines',
  valueFlags: ['--format', '--out', '--utc-offset'],
  boolFlags: ['--bulk'],
  run(args) {
    const format = str(args, '--format');
    if (format === undefined) throw new UsageError(`export needs --format ${EXPORT_FORMATS.join('|')}`);
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format}": use ${EXPORT_FORMATS.join(' or ')}`);
    const bulk = bool(args, '--bulk');
    if (bulk && format !== 'ecs') throw new UsageError('--bulk goes with --format ecs');
    const offsetText = str(args, '--utc-offset');
    let utcOffsetMin = 0;
    if (offsetText !== undefined) {
      try {
        utcOffsetMin = parseUtcOffset(offsetText);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    const files = args.positional;
    if (files.length === 0) throw new UsageError('missing FILE');
    const outPath = str(args, '--out');
    // Every file is checked, then indexed, before anything is written.
    for (const file of files) checkFile(file);
    if (outPath !== undefined) refuseOverwritingInput(outPath, files);
    const inputs = openAll(files, str(args, '--dialect'));
    try {
      for (const note of dateUndatedInputs(inputs, (i) => fs.statSync(i.path).mtimeMs)) process.stderr.write(`msglog: ${note}\n`);
      const exporter = new LogExporter(inputs, { format: format as ExportFormat, bulk, utcOffsetMin });
      writeAll(exporter, outPath);
    } finally {
      for (const { index } of inputs) closeIndex(index);
    }
    return 0;
  },
};

function openAll(files: string[], dialect: string | undefined): ExportInput[] {
  const inputs: ExportInput[] = [];
  try {
    for (const file of files) {
      let index: LogIndex;
      try {
        index = openLogFile(file, { fileName: path.basename(file), mtimeMs: fs.statSync(file).mtimeMs, dialect });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        throw new UsageError(files.length > 1 || !message.includes(file) ? `${file}: ${message}` : message);
      }
      inputs.push({ index, path: file, source: file });
    }
  } catch (e) {
    for (const { index } of inputs) closeIndex(index);
    throw e;
  }
  return inputs;
}

function closeIndex(index: LogIndex): void {
  const source = index.source as { close?: () => void };
  source.close?.();
}

/** An export written over one of its own logs would destroy it. */
function refuseOverwritingInput(outPath: string, files: string[]): void {
  let out: fs.Stats;
  try {
    out = fs.statSync(outPath);
  } catch {
    return;
  }
  for (const file of files) {
    const st = fs.statSync(file);
    if (st.ino === out.ino && st.dev === out.dev) throw new UsageError(`--out ${outPath} is one of the logs being exported`);
  }
  if (out.isDirectory()) throw new UsageError(`--out ${outPath} is a directory`);
}

/** Streams the chunks to stdout or to --out; a failed --out file is removed rather than left half written. */
function writeAll(exporter: LogExporter, outPath: string | undefined): void {
  if (outPath === undefined) {
    for (const chunk of exporter.chunks()) writeFully(1, chunk);
    return;
  }
  // Only a regular file (or a new one) is removed after a failure: never /dev/null or a pipe.
  const removable = !fs.existsSync(outPath) || fs.statSync(outPath).isFile();
  let fd: number;
  try {
    fd = fs.openSync(outPath, 'w');
  } catch (e) {
    throw new UsageError(`cannot write ${outPath}: ${(e as Error).message}`);
  }
  try {
    for (const chunk of exporter.chunks()) writeFully(fd, chunk);
    fs.closeSync(fd);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    if (removable) fs.rmSync(outPath, { force: true });
    throw new UsageError(`cannot write ${outPath}: ${(e as Error).message}`);
  }
}

function writeFully(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE' && fd === 1) process.exit(process.exitCode ?? 0);
      throw e;
    }
  }
}
