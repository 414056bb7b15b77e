// The Log Sessions view on the CommuniGate Pro sample: components → sessions → records, SIP dialogs,
// sorting, filtering, showing a session in the editor; and following the active editor.
import * as assert from 'assert';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MessagingLogsApi } from '../../../client/src/api';
import type { ComponentNode, DialogNode, SessionNode, SessionsNode } from '../../../client/src/views/sessionsModel';
import { extensionApi, lineWhere, linesWhere, openSample, poll, SAMPLES, showAt } from './helpers';

const FILE = 'communigate/SystemLogs/2026-01-15.log';
const LANGUAGE = 'communigate-log';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

function iconOf(item: vscode.TreeItem): string {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
}

function sessionsOf(component: ComponentNode): SessionNode[] {
  return component.children.flatMap((c) => (c.kind === 'dialog' ? c.children : [c]));
}

describe('Log Sessions view', () => {
  let api: MessagingLogsApi;
  let doc: vscode.TextDocument;

  /** The view's top level once it shows `document` (null: no log; it follows the active editor). */
  async function roots(shown: vscode.TextDocument | null = doc): Promise<ComponentNode[]> {
    const document = shown ?? undefined;
    const tree = api.sessionsTree;
    const nodes = await poll(
      async () => (tree.currentDocument()?.uri.toString() === document?.uri.toString() ? await tree.getChildren() : undefined),
      (n) => n !== undefined && (document === undefined || n.length > 0),
      8000,
    );
    assert.ok(nodes, `the view does not show ${document?.uri.fsPath ?? 'nothing'} (it shows ${tree.currentDocument()?.uri.fsPath})`);
    return nodes as ComponentNode[];
  }

  function component(nodes: ComponentNode[], name: string): ComponentNode {
    const found = nodes.find((n) => n.name === name);
    assert.ok(found, `component ${name} among ${nodes.map((n) => n.name).join(', ')}`);
    return found;
  }

  before(async function () {
    this.timeout(30000);
    doc = await openSample(FILE, LANGUAGE);
    api = await extensionApi();
    await vscode.commands.executeCommand('messagingLogs.sessions.sortBy', 'time');
    await vscode.commands.executeCommand('messagingLogs.sessions.clearFilter');
    await vscode.commands.executeCommand('messagingLogs.sessions.showAll');
  });

  it('lists components with their sessions, record counts and problems', async () => {
    const nodes = await roots();
    const names = nodes.map((n) => n.name);
    for (const name of ['SYSTEM', 'QUEUE', 'IMAP', 'HTTPU', 'SIPDATA', 'SIGNAL', 'SMTP', 'ACCOUNT', 'ROUTER']) {
      assert.ok(names.includes(name), `component ${name} in ${names.join(', ')}`);
    }
    assert.deepStrictEqual(names.slice(0, 4), ['SYSTEM', 'QUEUE', 'DEQUEUER', 'IMAP'], 'sorted by time: in order of first record');
    const imap = component(nodes, 'IMAP');
    const [session] = sessionsOf(imap);
    assert.strictEqual(session.session.key, 'IMAP-437425');
    const item = api.sessionsTree.getTreeItem(session);
    assert.strictEqual(labelOf(item), 'IMAP-437425');
    assert.match(String(item.description), /00:06:23\.261 – 00:06:23\.282 · 17 records · 1 problem$/);
    assert.strictEqual(iconOf(item), 'warning', 'a session with a level 3 problem has the warning icon');
    assert.strictEqual(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'records load when expanded');
    const smtp = api.sessionsTree.getTreeItem(sessionsOf(component(nodes, 'SMTP'))[0]);
    assert.strictEqual(iconOf(smtp), 'error', 'a session with a level 1 failure has the error icon');
    const router = api.sessionsTree.getTreeItem(sessionsOf(component(nodes, 'ROUTER'))[0]);
    assert.strictEqual(iconOf(router), 'pass');
    assert.match(String(router.description), /1 record$/);
    assert.match(String(api.sessionsTree.getTreeItem(imap).description), /1 session · 1 problem/);
  });

  it("loads a session's records when it is expanded", async () => {
    const [session] = sessionsOf(component(await roots(), 'IMAP'));
    const records = (await api.sessionsTree.getChildren(session)) as SessionsNode[];
    const expected = linesWhere(doc, (t) => t.includes(' IMAP-437425('));
    assert.deepStrictEqual(
      records.map((r) => (r.kind === 'record' ? r.record.line : -1)),
      expected,
      'one item per record of IMAP-437425, in file order',
    );
    const problemLine = lineWhere(doc, (t) => / 3 IMAP-437425/.test(t));
    const problems = records.filter((r) => r.kind === 'record' && r.record.problem).map((r) => (r.kind === 'record' ? r.record.line : -1));
    assert.deepStrictEqual(problems, [problemLine], 'the level 3 record is the problem');
    const first = api.sessionsTree.getTreeItem(records[0]);
    assert.strictEqual(labelOf(first), '00:06:23.261');
    assert.match(String(first.description), /got connection on/);
    assert.strictEqual(first.command?.command, 'messagingLogs.sessions.revealRecord');
  });

  it('groups SIP packets into dialogs by Call-ID', async () => {
    const sip = component(await roots(), 'SIPDATA');
    assert.strictEqual(sip.children.length, 1, 'both packets belong to one dialog');
    const dialog = sip.children[0] as DialogNode;
    assert.strictEqual(dialog.kind, 'dialog');
    assert.strictEqual(dialog.callId, '4f1d62a3-reg@192.168.1.10');
    assert.deepStrictEqual(
      dialog.children.map((c) => c.session.key),
      ['SIPDATA-000502', 'SIPDATA-000503'],
    );
    const item = api.sessionsTree.getTreeItem(dialog);
    assert.match(String(item.description), /SIP dialog · 2 packets/);
    assert.strictEqual(api.sessionsTree.getParent(dialog.children[0]), dialog);
  });

  it('sorts by problems and by duration, and shows only sessions with problems', async () => {
    try {
      await vscode.commands.executeCommand('messagingLogs.sessions.sortBy', 'problems');
      const byProblems = await roots();
      const problems = byProblems.map((c) => c.sessions.reduce((n, s) => n + s.problems, 0));
      assert.deepStrictEqual(problems, [...problems].sort((a, b) => b - a), `components by problems: ${byProblems.map((c) => c.name).join(', ')}`);
      assert.ok(problems[0] > 0);

      await vscode.commands.executeCommand('messagingLogs.sessions.sortBy', 'duration');
      const byDuration = await roots();
      const durations = byDuration.map((c) => Math.max(...c.sessions.map((s) => s.durationMs)));
      assert.deepStrictEqual(durations, [...durations].sort((a, b) => b - a), 'components by longest session');
      assert.strictEqual(byDuration[0].name, 'DIALOG', 'DIALOG-000001 lasts 3.9 s, the longest');

      await vscode.commands.executeCommand('messagingLogs.sessions.sortBy', 'time');
      await vscode.commands.executeCommand('messagingLogs.sessions.showProblemsOnly');
      const withProblems = (await roots()).flatMap(sessionsOf).map((s) => s.session.key);
      assert.deepStrictEqual(withProblems, ['IMAP-437425', 'HTTPU-000029', 'SMTP-004821', 'ACCOUNT(bob@example.com)']);

      await vscode.commands.executeCommand('messagingLogs.sessions.showAll');
      await vscode.commands.executeCommand('messagingLogs.sessions.filter', 'sipdata');
      const filtered = await roots();
      assert.deepStrictEqual(filtered.map((c) => c.name), ['SIPDATA'], 'text filter is case-insensitive on keys');
    } finally {
      await vscode.commands.executeCommand('messagingLogs.sessions.sortBy', 'time');
      await vscode.commands.executeCommand('messagingLogs.sessions.showAll');
      await vscode.commands.executeCommand('messagingLogs.sessions.clearFilter');
    }
  });

  it('shows a session: first record revealed, all its records highlighted until another is chosen', async () => {
    await showAt(doc, 0);
    await roots();
    const shown = await vscode.commands.executeCommand<{ line: number; highlighted: { line: number; endLine: number }[] }>(
      'messagingLogs.sessions.reveal',
      { key: 'IMAP-437425' },
    );
    const imapLines = linesWhere(doc, (t) => t.includes(' IMAP-437425('));
    assert.ok(shown, 'the command returns what it showed');
    assert.strictEqual(shown.line, imapLines[0]);
    assert.strictEqual(vscode.window.activeTextEditor?.selection.active.line, imapLines[0], 'cursor on the first record');
    assert.deepStrictEqual(api.highlightedSession()?.spans, [{ line: imapLines[0], endLine: imapLines[imapLines.length - 1] }]);

    await vscode.commands.executeCommand('messagingLogs.sessions.reveal', { key: 'SIGNAL-000056' });
    const signal = api.highlightedSession()?.spans ?? [];
    assert.ok(signal.length > 1, 'SIGNAL-000056 is interleaved with other sessions: several spans');
    assert.ok(!signal.some((s) => s.line === imapLines[0]), 'the IMAP highlight is gone');
    const thread = lineWhere(doc, (t) => t.includes('SIGNAL(3) 000056'));
    assert.ok(signal.some((s) => s.line <= thread && thread <= s.endLine), 'the thread form record is highlighted too');

    const other = await openSample(SAMPLES[1].file, SAMPLES[1].languageId);
    await poll(() => api.highlightedSession(), (h) => h === undefined, 3000);
    assert.strictEqual(api.highlightedSession(), undefined, 'switching documents clears the highlight');
    assert.ok(other);
  });

  it('follows the active editor: EMG connect spans under their instance', async () => {
    const emg = await openSample(SAMPLES[1].file, SAMPLES[1].languageId);
    const nodes = await roots(emg);
    const instance4 = component(nodes, '(4)');
    assert.deepStrictEqual(sessionsOf(instance4).map((s) => s.session.key), ['(4)#1', '(4)#2']);
    await showAt(doc, 0);
    assert.ok(component(await roots(doc), 'IMAP'));
  });

  it('Messaging Server: a process lists its client connections, each with its records, then its own', async () => {
    const ms = await openSample(SAMPLES[3].file, SAMPLES[3].languageId);
    const nodes = await roots(ms);
    const imapd = sessionsOf(component(nodes, 'imapd')).find((s) => s.session.key === 'imapd[4411]');
    assert.ok(imapd, 'imapd[4411] stays one session (FORMATS §2.5)');
    const children = (await api.sessionsTree.getChildren(imapd)) as SessionsNode[];
    const labels = children.map((c) => labelOf(api.sessionsTree.getTreeItem(c)));
    assert.deepStrictEqual(labels, ['[192.0.2.18] erin', '[198.51.100.9]', '[127.0.0.1]', 'imapd[4411] itself']);
    const erin = children[0];
    assert.ok(erin.kind === 'connection');
    const records = (await api.sessionsTree.getChildren(erin)) as SessionsNode[];
    const expected = linesWhere(ms, (t) => t.includes('imapd[4411]') && t.includes('[192.0.2.18]'));
    assert.deepStrictEqual(records.map((r) => (r.kind === 'record' ? r.record.line : -1)), expected, "erin's login, select and close");
    assert.strictEqual(api.sessionsTree.getParent(records[0]), erin);
    assert.match(String(api.sessionsTree.getTreeItem(records[0]).description), /^Account Notice: login \[192\.0\.2\.18\] erin/, 'the row leaves out host and process');
    const own = (await api.sessionsTree.getChildren(children[3])) as SessionsNode[];
    assert.deepStrictEqual(own.map((r) => (r.kind === 'record' ? r.record.line : -1)), linesWhere(ms, (t) => t.includes('imapd[4411]') && t.includes('Log created')));
    await showAt(doc, 0);
  });

  it('follows edits of the log', async () => {
    const log = await vscode.workspace.openTextDocument({ language: LANGUAGE, content: '10:00:00.000 2 IMAP-000001 one\n' });
    try {
      await vscode.window.showTextDocument(log);
      assert.deepStrictEqual((await roots(log)).map((c) => c.name), ['IMAP']);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(log.uri, new vscode.Position(1, 0), '10:00:01.000 1 SMTP-000002 failed\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const names = await poll(async () => (await api.sessionsTree.getChildren()).map((c) => (c.kind === 'component' ? c.name : '')), (n) => n.length === 2, 5000);
      assert.deepStrictEqual(names, ['IMAP', 'SMTP']);
    } finally {
      await vscode.window.showTextDocument(log);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('shows nothing (the welcome text) when no log is open', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The command returns before every tab is gone: opening a log now could be closed with them.
    await poll(() => vscode.window.tabGroups.all.every((g) => g.tabs.length === 0), (done) => done, 5000);
    const nodes = await roots(null);
    assert.deepStrictEqual(nodes, []);
    doc = await openSample(FILE, LANGUAGE);
    assert.ok((await roots()).length > 0, 'and the sessions again when a log is opened');
  });
});
