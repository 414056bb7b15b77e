// msglog export FILE… --format otlp|ecs [--bulk] [--out FILE] [--utc-offset ±HH:MM] (FORMATS §13):
// every file is opened (and, unless it is streamed, indexed) before a byte is written, so that an
// unreadable one fails the export with nothing written; the NDJSON is then streamed in chunks straight
// to stdout or --out. Logs on disk (each a file, or rotated files read as one) are indexed a window at a
// time as they are written (StreamExporter).
import * as fs from 'fs';
import { expandInputs, EXPORT_FORMATS, LogInputError, exportInputsOf, exportThreads, type ExportFormat, inputBytes, LogExporter, LogSet, MergedRecordOrder, StreamExporter, streamInputs } from '../../engine';
import { recycle } from '../../engine/export/jsonBytes';
import { bool, str, UsageError } from '../args';
import { utcOffsetOf, warn } from '../inputs';
import type { Command } from './command';
import { writeFully } from '../output';

export const exportCommand: Command = {
  name: 'export',
  usage:
    'msglog export FILE… --format otlp|ecs [--bulk] [--out FILE] [--utc-offset ±HH:MM]\n' +
    '                                            NDJSON for log platforms: ECS documents (--bulk: with _bulk\n' +
    '                                            action lines) or OTLP/JSON ExportLogsServiceRequest lines',
  examples: ['msglog export SystemLogs/ --format ecs --bulk --out day.ndjson   # for Elasticsearch _bulk', 'msglog export imap.log --format otlp --out imap.otlp.ndjson           # OTLP/JSON requests, one a line'],
  valueFlags: ['--format', '--out'],
  boolFlags: ['--bulk'],
  async run(args) {
    const format = str(args, '--format');
    if (format === undefined) throw new UsageError(`export needs --format ${EXPORT_FORMATS.join('|')}`);
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown --format "${format}": use ${EXPORT_FORMATS.join(' or ')}`);
    const bulk = bool(args, '--bulk');
    if (bulk && format !== 'ecs') throw new UsageError('--bulk goes with --format ecs');
    const utcOffsetMin = utcOffsetOf(args);
    const files = args.positional;
    if (files.length === 0) throw new UsageError('missing FILE');
    const outPath = str(args, '--out');
    // Every file is found, read and indexed before anything is written: unlike the other commands,
    // an export with a file it cannot read fails whole (FORMATS §13).
    const expanded = await expandInputs(files, { dialect: str(args, '--dialect') });
    const problem = expanded.problems.find((p) => p.error);
    if (problem) throw new UsageError(problem.file ? `${problem.file}: ${problem.text}` : problem.text);
    for (const p of expanded.problems) warn(p.file ? `${p.file}: ${p.text}` : p.text);
    if (expanded.files.length === 0) throw new UsageError(`no log to export in ${files.join(' ')}`);
    if (outPath !== undefined) refuseOverwritingInput(outPath, expanded.files.map((f) => f.path));
    const options = { format: format as ExportFormat, bulk, utcOffsetMin };
    // Logs on disk are streamed: indexed and written a window at a time.
    const streams = streamInputs(expanded.files);
    if (streams) {
      let exporter: StreamExporter;
      try {
        exporter = new StreamExporter(streams, { ...options, threads: exportThreads(inputBytes(streams)) });
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      try {
        writeAll(exporter, outPath);
      } finally {
        exporter.close();
      }
      return 0;
    }
    let failure: string | undefined;
    const set = await LogSet.open(expanded.files, { utcOffsetMin }, (f, e) => (failure ??= `cannot read ${f.display}: ${e.message}`));
    try {
      if (failure) throw new UsageError(failure);
      for (const note of set.notes) warn(`note: ${note}`);
      const { inputs, notes } = exportInputsOf(set);
      for (const note of notes) warn(`note: ${note}`);
      // Both cores for a large export of logs on disk (a worker writes slices of records too).
      const threads = exportThreads(inputs.reduce((n, i) => n + i.index.source.size, 0));
      const exporter = new LogExporter(inputs, { ...options, threads }, new MergedRecordOrder(set.order));
      writeAll(exporter, outPath);
    } finally {
      set.close();
    }
    return 0;
  },
};

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
function writeAll(exporter: { chunks(): Iterable<Buffer> }, outPath: string | undefined): void {
  if (outPath === undefined) {
    for (const chunk of exporter.chunks()) {
      writeFully(1, chunk);
      recycle(chunk);
    }
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
    for (const chunk of exporter.chunks()) {
      writeFully(fd, chunk);
      recycle(chunk);
    }
    fs.closeSync(fd);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    if (removable) fs.rmSync(outPath, { force: true });
    // A log that could not be read says so; anything else failed writing.
    throw e instanceof LogInputError ? e : new UsageError(`cannot write ${outPath}: ${(e as Error).message}`);
  }
}

