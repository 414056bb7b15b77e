// Set Log Dialect: the active document's language, one of the five dialects or plain Log, picked
// from a list (or given as the argument). Detection leaves the document alone afterwards.
import * as vscode from 'vscode';
import { LOG_LANGUAGE_IDS } from '../../../common/protocol';
import type { DialectSwitcher } from '../documents/dialectSwitcher';
import { complain, DIALECT_NAMES, reportFailure, tell } from '../documents/logDocuments';

export const SET_DIALECT_COMMAND = 'messagingLogs.setDialect';
const PLAIN_LOG = 'log';

export function registerSetDialect(switcher: DialectSwitcher): vscode.Disposable {
  /** Returns the language the document has afterwards, or undefined when nothing was chosen. */
  async function setDialect(languageId?: string): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      tell('Set Log Dialect: open a log first.');
      return undefined;
    }
    const current = editor.document.languageId;
    let chosen = languageId;
    if (chosen === undefined) {
      type DialectItem = vscode.QuickPickItem & { languageId: string };
      const items: DialectItem[] = [
        ...LOG_LANGUAGE_IDS.map((id) => ({ label: DIALECT_NAMES[id], description: id, languageId: id })),
        { label: 'Plain log', description: `${PLAIN_LOG} (no dialect: highlighting only)`, languageId: PLAIN_LOG },
      ];
      for (const item of items) if (item.languageId === current) item.detail = 'current';
      const pick = await vscode.window.showQuickPick(items, { title: 'Set Log Dialect', placeHolder: `The dialect of ${editor.document.fileName}` });
      chosen = pick?.languageId;
    }
    if (chosen === undefined) return undefined;
    if (chosen !== PLAIN_LOG && !(LOG_LANGUAGE_IDS as readonly string[]).includes(chosen)) {
      complain(`Set Log Dialect: "${chosen}" is not one of ${[...LOG_LANGUAGE_IDS, PLAIN_LOG].join(', ')}.`);
      return undefined;
    }
    switcher.respectChoice(editor.document.uri);
    if (chosen === current) return current;
    const document = await vscode.languages.setTextDocumentLanguage(editor.document, chosen);
    return document.languageId;
  }

  return vscode.commands.registerCommand(SET_DIALECT_COMMAND, (languageId?: string) => setDialect(languageId).catch(reportFailure('Set Log Dialect')));
}
