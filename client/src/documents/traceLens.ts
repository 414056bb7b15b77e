// Code lenses "Trace message …" over the records where a message enters a log: CommuniGate
// `QUEUE([ID])` enqueue records and EMG RECEIVE entries (with their `001:ID`), so that a message's
// path through the server is one click away (docs/FORMATS.md §10).
import * as vscode from 'vscode';
import { TRACEABLE_DIALECT_IDS, traceEntryPattern } from '../../../common/dialects';
import { TIMELINE_SCHEME } from '../../../common/protocol';
import { TRACE_COMMAND } from './timelines';

/** Larger documents get no lenses: finding them would cost more than they help. */
const MAX_LINES = 200_000;
const MAX_LENSES = 1000;

export class TraceLenses implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('messagingLogs').get<boolean>('traceCodeLens', true)) return [];
    if (document.lineCount > MAX_LINES) return [];
    const pattern = traceEntryPattern(document.languageId);
    if (!pattern) return [];
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
  const selector: vscode.DocumentSelector = TRACEABLE_DIALECT_IDS.flatMap((language) => [
    { language, scheme: 'file' },
    { language, scheme: TIMELINE_SCHEME },
  ]);
  return vscode.languages.registerCodeLensProvider(selector, new TraceLenses());
}
