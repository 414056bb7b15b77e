// Show SIP Ladder and Show Log Report in the real editor: the panels open from the commands, and a
// real click (Playwright, through the driver) on an arrow or a bar moves the editor to the right line;
// dragging over bars opens an interval filter, a table row its records. Screenshots for review.
import * as assert from 'assert';
import * as fs from 'fs';
import { before, describe, it } from 'mocha';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MessagingLogsApi } from '../../../client/src/api';
import { extensionApi, lineWhere, poll, samplesDir, select } from './helpers';
import { driver, hasDriver } from './webviewDriver';

function fixture(): vscode.Uri {
  return vscode.Uri.file(path.join(samplesDir(), '..', 'test', 'fixtures', 'SystemLogs', '2026-02-19.log'));
}

async function openLog(uri: vscode.Uri): Promise<vscode.TextEditor> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.One });
  await poll(() => doc.languageId, (id) => id === 'communigate-log', 8000);
  return editor;
}

/** The active editor once it shows `uri` with the cursor on `line` (bounded), for the assertion to report. */
async function cursorOn(uri: vscode.Uri, line: number): Promise<string> {
  const editor = await poll(
    () => vscode.window.activeTextEditor,
    (e) => e?.document.uri.toString() === uri.toString() && e.selection.active.line === line,
    8000,
  );
  return editor ? `${path.basename(editor.document.uri.path)}:${editor.selection.active.line}` : 'no editor';
}

