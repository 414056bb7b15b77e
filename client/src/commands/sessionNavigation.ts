// Next/previous record of the session under the cursor and next/previous session
// (messagingLogs/navigate), bound to Alt+Down/Up and Alt+PageDown/PageUp in log editors.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { NavigateKind, NavigateParams } from '../../../common/protocol';
import { Requests } from '../../../common/protocol';
import { reportFailure, requireLogEditor, revealLine, serverUri } from '../documents/logDocuments';

const COMMANDS: Record<NavigateKind, { id: string; title: string; none: string }> = {
  nextInSession: { id: 'messagingLogs.nextRecordInSession', title: 'Next Record in Session', none: 'no later record in this session' },
  prevInSession: { id: 'messagingLogs.previousRecordInSession', title: 'Previous Record in Session', none: 'no earlier record in this session' },
  nextSession: { id: 'messagingLogs.nextSession', title: 'Next Session', none: 'no session starts after this one' },
  prevSession: { id: 'messagingLogs.previousSession', title: 'Previous Session', none: 'no session starts before this one' },
};

export function registerSessionNavigation(client: LanguageClient): vscode.Disposable {
  /** Moves the cursor; returns the new 0-based line, or undefined when there is nowhere to go. */
  async function navigate(kind: NavigateKind): Promise<number | undefined> {
    const { title, none } = COMMANDS[kind];
    const editor = requireLogEditor(title);
    if (!editor) return undefined;
    const params: NavigateParams = { uri: serverUri(client, editor.document.uri), line: editor.selection.active.line, kind };
    const result = await client.sendRequest(Requests.navigate, params);
    if (result.line < 0) {
      // A status bar note, not a notification: these keys are pressed repeatedly.
      vscode.window.setStatusBarMessage(`$(info) ${title}: ${none}`, 3000);
      return undefined;
    }
    revealLine(editor, result.line);
    return result.line;
  }

  return vscode.Disposable.from(
    ...(Object.keys(COMMANDS) as NavigateKind[]).map((kind) =>
      vscode.commands.registerCommand(COMMANDS[kind].id, () => navigate(kind).catch(reportFailure(COMMANDS[kind].title))),
    ),
  );
}
