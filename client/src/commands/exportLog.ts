// Export Log… (command palette, Explorer context menu on one or more files, the log editor's tab):
// pick a format and a target file; the language server writes the NDJSON (docs/EXPORT.md) with
// cancellable progress. Called with an options object (`{ format, target, bulk?, utcOffset? }`) as
// second argument it asks nothing (tests, keybindings, other extensions); the first argument may then
// be a URI or an array of them.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { forwardWorkDoneProgress } from '../documents/workDoneProgress';
import { LOG_LANGUAGE_IDS, Requests, type ExportLogParams, type ExportLogResult } from '../../../common/protocol';
import { baseName } from '../documents/logDocuments';

export const EXPORT_LOG_COMMAND = 'messagingLogs.exportLog';

export interface ExportLogOptions {
  format: 'ecs' | 'otlp';
  bulk?: boolean;
  /** A file path or URI. */
  target: string | vscode.Uri;
  utcOffset?: string;
}

/** What the command returns (tests read it): the server's answer, or undefined when the user stopped. */
export type ExportLogOutcome = (ExportLogResult & { cancelled?: false }) | { cancelled: true } | undefined;

interface FormatItem extends vscode.QuickPickItem {
  format: 'ecs' | 'otlp';
  bulk: boolean;
  extension: string;
}

const FORMATS: FormatItem[] = [
  { label: 'ECS', description: 'Elastic Common Schema, one document per line', detail: 'OpenSearch / Elasticsearch ingest, ClickHouse JSONEachRow, jq', format: 'ecs', bulk: false, extension: 'ecs.ndjson' },
  { label: 'ECS with _bulk action lines', description: 'for POST /_bulk', detail: 'Elasticsearch / OpenSearch _bulk API (curl --data-binary @FILE)', format: 'ecs', bulk: true, extension: 'bulk.ndjson' },
  { label: 'OTLP/JSON', description: 'OpenTelemetry ExportLogsServiceRequest lines', detail: 'OpenTelemetry Collector otlpjsonfile receiver, OTLP/HTTP endpoints (Loki 3, Elastic)', format: 'otlp', bulk: false, extension: 'otlp.jsonl' },
];

function isLogDocument(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc !== undefined && (LOG_LANGUAGE_IDS as readonly string[]).includes(doc.languageId);
}

/** The logs to export: the Explorer selection, the argument, the active log, or files the user picks. */
async function logsOf(arg: unknown, selection: unknown): Promise<vscode.Uri[] | undefined> {
  if (Array.isArray(selection) && selection.length > 0 && selection.every((u) => u instanceof vscode.Uri)) return selection as vscode.Uri[];
  if (Array.isArray(arg) && arg.length > 0 && arg.every((u) => u instanceof vscode.Uri)) return arg as vscode.Uri[];
  if (arg instanceof vscode.Uri) return [arg];
  if (typeof arg === 'string' && arg !== '') return [arg.includes('://') ? vscode.Uri.parse(arg) : vscode.Uri.file(arg)];
  const active = vscode.window.activeTextEditor?.document;
  if (isLogDocument(active)) return [active.uri];
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputText && tab.uri.scheme === 'file') return [tab.uri];
  return vscode.window.showOpenDialog({ canSelectMany: true, canSelectFolders: false, openLabel: 'Export', title: 'Export Log: the logs to export' });
}

/** A default target away from the logs (never write next to a user's log files): the home folder. */
function defaultTarget(logs: vscode.Uri[], extension: string): vscode.Uri {
  const stem = logs.length === 1 ? baseName(logs[0]).replace(/\.[^.]*$/, '') : 'logs';
  return vscode.Uri.file(path.join(os.homedir(), `${stem}.${extension}`));
}

export function registerExportLog(client: LanguageClient): vscode.Disposable {
  let seq = 0;
  return vscode.commands.registerCommand(EXPORT_LOG_COMMAND, async (arg?: unknown, second?: unknown): Promise<ExportLogOutcome> => {
    const given = second !== null && typeof second === 'object' && !Array.isArray(second) && 'format' in second ? (second as ExportLogOptions) : undefined;
    const logs = await logsOf(arg, given ? undefined : second);
    if (!logs || logs.length === 0) return undefined;
    const unsaved = logs.find((u) => u.scheme !== 'file' && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === u.toString()));
    if (unsaved) {
      void vscode.window.showWarningMessage(`Export Log: ${unsaved.toString(true)} is not a file on disk or an open document.`);
      return undefined;
    }
    let format: FormatItem | undefined;
    let target: vscode.Uri | undefined;
    if (given) {
      format = FORMATS.find((f) => f.format === given.format && f.bulk === Boolean(given.bulk));
      target = given.target instanceof vscode.Uri ? given.target : vscode.Uri.file(given.target);
    } else {
      format = await vscode.window.showQuickPick(FORMATS, { title: `Export ${logs.length === 1 ? baseName(logs[0]) : `${logs.length} logs`}: format`, placeHolder: 'The format of the NDJSON file' });
      if (!format) return undefined;
      target = await vscode.window.showSaveDialog({ defaultUri: defaultTarget(logs, format.extension), saveLabel: 'Export', title: 'Export Log: the file to write', filters: { NDJSON: ['ndjson', 'jsonl', 'json'] } });
    }
    if (!format || !target) return undefined;
    if (target.scheme !== 'file') {
      void vscode.window.showWarningMessage(`Export Log: ${target.toString(true)} is not a local file.`);
      return undefined;
    }
    const utcOffset = given?.utcOffset ?? vscode.workspace.getConfiguration('messagingLogs').get<string>('export.utcOffset', '+00:00');
    const workDoneToken = `messagingLogs.export.${Date.now()}.${++seq}`;
    const params: ExportLogParams = {
      uris: logs.map((u) => client.code2ProtocolConverter.asUri(u)),
      format: format.format,
      bulk: format.bulk,
      utcOffset,
      target: target.fsPath,
      workDoneToken,
    };
    const title = `Exporting ${logs.length === 1 ? baseName(logs[0]) : `${logs.length} logs`} as ${format.label}`;
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token): Promise<ExportLogOutcome> => {
      const listener = forwardWorkDoneProgress(client, workDoneToken, progress);
      try {
        return await client.sendRequest(Requests.exportLog, params, token);
      } catch (error) {
        if (token.isCancellationRequested) return { cancelled: true };
        throw error;
      } finally {
        listener.dispose();
      }
    });
    const shown = target;
    if (outcome?.cancelled) void vscode.window.showInformationMessage(`Export cancelled; ${baseName(shown)} was not written.`);
    else if (outcome?.error) void vscode.window.showErrorMessage(`Export Log: ${outcome.error}. Nothing was written.`);
    else if (outcome) {
      for (const note of outcome.notes) void vscode.window.showInformationMessage(`Export Log: ${note}`);
      const mb = (outcome.bytes / 1e6).toFixed(outcome.bytes < 1e7 ? 1 : 0);
      void vscode.window.showInformationMessage(`Exported ${outcome.records.toLocaleString('en-US')} records to ${baseName(shown)} (${mb} MB).`, 'Reveal in File Explorer').then((choice) => {
        if (choice) void vscode.commands.executeCommand('revealFileInOS', shown);
      });
    }
    return outcome;
  });
}
