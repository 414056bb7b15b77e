// What the client features share: which documents are logs, the active log editor, the URI form the
// server knows a document by, and moving the cursor to a line.
import * as vscode from 'vscode';
import type { LanguageClient, RequestType } from 'vscode-languageclient/node';
import { DIALECT_NAME_LIST } from '../../../common/dialects';
import type { LogLanguageId } from '../../../common/protocol';
import { LOG_LANGUAGE_IDS } from '../../../common/protocol';

/** Names of the dialects, as the Set Log Dialect picker and the status bar show them. */
export { DIALECT_NAMES } from '../../../common/dialects';

export function isLogLanguage(languageId: string): languageId is LogLanguageId {
  return (LOG_LANGUAGE_IDS as readonly string[]).includes(languageId);
}

export function isLogDocument(document: vscode.TextDocument | undefined): document is vscode.TextDocument {
  return document !== undefined && isLogLanguage(document.languageId);
}

/** The active editor when it shows a log in one of our languages. */
export function activeLogEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor && isLogDocument(editor.document) ? editor : undefined;
}

/** The active log editor, or undefined after telling the user that the command needs one. */
export function requireLogEditor(action: string): vscode.TextEditor | undefined {
  const editor = activeLogEditor();
  if (!editor) {
    tell(`${action}: open a ${DIALECT_NAME_LIST} log first.`);
  }
  return editor;
}

/** The URI string the language client sent in didOpen: requests must name documents the same way. */
export function serverUri(client: LanguageClient, uri: vscode.Uri): string {
  return client.code2ProtocolConverter.asUri(uri);
}

/** The file name part of a URI, for titles and messages. */
export function baseName(uri: vscode.Uri): string {
  const path = uri.path;
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

/** Puts the cursor at the start of `line` (and selects through `endLine`, when given) and scrolls it into view. */
export function revealLine(editor: vscode.TextEditor, line: number, endLine?: number): void {
  const start = new vscode.Position(line, 0);
  const end = endLine !== undefined && endLine > line ? editor.document.lineAt(Math.min(endLine, editor.document.lineCount - 1)).range.end : start;
  editor.selection = new vscode.Selection(start, start);
  editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** A language client request that resolves to undefined when it was cancelled through `token`. */
export async function request<P, R>(
  client: LanguageClient,
  type: RequestType<P, R, void>,
  params: P extends null ? P | undefined : P,
  token?: vscode.CancellationToken,
): Promise<R | undefined> {
  try {
    return token ? await client.sendRequest(type, params, token) : await client.sendRequest(type, params);
  } catch (error) {
    if (token?.isCancellationRequested) return undefined;
    throw error;
  }
}

/** Calls `fn` once calls stop coming for `ms`; `cancel` drops a pending call. */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const call = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  call.cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}

/** For thenables whose failure does not matter (a context key, a saved view option). */
export function ignore(): undefined {
  return undefined;
}

/** An information message nobody waits on (its promise only says when it was dismissed). */
export function tell(message: string): void {
  vscode.window.showInformationMessage(message).then(undefined, ignore);
}

/** An error message nobody waits on. */
export function complain(message: string): void {
  vscode.window.showErrorMessage(message).then(undefined, ignore);
}

/** Sets a context key for `when` clauses. */
export function setContext(key: string, value: unknown): void {
  vscode.commands.executeCommand('setContext', key, value).then(undefined, ignore);
}

/** Shows an unexpected failure of a command instead of letting the promise float. */
export function reportFailure(action: string): (error: unknown) => void {
  return (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    complain(`${action} failed: ${message}`);
  };
}
