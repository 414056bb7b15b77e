// Show Log Report: a panel with the report of the active log (docs/FORMATS.md §12), its histogram of
// records per time by severity and its tables; bars go to a time or filter an interval, rows open
// their records as a filter. Restored after a reload by its serializer.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ReportRowFilter } from '../../../common/protocol';
import { Requests } from '../../../common/protocol';
import type { ReportParams } from '../../../common/protocol';
import { currentLargeLog } from '../documents/largeLogs';
import { baseName, isLogDocument, reportFailure, request, serverUri, tell } from '../documents/logDocuments';
import { revealLogLine, webviewHtml, webviewOptions } from './webviewPanel';
import type { ReportState } from './webview/report';

export const LOG_REPORT_VIEW = 'messagingLogs.logReport';
/** A report that takes longer than this shows a cancellable notification. */
const PROGRESS_AFTER_MS = 700;

type FromPanel =
  | { type: 'ready' }
  | { type: 'goTo'; fileIndex: number; line: number }
  | { type: 'interval'; from: string; to: string }
  | { type: 'filter'; filter: ReportRowFilter; fileIndex: number };

const STYLE = `
.histogram { display: block; user-select: none; }
.histogram .axis { stroke: var(--vscode-descriptionForeground); stroke-opacity: .5; }
.histogram .tick { font-size: 11px; fill: var(--vscode-descriptionForeground); }
.bar { cursor: pointer; outline: none; }
.bar .hit { fill: transparent; }
.bar:hover .hit { fill: var(--vscode-list-hoverBackground); }
.bar:focus .hit { fill: var(--vscode-list-hoverBackground); stroke: var(--vscode-focusBorder); }
.bar.selected .hit { fill: var(--vscode-editor-selectionBackground); }
.sev-critical { fill: var(--vscode-charts-purple); background: var(--vscode-charts-purple); }
.sev-error { fill: var(--vscode-charts-red); background: var(--vscode-charts-red); }
.sev-warning { fill: var(--vscode-charts-yellow); background: var(--vscode-charts-yellow); }
.sev-info { fill: var(--vscode-charts-blue); background: var(--vscode-charts-blue); }
.sev-debug { fill: var(--vscode-charts-green); background: var(--vscode-charts-green); }
.sev-trace { fill: var(--vscode-charts-lines); background: var(--vscode-charts-lines); }
.legend { margin: 4px 0 0 44px; }
.legend span { margin-right: 14px; white-space: nowrap; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
.hint { margin: 4px 0 0 44px; font-size: .9em; }
section[data-table] { display: inline-block; vertical-align: top; margin-right: 32px; max-width: 100%; overflow-x: auto; }
section[data-table="problems"] { display: block; }
`;

export class LogReports implements vscode.Disposable {
  private readonly panels = new Set<vscode.WebviewPanel>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly client: LanguageClient,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.subscriptions = [
      vscode.commands.registerCommand('messagingLogs.showLogReport', (arg?: vscode.Uri | string, all?: vscode.Uri[]) => this.show(arg, all).catch(reportFailure('Show Log Report'))),
      vscode.window.registerWebviewPanelSerializer(LOG_REPORT_VIEW, {
        deserializeWebviewPanel: async (panel, state: ReportState | undefined) => {
          if (!state?.uris?.length) {
            panel.dispose();
            return;
          }
          this.attach(panel, state.uris.map((u) => vscode.Uri.parse(u)));
        },
      }),
    ];
  }

  /**
   * Opens the report of a log: the URI given (Explorer: the files selected), or the active editor's.
   * Returns the panel (tests), or undefined when there was no log.
   */
  async show(arg?: vscode.Uri | string, all?: vscode.Uri[]): Promise<vscode.WebviewPanel | undefined> {
    let uris: vscode.Uri[];
    if (all && all.length > 0) uris = all;
    else if (arg !== undefined) uris = [typeof arg === 'string' ? vscode.Uri.parse(arg) : arg];
    else {
      const editor = vscode.window.activeTextEditor;
      // A log opened as a large log has no editor document: the server reads it from disk.
      const log = editor && isLogDocument(editor.document) ? editor.document.uri : currentLargeLog();
      if (!log) {
        tell('Show Log Report: open a CommuniGate Pro, EMG, Axigen, Messaging Server or PrivateServer log first.');
        return undefined;
      }
      uris = [log];
    }
    const panel = vscode.window.createWebviewPanel(LOG_REPORT_VIEW, 'Log Report', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(this.extensionUri));
    this.attach(panel, uris);
    return panel;
  }

  private attach(panel: vscode.WebviewPanel, uris: vscode.Uri[]): void {
    this.panels.add(panel);
    panel.title = `Report: ${uris.map(baseName).join(', ')}`;
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'report.js', 'Log report', '<div id="root"></div>', STYLE);
    const send = async (): Promise<void> => {
      const cancel = new vscode.CancellationTokenSource();
      const asked = request(this.client, Requests.report, { uris: uris.map((u) => serverUri(this.client, u)), buckets: 60 } satisfies ReportParams, cancel.token);
      // A big log takes a while: after a moment, a notification with a Cancel button.
      const slow = setTimeout(() => {
        void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Log report: ${uris.map(baseName).join(', ')}`, cancellable: true }, (_progress, token) => {
          token.onCancellationRequested(() => cancel.cancel());
          return asked.catch(() => undefined);
        });
      }, PROGRESS_AFTER_MS);
      const report = await asked.finally(() => {
        clearTimeout(slow);
        cancel.dispose();
      });
      if (!report) {
        panel.dispose();
        return;
      }
      logUris = report.logUris;
      const state: ReportState = { uris: uris.map((u) => u.toString()), report };
      await panel.webview.postMessage({ type: 'report', state });
    };
    let logUris: string[] = [];
    /** The log of a bar or row: the server names each log it read (a timeline's sources are one document). */
    const logUri = (fileIndex: number): vscode.Uri => {
      const named = logUris[fileIndex];
      return named !== undefined ? this.client.protocol2CodeConverter.asUri(named) : uris[0];
    };
    const listener = panel.webview.onDidReceiveMessage((message: FromPanel) => {
      const run = (work: Promise<unknown>): void => void work.catch(reportFailure('Show Log Report'));
      if (message.type === 'ready') run(send());
      else if (message.type === 'goTo') run(revealLogLine(logUri(message.fileIndex), message.line));
      // Filters read one log; with several, the first (the interval) or the row's own.
      else if (message.type === 'interval') run(Promise.resolve(vscode.commands.executeCommand('messagingLogs.filter', { uri: uris[0], text: '', from: message.from, to: message.to })));
      else if (message.type === 'filter') {
        const { regex, text, ignoreCase } = message.filter;
        run(Promise.resolve(vscode.commands.executeCommand('messagingLogs.filter', { uri: logUri(message.fileIndex), ...(regex !== undefined ? { regex } : { text }), ignoreCase: ignoreCase === true })));
      }
    });
    panel.onDidDispose(() => {
      listener.dispose();
      this.panels.delete(panel);
    });
  }

  dispose(): void {
    for (const panel of [...this.panels]) panel.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
