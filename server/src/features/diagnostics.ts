// LSP diagnostics from the engine's diagnostics (FORMATS §4), capped by the maxDiagnostics setting.
import type { Diagnostic, Range } from 'vscode-languageserver';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { CancelledError, diagnosticCounts, eachDiagnostic } from '../engine';
import type { LogEntry } from '../logCache';
import type { DiagnosticSeverityName } from '../../../common/protocol';
import { DIAGNOSTIC_SOURCE } from '../../../common/protocol';
import { plural } from '../../../common/describe';
import { overflowRange, recordRange, spanRange } from './ranges';

/**
 * The diagnostics of a parsed log, at most `maxDiagnostics` of them plus one Information diagnostic
 * on the last line counting the rest. A log the server cannot read gets no diagnostics, except a
 * document whose language says it is a log (forced dialect): it gets one Information diagnostic
 * saying why (binary data), because the user asked for a log there. Detected (`log`/`plaintext`)
 * documents that are not ours stay silent: they are somebody else's logs.
 * With `minimumSeverity` 'error' the warnings are left out (before the cap, so they do not count
 * in the "N more" either); the extension's own Information notes stay. Only the diagnostics shown
 * are built: the rest are counted from the record arrays (a 50 MB log has hundreds of thousands).
 */
export function computeDiagnostics(entry: LogEntry, maxDiagnostics: number, minimumSeverity: DiagnosticSeverityName = 'warning'): Diagnostic[] {
  const index = entry.index;
  if (!index) {
    if (entry.mode !== 'forced' || !entry.problem) return [];
    return [information(wholeLines(0, 0), `${entry.problem}: no log features for this document`)];
  }
  const out: Diagnostic[] = [];
  let hidden = 0;
  let nextRun = 0; // overflow runs come in line order, as the diagnostics do
  const errorsOnly = minimumSeverity === 'error';
  eachDiagnostic(index, (d) => {
    if (errorsOnly && d.severity !== 'error') return true;
    if (out.length >= maxDiagnostics) {
      const counts = diagnosticCounts(index);
      hidden = (errorsOnly ? counts.errors : counts.errors + counts.warnings) - out.length;
      return false;
    }
    let range: Range;
    if (d.record >= 0) range = recordRange(index, d.record);
    else {
      while (nextRun < index.overflow.length && index.overflow[nextRun].startLine < d.line) nextRun++;
      const run = index.overflow[nextRun];
      range = run && run.startLine === d.line ? overflowRange(index, run) : wholeLines(d.line, d.endLine);
    }
    out.push({
      range,
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code,
      source: DIAGNOSTIC_SOURCE,
      message: d.message,
    });
    return true;
  });
  if (hidden > 0) {
    const last = Math.max(0, index.lineCount - 1);
    out.push(
      information(
        spanRange(index, last, last, 0, index.scannedTo),
        `${plural(hidden, 'more diagnostic', 'more diagnostics')} not shown (setting messagingLogs.maxDiagnostics is ${maxDiagnostics}; \`msglog check\` lists all)`,
      ),
    );
  }
  return out;
}

function information(range: Range, message: string): Diagnostic {
  return { range, severity: DiagnosticSeverity.Information, source: DIAGNOSTIC_SOURCE, message };
}

/** Whole lines when the exact end is unknown: clients clamp the large end column to the line. */
function wholeLines(line: number, endLine: number): Range {
  return { start: { line, character: 0 }, end: { line: endLine, character: Number.MAX_SAFE_INTEGER } };
}

/** How long typing must pause before a changed document's diagnostics are recomputed. */
const CHANGE_DEBOUNCE_MS = 200;

export interface DiagnosticsHost {
  /** The parse of the open document's current version, or undefined when it is closed. */
  entry(uri: string): Promise<LogEntry | undefined>;
  /** The diagnostics of the document as opened, made ahead (features/firstAnswers.ts), if there are. */
  firstAnswer?(uri: string): Promise<{ diagnostics: Diagnostic[]; version: number } | undefined>;
  maxDiagnostics(): number;
  /** The minimumDiagnosticSeverity setting; all log diagnostics when absent. */
  minimumSeverity?(): DiagnosticSeverityName;
  /** `version` is the document version the diagnostics belong to (absent when cleared). */
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void;
  /** An unexpected failure (an engine bug): logged, never thrown, so that the server lives on. */
  failed(error: unknown): void;
}

/** Pushes diagnostics: at once after open, debounced after changes, cleared on close. */
export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Bumped on every request to publish, so that a slow older computation never overwrites a newer one. */
  private readonly generation = new Map<string, number>();

  constructor(private readonly host: DiagnosticsHost) {}

  /** Computes and publishes now; never rejects. */
  now(uri: string): Promise<void> {
    this.cancelTimer(uri);
    const generation = (this.generation.get(uri) ?? 0) + 1;
    this.generation.set(uri, generation);
    // The index is asked for in any case: the document's other requests need it.
    const parse = this.host.entry(uri);
    const failed = (error: unknown): void => {
      // The document was closed while it was indexed: nothing to publish, nothing failed.
      if (!(error instanceof CancelledError)) this.host.failed(error);
    };
    const current = (): boolean => this.generation.get(uri) === generation;
    // An answer made ahead that fails is not there: the parse's diagnostics are published instead.
    const made = (this.host.firstAnswer?.(uri) ?? Promise.resolve(undefined)).catch(() => undefined);
    return made
      .then(async (early) => {
        if (early !== undefined) {
          if (current()) this.host.publish(uri, early.diagnostics, early.version);
          await parse;
          return;
        }
        const entry = await parse;
        if (entry && current()) this.host.publish(uri, computeDiagnostics(entry, this.host.maxDiagnostics(), this.host.minimumSeverity?.()), entry.version);
      })
      .catch(failed);
  }

  later(uri: string): void {
    this.cancelTimer(uri);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.now(uri);
      }, CHANGE_DEBOUNCE_MS),
    );
  }

  cleared(uri: string): void {
    this.cancelTimer(uri);
    this.generation.delete(uri);
    this.host.publish(uri, []);
  }

  private cancelTimer(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer) clearTimeout(timer);
    this.timers.delete(uri);
  }
}
