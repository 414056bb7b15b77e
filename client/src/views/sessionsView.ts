// The Log Sessions view (in its own activity-bar container, Messaging Logs) and its commands: show a session (first record revealed,
// all its records highlighted), show a record, sort, filter by text, only sessions with problems.
// In a large log (no document) showing a session or a record shows its line in VS Code's own editor,
// without a highlight.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { revealLargeLogLine } from '../documents/largeLogs';
import { reportFailure, revealLine } from '../documents/logDocuments';
import type { LineSpan } from '../documents/sessionHighlight';
import { SessionHighlighter } from '../documents/sessionHighlight';
import type { DialogNode, RecordNode, SessionNode, SessionSort } from './sessionsModel';
import { SESSION_SORTS } from './sessionsModel';
import { REVEAL_RECORD_COMMAND, REVEAL_SESSION_COMMAND, SESSIONS_VIEW_ID, SessionsTreeProvider } from './sessionsTree';

/** Records highlighted for one session at most (a session can span a huge log). */
const HIGHLIGHT_LIMIT = 20000;

const SORT_LABELS: Record<SessionSort, { label: string; detail: string }> = {
  time: { label: 'Time', detail: 'In order of the first record' },
  problems: { label: 'Problems', detail: 'Most problems first' },
  duration: { label: 'Duration', detail: 'Longest first' },
};

/** What showing a session did (returned by the command, for tests). */
export interface RevealedSession {
  uri: string;
  line: number;
  highlighted: LineSpan[];
}

export interface SessionsView extends vscode.Disposable {
  provider: SessionsTreeProvider;
  highlighter: SessionHighlighter;
}

export function registerSessionsView(client: LanguageClient, context: vscode.ExtensionContext): SessionsView {
  const provider = new SessionsTreeProvider(client, context.workspaceState);
  const highlighter = new SessionHighlighter();
  const view = vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  provider.attach(view);

  /** The editor of the shown log, brought forward without taking the focus from the view. */
  async function logEditor(): Promise<vscode.TextEditor | undefined> {
    const document = provider.currentDocument();
    if (!document) return undefined;
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
    return vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn, preserveFocus: true, preview: false });
  }

  /** Sessions named by a tree node (a dialog stands for its packets) or by key (command arguments). */
  async function sessionKeys(target: SessionNode | DialogNode | { key: string } | undefined): Promise<string[]> {
    if (!target) {
      const selected = view.selection[0];
      return selected?.kind === 'session' ? [selected.session.key] : selected?.kind === 'dialog' ? selected.sessions.map((s) => s.key) : [];
    }
    if ('kind' in target) return target.kind === 'dialog' ? target.sessions.map((s) => s.key) : [target.session.key];
    const { sessions } = await provider.sessions();
    if (!sessions.some((s) => s.key === target.key)) return [];
    // Named by key (a command argument): select it in the view as a click would have.
    const node = await provider.findSessionNode(target.key);
    if (node && view.visible) await view.reveal(node, { select: true, focus: false, expand: true });
    return [target.key];
  }

  async function revealSession(target?: SessionNode | DialogNode | { key: string }): Promise<RevealedSession | undefined> {
    const keys = await sessionKeys(target);
    if (keys.length === 0) return undefined;
    const log = provider.shownLog();
    if (log && !log.document) {
      // A large log: its first record's line in VS Code's editor; nothing to highlight it in.
      const lists = await Promise.all(keys.map((key) => provider.records(key, 1)));
      const lines = lists.flat().map((r) => r.line);
      if (lines.length === 0) return undefined;
      const first = Math.min(...lines);
      await revealLargeLogLine(log.uri, first);
      return { uri: log.uri.toString(), line: first, highlighted: [] };
    }
    const editor = await logEditor();
    if (!editor) return undefined;
    const lists = await Promise.all(keys.map((key) => provider.records(key, HIGHLIGHT_LIMIT)));
    const spans = lists.flat().map((r) => ({ line: r.line, endLine: r.endLine }));
    if (spans.length === 0) return undefined;
    const first = Math.min(...spans.map((s) => s.line));
    revealLine(editor, first);
    highlighter.highlight(editor, spans);
    return { uri: editor.document.uri.toString(), line: first, highlighted: highlighter.current()?.spans ?? [] };
  }

  async function revealRecord(target: RecordNode | { line: number; endLine?: number }): Promise<number | undefined> {
    const span = 'kind' in target ? target.record : target;
    const log = provider.shownLog();
    if (log && !log.document) {
      await revealLargeLogLine(log.uri, span.line);
      return span.line;
    }
    const editor = await logEditor();
    if (!editor) return undefined;
    revealLine(editor, span.line);
    return span.line;
  }

  async function sortBy(sort?: SessionSort): Promise<SessionSort | undefined> {
    let chosen = sort;
    if (!chosen) {
      const current = provider.viewOptions().sort;
      const pick = await vscode.window.showQuickPick(
        SESSION_SORTS.map((s) => ({ ...SORT_LABELS[s], sort: s, description: s === current ? 'current' : undefined })),
        { title: 'Sort Sessions By' },
      );
      chosen = pick?.sort;
    }
    if (chosen && SESSION_SORTS.includes(chosen)) provider.setSort(chosen);
    return chosen;
  }

  async function filterByText(text?: string): Promise<string | undefined> {
    const value =
      text ??
      (await vscode.window.showInputBox({
        title: 'Filter Sessions',
        prompt: 'Show sessions whose key, component or SIP Call-ID contains this text (empty: all sessions)',
        value: provider.viewOptions().text,
      }));
    if (value !== undefined) provider.setTextFilter(value);
    return value;
  }

  const command = <A extends unknown[], R>(id: string, action: string, run: (...args: A) => Promise<R> | R) =>
    vscode.commands.registerCommand(id, (...args: A) => Promise.resolve(run(...args)).catch(reportFailure(action)));

  const subscriptions: vscode.Disposable[] = [
    provider,
    highlighter,
    view,
    command(REVEAL_SESSION_COMMAND, 'Show Session', revealSession),
    command(REVEAL_RECORD_COMMAND, 'Show Record', revealRecord),
    command('messagingLogs.sessions.sortBy', 'Sort Sessions', sortBy),
    command('messagingLogs.sessions.filter', 'Filter Sessions', filterByText),
    command('messagingLogs.sessions.clearFilter', 'Clear Sessions Filter', () => filterByText('')),
    command('messagingLogs.sessions.showProblemsOnly', 'Show Only Sessions with Problems', () => provider.setProblemsOnly(true)),
    command('messagingLogs.sessions.showAll', 'Show All Sessions', () => provider.setProblemsOnly(false)),
    command('messagingLogs.sessions.refresh', 'Refresh Sessions', () => provider.refresh()),
  ];
  return {
    provider,
    highlighter,
    dispose: () => subscriptions.forEach((s) => s.dispose()),
  };
}
