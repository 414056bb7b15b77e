// Context records in filter results (records shown around hits, `--context`) are dimmed, so that the
// hits stand out; the `--` lines between groups are dimmed with them. Opacity keeps the colours of
// the theme and of the log grammar, only fainter.
import * as vscode from 'vscode';
import { FILTER_SCHEME, type FilterDocuments } from './filterDocuments';

export class ContextDimmer implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    opacity: '0.5',
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  /** What was last applied per result URI (the real-editor tests read it). */
  private readonly applied = new Map<string, number[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly documents: FilterDocuments) {
    const update = (): void => this.updateAll();
    this.subscriptions = [
      this.decoration,
      vscode.window.onDidChangeVisibleTextEditors(update),
      documents.onDidShowResult(update),
      // A result computed again (its log changed) gets new lines once the document has its new text.
      vscode.workspace.onDidChangeTextDocument((change) => {
        if (change.document.uri.scheme === FILTER_SCHEME) update();
      }),
    ];
    update();
  }

  /** The lines dimmed in the editors of a result, or undefined when none of its editors was decorated. */
  dimmedLines(uri: vscode.Uri): readonly number[] | undefined {
    return this.applied.get(uri.toString());
  }

  private updateAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const uri = editor.document.uri;
      if (uri.scheme !== FILTER_SCHEME) continue;
      const lines = this.documents.contextLinesOf(uri);
      if (lines === undefined) continue;
      const text = editor.document;
      const dimmed = lines.filter((l) => l < text.lineCount);
      editor.setDecorations(
        this.decoration,
        dimmed.map((l) => new vscode.Range(l, 0, l, text.lineAt(l).text.length)),
      );
      this.applied.set(uri.toString(), dimmed);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
