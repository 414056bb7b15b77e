// The tree items of the Log Sessions view (sessionsTree.ts): components, SIP dialogs, sessions,
// connections and records, with their icons, descriptions, tooltips and commands.
import * as vscode from 'vscode';
import type { SessionItem } from '../../../common/protocol';
import { connectionTreeItem } from './sessionConnections';
import type { SessionNode, SessionsNode } from './sessionsModel';
import { formatDuration, groupDescription, plural, recordRowText, sessionDescription, sessionOf, timeRange, worstOf } from './sessionsModel';

/** Commands of the items; registered by sessionsView.ts. */
export const REVEAL_SESSION_COMMAND = 'messagingLogs.sessions.reveal';
export const REVEAL_RECORD_COMMAND = 'messagingLogs.sessions.revealRecord';

function problemIcon(worst: 'error' | 'warning' | undefined, fallback: string): vscode.ThemeIcon {
  if (worst === 'error') return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  if (worst === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  return new vscode.ThemeIcon(fallback);
}

/** How the view shows its items now. */
export interface ShownOptions {
  /** Many sessions are shown: components start collapsed. */
  collapseComponents: boolean;
  /** The view's text filter, highlighted in session keys. */
  filterText: string;
}

export function sessionsTreeItem(node: SessionsNode, shown: ShownOptions): vscode.TreeItem {
  switch (node.kind) {
    case 'component': {
      const item = new vscode.TreeItem(
        node.name,
        shown.collapseComponents ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded,
      );
      item.id = `component:${node.name}`;
      item.description = groupDescription(node.sessions, 'session');
      item.iconPath = problemIcon(worstOf(node.sessions), 'symbol-namespace');
      item.contextValue = 'component';
      return item;
    }
    case 'dialog': {
      const item = new vscode.TreeItem(node.callId, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `dialog:${node.parent.name}:${node.callId}`;
      const first = node.sessions[0];
      const last = node.sessions[node.sessions.length - 1];
      item.description = `SIP dialog · ${groupDescription(node.sessions, 'packet')} · ${timeRange(first.start, last.end)}`;
      item.tooltip = new vscode.MarkdownString(`**SIP dialog** \`Call-ID: ${node.callId}\`\n\n${plural(node.sessions.length, 'packet')}, lines ${first.firstLine + 1}–${Math.max(...node.sessions.map((s) => s.lastLine)) + 1}`);
      item.iconPath = problemIcon(worstOf(node.sessions), 'call-outgoing');
      item.contextValue = 'dialog';
      item.command = { command: REVEAL_SESSION_COMMAND, title: 'Show Records', arguments: [node] };
      return item;
    }
    case 'session':
      return sessionItem(node, shown.filterText);
    case 'connection':
      return connectionTreeItem(node, problemIcon);
    case 'record': {
      const r = node.record;
      const key = sessionOf(node).key;
      const item = new vscode.TreeItem(r.time || `line ${r.line + 1}`, vscode.TreeItemCollapsibleState.None);
      item.id = `record:${key}:${r.line}`;
      const rest = recordRowText(r.text, r.time, key);
      // A DEQUEUER session holds every message's records: lead with the record's own queue id.
      item.description = r.queueId !== undefined ? `queue ${r.queueId} · ${rest}` : rest;
      item.tooltip = `Line ${r.line + 1}${r.endLine > r.line ? `–${r.endLine + 1}` : ''} · ${r.severity}${r.problem ? ' · problem' : ''}${r.queueId !== undefined ? ` · queue id ${r.queueId}` : ''}\n${r.text}`;
      const severity = r.severity === 'critical' || r.severity === 'error' ? 'error' : 'warning';
      item.iconPath = r.problem ? problemIcon(severity, 'warning') : new vscode.ThemeIcon('debug-stackframe-dot');
      item.contextValue = 'record';
      item.command = { command: REVEAL_RECORD_COMMAND, title: 'Show Record', arguments: [node] };
      return item;
    }
    case 'note': {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('info');
      item.contextValue = 'note';
      return item;
    }
  }
}

function sessionItem(node: SessionNode, filterText: string): vscode.TreeItem {
  const s: SessionItem = node.session;
  const text = filterText.toLowerCase();
  const at = text ? s.key.toLowerCase().indexOf(text) : -1;
  const label: vscode.TreeItemLabel = { label: s.key, highlights: at >= 0 ? [[at, at + text.length]] : undefined };
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `session:${s.key}`;
  item.description = sessionDescription(s);
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${s.key.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&')}** (${s.component})\n\n`);
  tooltip.appendMarkdown(`${timeRange(s.start, s.end)}${s.durationMs > 0 ? ` (${formatDuration(s.durationMs)})` : ''}\n\n`);
  tooltip.appendMarkdown(`${plural(s.records, 'record')}, lines ${s.firstLine + 1}–${s.lastLine + 1}`);
  if (s.problems > 0) tooltip.appendMarkdown(`\n\n${plural(s.problems, 'problem')} (worst: ${s.worst ?? 'warning'})`);
  if (s.dialog) tooltip.appendMarkdown(`\n\nSIP dialog \`${s.dialog}\``);
  item.tooltip = tooltip;
  item.iconPath = problemIcon(s.problems > 0 ? (s.worst ?? 'warning') : undefined, 'pass');
  item.contextValue = 'session';
  item.command = { command: REVEAL_SESSION_COMMAND, title: 'Show Session', arguments: [node] };
  return item;
}
