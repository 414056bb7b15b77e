// The SIP ladder and log report requests: the engine's dialog and report over the logs asked about.
import type { CancellationToken } from 'vscode-languageserver';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { buildReportAsync, CancelledError, findDialog, reportTables, timeHistogram } from '../engine';
import type { PictureLog } from '../engine';
import type { LogEntry } from '../logCache';
import type { ReportParams, ReportResult, SipDialogParams, SipDialogResult } from '../../../common/protocol';

/** What a request about several logs reads: per URI asked, its logs (a timeline has several), or why not. */
export type PictureInput = { uri: string; logs: PictureLog[] } | { uri: string; problem: string };

/** The readable logs (in the order asked), the URI of each, and a line naming the others. */
function logFiles(inputs: readonly PictureInput[]): { files: PictureLog[]; uris: string[]; error?: string } {
  const files: PictureLog[] = [];
  const uris: string[] = [];
  const problems: string[] = [];
  for (const input of inputs) {
    if ('logs' in input) {
      for (const log of input.logs) {
        files.push(log);
        uris.push(input.uri);
      }
    } else {
      problems.push(`${input.uri}: ${input.problem}`);
    }
  }
  return { files, uris, ...(problems.length ? { error: problems.join('; ') } : {}) };
}

/** What withPictureInputs asks of the timelines: a timeline's logs, by URI. */
export interface TimelineLogs {
  isTimeline(uri: string): boolean;
  pictureLogs(uri: string): PictureLog[] | undefined;
}

/**
 * Runs `work` on the logs named by `uris`, in order: a timeline's logs, or the log `withEntry` holds for
 * a URI (an open document, or a file on disk held open until `work` is done).
 */
export function withPictureInputs<T>(
  uris: readonly string[],
  timelines: TimelineLogs,
  withEntry: (uri: string, use: (entry: LogEntry) => Promise<T>) => Promise<T>,
  work: (inputs: PictureInput[]) => T | Promise<T>,
): Promise<T> {
  const inputs: PictureInput[] = [];
  const from = async (i: number): Promise<T> => {
    if (i === uris.length) return work(inputs);
    const uri = uris[i];
    if (!timelines.isTimeline(uri)) {
      return withEntry(uri, (entry) => {
        inputs.push(entryInput(entry));
        return from(i + 1);
      });
    }
    const logs = timelines.pictureLogs(uri);
    inputs.push(logs ? { uri, logs } : { uri, problem: 'this timeline is no longer open' });
    return from(i + 1);
  };
  return from(0);
}

/** An editor document or a file on disk: one log. */
export function entryInput(entry: LogEntry): PictureInput {
  return entry.index ? { uri: entry.uri, logs: [{ index: entry.index, file: entry.uri }] } : { uri: entry.uri, problem: entry.problem ?? 'not a log' };
}

export function sipDialog(inputs: readonly PictureInput[], params: SipDialogParams): SipDialogResult {
  const { files, error } = logFiles(inputs);
  const dialog = findDialog(files, params.callId);
  return {
    callId: dialog.callId,
    // The engine names each packet's log by what it was given (here its URI) and its place in the list.
    packets: dialog.packets.map(({ fileIndex, file, ...fields }) => ({ uri: file, ...fields })),
    related: dialog.related,
    ...(error ? { error } : {}),
  };
}

/** The report; long ones let other requests through and stop when the client cancels. */
export async function report(inputs: readonly PictureInput[], params: ReportParams, token: CancellationToken): Promise<ReportResult | ResponseError<void>> {
  const { files, uris, error } = logFiles(inputs);
  let result;
  try {
    result = await buildReportAsync(files, () => token.isCancellationRequested);
  } catch (e) {
    if (e instanceof CancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
    throw e;
  }
  return {
    uris: [...new Set(uris)],
    logUris: uris,
    dialects: result.dialects,
    records: result.records,
    sessions: result.sessions,
    bySeverity: result.bySeverity,
    tables: reportTables(result),
    histogram: timeHistogram(files, Math.max(4, Math.min(400, params.buckets ?? 60))),
    utc: result.utc,
    ...(error ? { error } : {}),
  };
}
