// messagingLogs/exportLog: the editor's Export Log… — the engine's streaming exporter writing to a file
// the user picked, with work-done progress (indexing, then records written) and cancellation. Every log
// is read before the file is opened; a failed or cancelled export removes what it wrote. Logs on disk
// that the server holds neither as documents nor as indexes are streamed, as `msglog export` streams
// them: indexed a window at a time, never whole, and not kept afterwards.
import * as fsp from 'fs/promises';
import * as fs from 'fs';
import { resolve } from 'path';
import { fileURLToPath } from 'url';
import { LSPErrorCodes, ResponseError, type CancellationToken, type WorkDoneProgressReporter } from 'vscode-languageserver';
import type { ProgressSink } from '../largeLogStore';
import { CancelledError, dateUndatedInputs, expandInputs, inputBytes, type ExportInput, exportThreads, LogExporter, MergedOrder, MergedRecordOrder, parseUtcOffset, StreamExporter, type StreamInput, streamable, turn } from '../engine';
import { NO_OFFSET } from '../engine/recordStore';
import { recycle } from '../engine/export/jsonBytes';
import { fileNameOf, type LargeLogRequest, type LogEntry } from '../logCache';
import type { ExportLogParams, ExportLogResult } from '../../../common/protocol';

export interface ExportHost {
  /** The parse of a log by URI (an open document, else the file on disk, held open until `release`). */
  entry(uri: string, request: LargeLogRequest): Promise<{ entry: LogEntry; release: () => void }>;
  attachProgress(token: string | number | undefined): WorkDoneProgressReporter;
  /** Whether the server holds the log already: an open document (its text may differ from the file) or an index of it. */
  holds(uri: string): boolean;
}

/** Share of the progress bar given to reading the logs; writing takes the rest. */
const READ_SHARE = 30;

export async function exportLog(params: ExportLogParams, host: ExportHost, token: CancellationToken): Promise<ExportLogResult | ResponseError<void>> {
  const reporter = host.attachProgress(params.workDoneToken);
  reporter.begin('Exporting logs', 0, 'reading', true);
  const failed = (error: string): ExportLogResult => ({ target: params.target, records: 0, bytes: 0, notes: [], error });
  const releases: (() => void)[] = [];
  try {
    let utcOffsetMin = 0;
    if (params.utcOffset) {
      try {
        utcOffsetMin = parseUtcOffset(params.utcOffset);
      } catch (e) {
        return failed((e as Error).message);
      }
    }
    if (params.bulk && params.format !== 'ecs') return failed('_bulk action lines go with the ECS format');
    if (params.uris.length === 0) return failed('no log to export');
    const streams = await streamedInputs(params.uris, host);
    if (streams !== undefined) {
      const written = streams.findIndex((input) => sameFile(input.file, params.target));
      if (written >= 0) return failed(`${fileNameOf(params.uris[written]) ?? params.uris[written]} is the file being written`);
      const exporter = new StreamExporter(streams, { format: params.format, bulk: params.bulk, utcOffsetMin, threads: exportThreads(inputBytes(streams)) });
      try {
        // Reading and writing go together: the bar follows the bytes of the logs indexed.
        let last = -1;
        const bytes = await writeChunks(exporter.chunks(), params.target, token, () => {
          const percentage = Math.floor((exporter.bytesRead / Math.max(1, exporter.size)) * 100);
          if (percentage === last) return;
          last = percentage;
          reporter.report(percentage, `${exporter.done.toLocaleString('en')} records`);
        });
        return { target: params.target, records: exporter.done, bytes, notes: [] };
      } finally {
        exporter.close();
      }
    }
    // Read (index) every log first: one that cannot be read fails the export before the file exists.
    const inputs: ExportInput[] = [];
    for (const [i, uri] of params.uris.entries()) {
      const name = fileNameOf(uri) ?? uri;
      const progress: ProgressSink = {
        report: (done, total) => reporter.report(Math.floor(((i + (total > 0 ? done / total : 1)) / params.uris.length) * READ_SHARE), `reading ${name}`),
        end: () => undefined,
      };
      const { entry, release } = await host.entry(uri, { token, progress });
      releases.push(release);
      if (!entry.index) return failed(`${name}: ${entry.problem ?? 'not a log'}`);
      const path = pathOf(uri);
      if (path !== undefined && sameFile(path, params.target)) return failed(`${name} is the file being written`);
      inputs.push({ index: entry.index, path: path ?? uri, source: path ?? uri });
    }
    const notes = dateUndatedInputs(inputs, (input) => mtimeOf(input.path));
    // Several logs are interleaved by UTC time, as msglog export merges them (FORMATS §9).
    const merged = new MergedOrder(inputs.map((input) => ({ store: input.index, shiftMs: placementMs(input, utcOffsetMin) })));
    // Both cores for large logs on disk, as msglog export (documents held in memory stay on this thread).
    const threads = exportThreads(inputs.reduce((n, input) => n + input.index.source.size, 0));
    const exporter = new LogExporter(inputs, { format: params.format, bulk: params.bulk, utcOffsetMin, threads }, new MergedRecordOrder(merged));
    let last = -1;
    const bytes = await writeChunks(exporter.chunks(), params.target, token, () => {
      const percentage = READ_SHARE + Math.floor((exporter.done / Math.max(1, exporter.total)) * (100 - READ_SHARE));
      if (percentage === last) return;
      last = percentage;
      reporter.report(percentage, `${exporter.done.toLocaleString('en')} of ${exporter.total.toLocaleString('en')} records`);
    });
    return { target: params.target, records: exporter.done, bytes, notes };
  } catch (e) {
    if (e instanceof CancelledError || token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'export cancelled');
    return failed(e instanceof Error ? e.message : String(e));
  } finally {
    for (const release of releases) release();
    reporter.done();
  }
}

