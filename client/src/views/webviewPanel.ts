// What the SIP ladder and log report panels share: a page with a strict Content-Security-Policy
// (a fresh nonce per page, scripts only from the extension's own bundle, no remote resources), and
// opening a log line from a panel.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import { isLargeLog, revealLargeLogLine } from '../documents/largeLogs';

/** Where the webview bundles are (scripts/build.mjs writes them). */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'client', 'out', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)], retainContextWhenHidden: false };
}

/** The page: `script` is a bundle in client/out/webview; `body` and `style` are static (no user data: the script renders that). */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string, body: string, style = ''): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const src = webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(extensionUri), script));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style nonce="${nonce}">${STYLE}${style}</style>
</head><body>${body}
<script nonce="${nonce}" src="${src.toString()}"></script>
</body></html>`;
}

/**
 * Opens `uri` (where it is already shown, else in the first column) with `line` selected and in view.
 * A large log (no document for extensions) opens in VS Code's own editor at the line.
 */
export async function revealLogLine(uri: vscode.Uri, line: number, endLine?: number): Promise<void> {
  if (isLargeLog(uri)) {
    await revealLargeLogLine(uri, line);
    return;
  }
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const document = shown?.document ?? (await vscode.workspace.openTextDocument(uri));
  const editor = await vscode.window.showTextDocument(document, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, preview: false });
  const start = new vscode.Position(line, 0);
  const last = Math.min(endLine ?? line, document.lineCount - 1);
  editor.selection = new vscode.Selection(start, start);
  editor.revealRange(new vscode.Range(start, document.lineAt(last).range.end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** Theme-coloured base style of both panels (VS Code sets the variables for light, dark and high contrast). */
const STYLE = `
:root { color-scheme: light dark; }
body { margin: 0; padding: 0 16px 16px; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
h1 { font-size: 1.25em; font-weight: 600; margin: 12px 0 4px; }
h2 { font-size: 1.05em; font-weight: 600; margin: 20px 0 6px; }
.muted { color: var(--vscode-descriptionForeground); }
.empty { margin: 24px 0; color: var(--vscode-descriptionForeground); }
.error { color: var(--vscode-errorForeground); }
:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
svg text { fill: var(--vscode-foreground); font-family: var(--vscode-font-family); }
.tooltip { position: fixed; z-index: 10; max-width: 70vw; max-height: 60vh; overflow: hidden; pointer-events: none;
  background: var(--vscode-editorHoverWidget-background); color: var(--vscode-editorHoverWidget-foreground);
  border: 1px solid var(--vscode-editorHoverWidget-border); padding: 4px 8px; display: none; }
.tooltip pre { margin: 0; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin-bottom: 4px; }
th, td { text-align: left; padding: 2px 10px 2px 0; vertical-align: top; }
th { color: var(--vscode-descriptionForeground); font-weight: 600; border-bottom: 1px solid var(--vscode-panel-border); }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.link { cursor: pointer; }
tr.link:hover, tr.link:focus { background: var(--vscode-list-hoverBackground); }
tr.link:focus { outline: 1px solid var(--vscode-focusBorder); }
`;
