// Open Logs as One Timeline and Trace Message in the real editor (docs/FORMATS.md §9, §10): a folder
// and a file merged into one read-only document with its dialect's language, each line tagged with
// its source, Go to Source Line back to the original file, the Sessions view grouped by source, and a
// trace of a message across the main and Delivery logs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MessagingLogsApi } from '../../../client/src/api';
import { extensionApi, openSample, poll, SAMPLES, select } from './helpers';

/** The logs written for the several-logs tests (test/fixtures/many), found from this compiled file. */
export function manyLogsDir(): string {
  for (const up of ['../../../..', '../../..']) {
    const candidate = path.resolve(__dirname, up, 'test/fixtures/many');
    if (fs.existsSync(path.join(candidate, 'cgp'))) return candidate;
  }
  throw new Error(`test/fixtures/many not found from ${__dirname}`);
}

describe('logs as one timeline', () => {
  let api: MessagingLogsApi;
  let timeline: vscode.TextEditor;
  const dir = (): string => manyLogsDir();

  before(async function () {
    this.timeout(30000);
    // A log opened activates the extension, as a user's first log does.
    await openSample(SAMPLES[0].file, SAMPLES[0].languageId);
    api = await extensionApi();
  });

  it('opens a folder and files (as the Explorer passes a multi-selection) as one merged, read-only document', async function () {
    this.timeout(30000);
    const selected = ['cgp', 'delivery', 'member2/2026-01-15.log'].map((p) => vscode.Uri.file(path.join(dir(), p)));
    const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('messagingLogs.openTimeline', selected[0], selected);
    assert.ok(editor, 'the command returns the timeline editor');
    timeline = editor;
    const doc = editor.document;
    assert.strictEqual(doc.uri.scheme, 'msglog-timeline');
    assert.strictEqual(doc.languageId, 'communigate-log', 'highlighted as the logs it merges');
    const member = doc.getText().split('\n').indexOf('00:00:00.500 2 IMAP-000001([203.0.113.5]) connected');
    assert.strictEqual(member, 9, 'the cluster member interleaves by time (after 8 records and the Delivery record of the 14th)');
    assert.deepStrictEqual(api.timelineOrigin(doc.uri, member), { file: path.join(dir(), 'member2/2026-01-15.log'), line: 0, source: 'member2/2026-01-15.log', tag: 'C' });
    assert.strictEqual(api.timelineOrigin(doc.uri, 3)?.tag, 'A');
    assert.strictEqual(api.timelineOrigin(doc.uri, 5)?.tag, 'B', 'the Delivery record of the 14th');
  });

  it('goes back to the original file and line (Go to Source Line and F12)', async function () {
    this.timeout(20000);
    await vscode.window.showTextDocument(timeline.document, { preview: false });
    const went = await vscode.commands.executeCommand<{ uri: string; line: number }>('messagingLogs.timeline.goToSource', timeline.document.uri, 9);
    assert.deepStrictEqual(went, { uri: vscode.Uri.file(path.join(dir(), 'member2/2026-01-15.log')).toString(), line: 0 });
    const active = vscode.window.activeTextEditor;
    assert.strictEqual(active?.document.uri.fsPath, path.join(dir(), 'member2/2026-01-15.log'));
    assert.strictEqual(active?.selection.active.line, 0);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', timeline.document.uri, new vscode.Position(11, 3));
    const targets = defs.map((d) => ('targetUri' in d ? `${d.targetUri.fsPath}:${d.targetRange.start.line}` : `${d.uri.fsPath}:${d.range.start.line}`));
    assert.deepStrictEqual(targets, [`${path.join(dir(), 'cgp/2026-01-15.log')}:1`], 'F12 leads to the source line only');
  });

  it('lists the sessions of every source, grouped by source', async function () {
    this.timeout(20000);
    await vscode.window.showTextDocument(timeline.document, { preview: false });
    const roots = await poll(() => api.sessionsTree.getChildren(), (r) => r.length > 0 && r.some((n) => n.kind === 'component' && n.name.includes('member2')), 10000);
    const names = roots.filter((n) => n.kind === 'component').map((n) => (n.kind === 'component' ? n.name : ''));
    assert.ok(names.some((n) => /^A .*cgp › IMAP$/.test(n)), names.join(', '));
    assert.ok(names.some((n) => /^C .*member2\/2026-01-15\.log › IMAP$/.test(n)), names.join(', '));
  });

  it('traces a message from the queue id under the cursor into a document of its records', async function () {
    this.timeout(20000);
    const doc = timeline.document;
    const line = doc.getText().split('\n').findIndex((l) => l.includes('QUEUE([4411])'));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const column = doc.lineAt(line).text.indexOf('4411');
    await select(editor, new vscode.Selection(line, column + 1, line, column + 1));
    const trace = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('messagingLogs.traceMessage');
    assert.ok(trace, 'the trace opens');
    assert.strictEqual(trace.document.uri.scheme, 'msglog-timeline');
    assert.match(trace.document.uri.path, /Trace \[4411\]/);
    const lines = trace.document.getText().split('\n').filter((l) => l !== '');
    assert.deepStrictEqual(lines.map((l) => l.split(/[ \t]/)[2]), ['SMTPI-000010([192.0.2.7])', 'QUEUE([4411])', 'DEQUEUER', 'RELAY', 'SMTP-000031(example.org)']);
    assert.strictEqual(api.timelineOrigin(trace.document.uri, 3)?.file, path.join(dir(), 'delivery/2026-01-14.log'), 'the Delivery-log record leads back to its file');
  });

  it('offers a Trace message code lens where a message enters the log, which traces it in that file', async function () {
    this.timeout(20000);
    const file = vscode.Uri.file(path.join(dir(), 'cgp/2026-01-14.log'));
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc, { preview: false });
    const lenses = await poll(
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file),
      (l) => (l ?? []).some((x) => x.command?.title === 'Trace message 4411'),
      10000,
    );
    const lens = lenses.find((x) => x.command?.title === 'Trace message 4411');
    assert.ok(lens?.command, `lenses: ${lenses.map((x) => x.command?.title).join(', ')}`);
    assert.strictEqual(lens.range.start.line, 3, 'over the QUEUE([4411]) record');
    const trace = await vscode.commands.executeCommand<vscode.TextEditor | undefined>(lens.command.command, ...(lens.command.arguments ?? []));
    assert.ok(trace);
    const lines = trace.document.getText().split('\n').filter((l) => l !== '');
    assert.strictEqual(lines.length, 4, 'SMTPI, QUEUE, DEQUEUER and SMTP records of this file');
    assert.deepStrictEqual(api.timelineOrigin(trace.document.uri, 3), { file: file.fsPath, line: 5, source: '2026-01-14.log', tag: 'A' });
  });

  it('runs a keyed filter on the timeline: sessions of one source only, each line leading back to the timeline', async function () {
    this.timeout(20000);
    const result = await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.keyedFilter', { uri: timeline.document.uri, text: 'protocol error' });
    assert.ok(result instanceof vscode.Uri, `a result URI, got ${String(result)}`);
    const doc = await poll(() => vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.toString()), (d) => d !== undefined, 10000);
    assert.ok(doc);
    const lines = doc.getText().split('\n').filter((l) => l !== '');
    assert.strictEqual(lines.length, 5, "source A's IMAP-000001 only, not the member's");
    assert.ok(lines.every((l) => l.includes('198.51.100.4')), lines.join('\n'));
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', result, new vscode.Position(4, 0));
    const back = defs.map((d) => ('targetUri' in d ? d.targetUri : d.uri).toString());
    assert.ok(back.includes(timeline.document.uri.toString()), `F12 leads to the timeline: ${back.join(', ')}`);
  });

  it('updates the timeline when a file grows', async function () {
    this.timeout(30000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-timeline-e2e-'));
    try {
      fs.writeFileSync(path.join(tmp, '2026-01-15.log'), '10:00:00.000 2 IMAP-000001([10.0.0.1]) connected\n');
      fs.writeFileSync(path.join(tmp, 'connector.http'), '2026-01-15 10:00:00.500 (http3) RECEIVE OK 001:X\n');
      const editor = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('messagingLogs.openTimeline', vscode.Uri.file(tmp));
      assert.ok(editor);
      assert.strictEqual(editor.document.lineCount, 3);
      fs.appendFileSync(path.join(tmp, '2026-01-15.log'), '10:00:01.000 2 IMAP-000001([10.0.0.1]) closed\n');
      const text = await poll(() => editor.document.getText(), (t) => t.includes('closed'), 15000);
      assert.strictEqual(text.split('\n')[2], '10:00:01.000 2 IMAP-000001([10.0.0.1]) closed');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
