// The data of the Log Sessions view (FORMATS §8): the active log's components → sessions → records,
// sessions from messagingLogs/sessions, a session's records loaded when it is expanded
// (messagingLogs/sessionRecords). It follows the active editor and refreshes after edits; a large log
// opened with Open as Large Log (no document: the server reads it from disk) is shown from its opening
// (or its tab becoming active) until a log editor becomes active, and refreshed as the file grows.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { SessionConnectionsParams, SessionConnectionsResult, SessionRecordItem, SessionRecordsParams, SessionsResult } from '../../../common/protocol';
import { hasConnections } from '../../../common/dialects';
import { Requests } from '../../../common/protocol';
import { connectionNodes } from './sessionConnections';
import { sessionsTreeItem } from './sessionsTreeItems';
import { isLargeLog, onDidChangeCurrentLargeLog, onDidChangeLargeLog } from '../documents/largeLogs';
import { baseName, debounce, ignore, isLogDocument, serverUri, setContext } from '../documents/logDocuments';
import type {
  ConnectionNode,
  SessionNode,
  SessionsNode,
  SessionsViewOptions,
  SessionSort } from './sessionsModel';
import { buildSessionsTree, plural, visibleSessions } from './sessionsModel';

export { REVEAL_RECORD_COMMAND, REVEAL_SESSION_COMMAND } from './sessionsTreeItems';

export const SESSIONS_VIEW_ID = 'messagingLogs.sessions';
/** Records listed under one session; the rest are a note (a keyed filter shows them all). */
export const RECORDS_LISTED = 500;
/** Typing in the log waits this long before the view asks the server again. */
const CHANGE_DEBOUNCE_MS = 400;

const OPTIONS_STATE = 'messagingLogs.sessionsView';
/** Above this many shown sessions, components start collapsed. */
const EXPAND_LIMIT = 200;

/**
 * The log the view shows: an open document, or a large log (a file the server reads from disk, with
 * no document) whose `version` counts the changes the server reported (growth, rotation).
 */
export interface ShownLog {
  uri: vscode.Uri;
  document?: vscode.TextDocument;
  version: string;
}

/** The cache key of a shown log's current content. */
function contentKey(log: ShownLog): string {
  const { uri, document } = log;
  return document ? `${uri.toString()}@${document.version}@${document.languageId}` : `${uri.toString()}@large:${log.version}`;
}

/** The file of a tab, when it shows one as text (a large log's tab has no document). */
function tabUri(tab: vscode.Tab | undefined): vscode.Uri | undefined {
  return tab?.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
}

/** Loaded sessions of one version of one document. */
interface Loaded {
  key: string;
  sessions: Promise<SessionsResult>;
  records: Map<string, Promise<SessionRecordItem[]>>;
}

