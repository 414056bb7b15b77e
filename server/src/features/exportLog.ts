// messagingLogs/exportLog: the editor's Export Log… — the engine's streaming exporter writing to a file
// the user picked, with work-done progress (indexing, then records written) and cancellation. Every log
// is read before the file is opened; a failed or cancelled export removes what it wrote.
import * as fsp from 'fs/promises';
import * as fs from 'fs';
import { fileURLToPath } from 'url';
import { LSPErrorCodes, ResponseError, type CancellationToken, type WorkDoneProgressReporter } from 'vscode-languageserver';
import type { ProgressSink } from '../largeLogStore';
import { CancelledError, dateUndatedInputs, type ExportInput, exportThreads, LogExporter, MergedOrder, MergedRecordOrder, parseUtcOffset, turn } from '../engine';
import { NO_OFFSET } from '../engine/recordStore';
import { fileNameOf, type LargeLogRequest, type LogEntry } from '../logCache';
import type { ExportLogParams, ExportLogResult } from '../../../common/protocol';

export interface ExportHost {
  /** The parse of a log by URI (an open document, else the file on disk, held open until `release`). */
  entry(uri: string, request: LargeLogRequest): Promise<{ entry: LogEntry; release: () => void }>;
  attachProgress(token: string | number | undefined): WorkDoneProgressReporter;
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
    let bytes = 0;
    // Only a regular file (or a new one) is removed after a failure: never a device or a pipe.
    const removable = await fsp.stat(params.target).then((st) => st.isFile(), () => true);
    const file = await fsp.open(params.target, 'w');
    let complete = false;
    try {
      let last = -1;
      for (const chunk of exporter.chunks()) {
        if (token.isCancellationRequested) throw new CancelledError();
        await file.write(chunk);
        bytes += chunk.length;
        const percentage = READ_SHARE + Math.floor((exporter.done / Math.max(1, exporter.total)) * (100 - READ_SHARE));
        if (percentage !== last) {
          last = percentage;
          reporter.report(percentage, `${exporter.done.toLocaleString('en')} of ${exporter.total.toLocaleString('en')} records`);
        }
        await turn();
      }
      complete = true;
    } finally {
      await file.close();
      if (!complete && removable) await fsp.rm(params.target, { force: true });
    }
    return { target: params.target, records: exporter.done, bytes, notes };
  } catch (e) {
    if (e instanceof CancelledError || token.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'export cancelled');
    return failed(e instanceof Error ? e.message : String(e));
  } finally {
    for (const release of releases) release();
    reporter.done();
  }
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
