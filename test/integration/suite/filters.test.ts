// Filter commands (FORMATS §5) run with arguments: the read-only result document in the log's language,
// the way back to source lines, keyed and level/interval filters, refreshing after edits, refusals.
import * as assert from 'assert';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MessagingLogsApi } from '../../../client/src/api';
import { extensionApi, linesWhere, lineWhere, openDocument, openSample, poll, select, showAt, sleep, waitForDocument } from './helpers';

const FILE = 'communigate/SystemLogs/2026-01-15.log';
const LANGUAGE = 'communigate-log';

function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** The record lines of a result: overflow markers (`***`) are output by every filter (FORMATS §5). */
function recordLines(text: string): string[] {
  return linesOf(text).filter((l) => l !== '***');
}

describe('filters', () => {
  let api: MessagingLogsApi;
  let doc: vscode.TextDocument;

  async function runFilter(command: string, args: object): Promise<vscode.TextDocument> {
    await showAt(doc, 0);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>(command, args);
    assert.ok(uri instanceof vscode.Uri, `${command} ${JSON.stringify(args)} returns the result's URI`);
    return waitForDocument(uri);
  }

  before(async function () {
    this.timeout(30000);
    doc = await openSample(FILE, LANGUAGE);
    api = await extensionApi();
  });

  it('opens a plain filter as a read-only document in the same language, titled with the query', async () => {
    const result = await runFilter('messagingLogs.filter', { text: 'read failed', keyed: false, ignoreCase: false });
    const expected = doc.lineAt(lineWhere(doc, (t) => t.includes('read failed'))).text;
    assert.deepStrictEqual(recordLines(result.getText()), [expected]);
    assert.deepStrictEqual(linesOf(result.getText()), [expected, '***'], 'the two overflow markers after it, as one');
    assert.strictEqual(result.uri.scheme, 'msglog-filter');
    assert.strictEqual(result.languageId, LANGUAGE, 'the result is in the log language');
    assert.ok(api.isFilterResult(result.uri));
    const title = result.uri.path.split('/').pop() ?? '';
    assert.strictEqual(title, '"read failed" — 2026-01-15.log');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), result.uri.toString(), 'the result is shown');

    // The result is read as the log it came from: its file name dates it, so date-times work there too.
    const failedAt = await vscode.commands.executeCommand('messagingLogs.goToTime', { query: `2026-01-15 ${expected.slice(0, 8)}` });
    assert.strictEqual(failedAt, 0, 'a date-time query finds the record in the result');

    // Read-only: typing changes nothing (the command has run when its promise settles).
    await vscode.commands.executeCommand('type', { text: 'typed' });
    assert.deepStrictEqual(recordLines(result.getText()), [expected], 'typing into a filter result changes nothing');
  });

  it('keyed: every record of the matching sessions; F12 and Go to Source Line lead back to the log', async () => {
    const result = await runFilter('messagingLogs.keyedFilter', { text: 'read failed', ignoreCase: false });
    assert.match(result.uri.path, /keyed "read failed" — 2026-01-15\.log$/);
    const sourceLines = linesWhere(doc, (t) => t.includes(' HTTPU-000029('));
    assert.deepStrictEqual(recordLines(result.getText()), sourceLines.map((l) => doc.lineAt(l).text), 'both records of HTTPU-000029');

    const definitions = await poll(
      () => vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', result.uri, new vscode.Position(1, 20)),
      (d) => (d?.length ?? 0) > 0,
      5000,
    );
    assert.strictEqual(definitions.length, 1, 'F12 has one target: the source line');
    const target = definitions[0];
    const targetUri = 'uri' in target ? target.uri : target.targetUri;
    const targetRange = 'range' in target ? target.range : target.targetRange;
    assert.strictEqual(targetUri.toString(), doc.uri.toString());
    assert.strictEqual(targetRange.start.line, sourceLines[1]);
    assert.strictEqual(targetRange.start.character, 20, 'same column');

    const editor = await vscode.window.showTextDocument(result);
    await select(editor, new vscode.Selection(1, 3, 1, 3));
    const went = await vscode.commands.executeCommand<{ uri: string; line: number }>('messagingLogs.goToSourceLine');
    assert.deepStrictEqual(went, { uri: doc.uri.toString(), line: sourceLines[1] });
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());
    assert.strictEqual(vscode.window.activeTextEditor?.selection.active.line, sourceLines[1]);
  });

  it('the language server reads the result too (outline, folding)', async () => {
    const result = await runFilter('messagingLogs.filter', { text: 'SIPDATA', keyed: true });
    const symbols = await poll(
      () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', result.uri),
      (s) => (s?.length ?? 0) > 0,
      5000,
    );
    assert.deepStrictEqual(symbols.map((s) => s.name.split(' ')[0]), ['SIPDATA']);
    assert.strictEqual(recordLines(result.getText()).length, 20, 'both SIP packets, ten lines each');
  });

  it('a level threshold and a time interval', async () => {
    const failures = await runFilter('messagingLogs.filter', { text: '', level: '1' });
    const lines = linesOf(failures.getText());
    assert.ok(lines.some((l) => l.includes('SMTP-004821') && l.includes('failed to deliver')), lines.join('\n'));
    for (const l of lines) assert.ok(l === '***' || / [01] /.test(l.slice(12, 15)), `level 0 or 1 only: ${l}`);
    assert.strictEqual(lines.filter((l) => l === '***').length, 1, 'consecutive overflow markers as one');

    const interval = await runFilter('messagingLogs.filter', { text: '', from: '00:41', to: '00:41:59' });
    const inInterval = linesWhere(doc, (t) => t.startsWith('00:41:')).map((l) => doc.lineAt(l).text);
    assert.deepStrictEqual(linesOf(interval.getText()), inInterval, 'no overflow marker between 00:41 and 00:42');
  });

  it('a keyed filter on a session and on a SIP dialog from the Sessions view', async () => {
    const session = await runFilter('messagingLogs.filterSession', { key: 'IMAP-437425', uri: doc.uri });
    assert.deepStrictEqual(
      recordLines(session.getText()),
      linesWhere(doc, (t) => t.includes(' IMAP-437425(')).map((l) => doc.lineAt(l).text),
    );
    await showAt(doc, 0);
    const tree = api.sessionsTree;
    const roots = await poll(() => tree.getChildren(), (n) => n.length > 0, 5000);
    const sip = roots.find((n) => n.kind === 'component' && n.name === 'SIPDATA');
    assert.ok(sip && sip.kind === 'component' && sip.children[0].kind === 'dialog');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.filterSession', sip.children[0]);
    const dialog = await waitForDocument(uri);
    assert.match(dialog.uri.path, /keyed "Call-ID: 4f1d62a3-reg@192.168.1.10"/);
    assert.strictEqual(recordLines(dialog.getText()).length, 20, 'every line of both packets of the dialog');
  });

  it('asks through one quick pick: a level from its list, then Enter filters', async () => {
    await showAt(doc, 0);
    let shown = api.filterInputsShown();
    const running = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('messagingLogs.filter'));
    // Keys go to an input once the extension has shown it (it counts them): the next step waits for the next input.
    const step = async (...commands: string[]) => {
      const now = await poll(() => api.filterInputsShown(), (n) => n > shown, 5000);
      assert.ok(now > shown, 'the next filter input was shown');
      shown = now;
      for (const command of commands) await vscode.commands.executeCommand(command);
    };
    try {
      // Items: regular expression, ignore case, keyed, level, interval, recent filters…
      await step('quickInput.next', 'quickInput.next', 'quickInput.next', 'workbench.action.acceptSelectedQuickOpenItem');
      // Levels: any, critical, error, warning, …
      await step('quickInput.next', 'quickInput.next', 'quickInput.next', 'workbench.action.acceptSelectedQuickOpenItem');
      // Back in the filter quick pick, "Filter: all records" is under the cursor.
      await step('workbench.action.acceptSelectedQuickOpenItem');
      const uri = await Promise.race([running, sleep(5000).then(() => undefined)]);
      assert.ok(uri instanceof vscode.Uri, 'the flow ran a filter');
      assert.match(uri.path, /\/level ≤ warning — 2026-01-15\.log$/);
      const lines = recordLines((await waitForDocument(uri)).getText());
      assert.ok(lines.length >= 4, lines.join('\n'));
      for (const l of lines) assert.match(l.slice(12, 15), / [013] /, `warning or more severe only: ${l}`);

      // The filter is now the most recent one: the first item after the seven options reruns it.
      await showAt(doc, 0);
      const again = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('messagingLogs.filter'));
      await step(...Array<string>(7).fill('quickInput.next'), 'workbench.action.acceptSelectedQuickOpenItem');
      const rerun = await Promise.race([again, sleep(5000).then(() => undefined)]);
      assert.strictEqual(rerun?.toString(), uri.toString(), 'the recent filter reruns into the same result');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
  });

  it("a result's records keep their problems in the log only: the Problems panel counts them once", async () => {
    const result = await runFilter('messagingLogs.filter', { text: 'failed to deliver' });
    const failure = lineWhere(doc, (t) => / 1 SMTP-004821/.test(t));
    assert.ok(vscode.languages.getDiagnostics(doc.uri).some((d) => d.range.start.line === failure), 'the log has the failure');
    // The server has read the result once it outlines it; a result of its own would be published with it.
    const symbols = await poll(
      () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', result.uri),
      (s) => (s?.length ?? 0) > 0,
      5000,
    );
    assert.ok(symbols.length > 0);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(result.uri), []);
  });

  it('says so instead of opening an empty result, and refuses bad queries', async () => {
    const before = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'msglog-filter').length;
    await showAt(doc, 0);
    const none = await vscode.commands.executeCommand('messagingLogs.filter', { text: 'no such text anywhere' });
    assert.strictEqual(none, undefined, 'no result document when nothing matches');
    const badRegex = await vscode.commands.executeCommand('messagingLogs.filter', { regex: '(unclosed' });
    assert.strictEqual(badRegex, undefined, 'a bad regular expression opens nothing');
    const badTime = await vscode.commands.executeCommand('messagingLogs.filter', { text: 'x', from: '25:00' });
    assert.strictEqual(badTime, undefined, 'a bad time opens nothing');
    const after = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'msglog-filter').length;
    assert.strictEqual(after, before);
  });

  it('refuses filter URIs it did not create', async () => {
    const forged = vscode.Uri.from({ scheme: 'msglog-filter', path: '/999/forged — 2026-01-15.log', query: 'file:///etc/passwd' });
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(forged)), /not a filter result of this window/);
    assert.strictEqual(api.isFilterResult(forged), false);
  });

  it('refreshes an open result when its log changes', async () => {
    const log = await vscode.workspace.openTextDocument({
      language: LANGUAGE,
      content: '10:00:00.000 2 IMAP-000001 alpha one\n10:00:01.000 2 IMAP-000002 beta\n',
    });
    try {
      await vscode.window.showTextDocument(log);
      const uri = await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.filter', { text: 'alpha', keyed: false });
      const result = await waitForDocument(uri);
      assert.deepStrictEqual(linesOf(result.getText()), ['10:00:00.000 2 IMAP-000001 alpha one']);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(log.uri, new vscode.Position(2, 0), '10:00:02.000 2 IMAP-000003 alpha two\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const refreshed = await poll(() => linesOf(openDocument(uri)?.getText() ?? ''), (l) => l.length === 2, 5000);
      assert.deepStrictEqual(refreshed, ['10:00:00.000 2 IMAP-000001 alpha one', '10:00:02.000 2 IMAP-000003 alpha two']);
      assert.deepStrictEqual(await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri), [], 'records: no note');
      // The records go, a marker comes: the result holds only the marker and says that nothing matched.
      const replace = new vscode.WorkspaceEdit();
      replace.replace(log.uri, new vscode.Range(0, 0, log.lineCount, 0), '10:00:00.000 2 IMAP-000001 gamma\n***\n10:00:01.000 2 IMAP-000002 beta\n');
      assert.ok(await vscode.workspace.applyEdit(replace));
      const onlyMarker = await poll(() => openDocument(uri)?.getText() ?? '', (t) => t.trim() === '***', 5000);
      assert.strictEqual(onlyMarker.trim(), '***');
      const lenses = await poll(
        async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [],
        (l) => l.length > 0,
        5000,
      );
      assert.deepStrictEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), [[0, 'No record matched: only the overflow markers (***) in the interval are shown']]);
      // A result repeats its log's records: their problems are not counted a second time.
      assert.deepStrictEqual(vscode.languages.getDiagnostics(uri), []);
    } finally {
      await vscode.window.showTextDocument(log);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
