// Logs opened "as large logs" (FORMATS §8): files the editor does not hand to extensions, indexed by the
// server from disk with work-done progress. Their diagnostics are published like an open document's,
// and republished when the file grows or is replaced; the client hears of every change.
import type { Diagnostic, WorkDoneProgressReporter } from 'vscode-languageserver';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { ProgressSink } from '../largeLogStore';
import { CancelledError, diagnosticCounts } from '../engine';
import { fileNameOf, type LargeLogRequest, type LogEntry } from '../logCache';
import type { DiagnosticSeverityName, LargeLogSummary, LogChangedParams, LogChangeKind, OpenLargeLogParams } from '../../../common/protocol';
import { computeDiagnostics } from './diagnostics';

export interface LargeLogsHost {
  /** Runs `work` on the parse of a log by URI (an open document, else the file on disk, held open meanwhile). */
  withEntry<T>(uri: string, request: LargeLogRequest, work: (entry: LogEntry) => T | Promise<T>): Promise<T>;
  /** Whether the editor has the URI open as a document (its own diagnostics then win). */
  isOpenDocument(uri: string): boolean;
  /** Whether the server indexed the URI from disk and still holds it. */
  holdsLargeLog(uri: string): boolean;
  maxDiagnostics(): number;
  /** The minimumDiagnosticSeverity setting. */
  minimumSeverity(): DiagnosticSeverityName;
  publish(uri: string, diagnostics: Diagnostic[]): void;
  notifyChanged(params: LogChangedParams): void;
  /** Progress reported on a token the client made, or a reporter that discards everything. */
  attachProgress(token: string | number | undefined): WorkDoneProgressReporter;
  failed(error: unknown): void;
}

const MB = 1024 * 1024;

/** A sink that drives a work-done progress: begin on the first report, whole percents, end once. */
export function progressSink(reporter: WorkDoneProgressReporter, title: string, cancellable: boolean): ProgressSink {
  let begun = false;
  let ended = false;
  let last = -1;
  return {
    report(done, total) {
      if (ended) return;
      const percentage = total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 100;
      const message = `${(done / MB).toFixed(0)} of ${(total / MB).toFixed(0)} MB`;
      if (!begun) {
        begun = true;
        last = percentage;
        reporter.begin(title, percentage, message, cancellable);
      } else if (percentage !== last) {
        last = percentage;
        reporter.report(percentage, message);
      }
    },
    end() {
      if (begun && !ended) reporter.done();
      ended = true;
    },
  };
}

export class LargeLogs {
  /** URIs the client opened as large logs: their diagnostics are published while the server holds them. */
  private readonly opened = new Set<string>();

  constructor(private readonly host: LargeLogsHost) {}

  /** messagingLogs/openLargeLog: indexes the file (progress on the client's token), publishes its diagnostics, sums it up. */
  async open(params: OpenLargeLogParams, token: LargeLogRequest['token']): Promise<LargeLogSummary | ResponseError<void>> {
    const reporter = this.host.attachProgress(params.workDoneToken);
    const sink = progressSink(reporter, `Indexing ${fileNameOf(params.uri) ?? params.uri}`, true);
    let indexMs = 0;
    const request: LargeLogRequest = { token, progress: sink, indexed: (ms) => (indexMs = ms) };
    try {
      return await this.host.withEntry(params.uri, request, (entry) => {
        sink.end();
        const summary = summarize(params.uri, entry, indexMs);
        if (entry.index && !this.host.isOpenDocument(params.uri) && this.host.holdsLargeLog(params.uri)) {
          this.opened.add(params.uri);
          this.publish(entry);
        }
        return summary;
      });
    } catch (e) {
      if (e instanceof CancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, 'indexing cancelled');
      throw e;
    } finally {
      sink.end();
    }
  }

  /** A log read from disk changed (and is indexed again): tell the client, refresh its diagnostics. */
  changed(uri: string, kind: LogChangeKind): void {
    this.host.notifyChanged({ uri, kind });
    if (this.opened.has(uri)) this.republish(uri);
  }

  /** A log left the server's cache: its diagnostics would go stale unnoticed, so they go. */
  evicted(uri: string): void {
    if (!this.opened.delete(uri)) return;
    if (!this.host.isOpenDocument(uri)) this.host.publish(uri, []);
  }

  /** Settings changed (tolerance, diagnostics cap): the large logs' diagnostics are computed again. */
  settingsChanged(): void {
    for (const uri of this.opened) this.republish(uri);
  }

  /** The editor closed a document that is also open as a large log: the large log's diagnostics come back. */
  documentClosed(uri: string): void {
    if (this.opened.has(uri)) this.republish(uri);
  }

  private republish(uri: string): void {
    this.host.withEntry(uri, {}, (entry) => this.publish(entry)).catch((e: unknown) => this.host.failed(e));
  }

  private publish(entry: LogEntry): void {
    if (this.host.isOpenDocument(entry.uri) || !this.opened.has(entry.uri)) return;
    this.host.publish(entry.uri, entry.index ? computeDiagnostics(entry, this.host.maxDiagnostics(), this.host.minimumSeverity()) : []);
  }
}

/** What the client shows after indexing: dialect, size, records, sessions, problems. */
export function summarize(uri: string, entry: LogEntry, indexMs: number): LargeLogSummary {
  const index = entry.index;
  if (!index) return { uri, bytes: 0, lines: 0, records: 0, sessions: 0, errors: 0, warnings: 0, indexMs, error: entry.problem ?? 'not a log' };
  const { errors, warnings } = diagnosticCounts(index);
  return {
    uri,
    dialect: index.dialect.id,
    dialectName: index.dialect.name,
    bytes: index.scannedTo,
    lines: index.lineCount,
    records: index.recordCount,
    sessions: index.sessionCount,
    errors,
    warnings,
    indexMs,
    restored: index.restored || undefined,
  };
}

