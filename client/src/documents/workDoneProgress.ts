// The server's work-done progress (a long request's percentage and message) shown in a VS Code
// progress notification: the one place that turns LSP percentages into the increments VS Code takes.
import type * as vscode from 'vscode';
import type { LanguageClient, ProgressToken } from 'vscode-languageclient/node';
import { WorkDoneProgress } from 'vscode-languageclient/node';

/** Forwards the reports of `workDoneToken` to `progress` until disposed; `onReport` counts them (tests). */
export function forwardWorkDoneProgress(
  client: LanguageClient,
  workDoneToken: ProgressToken,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  onReport?: () => void,
): vscode.Disposable {
  let reported = 0;
  return client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
    if (value.kind === 'end') return;
    const percentage = value.percentage ?? reported;
    progress.report({ message: value.message, increment: Math.max(0, percentage - reported) });
    reported = Math.max(reported, percentage);
    onReport?.();
  });
}
