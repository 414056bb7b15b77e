// Logs larger than VS Code hands to extensions (FORMATS §8: 50 MB). The editor shows such a file but no
// extension gets a TextDocument for it, so the language server indexes it from disk instead:
// "Open as Large Log" (Explorer context menu, command palette with a file picker, or the active tab)
// indexes it with cancellable progress, then sums it up and offers its sessions, filters and Go to
// Time. Filters are the filter commands' (they take a `file:` URI; results are read-only virtual
// documents); sessions are picked from a list and shown as a keyed filter; Go to Time shows the line
// in VS Code's own editor. The server watches the file: growth and rotation arrive as
// messagingLogs/logChanged, which fires onDidChangeLargeLog for the views that show the log.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { plural } from '../../../common/describe';
import type { LanguageClient } from 'vscode-languageclient/node';
import { forwardWorkDoneProgress } from './workDoneProgress';
import { State } from 'vscode-languageclient/node';
import type {
  GoToTimeParams,
  GoToTimeResult,
  LargeLogSummary,
  LogChangedParams,
  LogChangeKind,
  OpenLargeLogParams,
  SessionItem,
  SessionsResult } from '../../../common/protocol';
import {
  Requests, Notifications
} from '../../../common/protocol';
import { baseName } from './logDocuments';

/** Files above this many bytes are not handed to extensions as documents. */
export const LARGE_FILE_BYTES = 50 * 1024 * 1024;

export const OPEN_LARGE_LOG_COMMAND = 'messagingLogs.openLargeLog';
export const LARGE_LOG_SESSIONS_COMMAND = 'messagingLogs.largeLog.sessions';
export const LARGE_LOG_GO_TO_TIME_COMMAND = 'messagingLogs.largeLog.goToTime';
/** The filter commands (filterCommands.ts): they take `{ uri, text | regex, keyed, … }` and return the result's URI. */
const FILTER_COMMAND = 'messagingLogs.filter';
const FILTER_SESSION_COMMAND = 'messagingLogs.filterSession';

export interface LargeLogChange {
  uri: vscode.Uri;
  kind: LogChangeKind;
}

/** What the Open as Large Log command returns (tests read it): the server's summary and what the user saw. */
export interface OpenedLargeLog extends LargeLogSummary {
  /** Progress reports shown while indexing (0 when the server had the file indexed already). */
  progressReports: number;
  /** Wall time of the command's indexing request, ms. */
  elapsedMs: number;
}

const changeEmitter = new vscode.EventEmitter<LargeLogChange>();
/** A large log grew (new records indexed) or was replaced (rotated, truncated: indexed anew). Views of it should refresh. */
export const onDidChangeLargeLog = changeEmitter.event;
const currentEmitter = new vscode.EventEmitter<vscode.Uri | undefined>();
/** The current large log changed (another one was opened). */
export const onDidChangeCurrentLargeLog = currentEmitter.event;

let current: { uri: vscode.Uri; summary: LargeLogSummary } | undefined;
/** Large logs indexed by the server on the user's request, by URI string. */
const opened = new Map<string, { uri: vscode.Uri; summary: LargeLogSummary }>();

/** The large log the user opened last (or whose tab is active): commands without an editor use it. */
export function currentLargeLog(): vscode.Uri | undefined {
  return current?.uri;
}

/** Whether the URI was opened as a large log (the server reads it from disk, no document exists). */
export function isLargeLog(uri: vscode.Uri): boolean {
  return opened.has(uri.toString());
}

/** Shows a line of a large log in VS Code's own editor (which opens files no extension may read). */
export async function revealLargeLogLine(uri: vscode.Uri, line: number): Promise<void> {
  const position = new vscode.Position(Math.max(0, line), 0);
  await vscode.commands.executeCommand('vscode.open', uri, { selection: new vscode.Range(position, position), preview: false });
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
}

/** The file of the active tab, when it is a file (a large one has a tab but no document). */
function activeFileTab(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText && input.uri.scheme === 'file' ? input.uri : undefined;
}

