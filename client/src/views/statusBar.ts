// The status bar item of a log editor: dialect · time of the record under the cursor · its session
// (messagingLogs/recordInfo, asked when the cursor rests). Clicking it opens Go to Time. Hidden
// when the active editor is not a log.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RecordInfoParams, RecordInfoResult } from '../../../common/protocol';
import { Requests } from '../../../common/protocol';
import { GO_TO_TIME_COMMAND } from '../commands/goToTime';
import { activeLogEditor, debounce, DIALECT_NAMES, ignore, isLogLanguage, serverUri } from '../documents/logDocuments';

/** The cursor must rest this long before the server is asked about the record under it. */
const CURSOR_DEBOUNCE_MS = 150;

export class RecordStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('messagingLogs.record', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[];
  private readonly updateSoon = debounce(() => void this.update().catch(ignore), CURSOR_DEBOUNCE_MS);
  /** Bumped per update, so that a slow answer about an older cursor position is dropped. */
  private generation = 0;
  private shown = false;

  constructor(private readonly client: LanguageClient) {
    this.item.name = 'Messaging Logs: Record';
    this.item.command = { command: GO_TO_TIME_COMMAND, title: 'Go to Time…' };
    this.subscriptions = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update().catch(ignore)),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.updateSoon();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.updateSoon();
      }),
      // A language change (Set Log Dialect, detection) reopens the document.
      vscode.workspace.onDidOpenTextDocument(() => this.updateSoon()),
    ];
    this.update().catch(ignore);
  }

  /** What the item shows, or undefined while it is hidden. */
  text(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  /** The item's text once the latest cursor position has been looked up. */
  async settledText(): Promise<string | undefined> {
    this.updateSoon.cancel();
    await this.update();
    return this.text();
  }

  private update(): Promise<void> {
    const generation = ++this.generation;
    const editor = activeLogEditor();
    if (!editor) {
      this.hide();
      return Promise.resolve();
    }
    const params: RecordInfoParams = { uri: serverUri(this.client, editor.document.uri), line: editor.selection.active.line };
    const languageId = editor.document.languageId;
    return Promise.resolve(this.client.sendRequest(Requests.recordInfo, params))
      .catch((): RecordInfoResult => ({})) // the dialect alone is still worth showing
      .then((info) => {
        if (generation !== this.generation) return;
        this.show(info, isLogLanguage(languageId) ? DIALECT_NAMES[languageId] : languageId);
      });
  }

  private show(info: RecordInfoResult, languageName: string): void {
    const dialect = info.dialectName ?? languageName;
    const parts = [dialect];
    if (info.time) parts.push(info.time);
    if (info.sessionKey) parts.push(info.sessionKey);
    this.item.text = `$(list-tree) ${parts.join(' · ')}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${dialect}** log`);
    if (info.recordLine !== undefined) {
      tooltip.appendMarkdown(`\n\nRecord at line ${info.recordLine + 1}${info.severity ? ` (${info.severity})` : ''}`);
      if (info.time) tooltip.appendMarkdown(`, ${info.time}`);
      if (info.sessionKey) tooltip.appendText(`\n\nSession ${info.sessionKey}${info.component ? ` of ${info.component}` : ''}`);
    }
    tooltip.appendMarkdown('\n\nClick to go to a time.');
    this.item.tooltip = tooltip;
    this.item.show();
    this.shown = true;
  }

  private hide(): void {
    this.item.hide();
    this.shown = false;
  }

  dispose(): void {
    this.updateSoon.cancel();
    for (const s of this.subscriptions) s.dispose();
  }
}
