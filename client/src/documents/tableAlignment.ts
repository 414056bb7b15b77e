// Aligned columns in PrivateServer table exports (FORMATS §2.6; setting messagingLogs.alignTableColumns):
// padding shown at the start of cells, as decorations on the visible lines only, so the file is never
// changed and a long table costs what is on screen. Widths are computed once per document version.
import * as vscode from 'vscode';
import { isTableDialect } from '../../../common/dialects';
import { columnWidths, paddingOf } from './tableColumns';

/** Lines above and below the visible ones that get their padding too, so that scrolling shows it at once. */
const MARGIN = 100;

export class TableAlignment implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({});
  private readonly widths = new Map<string, { version: number; tabSize: number; widths: number[] }>();
  private readonly subscriptions: vscode.Disposable[];
  /** What each editor shows, for the tests: document URI → line → padding. */
  private readonly shown = new Map<string, Map<number, { at: number; spaces: number }[]>>();

  constructor() {
    this.subscriptions = [
      this.decoration,
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.update(e))),
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.update(e.textEditor)),
      vscode.workspace.onDidChangeTextDocument((e) => vscode.window.visibleTextEditors.filter((ed) => ed.document === e.document).forEach((ed) => this.update(ed))),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('messagingLogs.alignTableColumns')) vscode.window.visibleTextEditors.forEach((ed) => this.update(ed));
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.widths.delete(d.uri.toString());
        this.shown.delete(d.uri.toString());
      }),
    ];
    vscode.window.visibleTextEditors.forEach((e) => this.update(e));
  }

  /** The padding shown on a line of a document (tests); undefined when the line shows none. */
  paddingAt(uri: vscode.Uri, line: number): { at: number; spaces: number }[] | undefined {
    return this.shown.get(uri.toString())?.get(line);
  }

  private update(editor: vscode.TextEditor): void {
    const document = editor.document;
    const enabled = vscode.workspace.getConfiguration('messagingLogs', document).get<boolean>('alignTableColumns', true);
    if (!isTableDialect(document.languageId) || !enabled) {
      if (this.shown.delete(document.uri.toString())) editor.setDecorations(this.decoration, []);
      return;
    }
    const tabSize = typeof editor.options.tabSize === 'number' ? editor.options.tabSize : 4;
    const widths = this.widthsOf(document, tabSize);
    const options: vscode.DecorationOptions[] = [];
    const shown = new Map<number, { at: number; spaces: number }[]>();
    for (const range of editor.visibleRanges) {
      const last = Math.min(document.lineCount - 1, range.end.line + MARGIN);
      for (let line = Math.max(0, range.start.line - MARGIN); line <= last; line++) {
        if (shown.has(line)) continue;
        const pads = paddingOf(document.lineAt(line).text, widths, tabSize);
        shown.set(line, pads);
        for (const { at, spaces } of pads) {
          const position = new vscode.Position(line, at);
          // No-break spaces: plain spaces at the end of an attachment may be collapsed.
          options.push({ range: new vscode.Range(position, position), renderOptions: { before: { contentText: '\u00a0'.repeat(spaces) } } });
        }
      }
    }
    this.shown.set(document.uri.toString(), shown);
    editor.setDecorations(this.decoration, options);
  }

  private widthsOf(document: vscode.TextDocument, tabSize: number): number[] {
    const key = document.uri.toString();
    const cached = this.widths.get(key);
    if (cached?.version === document.version && cached.tabSize === tabSize) return cached.widths;
    const lines: string[] = [];
    for (let i = 0; i < document.lineCount; i++) lines.push(document.lineAt(i).text);
    const widths = columnWidths(lines, tabSize);
    this.widths.set(key, { version: document.version, tabSize, widths });
    return widths;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