function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return arg.includes(':') && !/^[a-zA-Z]:[\\/]/.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return undefined;
}

/** Whether VS Code has the file as a document that extensions see. */
function isSynced(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
}

/** The server's sessions of a large log (read from disk by the server). */
export async function largeLogSessions(client: LanguageClient, uri: vscode.Uri): Promise<SessionsResult> {
  return client.sendRequest(Requests.sessions, { uri: client.code2ProtocolConverter.asUri(uri) });
}

export function registerLargeLogs(client: LanguageClient): vscode.Disposable {
  const subscriptions: vscode.Disposable[] = [];
  let progressSeq = 0;
  /** Tabs of large files already offered for opening as large logs (once each per session). */
  const offered = new Set<string>();

  /** Makes a large log the current one (with a fresh summary, when given). */
  const setCurrent = (uri: vscode.Uri, summary?: LargeLogSummary): void => {
    const known = summary ? { uri, summary } : opened.get(uri.toString());
    if (!known) return;
    const changed = current?.uri.toString() !== uri.toString();
    current = known;
    opened.set(uri.toString(), known);
    if (changed) currentEmitter.fire(uri);
    void vscode.commands.executeCommand('setContext', 'messagingLogs.largeLogOpen', true);
  };

  /** Indexes the file on the server with cancellable progress; undefined when cancelled. */
  async function index(uri: vscode.Uri): Promise<OpenedLargeLog | undefined> {
    const workDoneToken = `messagingLogs.index.${Date.now()}.${++progressSeq}`;
    const started = Date.now();
    let reports = 0;
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Indexing ${baseName(uri)}`, cancellable: true },
      async (progress, token) => {
        const listener = forwardWorkDoneProgress(client, workDoneToken, progress, () => reports++);
        try {
          const params: OpenLargeLogParams = { uri: client.code2ProtocolConverter.asUri(uri), workDoneToken };
          return await client.sendRequest(Requests.openLargeLog, params, token);
        } catch (error) {
          if (token.isCancellationRequested) return undefined;
          throw error;
        } finally {
          listener.dispose();
        }
      },
    );
    if (!summary) return undefined;
    return { ...summary, progressReports: reports, elapsedMs: Date.now() - started };
  }

  function describe(summary: LargeLogSummary): string {
    const parts = [
      summary.dialectName ?? summary.dialect ?? 'log',
      `${megabytes(summary.bytes)} MB`,
      plural(summary.records, 'record', 'records', true),
      plural(summary.sessions, 'session', 'sessions', true),
      summary.errors + summary.warnings === 0 ? 'no problems' : `${plural(summary.errors, 'error', 'errors', true)}, ${plural(summary.warnings, 'warning', 'warnings', true)}`,
    ];
    const took = summary.indexMs <= 0 ? '' : summary.restored === true ? ` (index kept from an earlier session, read in ${(summary.indexMs / 1000).toFixed(1)} s)` : ` (indexed in ${(summary.indexMs / 1000).toFixed(1)} s)`;
    return `${parts.join(' · ')}${took}`;
  }

  async function openLargeLog(arg?: unknown): Promise<OpenedLargeLog | undefined> {
    let uri = asUri(arg) ?? activeFileTab();
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, canSelectFolders: false, openLabel: 'Open as Large Log', title: 'Open as Large Log' });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(`Open as Large Log: ${uri.toString(true)} is not a file on disk.`);
      return undefined;
    }
    const summary = await index(uri);
    if (!summary) {
      void vscode.window.showInformationMessage(`Indexing ${baseName(uri)} was cancelled.`);
      return undefined;
    }
    if (summary.error) {
      void vscode.window.showWarningMessage(`${baseName(uri)}: ${summary.error}`);
      return summary;
    }
    setCurrent(uri, summary);
    const target = uri;
    void vscode.window.showInformationMessage(`${baseName(uri)}: ${describe(summary)}`, 'Show Sessions', 'Filter…', 'Go to Time…').then((choice) => {
      if (choice === 'Show Sessions') void vscode.commands.executeCommand(LARGE_LOG_SESSIONS_COMMAND, target);
      else if (choice === 'Filter…') void vscode.commands.executeCommand(FILTER_COMMAND, { uri: target });
      else if (choice === 'Go to Time…') void vscode.commands.executeCommand(LARGE_LOG_GO_TO_TIME_COMMAND, target);
    });
    return summary;
  }

  /** The large log a command works on: its argument, the current large log, or the user's choice of one. */
  async function largeLogOf(arg: unknown): Promise<vscode.Uri | undefined> {
    const given = asUri(arg);
    if (given) {
      if (!opened.has(given.toString())) {
        const summary = await openLargeLogQuietly(given);
        if (!summary) return undefined;
      } else setCurrent(given);
      return given;
    }
    const tab = activeFileTab();
    if (tab && opened.has(tab.toString())) return tab;
    if (current) return current.uri;
    const summary = await openLargeLog();
    return summary && !summary.error ? vscode.Uri.parse(summary.uri) : undefined;
  }

  /** Indexing asked for by another command: progress, no summary message. */
  async function openLargeLogQuietly(uri: vscode.Uri): Promise<LargeLogSummary | undefined> {
    const summary = await index(uri);
    if (!summary || summary.error) {
      if (summary?.error) void vscode.window.showWarningMessage(`${baseName(uri)}: ${summary.error}`);
      return undefined;
    }
    setCurrent(uri, summary);
    return summary;
  }

  function sessionLabel(s: SessionItem): vscode.QuickPickItem & { session: SessionItem } {
    const problems = s.problems > 0 ? ` · ${plural(s.problems, 'problem', 'problems', true)}` : '';
    return {
      label: `${s.worst === 'error' ? '$(error) ' : s.worst === 'warning' ? '$(warning) ' : ''}${s.key}`,
      description: `${s.component} · ${plural(s.records, 'record', 'records', true)}${problems}`,
      detail: `${s.start} – ${s.end} · lines ${s.firstLine + 1}–${s.lastLine + 1}${s.dialog ? ` · Call-ID ${s.dialog}` : ''}`,
      session: s,
    };
  }

  /**
   * Sessions of a large log: picked from a list (problems first) and shown as a keyed filter on the
   * session (Keyed Filter on This Session). With a `key` argument, that session without asking.
   * Returns the filter result's URI.
   */
  async function sessions(arg?: unknown, key?: unknown): Promise<vscode.Uri | undefined> {
    const uri = await largeLogOf(arg);
    if (!uri) return undefined;
    const list = await largeLogSessions(client, uri);
    if (list.error) {
      void vscode.window.showWarningMessage(`${baseName(uri)}: ${list.error}`);
      return undefined;
    }
    let chosen = typeof key === 'string' ? list.sessions.find((s) => s.key === key) : undefined;
    if (typeof key === 'string' && !chosen) {
      void vscode.window.showWarningMessage(`${baseName(uri)}: no session ${key}.`);
      return undefined;
    }
    if (!chosen) {
      const ordered = [...list.sessions].sort((a, b) => b.problems - a.problems || a.firstLine - b.firstLine);
      const picked = await vscode.window.showQuickPick(ordered.map(sessionLabel), {
        title: `Sessions of ${baseName(uri)} (${plural(list.sessions.length, 'session', 'sessions', true)})`,
        placeHolder: 'A session to show: its records, as a keyed filter on its key',
        matchOnDescription: true,
        matchOnDetail: true,
      });
      chosen = picked?.session;
    }
    if (!chosen) return undefined;
    return vscode.commands.executeCommand<vscode.Uri | undefined>(FILTER_SESSION_COMMAND, { key: chosen.key, uri });
  }

  /** Go to Time (FORMATS §3) in a large log: the line of the first record at or after the time, shown in VS Code's editor. */
  async function goToTime(arg?: unknown, query?: unknown, options?: unknown): Promise<GoToTimeResult | undefined> {
    const uri = await largeLogOf(arg);
    if (!uri) return undefined;
    const text =
      typeof query === 'string'
        ? query
        : await vscode.window.showInputBox({ title: `Go to Time in ${baseName(uri)}`, prompt: 'A time: 12:30, 12:30:05.250, 2026-01-15 12:30', placeHolder: '12:30' });
    if (!text) return undefined;
    const params: GoToTimeParams = { uri: client.code2ProtocolConverter.asUri(uri), query: text };
    const result = await client.sendRequest(Requests.goToTime, params);
    if (result.line < 0) {
      void vscode.window.showInformationMessage(`Go to Time: ${result.message ?? 'no such record'}`);
      return result;
    }
    const reveal = !(options && typeof options === 'object' && (options as { reveal?: boolean }).reveal === false);
    if (reveal) await revealLargeLogLine(uri, result.line);
    vscode.window.setStatusBarMessage(`Go to Time ${text}: line ${(result.line + 1).toLocaleString('en-US')} of ${baseName(uri)}`, 10000);
    return result;
  }

  subscriptions.push(
    changeEmitter,
    currentEmitter,
    vscode.commands.registerCommand(OPEN_LARGE_LOG_COMMAND, (arg?: unknown) => openLargeLog(arg).catch(failed('Open as Large Log'))),
    vscode.commands.registerCommand(LARGE_LOG_SESSIONS_COMMAND, (arg?: unknown, key?: unknown) => sessions(arg, key).catch(failed('Large log sessions'))),
    vscode.commands.registerCommand(LARGE_LOG_GO_TO_TIME_COMMAND, (arg?: unknown, query?: unknown, options?: unknown) =>
      goToTime(arg, query, options).catch(failed('Go to Time in large log')),
    ),
    client.onNotification(Notifications.logChanged, (params: LogChangedParams) => {
      const uri = client.protocol2CodeConverter.asUri(params.uri);
      changeEmitter.fire({ uri, kind: params.kind });
    }),
    // After a restart of the server (it died), the large logs are indexed again: diagnostics and watching resume.
    client.onDidChangeState(({ oldState, newState }) => {
      if (oldState === State.Starting && newState === State.Running) {
        for (const { uri } of opened.values()) {
          const params: OpenLargeLogParams = { uri: client.code2ProtocolConverter.asUri(uri) };
          client.sendRequest(Requests.openLargeLog, params).then(
            (summary) => {
              if (!summary.error && opened.has(uri.toString())) opened.set(uri.toString(), { uri, summary });
            },
            () => undefined,
          );
        }
      }
    }),
    // A large file's tab has no document: offer to open it as a large log (once per file), and follow it.
    vscode.window.tabGroups.onDidChangeTabs(() => void offerActiveTab()),
  );

  async function offerActiveTab(): Promise<void> {
    const uri = activeFileTab();
    if (!uri) return;
    if (opened.has(uri.toString())) {
      setCurrent(uri);
      return;
    }
    if (offered.has(uri.toString()) || isSynced(uri)) return;
    let size: number;
    try {
      size = (await fs.promises.stat(uri.fsPath)).size;
    } catch {
      return;
    }
    if (size <= LARGE_FILE_BYTES || isSynced(uri)) return;
    offered.add(uri.toString());
    const choice = await vscode.window.showInformationMessage(
      `${baseName(uri)} is ${megabytes(size)} MB, more than VS Code hands to extensions: log features need it opened as a large log.`,
      'Open as Large Log',
    );
    if (choice) await vscode.commands.executeCommand(OPEN_LARGE_LOG_COMMAND, uri);
  }

  return vscode.Disposable.from(...subscriptions);
}

function failed(action: string): (error: unknown) => undefined {
  return (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`${action} failed: ${message}`);
    return undefined;
  };
}
