// Code lenses "Trace message …" over the records where a message enters a log: CommuniGate
// `QUEUE([ID])` enqueue records and EMG RECEIVE entries (with their `001:ID`), so that a message's
// path through the server is one click away (docs/FORMATS.md §10).
import * as vscode from 'vscode';
import { TIMELINE_SCHEME } from '../../server/src/protocol';
import { TRACE_COMMAND } from './timelines';

/** Larger documents get no lenses: finding them would cost more than they help. */
const MAX_LINES = 200_000;
const MAX_LENSES = 1000;
const CGP_QUEUE = /^\S+ \d QUEUE\(\[(\d+)\]\)/;
const EMG_RECEIVE = /^(?:\d{4}-\d\d-\d\d|[A-Z][a-z]{2} {1,2}\d{1,2}) \S+ \([^()]*\) RECEIVE \w+.*?(?:^|\s)001:(\S+)/;

export class TraceLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('messagingLogs').get<boolean>('traceCodeLens', true)) return [];
    if (document.lineCount > MAX_LINES) return [];
    const pattern = document.languageId === 'emg-log' ? EMG_RECEIVE : CGP_QUEUE;
    const seen = new Set<string>();
    const lenses: vscode.CodeLens[] = [];
    for (let line = 0; line < document.lineCount && lenses.length < MAX_LENSES; line++) {
      if ((line & 4095) === 0 && token.isCancellationRequested) return [];
      const m = pattern.exec(document.lineAt(line).text);
      if (!m || seen.has(m[1])) continue;
      seen.add(m[1]);
      lenses.push(
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: `Trace message ${m[1]}`,
          tooltip: 'Every record that handled this message, across components, sessions and files',
          command: TRACE_COMMAND,
          arguments: [{ uri: document.uri, id: m[1] }],
        }),
      );
    }
    return lenses;
  }
}

export function registerTraceLenses(): vscode.Disposable {
  const selector: vscode.DocumentSelector = [
    { language: 'communigate-log', scheme: 'file' },
    { language: 'emg-log', scheme: 'file' },
    { language: 'communigate-log', scheme: TIMELINE_SCHEME },
    { language: 'emg-log', scheme: TIMELINE_SCHEME },
  ];
  return vscode.languages.registerCodeLensProvider(selector, new TraceLenses());
}
