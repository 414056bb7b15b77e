// Switches `.log` documents that VS Code opened as plain `log` to the dialect the server detected
// (SPEC §8). A document the user set back to `log` by hand is left alone from then on.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DetectedDialectParams, Methods } from '../../server/src/protocol';

export const AUTO_DETECT_SETTING = 'autoDetectDialect';

export function registerDialectSwitcher(client: LanguageClient): vscode.Disposable {
  const switched = new Set<string>();
  return client.onNotification(Methods.detectedDialect, async (params: DetectedDialectParams) => {
    if (!vscode.workspace.getConfiguration('messagingLogs').get<boolean>(AUTO_DETECT_SETTING, true)) return;
    // Reported again after we switched it: the user chose `log` again, so respect that.
    if (switched.has(params.uri)) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === params.uri);
    if (!doc || doc.languageId === params.dialect) return;
    switched.add(params.uri);
    await vscode.languages.setTextDocumentLanguage(doc, params.dialect);
  });
}
