// Client connections inside a session of the Log Sessions view (FORMATS §2.5): a Messaging Server
// process serves many `[ip:port]` connections at once, so its records are listed per connection
// (login, commands, close of one user's IMAP connection together), then the process-wide ones.
import * as vscode from 'vscode';
import type { ConnectionItem } from '../../../common/protocol';
import type { ConnectionNode, SessionNode} from './sessionsModel';
import { plural, timeRange } from './sessionsModel';

/** The session's connection nodes, in order of first record; process-wide records last. */
export function connectionNodes(parent: SessionNode, connections: readonly ConnectionItem[], unnamed: number): ConnectionNode[] {
  const nodes: ConnectionNode[] = connections.map((item) => ({ kind: 'connection', item, unnamed: 0, parent }));
  if (unnamed > 0) nodes.push({ kind: 'connection', unnamed, parent });
  return nodes;
}

export function connectionTreeItem(node: ConnectionNode, problemIcon: (worst: 'warning' | undefined, fallback: string) => vscode.ThemeIcon): vscode.TreeItem {
  const key = node.parent.session.key;
  const c = node.item;
  if (!c) {
    const item = new vscode.TreeItem(`${key} itself`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `connection:${key}:`;
    item.description = `${plural(node.unnamed, 'record')} naming no connection`;
    item.iconPath = new vscode.ThemeIcon('server-process');
    item.contextValue = 'connection';
    return item;
  }
  const item = new vscode.TreeItem(c.user ? `${c.connection} ${c.user}` : c.connection, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `connection:${key}:${c.connection}`;
  const parts = [timeRange(c.start, c.end), plural(c.records, 'record')];
  if (c.problems > 0) parts.push(plural(c.problems, 'problem'));
  item.description = parts.filter(Boolean).join(' · ');
  item.tooltip = `Connection ${c.connection}${c.user ? ` of ${c.user}` : ''} in ${key}\nLines ${c.firstLine + 1}–${c.lastLine + 1}`;
  item.iconPath = problemIcon(c.problems > 0 ? 'warning' : undefined, 'plug');
  item.contextValue = 'connection';
  return item;
}
