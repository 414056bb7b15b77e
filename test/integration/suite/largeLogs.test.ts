// Logs larger than VS Code hands to extensions (50 MB), in the real editor: a 120 MB CommuniGate Pro
// log generated at test time (never committed) is opened with Open as Large Log, which has the
// language server index it from disk with progress; then its sessions, a keyed filter (a virtual
// document) and Go to Time work on it, and it is followed as it grows.
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { LargeLogSummary, ServerInfoResult } from '../../../common/protocol';
import type { SessionsNode } from '../../../client/src/views/sessionsModel';
import { extension, extensionApi, openSample, poll, samplesDir } from './helpers';

const MB = 1024 * 1024;
/** The project's deterministic generator (node scripts/gen-logs.mjs DIALECT MEGABYTES OUTFILE). */
const GENERATOR = path.resolve(samplesDir(), '../scripts/gen-logs.mjs');

interface OpenedLargeLog extends LargeLogSummary {
  progressReports: number;
  elapsedMs: number;
}

/** Runs the generator with node (the extension host's own binary, as plain node). */
function generate(file: string, megabytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [GENERATOR, 'communigate', String(megabytes), file], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${GENERATOR} failed: ${error.message}\n${stderr}`)) : resolve(),
    );
  });
}

/** The text of 0-based `line` of a file too large for a document, read in chunks. */
function lineOf(file: string, line: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 * MB);
    let seen = 0;
    let position = 0;
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, position);
      if (n === 0) return '';
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0 || nl >= n) break;
        if (seen === line) return Buffer.concat([carry, buf.subarray(start, nl)]).toString('utf8');
        carry = Buffer.alloc(0);
        seen++;
        start = nl + 1;
      }
      carry = seen === line ? Buffer.concat([carry, buf.subarray(start, n)]) : Buffer.alloc(0);
      position += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

describe('large logs read from disk by the server', function () {
  this.timeout(120000);
  let dir: string;
  let file: string;
  let uri: vscode.Uri;
  let summary: OpenedLargeLog;

  before(async function () {
    this.timeout(120000);
    await extension().activate(); // these suites may run alone, before any log is opened
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-large-'));
    file = path.join(dir, 'big.log');
    const started = Date.now();
    await generate(file, 120);
    console.log(`    generated ${(fs.statSync(file).size / MB).toFixed(0)} MB in ${Date.now() - started} ms`);
    uri = vscode.Uri.file(file);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Open as Large Log indexes a 120 MB log from disk with progress and sums it up', async () => {
    const size = fs.statSync(file).size;
    assert.ok(size > 100 * MB, `${size} bytes`);
    const started = Date.now();
    summary = (await vscode.commands.executeCommand<OpenedLargeLog>('messagingLogs.openLargeLog', uri)) as OpenedLargeLog;
    const ms = Date.now() - started;
    assert.ok(summary, 'the command returns the summary');
    console.log(`    indexed ${(size / MB).toFixed(0)} MB in ${summary.indexMs} ms on the server (${ms} ms for the command, ${summary.progressReports} progress reports)`);
    assert.strictEqual(summary.error, undefined);
    assert.strictEqual(summary.dialect, 'communigate-log');
    assert.strictEqual(summary.bytes, size);
    assert.ok(summary.records > 1_000_000 && summary.sessions > 100_000, JSON.stringify(summary));
    assert.ok(summary.warnings + summary.errors > 0, JSON.stringify(summary));
    assert.ok(summary.progressReports > 0, 'progress was shown while indexing');
    // Diagnostics are published for the file, capped like an open document's.
    const diagnostics = await poll(() => vscode.languages.getDiagnostics(uri), (d) => d.length > 0, 20000);
    assert.strictEqual(diagnostics.length, 1001, '1000 and one "N more"');
  });

  it('the Sessions view shows its sessions until a log editor is active, and again when its tab is', async () => {
    const tree = (await extensionApi()).sessionsTree;
    assert.strictEqual(tree.currentLog()?.toString(), uri.toString(), 'opening the large log shows it in the view');
    assert.strictEqual(tree.currentDocument(), undefined, 'a large log has no document');
    const roots = (await tree.getChildren(undefined)) as SessionsNode[];
    assert.ok(roots.length > 0 && roots.every((n) => n.kind === 'component'), `components, got ${roots.length}`);
    const { sessions } = await tree.sessions();
    assert.strictEqual(sessions.length, summary.sessions, 'the server\'s sessions of the large log');
    const list = await (await extensionApi()).largeLogSessions(uri);
    const known = list.sessions.find((s) => s.key.startsWith('IMAP-') && s.problems > 0) ?? list.sessions[0];
    const session = await tree.findSessionNode(known.key);
    assert.ok(session, `${known.key} (from the server's answer) is in the view`);
    assert.ok(roots.some((n) => n.kind === 'component' && n.name === known.component), `component ${known.component}`);
    const records = await tree.getChildren(session);
    assert.ok(records.length > 0 && records[0].kind === 'record', 'its records load from the large log');
    // Showing the session (a click) shows its first line in VS Code's editor: no document, no highlight.
    const revealed = await vscode.commands.executeCommand<{ uri: string; line: number; highlighted: unknown[] }>('messagingLogs.sessions.reveal', session);
    assert.deepStrictEqual(revealed, { uri: uri.toString(), line: known.firstLine, highlighted: [] });
    const record = records[0].kind === 'record' ? records[0].record : undefined;
    assert.strictEqual(await vscode.commands.executeCommand<number>('messagingLogs.sessions.revealRecord', records[0]), record?.line);
    // A normal log made active: the view follows it again.
    const document = await openSample('communigate/SystemLogs/2026-01-15.log', 'communigate-log');
    await poll(() => tree.currentDocument(), (d) => d === document, 5000);
    assert.strictEqual(tree.currentLog()?.toString(), document.uri.toString());
    const shown = await poll(async () => (await tree.sessions()).sessions, (s) => s.length > 0, 5000);
    assert.ok(shown.length < summary.sessions, `the sample's ${shown.length} sessions`);
    // Its tab made active (Go to Time shows it in VS Code's editor): the large log again.
    await vscode.commands.executeCommand('messagingLogs.largeLog.goToTime', uri, '12:00');
    const back = await poll(() => tree.currentLog()?.toString(), (u) => u === uri.toString(), 10000);
    assert.strictEqual(back, uri.toString(), 'the large log\'s tab shows it in the view');
  });

  it('lists its sessions and shows one as a keyed filter in a virtual document', async () => {
    const list = await (await extensionApi()).largeLogSessions(uri);
    assert.strictEqual(list.sessions.length, summary.sessions);
    const session = list.sessions.find((s) => s.key.startsWith('IMAP-') && s.records >= 3);
    assert.ok(session, 'an IMAP session with a few records');
    const result = await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.largeLog.sessions', uri, session.key);
    assert.ok(result instanceof vscode.Uri, `a result URI, got ${String(result)}`);
    const document = await poll(
      () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.toString()),
      (d) => d !== undefined && d.languageId === 'communigate-log',
      10000,
    );
    assert.ok(document, 'the result is open');
    assert.notStrictEqual(document.uri.scheme, 'file', 'a virtual document');
    const own = document.getText().split('\n').filter((l) => l.includes(`${session.key}(`));
    assert.ok(own.length >= session.records, `the session's ${session.records} records are in the result (${own.length} lines name it)`);
  });

  it('a keyed filter runs on it: result in a virtual document, each line leading back to the large log', async () => {
    const started = Date.now();
    const result = await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.keyedFilter', { uri, text: 'SMTPI-000010' });
    const ms = Date.now() - started;
    assert.ok(result instanceof vscode.Uri, `a result URI, got ${String(result)}`);
    console.log(`    keyed filter on ${(summary.bytes / MB).toFixed(0)} MB in ${ms} ms`);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.toString());
    assert.ok(document, 'the result is open');
    assert.strictEqual(document.languageId, 'communigate-log');
    const first = document.lineAt(0).text;
    assert.match(first, /SMTPI-000010\(/);
    // F12 on a result line goes to its line in the large log.
    const locations = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', result, new vscode.Position(0, 0));
    const target = locations?.map((l) => ('targetUri' in l ? { uri: l.targetUri, line: l.targetRange.start.line } : { uri: l.uri, line: l.range.start.line })).find((l) => l.uri.toString() === uri.toString());
    assert.ok(target, `a definition in the large log; got ${JSON.stringify(locations)}`);
    assert.strictEqual(lineOf(file, target.line), first, 'the source line is the result line');
  });

  it('Go to Time answers from the large log and shows the line in the editor', async () => {
    const result = (await vscode.commands.executeCommand<{ line: number }>('messagingLogs.largeLog.goToTime', uri, '12:00')) as { line: number };
    assert.ok(result && result.line > 0, JSON.stringify(result));
    assert.ok(lineOf(file, result.line) >= '12:00', `line ${result.line + 1}: ${lineOf(file, result.line)}`);
    assert.ok(lineOf(file, result.line - 1) < '12:00', `line ${result.line}: ${lineOf(file, result.line - 1)}`);
    const tab = await poll(
      () => vscode.window.tabGroups.activeTabGroup.activeTab,
      (t) => t?.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString(),
      20000,
    );
    assert.ok(tab?.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString(), `the large log's tab is active (${tab?.label})`);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'VS Code hands no document of it to extensions');
  });

  it('follows the log as it grows: the new records are indexed and listed', async () => {
    const key = 'IMAP-999999';
    // An open filter result of the large log, which should take in the new records when it grows.
    const filtered = await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.filter', { uri, regex: 'IMAP-99999\\d|SMTPI-000010\\(' });
    assert.ok(filtered instanceof vscode.Uri, 'a filter result of the large log');
    const resultDoc = await vscode.workspace.openTextDocument(filtered);
    assert.ok(!resultDoc.getText().includes(key), 'the result has no record of the new session yet');
    // Go to Source Line from the result shows the line in the large log (no document can be opened of it).
    const back = await vscode.commands.executeCommand<{ uri: string; line: number }>('messagingLogs.goToSourceLine', filtered, 0);
    assert.strictEqual(back?.uri, uri.toString());
    assert.strictEqual(lineOf(file, back.line), resultDoc.lineAt(0).text);
    fs.appendFileSync(file, `\n23:59:59.000 2 ${key}([10.9.9.9]) connected\n23:59:59.500 1 ${key}([10.9.9.9]) failure at the very end\n`);
    const list = await poll(
      async () => await (await extensionApi()).largeLogSessions(uri),
      (l) => l.sessions.some((s) => s.key === key),
      20000,
    );
    const grown = list.sessions.find((s) => s.key === key);
    assert.ok(grown, `${key} is listed after the file grew`);
    assert.strictEqual(grown.records, 2);
    assert.strictEqual(grown.worst, 'error');
    // The Sessions view (showing the large log since its tab is active) refreshes too.
    const tree = (await extensionApi()).sessionsTree;
    assert.strictEqual(tree.currentLog()?.toString(), uri.toString());
    await poll(async () => (await tree.findSessionNode(key)) !== undefined, (found) => found, 10000);
    assert.ok(await tree.findSessionNode(key), `${key} is in the Sessions view after the file grew`);
    // The open filter result refreshed with the new failure.
    await poll(async () => resultDoc.getText(), (text) => text.includes('failure at the very end'), 10000);
    assert.ok(resultDoc.getText().includes(`${key}([10.9.9.9]) failure at the very end`), 'the filter result took in the new record');
  });

  it('a log open in the editor that grows on disk is parsed again when the editor reloads it', async () => {
    const small = path.join(dir, 'small.log');
    const lines = ['12:00:00.000 2 IMAP-000001([10.0.0.1]) connected', '12:00:01.000 3 IMAP-000001([10.0.0.1]) a problem', ''];
    fs.writeFileSync(small, lines.join('\n'));
    const document = await vscode.workspace.openTextDocument(small);
    await vscode.window.showTextDocument(document, { preview: false });
    if (document.languageId !== 'communigate-log') await vscode.languages.setTextDocumentLanguage(document, 'communigate-log');
    const before = await poll(() => vscode.languages.getDiagnostics(document.uri), (d) => d.length === 1, 15000);
    assert.deepStrictEqual(before.map((d) => d.range.start.line), [1]);
    fs.appendFileSync(small, '12:00:02.000 1 IMAP-000001([10.0.0.1]) failure written later\n');
    // The editor reloads a changed file it watches; files outside the workspace (this one) are not
    // watched here, so the reload is asked for: the same reload, and the same didChange to the server.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    const after = await poll(() => vscode.languages.getDiagnostics(document.uri), (d) => d.length === 2, 20000);
    assert.deepStrictEqual(after.map((d) => d.range.start.line).sort(), [1, 2], 'the appended failure is diagnosed');
    const reloaded = vscode.workspace.textDocuments.find((d) => d.uri.toString() === document.uri.toString());
    assert.strictEqual(reloaded?.lineCount, 4, 'the editor reloaded the file');
  });

  it('a large log opened in the editor is indexed from disk while its text goes to the server (documentOpening)', async () => {
    const info = () => vscode.commands.executeCommand<ServerInfoResult>('messagingLogs.debug.serverInfo');
    const { documentsIndexedAhead: before, documentsReadAsBytes: bytesBefore, firstAnswersMadeAhead: answersBefore } = await info();
    const opened = path.join(dir, 'opened.log');
    await generate(opened, 12);
    const document = await vscode.workspace.openTextDocument(opened);
    await vscode.window.showTextDocument(document, { preview: false });
    // The client announces the file before its didOpen; the server takes the index a worker made of it.
    const after = await poll(async () => (await info()).documentsIndexedAhead, (n) => n > before, 30000);
    assert.ok(after > before, `documents indexed ahead: ${before} before, ${after} after`);
    // The editor's didOpen came over stdio, and its 12 MB of text was read as bytes, not decoded.
    assert.ok((await info()).documentsReadAsBytes > bytesBefore, 'the text was read as bytes');
    const diagnostics = await poll(() => vscode.languages.getDiagnostics(document.uri), (d) => d.length > 0, 30000);
    assert.ok(diagnostics.length > 0, 'its diagnostics are published');
    // Those diagnostics (and whatever else the editor asked first) were made by that worker too.
    const answers = (await info()).firstAnswersMadeAhead;
    assert.ok(answers > answersBefore, `first answers made ahead: ${answersBefore} before, ${answers} after`);
    const outline = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.ok(outline.length > 0 && (outline[0].children?.length ?? 0) > 0, 'an outline of components and their sessions');
    // The same problems as msglog check finds in the file, line for line (the editor's list is capped).
    const bin = path.join(extension().extensionPath, 'server', 'out', 'msglog.js');
    const checked = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [bin, 'check', '--json', opened], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 256 << 20 }, (error, stdout) =>
        error && error.code !== 1 ? reject(error) : resolve(stdout),
      ),
    );
    const lines = (JSON.parse(checked) as { diagnostics: { line: number }[] }).diagnostics.slice(0, 100).map((d) => d.line - 1);
    assert.deepStrictEqual(diagnostics.slice(0, 100).map((d) => d.range.start.line), lines);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
