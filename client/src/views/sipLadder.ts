// Show SIP Ladder: a panel drawing one SIP dialog (docs/FORMATS.md §11) from the Sessions view's
// dialog items, the editor's context menu on a `Call-ID:` line or a SIPDATA record (in a log or a
// filter result), or with arguments. Restored after a reload by its serializer.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests } from '../../../common/protocol';
import type { RecordInfoParams, SipDialogParams } from '../../../common/protocol';
import type { FilterDocuments } from '../documents/filterDocuments';
import { isLogDocument, reportFailure, serverUri, tell } from '../documents/logDocuments';
import type { DialogNode } from './sessionsModel';
import { revealLogLine, webviewHtml, webviewOptions } from './webviewPanel';
import type { LadderState } from './webview/ladder';

export const SIP_LADDER_VIEW = 'messagingLogs.sipLadder';

/** Arguments of messagingLogs.showSipLadder from scripts and tests. */
export interface SipLadderArgs {
  callId: string;
  /** The log(s); default the active editor's log. */
  uri?: vscode.Uri | string;
  uris?: (vscode.Uri | string)[];
}

type FromPanel = { type: 'ready' } | { type: 'reveal'; uri: string; line: number; endLine: number };

const STYLE = `
.columns { position: sticky; top: 0; z-index: 2; height: 30px; background: var(--vscode-editor-background);
  border-bottom: 1px solid var(--vscode-panel-border); }
.columns .col { position: absolute; top: 6px; text-align: center; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
.columns .col.time { text-align: left; font-weight: normal; color: var(--vscode-descriptionForeground); }
.columns .col.server { color: var(--vscode-textLink-foreground); }
.ladder { display: block; }
.ladder .lifeline { stroke: var(--vscode-descriptionForeground); stroke-opacity: .45; stroke-dasharray: 3 3; }
.packet { cursor: pointer; outline: none; }
.packet .hit { fill: transparent; }
.packet:hover .hit { fill: var(--vscode-list-hoverBackground); }
.packet:focus .hit { fill: var(--vscode-list-hoverBackground); stroke: var(--vscode-focusBorder); }
.packet .arrow { stroke: var(--vscode-charts-blue); stroke-width: 1.5; }
.packet .head { fill: var(--vscode-charts-blue); }
.packet.response .arrow { stroke: var(--vscode-charts-green); stroke-dasharray: 6 3; }
.packet.response .head { fill: var(--vscode-charts-green); }
.packet.failed .arrow { stroke: var(--vscode-errorForeground); }
.packet.failed .head, .packet.failed .label { fill: var(--vscode-errorForeground); }
.packet .label { font-size: 12px; }
.packet text.time { fill: var(--vscode-descriptionForeground); font-size: 12px; font-variant-numeric: tabular-nums; }
`;

