// The status bar item (dialect · record time · session) and Set Log Dialect.
import * as assert from 'assert';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MessagingLogsApi } from '../../../client/src/api';
import { extensionApi, lineWhere, openDocument, openSample, poll, SAMPLES, showAt } from './helpers';

const FILE = 'communigate/SystemLogs/2026-01-15.log';
const LANGUAGE = 'communigate-log';

describe('status bar and Set Log Dialect', () => {
  let api: MessagingLogsApi;
  let doc: vscode.TextDocument;

  function statusBar(expected: (text: string | undefined) => boolean): Promise<string | undefined> {
    return poll(() => api.statusBarText(), expected, 5000);
  }

  before(async function () {
    this.timeout(30000);
    doc = await openSample(FILE, LANGUAGE);
    api = await extensionApi();
  });

  it('shows the dialect, the time of the record under the cursor and its session', async () => {
    const imap = lineWhere(doc, (t) => t.includes('IMAP-437425'));
    await showAt(doc, imap, 20);
    const expected = '$(list-tree) CommuniGate Pro · 00:06:23.261 · IMAP-437425';
    assert.strictEqual(await statusBar((t) => t === expected), expected);

    const thread = lineWhere(doc, (t) => t.includes('SIGNAL(3) 000056'));
    await showAt(doc, thread);
    const threadText = '$(list-tree) CommuniGate Pro · 01:12:39.149 · SIGNAL-000056';
    assert.strictEqual(await statusBar((t) => t === threadText), threadText, 'the thread form is in its session');
  });

  it('shows the dialect of every sample', async () => {
    for (const sample of SAMPLES.slice(1)) {
      await openSample(sample.file, sample.languageId);
      const text = await statusBar((t) => t?.includes(sample.dialect) === true);
      assert.ok(text?.startsWith(`$(list-tree) ${sample.dialect}`), `${sample.file}: ${text}`);
    }
  });

  it('is hidden in editors that are not logs', async () => {
    const plain = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'not a log\n' });
    try {
      await vscode.window.showTextDocument(plain);
      assert.strictEqual(await statusBar((t) => t === undefined), undefined);
      await showAt(doc, 0);
      assert.ok(await statusBar((t) => t !== undefined), 'shown again on the log');
    } finally {
      await vscode.window.showTextDocument(plain);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('Set Log Dialect changes the language, and detection respects a choice of plain log', async () => {
    await showAt(doc, 0);
    try {
      const decided = api.dialectDecisions(doc.uri);
      assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.setDialect', 'log'), 'log');
      // The server inspects `log` documents and reports their dialect: once the client has decided on
      // that report, the choice must still stand.
      await poll(() => api.dialectDecisions(doc.uri), (n) => n > decided, 10000);
      assert.ok(api.dialectDecisions(doc.uri) > decided, 'the server reported the plain log\'s dialect');
      assert.strictEqual(openDocument(doc.uri)?.languageId, 'log', 'still plain log after detection had its chance');
      assert.strictEqual(await statusBar((t) => t === undefined), undefined, 'no status item for plain log');

      assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.setDialect', 'emg-log'), 'emg-log');
      assert.strictEqual(openDocument(doc.uri)?.languageId, 'emg-log');
      assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.setDialect', 'cobol'), undefined, 'not a dialect');
      assert.strictEqual(openDocument(doc.uri)?.languageId, 'emg-log');
    } finally {
      await vscode.commands.executeCommand('messagingLogs.setDialect', LANGUAGE);
    }
    const restored = await poll(() => openDocument(doc.uri)?.languageId, (l) => l === LANGUAGE, 3000);
    assert.strictEqual(restored, LANGUAGE);
    doc = openDocument(doc.uri) ?? doc;
    assert.ok(await statusBar((t) => t?.includes('CommuniGate Pro') === true));
  });
});
