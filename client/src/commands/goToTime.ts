// Go to Time (FORMATS §3): the first record at or after a time (the last one in a descending table),
// or relative to the current record (`+5m`, `-30s`). Asked in an input box that checks the query as
// it is typed; answered by messagingLogs/goToTime.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { GoToTimeParams, RecordInfoParams } from '../../../common/protocol';
import { Requests } from '../../../common/protocol';
import { timeQueryProblem } from './filterInputs';
import { baseName, complain, reportFailure, requireLogEditor, revealLine, serverUri, tell } from '../documents/logDocuments';

export const GO_TO_TIME_COMMAND = 'messagingLogs.goToTime';

/** The time of day in a record's timestamp as written (`Jan 15 08:12:04.306` → `08:12:04.306`). */
function clockOf(written: string | undefined): string | undefined {
  return written ? /\d{1,2}:\d{2}:\d{2}(?:\.\d{1,6})?/.exec(written)?.[0] : undefined;
}

export function registerGoToTime(client: LanguageClient): vscode.Disposable {
  async function currentRecordTime(editor: vscode.TextEditor): Promise<string | undefined> {
    const params: RecordInfoParams = { uri: serverUri(client, editor.document.uri), line: editor.selection.active.line };
    try {
      return clockOf((await client.sendRequest(Requests.recordInfo, params)).time);
    } catch {
      return undefined; // only a suggestion for the input box
    }
  }

  /** Moves the cursor to the record; returns its 0-based line, or undefined when there is none. */
  async function goToTime(arg?: string | { query: string }): Promise<number | undefined> {
    const editor = requireLogEditor('Go to Time');
    if (!editor) return undefined;
    let query = typeof arg === 'string' ? arg : arg?.query;
    if (query === undefined) {
      const suggestion = await currentRecordTime(editor);
      query = await vscode.window.showInputBox({
        title: `Go to Time in ${baseName(editor.document.uri)}`,
        prompt: 'The first record at or after this time; +5m / -30s / +1h move from the current record',
        placeHolder: '12:30, 12:30:05.250, 2026-01-15 12:30, +5m, -30s',
        value: suggestion,
        validateInput: (text) => timeQueryProblem(text),
      });
      if (query === undefined) return undefined;
    }
    const problem = timeQueryProblem(query);
    if (problem) {
      complain(`Go to Time: ${problem}`);
      return undefined;
    }
    const params: GoToTimeParams = { uri: serverUri(client, editor.document.uri), query: query.trim(), fromLine: editor.selection.active.line };
    const result = await client.sendRequest(Requests.goToTime, params);
    if (result.line < 0) {
      tell(`Go to Time: ${result.message ?? `no record at or after ${query}`} in ${baseName(editor.document.uri)}.`);
      return undefined;
    }
    revealLine(editor, result.line);
    return result.line;
  }

  return vscode.commands.registerCommand(GO_TO_TIME_COMMAND, (arg?: string | { query: string }) => goToTime(arg).catch(reportFailure('Go to Time')));
}