export class SipLadders implements vscode.Disposable {
  private readonly panels = new Set<vscode.WebviewPanel>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly client: LanguageClient,
    private readonly extensionUri: vscode.Uri,
    private readonly filterDocuments: FilterDocuments,
    private readonly sessionsLog: () => vscode.Uri | undefined,
  ) {
    this.subscriptions = [
      vscode.commands.registerCommand('messagingLogs.showSipLadder', (arg?: DialogNode | SipLadderArgs) => this.show(arg).catch(reportFailure('Show SIP Ladder'))),
      vscode.window.registerWebviewPanelSerializer(SIP_LADDER_VIEW, {
        deserializeWebviewPanel: async (panel, state: LadderState | undefined) => {
          if (!state?.callId) {
            panel.dispose();
            return;
          }
          this.attach(panel, state.callId, state.uris.map((u) => vscode.Uri.parse(u)));
        },
      }),
    ];
  }

  /** Opens the ladder of a dialog; returns the panel (tests), or undefined when there was nothing to show. */
  async show(arg?: DialogNode | SipLadderArgs): Promise<vscode.WebviewPanel | undefined> {
    const target = await this.targetOf(arg);
    if (!target) return undefined;
    const panel = vscode.window.createWebviewPanel(SIP_LADDER_VIEW, `SIP ${shortId(target.callId)}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(this.extensionUri));
    this.attach(panel, target.callId, target.uris);
    return panel;
  }

  private attach(panel: vscode.WebviewPanel, callId: string, uris: vscode.Uri[]): void {
    this.panels.add(panel);
    panel.title = `SIP ${shortId(callId)}`;
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'ladder.js', 'SIP ladder', '<div id="root"></div>', STYLE);
    const send = async (): Promise<void> => {
      const params: SipDialogParams = { callId, uris: uris.map((u) => serverUri(this.client, u)) };
      const dialog = await this.client.sendRequest(Requests.sipDialog, params);
      const state: LadderState = { callId, uris: uris.map((u) => u.toString()), dialog };
      await panel.webview.postMessage({ type: 'dialog', state });
    };
    const listener = panel.webview.onDidReceiveMessage((message: FromPanel) => {
      if (message.type === 'ready') void send().catch(reportFailure('Show SIP Ladder'));
      else if (message.type === 'reveal') void this.reveal(message).catch(reportFailure('Show SIP Ladder'));
    });
    panel.onDidDispose(() => {
      listener.dispose();
      this.panels.delete(panel);
    });
  }

  /** The packet's record in its log; the server names logs as it was told, so map back to the editor's URI. */
  private async reveal(message: { uri: string; line: number; endLine: number }): Promise<void> {
    const uri = this.client.protocol2CodeConverter.asUri(message.uri);
    await revealLogLine(uri, message.line, message.endLine);
  }

  private async targetOf(arg?: DialogNode | SipLadderArgs): Promise<{ callId: string; uris: vscode.Uri[] } | undefined> {
    if (arg && 'kind' in arg && arg.kind === 'dialog') {
      const log = this.sessionsLog();
      if (!log) return undefined;
      return { callId: arg.callId, uris: [log] };
    }
    if (arg && !('kind' in arg)) {
      const given = arg.uris ?? (arg.uri !== undefined ? [arg.uri] : []);
      const uris = given.map((u) => (typeof u === 'string' ? vscode.Uri.parse(u) : u));
      if (uris.length === 0) {
        const editor = vscode.window.activeTextEditor;
        if (!editor || !isLogDocument(editor.document)) {
          tell('Show SIP Ladder: open a CommuniGate Pro log first.');
          return undefined;
        }
        uris.push(await this.logOf(editor.document.uri, editor.selection.active.line));
      }
      return { callId: arg.callId, uris };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isLogDocument(editor.document)) {
      tell('Show SIP Ladder: put the cursor on a Call-ID line or a SIPDATA record of a CommuniGate Pro log.');
      return undefined;
    }
    const callId = await this.callIdAt(editor.document, editor.selection.active.line);
    if (!callId) {
      tell('Show SIP Ladder: the cursor is not on a Call-ID line or a SIPDATA packet with a Call-ID.');
      return undefined;
    }
    return { callId, uris: [await this.logOf(editor.document.uri, editor.selection.active.line)] };
  }

  /** The log a line belongs to: a filter result's source log, or the document itself. */
  private async logOf(uri: vscode.Uri, line: number): Promise<vscode.Uri> {
    if (!this.filterDocuments.isResult(uri)) return uri;
    return (await this.filterDocuments.sourceLineOf(uri, line))?.uri ?? uri;
  }

  /** The Call-ID on the line, or the one of the SIPDATA packet (session) the line belongs to. */
  private async callIdAt(document: vscode.TextDocument, line: number): Promise<string | undefined> {
    const own = callIdIn(document.lineAt(line).text);
    if (own) return own;
    const info = await this.client.sendRequest(Requests.recordInfo, { uri: serverUri(this.client, document.uri), line } satisfies RecordInfoParams);
    const key = info.sessionKey;
    if (!key || !key.startsWith('SIPDATA-')) return undefined;
    // A packet's lines are together: look around the cursor for its Call-ID header.
    for (let d = 1; d < 400; d++) {
      for (const l of [line - d, line + d]) {
        if (l < 0 || l >= document.lineCount) continue;
        const text = document.lineAt(l).text;
        if (!text.includes(key)) continue;
        const id = callIdIn(text);
        if (id) return id;
      }
    }
    return undefined;
  }

  dispose(): void {
    for (const panel of [...this.panels]) panel.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** The value of a `Call-ID:` (or compact `i:`) header on a log line. */
export function callIdIn(text: string): string | undefined {
  const m = /(?:^|\s|:)(?:Call-ID|i)\s*:\s*(\S+)\s*$/i.exec(text);
  return m?.[1];
}

function shortId(callId: string): string {
  return callId.length > 24 ? `${callId.slice(0, 23)}…` : callId;
}
