// The SIP ladder and log report requests: the engine's dialog and report over the logs asked about.
import { CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { buildReportAsync, CancelledError, findDialog, reportTables, timeHistogram } from '../engine';
import type { LogFile } from '../engine';
import type { LogEntry } from '../logCache';
import type { ReportParams, ReportResult, SipDialogParams, SipDialogResult } from '../protocol';

/** The readable logs among the entries (in the order asked), and a line naming the others. */
function logFiles(entries: readonly LogEntry[]): { files: LogFile[]; uris: string[]; error?: string } {
  const files: LogFile[] = [];
  const uris: string[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    if (entry.index) {
      files.push({ index: entry.index, file: entry.uri });
      uris.push(entry.uri);
    } else {
      problems.push(`${entry.uri}: ${entry.problem ?? 'not a log'}`);
    }
  }
  return { files, uris, ...(problems.length ? { error: problems.join('; ') } : {}) };
}

export function sipDialog(entries: readonly LogEntry[], params: SipDialogParams): SipDialogResult {
  const { files, error } = logFiles(entries);
  const dialog = findDialog(files, params.callId);
  return {
    callId: dialog.callId,
    // The engine names each packet's log by what it was given: here its URI.
    packets: dialog.packets.map((p) => ({ uri: p.file, line: p.line, endLine: p.endLine, time: p.time, timeMs: p.timeMs, session: p.session, direction: p.direction, transport: p.transport, remote: p.remote, method: p.method, status: p.status, cseq: p.cseq, summary: p.summary, lines: p.lines, severity: p.severity })),
    related: dialog.related,
    ...(error ? { error } : {}),
  };
}

/** The report; long ones let other requests through and stop when the client cancels. */
export async function report(entries: readonly LogEntry[], params: ReportParams, token: CancellationToken): Promise<ReportResult | ResponseError<void>> {
  const { files, uris, error } = logFiles(entries);
  let result;
  try {
    result = await buildReportAsync(files, () => token.isCancellationRequested);
  } catch (e) {
    if (e instanceof CancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
    throw e;
  }
  return {
    uris,
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
