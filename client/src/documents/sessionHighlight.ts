// Whole-line backgrounds on every record of the session (or SIP dialog) chosen in the Log Sessions
// view. One highlight at a time: choosing another session replaces it; switching to another document
// or editing the highlighted one clears it (its lines would no longer be the session's).
import * as vscode from 'vscode';

export interface LineSpan {
  line: number;
  endLine: number;
}

export class SessionHighlighter implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private editor: vscode.TextEditor | undefined;
  private spans: LineSpan[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (this.editor && editor?.document.uri.toString() !== this.editor.document.uri.toString()) this.clear();
      }),
      vscode.workspace.onDidChangeTextDocument((change) => {
        if (change.contentChanges.length > 0 && change.document === this.editor?.document) this.clear();
      }),
    ];
  }

  /** Highlights these records (merged where adjacent) in `editor`, replacing any earlier highlight. */
  highlight(editor: vscode.TextEditor, spans: readonly LineSpan[]): void {
    this.clear();
    const merged: LineSpan[] = [];
    for (const span of [...spans].sort((a, b) => a.line - b.line)) {
      const last = merged[merged.length - 1];
      if (last && span.line <= last.endLine + 1) last.endLine = Math.max(last.endLine, span.endLine);
      else merged.push({ ...span });
    }
    const lastLine = editor.document.lineCount - 1;
    editor.setDecorations(
      this.decoration,
      merged.map((s) => new vscode.Range(Math.min(s.line, lastLine), 0, Math.min(s.endLine, lastLine), 0)),
    );
    this.editor = editor;
    this.spans = merged;
  }

  clear(): void {
    this.editor?.setDecorations(this.decoration, []);
    this.editor = undefined;
    this.spans = [];
  }

  /** What is highlighted now (tests; a decoration cannot be read back through the API). */
  current(): { uri: string; spans: LineSpan[] } | undefined {
    return this.editor ? { uri: this.editor.document.uri.toString(), spans: this.spans.map((s) => ({ ...s })) } : undefined;
  }

  dispose(): void {
    this.clear();
    this.decoration.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