export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private log: ShownLog | undefined;
  /** Changes counted for large logs (their ShownLog versions). */
  private largeVersion = 0;
  private loaded: Loaded | undefined;
  private view: vscode.TreeView<SessionsNode> | undefined;
  private options: SessionsViewOptions;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly refreshSoon = debounce(() => this.refresh(), CHANGE_DEBOUNCE_MS);
  // Documents opening and closing matter to a shown document (or none), not to a shown large log.
  private readonly followSoon = debounce(() => {
    if (!this.log || this.log.document) this.follow(vscode.window.activeTextEditor);
  }, 100);
  /** Sessions shown when last drawn: many of them start collapsed. */
  private lastShown = 0;

  constructor(
    private readonly client: LanguageClient,
    private readonly state: vscode.Memento,
  ) {
    const saved = state.get<Partial<SessionsViewOptions>>(OPTIONS_STATE) ?? {};
    this.options = { sort: saved.sort ?? 'time', text: '', problemsOnly: saved.problemsOnly ?? false };
    this.subscriptions.push(
      this.changed,
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      vscode.workspace.onDidChangeTextDocument((change) => {
        if (change.document === this.log?.document && change.contentChanges.length > 0) this.refreshSoon();
      }),
      // A language change closes and reopens the document: follow the new one (or none).
      vscode.workspace.onDidOpenTextDocument(() => this.followSoon()),
      vscode.workspace.onDidCloseTextDocument((closed) => {
        if (closed === this.log?.document) this.followSoon();
      }),
      // A large log opened (Open as Large Log) is shown until a log editor becomes active.
      onDidChangeCurrentLargeLog((uri) => {
        if (uri) this.showLargeLog(uri);
      }),
      onDidChangeLargeLog(({ uri }) => {
        const log = this.log;
        if (log && !log.document && log.uri.toString() === uri.toString()) {
          this.log = { uri: log.uri, version: String(++this.largeVersion) };
          this.refreshSoon();
        }
      }),
      vscode.window.tabGroups.onDidChangeTabs((change) => this.followTabs(change)),
    );
    this.follow(vscode.window.activeTextEditor);
  }

  /** The view showing this provider: it gets the description and message. */
  attach(view: vscode.TreeView<SessionsNode>): void {
    this.view = view;
    this.updateContext();
  }

  /** The document of the log the view shows, if any (a large log has none: see currentLog). */
  currentDocument(): vscode.TextDocument | undefined {
    return this.log?.document;
  }

  /** The log the view shows, if any: a document's URI or a large log's `file:` URI. */
  currentLog(): vscode.Uri | undefined {
    return this.log?.uri;
  }

  /** The log the view shows, if any, with its document when it has one. */
  shownLog(): ShownLog | undefined {
    return this.log;
  }

  viewOptions(): SessionsViewOptions {
    return { ...this.options };
  }

  setSort(sort: SessionSort): void {
    this.setOptions({ sort });
  }

  setTextFilter(text: string): void {
    this.setOptions({ text: text.trim() });
  }

  setProblemsOnly(problemsOnly: boolean): void {
    this.setOptions({ problemsOnly });
  }

  /** Asks the server again and redraws. */
  refresh(): void {
    this.loaded = undefined;
    this.changed.fire(undefined);
  }

  /** Shows the sessions of this document (or none). */
  showDocument(document: vscode.TextDocument | undefined): void {
    if (document === this.log?.document && (document !== undefined || this.log === undefined)) return;
    this.show(document ? { uri: document.uri, document, version: String(document.version) } : undefined);
  }

  /** Shows the sessions of a large log (opened with Open as Large Log: the server reads it from disk). */
  showLargeLog(uri: vscode.Uri): void {
    if (this.log && !this.log.document && this.log.uri.toString() === uri.toString()) return;
    this.show({ uri, version: String(++this.largeVersion) });
  }

  private show(log: ShownLog | undefined): void {
    this.log = log;
    this.refreshSoon.cancel();
    this.refresh();
    this.updateContext();
  }

  getTreeItem(node: SessionsNode): vscode.TreeItem {
    return sessionsTreeItem(node, { collapseComponents: this.lastShown > EXPAND_LIMIT, filterText: this.options.text });
  }

  async getChildren(node?: SessionsNode): Promise<SessionsNode[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'component':
      case 'dialog':
        return node.children;
      case 'session':
        return hasConnections((await this.sessions()).dialect ?? '') ? this.connectionNodes(node) : this.recordNodes(node);
      case 'connection':
        return this.recordNodes(node.parent, node);
      default:
        return [];
    }
  }

  getParent(node: SessionsNode): SessionsNode | undefined {
    return node.kind === 'component' ? undefined : node.parent;
  }

  /** The view's node of a session, when the view shows it (filters may hide it). */
  async findSessionNode(key: string): Promise<SessionNode | undefined> {
    for (const root of await this.roots()) {
      if (root.kind !== 'component') continue;
      for (const child of root.children) {
        const sessions = child.kind === 'dialog' ? child.children : [child];
        const found = sessions.find((s) => s.session.key === key);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** All sessions of the shown log (unfiltered), in order of their first record. */
  async sessions(): Promise<SessionsResult> {
    const log = this.log;
    if (!log) return { sessions: [] };
    const key = contentKey(log);
    if (this.loaded?.key !== key) {
      const params = { uri: serverUri(this.client, log.uri) };
      const sessions = Promise.resolve(this.client.sendRequest(Requests.sessions, params)).catch(
        (error: unknown): SessionsResult => ({ sessions: [], error: error instanceof Error ? error.message : String(error) }),
      );
      this.loaded = { key, sessions, records: new Map() };
    }
    return this.loaded.sessions;
  }

  /**
   * Records of a session (the first `limit`), as the server lists them; cached with the sessions.
   * With `connection`, only those naming it (`''`: those naming none).
   */
  async records(key: string, limit = RECORDS_LISTED, connection?: string): Promise<SessionRecordItem[]> {
    const log = this.log;
    if (!log) return [];
    await this.sessions();
    const loaded = this.loaded;
    if (!loaded) return [];
    const cacheKey = `${limit}:${key}:${connection ?? '*'}`;
    let records = loaded.records.get(cacheKey);
    if (!records) {
      const params: SessionRecordsParams = { uri: serverUri(this.client, log.uri), key, limit, connection };
      records = Promise.resolve(this.client.sendRequest(Requests.sessionRecords, params));
      loaded.records.set(cacheKey, records);
      records.catch(() => loaded.records.delete(cacheKey));
    }
    return records;
  }

  dispose(): void {
    this.refreshSoon.cancel();
    this.followSoon.cancel();
    for (const s of this.subscriptions) s.dispose();
  }

  private follow(editor: vscode.TextEditor | undefined): void {
    const document = this.log?.document;
    if (editor && isLogDocument(editor.document)) this.showDocument(editor.document);
    // The Output panel's editors are not logs the user picked: keep showing the last log.
    else if (editor && editor.document.uri.scheme !== 'output') this.showDocument(undefined);
    // No active editor: the focus may be in a panel while the log is still on screen.
    else if (document && (document.isClosed || !vscode.window.visibleTextEditors.some((e) => e.document === document))) {
      this.showDocument(undefined);
    }
    // A large log has no editor of its own: it stays shown while the focus is elsewhere (a panel, its tab).
  }

  /** A large log's tab made active shows it; closing its last tab lets the view follow the editor again. */
  private followTabs(change: vscode.TabChangeEvent): void {
    const active = tabUri(vscode.window.tabGroups.activeTabGroup.activeTab);
    if (active && isLargeLog(active)) {
      this.showLargeLog(active);
      return;
    }
    const log = this.log;
    if (!log || log.document) return;
    const shown = log.uri.toString();
    if (!change.closed.some((tab) => tabUri(tab)?.toString() === shown)) return;
    const open = vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tabUri(tab)?.toString() === shown));
    if (open) return;
    const editor = vscode.window.activeTextEditor;
    this.showDocument(editor && isLogDocument(editor.document) ? editor.document : undefined);
  }

  private setOptions(change: Partial<SessionsViewOptions>): void {
    this.options = { ...this.options, ...change };
    this.state.update(OPTIONS_STATE, { sort: this.options.sort, problemsOnly: this.options.problemsOnly }).then(undefined, ignore);
    this.changed.fire(undefined);
    this.updateContext();
  }

  private async roots(): Promise<SessionsNode[]> {
    const log = this.log;
    if (!log) {
      this.setMessage(undefined);
      return [];
    }
    const result = await this.sessions();
    if (log !== this.log) return []; // a newer log is on its way
    const shown = visibleSessions(result.sessions, this.options);
    this.lastShown = shown.length;
    if (result.error) this.setMessage(`No sessions: ${result.error}`);
    else if (result.sessions.length === 0) this.setMessage('This log has no sessions.');
    else if (this.isFiltered()) {
      const what = [this.options.text ? `"${this.options.text}"` : '', this.options.problemsOnly ? 'with problems' : ''].filter(Boolean).join(', ');
      this.setMessage(`${shown.length} of ${plural(result.sessions.length, 'session')} shown (${what}).`);
    } else this.setMessage(undefined);
    return buildSessionsTree(result.sessions, this.options);
  }

  private async recordNodes(node: SessionNode, connection?: ConnectionNode): Promise<SessionsNode[]> {
    const wanted = connection ? (connection.item?.connection ?? '') : undefined;
    const records = await this.records(node.session.key, RECORDS_LISTED, wanted);
    const parent = connection ?? node;
    const nodes: SessionsNode[] = records.map((record) => ({ kind: 'record', record, parent }));
    const total = connection ? (connection.item?.records ?? connection.unnamed) : node.session.records;
    if (total > records.length) {
      nodes.push({ kind: 'note', text: `${total - records.length} more records: Keyed Filter on This Session shows them all`, parent });
    }
    return nodes;
  }

  /** A Messaging Server process: its connections, or its records when it names none. */
  private async connectionNodes(node: SessionNode): Promise<SessionsNode[]> {
    const log = this.log;
    if (!log) return [];
    const params: SessionConnectionsParams = { uri: serverUri(this.client, log.uri), key: node.session.key };
    const result = await Promise.resolve(this.client.sendRequest(Requests.sessionConnections, params)).catch(
      (): SessionConnectionsResult => ({ connections: [], unnamed: 0 }),
    );
    return result.connections.length > 0 ? connectionNodes(node, result.connections, result.unnamed) : this.recordNodes(node);
  }

  private isFiltered(): boolean {
    return this.options.text !== '' || this.options.problemsOnly;
  }

  private setMessage(message: string | undefined): void {
    if (this.view) this.view.message = message;
    this.updateContext();
  }

  private updateContext(): void {
    if (this.view) {
      const name = this.log ? baseName(this.log.uri) : undefined;
      this.view.description = name && this.options.text ? `${name} · "${this.options.text}"` : name;
    }
    setContext('messagingLogs.sessions.hasLog', this.log !== undefined);
    setContext('messagingLogs.sessions.filtered', this.options.text !== '');
    setContext('messagingLogs.sessions.problemsOnly', this.options.problemsOnly);
    setContext('messagingLogs.sessions.sort', this.options.sort);
  }
}
