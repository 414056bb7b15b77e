// The settings the editor features read: default filter options and the minimum diagnostic severity.
import * as assert from 'assert';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { extensionApi, linesWhere, openSample, poll, showAt, waitForDiagnostics, waitForDocument } from './helpers';

const FILE = 'communigate/SystemLogs/2026-01-15.log';
const LANGUAGE = 'communigate-log';

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('messagingLogs').update(key, value, vscode.ConfigurationTarget.Global);
}

describe('settings', () => {
  let doc: vscode.TextDocument;

  before(async function () {
    this.timeout(30000);
    doc = await openSample(FILE, LANGUAGE);
    await extensionApi();
  });

  it('messagingLogs.filter.keyed and .ignoreCase are the defaults of a filter', async () => {
    try {
      await setting('filter.keyed', true);
      await setting('filter.ignoreCase', true);
      await showAt(doc, 0);
      const uri = await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.filter', { text: 'READ FAILED' });
      assert.ok(uri, 'ignore case found the record');
      assert.match(uri.path, /keyed "READ FAILED" \(any case\)/);
      const lines = (await waitForDocument(uri)).getText().split('\n').filter((l) => l !== '' && l !== '***');
      assert.strictEqual(lines.length, linesWhere(doc, (t) => t.includes(' HTTPU-000029(')).length, 'keyed: the whole session');
    } finally {
      await setting('filter.keyed', undefined);
      await setting('filter.ignoreCase', undefined);
    }
  });

  it('messagingLogs.minimumDiagnosticSeverity "error" hides the warnings', async () => {
    const all = await waitForDiagnostics(doc.uri);
    const errors = all.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length;
    assert.ok(errors > 0 && errors < all.length, 'the sample has errors and warnings');
    try {
      await setting('minimumDiagnosticSeverity', 'error');
      const shown = await poll(() => vscode.languages.getDiagnostics(doc.uri), (d) => d.length === errors, 5000);
      assert.ok(shown.every((d) => d.severity === vscode.DiagnosticSeverity.Error), 'errors only');
    } finally {
      await setting('minimumDiagnosticSeverity', undefined);
    }
    const restored = await poll(() => vscode.languages.getDiagnostics(doc.uri), (d) => d.length === all.length, 5000);
    assert.strictEqual(restored.length, all.length);
  });
});
