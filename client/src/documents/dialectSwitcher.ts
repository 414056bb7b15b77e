// Switches `.log` documents that VS Code opened as plain `log` to the dialect the server detected
// (FORMATS §8). A document the user set back to `log` by hand (or with Set Log Dialect) is left alone
// from then on.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DetectedDialectParams } from '../../../common/protocol';
import { Notifications } from '../../../common/protocol';

export const AUTO_DETECT_SETTING = 'autoDetectDialect';

export class DialectSwitcher implements vscode.Disposable {
  /** Documents switched once, or whose language the user chose: never switched (again). */
  private readonly leftAlone = new Set<string>();
  private readonly subscription: vscode.Disposable;
  /** Detections decided (switched or left alone), per URI: tests wait for one instead of sleeping. */
  private readonly decided = new Map<string, number>();

  constructor(client: LanguageClient) {
    this.subscription = client.onNotification(Notifications.detectedDialect, async (params: DetectedDialectParams) => {
      try {
        await this.switchTo(params);
      } finally {
        this.decided.set(params.uri, (this.decided.get(params.uri) ?? 0) + 1);
      }
    });
  }

  /** How many detections of this document the switcher has decided on. */
  decisions(uri: vscode.Uri): number {
    return this.decided.get(uri.toString()) ?? 0;
  }

  private async switchTo(params: DetectedDialectParams): Promise<void> {
    if (!vscode.workspace.getConfiguration('messagingLogs').get<boolean>(AUTO_DETECT_SETTING, true)) return;
    // Reported again after we switched it: the user chose `log` again, so respect that.
    if (this.leftAlone.has(params.uri)) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === params.uri);
    if (!doc || doc.languageId === params.dialect) return;
    this.leftAlone.add(params.uri);
    await vscode.languages.setTextDocumentLanguage(doc, params.dialect);
  }

  /** The user picked this document's language: detection must not override it. */
  respectChoice(uri: vscode.Uri): void {
    this.leftAlone.add(uri.toString());
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