describe('SIP ladder and log report panels', () => {
  let api: MessagingLogsApi;

  before(async () => {
    // Opening a log activates the extension.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fixture()));
    api = await extensionApi();
  });

  it('Show SIP Ladder on a Call-ID line; a click on the 486 arrow reveals that packet', async function () {
    if (!hasDriver()) this.skip(); // a real click needs the Playwright driver (code-server runs)
    this.timeout(90000);
    const uri = fixture();
    const editor = await openLog(uri);
    const doc = editor.document;
    const callIdLine = lineWhere(doc, (t) => t.includes('SIPDATA-000701 inp: Call-ID:'));
    await select(editor, new vscode.Selection(callIdLine, 0, callIdLine, 0));
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('messagingLogs.showSipLadder');
    assert.ok(panel, 'no panel');
    assert.equal(panel.viewType, 'messagingLogs.sipLadder');
    await select(editor, new vscode.Selection(0, 0, 0, 0));

    // Hovering an arrow shows the packet's lines (the screenshot shows the hover).
    const hover = await driver('sip-ladder-hover', { hover: '.packet[data-index="2"]' });
    assert.ok(hover.ok, hover.error);
    const shot = await driver('sip-ladder', { click: '.packet[data-index="5"]' });
    assert.ok(shot.ok, shot.error);
    assert.match(shot.labels[0] ?? '', /^09:15:07\.950 from 10\.0\.0\.7:5062: SIP\/2\.0 486 Busy Here$/);
    const packet = lineWhere(doc, (t) => t.includes('SIPDATA-000706 inp: rsp'));
    assert.equal(await cursorOn(uri, packet), `2026-02-19.log:${packet}`);
    await driver('sip-ladder-revealed');
    panel.dispose();
  });

  it('Show SIP Ladder from a filter result draws the source log; a click reveals the packet there', async function () {
    if (!hasDriver()) this.skip();
    this.timeout(90000);
    const uri = fixture();
    const editor = await openLog(uri);
    const doc = editor.document;
    const result = await vscode.commands.executeCommand<vscode.Uri | undefined>('messagingLogs.keyedFilter', { text: 'Call-ID: 7c1a9e2f-call@10.0.0.5', uri });
    assert.ok(result && api.isFilterResult(result), 'no filter result');
    const shown = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(result), { viewColumn: vscode.ViewColumn.One });
    const inResult = lineWhere(shown.document, (t) => t.includes('SIPDATA-000704 inp: SIP/2.0 180 Ringing'));
    await select(shown, new vscode.Selection(inResult, 0, inResult, 0));
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('messagingLogs.showSipLadder');
    assert.ok(panel, 'no panel from the filter result');
    const shot = await driver(undefined, { click: '.packet[data-index="0"]' });
    assert.ok(shot.ok, shot.error);
    const invite = lineWhere(doc, (t) => t.includes('SIPDATA-000701 inp: req'));
    assert.equal(await cursorOn(uri, invite), `2026-02-19.log:${invite}`, 'the record is revealed in the source log, not in the filter result');
    panel.dispose();
  });

  it('Show SIP Ladder on a dialog item of the Log Sessions view', async () => {
    const uri = fixture();
    await openLog(uri);
    const dialog = await poll(
      async () => {
        if (api.sessionsTree.currentDocument()?.uri.toString() !== uri.toString()) return undefined;
        const roots = (await api.sessionsTree.getChildren()) as { kind: string; children?: { kind: string; callId?: string }[] }[];
        return roots.flatMap((r) => r.children ?? []).find((c) => c.kind === 'dialog' && c.callId === '7c1a9e2f-call@10.0.0.5');
      },
      (d) => d !== undefined,
      10000,
    );
    assert.ok(dialog, 'the view shows no dialog item');
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('messagingLogs.showSipLadder', dialog);
    assert.ok(panel, 'no panel from the dialog item');
    assert.equal(panel.title, 'SIP 7c1a9e2f-call@10.0.0.5');
    panel.dispose();
  });

  it('the ladder of 500 packets scrolls; a click on the last arrow reveals the last packet', async function () {
    if (!hasDriver()) this.skip();
    this.timeout(90000);
    // Written to a temporary folder (never next to a user's logs).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-ladder-'));
    const file = path.join(dir, '2026-03-01.log');
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      const t = new Date(Date.UTC(2026, 2, 1, 10, 0, 0) + i * 250).toISOString().slice(11, 23);
      const key = `SIPDATA-${String(1000 + i).padStart(6, '0')}`;
      const inbound = i % 2 === 0;
      const remote = i % 4 < 2 ? '[10.1.0.1]:5060' : '[10.2.0.2]:5060';
      const d = inbound ? 'inp' : 'out';
      lines.push(`${t} 2 ${key} ${d}: ${i % 3 === 0 ? `req udp ${remote} INFO(100 bytes)` : `rsp udp ${remote} 200-INFO(100 bytes)`}`);
      lines.push(`${t} 5 ${key} ${d}: ${i % 3 === 0 ? 'INFO sip:x@y SIP/2.0' : 'SIP/2.0 200 OK'}`);
      lines.push(`${t} 5 ${key} ${d}: Call-ID: long-call@test`);
    }
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    try {
      const uri = vscode.Uri.file(file);
      const editor = await openLog(uri);
      const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('messagingLogs.showSipLadder', { callId: 'long-call@test', uri });
      assert.ok(panel);
      await select(editor, new vscode.Selection(0, 0, 0, 0));
      // Toasts left by earlier suites (Go to Time's messages) sit over the panel's bottom right, where
      // the last arrow is once scrolled: a user would close them before clicking there.
      await vscode.commands.executeCommand('notifications.clearAll');
      const shot = await driver(undefined, { click: '.packet[data-index="499"]' });
      assert.ok(shot.ok, shot.error);
      assert.equal(await cursorOn(uri, 1497), '2026-03-01.log:1497');
      await driver('sip-ladder-500-scrolled');
      panel.dispose();
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Show Log Report: a click on a bar goes to its time; a drag filters the interval; a row opens its records', async function () {
    if (!hasDriver()) this.skip();
    this.timeout(120000);
    const uri = fixture();
    const editor = await openLog(uri);
    const doc = editor.document;
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('messagingLogs.showLogReport');
    assert.ok(panel, 'no panel');
    assert.equal(panel.viewType, 'messagingLogs.logReport');
    await select(editor, new vscode.Selection(5, 0, 5, 0));

    // The last bar: 10:02, one record, the last line of the log.
    const click = await driver('log-report', { click: 'g.bar:last-of-type' });
    assert.ok(click.ok, click.error);
    assert.equal(click.labels[0], '2026-02-19 10:02:00.000 – 2026-02-19 10:02:59.999: 1 records');
    const last = lineWhere(doc, (t) => t.startsWith('10:02:'));
    assert.equal(await cursorOn(uri, last), `2026-02-19.log:${last}`);

    // Drag over the first two bars (09:15 and 09:16): a filter of every record of those minutes.
    const drag = await driver(undefined, { drag: ['g.bar[data-index="0"]', 'g.bar[data-index="1"]'] });
    assert.ok(drag.ok, drag.error);
    assert.match(drag.labels[1] ?? '', /^2026-02-19 09:16:00\.000 – 2026-02-19 09:16:59\.999: 11 records$/);
    const interval = await poll(() => vscode.window.activeTextEditor, (e) => !!e && api.isFilterResult(e.document.uri), 10000);
    assert.ok(interval && api.isFilterResult(interval.document.uri), 'no filter result opened');
    const expected = doc.getText().split('\n').filter((t) => /^09:1[56]:/.test(t));
    const shown = interval.document.getText().split('\n').filter((t) => t !== '');
    assert.deepEqual(shown, expected);

    // A top-problems row: its records as a filter (the IMAP read failure).
    const row = await driver(undefined, { click: 'section[data-table="problems"] tr.link' });
    assert.ok(row.ok, row.error);
    const problems = await poll(
      () => vscode.window.activeTextEditor,
      (e) => !!e && api.isFilterResult(e.document.uri) && e.document.uri.toString() !== interval.document.uri.toString(),
      10000,
    );
    assert.ok(problems && api.isFilterResult(problems.document.uri), 'the row opened no filter result');
    assert.deepEqual(problems.document.getText().split('\n').filter((t) => t !== ''), [doc.lineAt(lineWhere(doc, (t) => t.includes('read failed') && t.includes('IMAP'))).text]);
    panel.dispose();
  });

  it('both panels in the High Contrast theme (screenshots for review)', async function () {
    if (!hasDriver()) this.skip();
    this.timeout(90000);
    const config = vscode.workspace.getConfiguration('workbench');
    const before = config.inspect<string>('colorTheme')?.globalValue;
    await config.update('colorTheme', 'Default High Contrast', vscode.ConfigurationTarget.Global);
    try {
      const uri = fixture();
      await openLog(uri);
      const ladder = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('messagingLogs.showSipLadder', { callId: '7c1a9e2f-call@10.0.0.5', uri });
      assert.ok(ladder);
      const arrow = await driver('sip-ladder-high-contrast', { hover: '.packet.failed' });
      assert.ok(arrow.ok, arrow.error);
      assert.match(arrow.labels[0] ?? '', /486 Busy Here$/, 'the first failed arrow is the 486');
      ladder.dispose();
      const report = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('messagingLogs.showLogReport', uri);
      assert.ok(report);
      const bar = await driver('log-report-high-contrast', { hover: 'g.bar[data-index="1"]' });
      assert.ok(bar.ok, bar.error);
      assert.match(bar.labels[0] ?? '', /: 11 records$/);
      report.dispose();
    } finally {
      await config.update('colorTheme', before, vscode.ConfigurationTarget.Global);
    }
  });
});