/** Writes the chunks to `target`, a turn of the event loop after each; a failed or cancelled write removes the file. Returns the bytes written. */
async function writeChunks(chunks: Iterable<Buffer>, target: string, token: CancellationToken, progress: () => void): Promise<number> {
  let bytes = 0;
  // Only a regular file (or a new one) is removed after a failure: never a device or a pipe.
  const removable = await fsp.stat(target).then((st) => st.isFile(), () => true);
  const file = await fsp.open(target, 'w');
  let complete = false;
  try {
    for (const chunk of chunks) {
      if (token.isCancellationRequested) throw new CancelledError();
      await file.write(chunk);
      bytes += chunk.length;
      // Written: its buffer takes the next chunk (of this thread, or of the export's worker).
      recycle(chunk);
      progress();
      await turn();
    }
    complete = true;
  } finally {
    await file.close();
    if (!complete && removable) await fsp.rm(target, { force: true });
  }
  return bytes;
}

/**
 * The logs as a streamed export takes them, when every one is a file on disk the server does not hold
 * (not open, not indexed), each streamable; else undefined (they are indexed whole, as before). Each
 * is a log of its own, as the editor exports the logs it is given.
 */
async function streamedInputs(uris: readonly string[], host: ExportHost): Promise<StreamInput[] | undefined> {
  const paths: string[] = [];
  for (const uri of uris) {
    const path = pathOf(uri);
    if (path === undefined || host.holds(uri)) return undefined;
    paths.push(path);
  }
  const expanded = await expandInputs(paths);
  if (expanded.problems.length > 0 || expanded.files.length !== paths.length) return undefined;
  const inputs: StreamInput[] = [];
  for (const [i, f] of expanded.files.entries()) {
    // Files only, as given (a folder is not a log here), each streamable.
    if (resolve(f.path) !== resolve(paths[i]) || f.bytes !== undefined || !streamable(f.dialect, f.name)) return undefined;
    inputs.push({ file: f.path, path: paths[i], source: paths[i], dialect: f.dialect, ctx: { fileName: f.name, mtimeMs: f.mtimeMs } });
  }
  return inputs;
}

/** What moves a log's normalised times to UTC in the merge: its placed date, and the zone of a log that writes none. */
function placementMs(input: ExportInput, utcOffsetMin: number): number {
  const ix = input.index;
  const date = ix.dated ? 0 : (input.dateBaseMs ?? 0);
  let writesOffsets = false;
  for (let r = 0; r < ix.recordCount && r < 64; r++) if (ix.recOffsetMin[r] !== NO_OFFSET) writesOffsets = true;
  return date + (writesOffsets ? 0 : (ix.logOffsetMin - utcOffsetMin) * 60_000);
}

function pathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const [sa, sb] = [fs.statSync(a), fs.statSync(b)];
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

function mtimeOf(path: string): number {
  try {
    return fs.statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}
