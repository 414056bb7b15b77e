// Language server features on the CommuniGate Pro sample, through the real editor's API.
import * as assert from 'assert';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  codeOf,
  describeDiagnostics,
  lineWhere,
  linesWhere,
  openSample,
  poll,
  waitForActivation,
  waitForDiagnostics,
} from './helpers';

const FILE = 'communigate/SystemLogs/2026-01-15.log';
const LANGUAGE = 'communigate-log';

function outline(symbols: readonly vscode.DocumentSymbol[], depth = 0): string {
  return symbols
    .slice(0, 30)
    .map((s) => `${'  '.repeat(depth)}${s.name}\n${outline(s.children ?? [], depth + 1)}`)
    .join('');
}

describe('CommuniGate Pro log features', () => {
  let doc: vscode.TextDocument;

  before(async function () {
    this.timeout(30000);
    doc = await openSample(FILE, LANGUAGE);
    await waitForActivation();
  });

  it('reports overflow markers, a level 1 failure and a level 3 problem as diagnostics', async () => {
    const diags = await waitForDiagnostics(doc.uri);
    const seen = describeDiagnostics(diags);
    const marker = lineWhere(doc, (t) => t.trim() === '***');
    const overflow = diags.filter((d) => codeOf(d) === 'overflow');
    assert.strictEqual(overflow.length, 1, `one overflow diagnostic for the two consecutive *** lines; saw ${seen}`);
    assert.strictEqual(overflow[0].severity, vscode.DiagnosticSeverity.Warning, 'overflow is a warning');
    assert.ok(
      overflow[0].range.start.line <= marker && overflow[0].range.end.line >= marker,
      `overflow diagnostic covers line ${marker + 1}; saw ${seen}`,
    );
    const failure = lineWhere(doc, (t) => / 1 SMTP-004821/.test(t));
    assert.ok(
      diags.some((d) => d.range.start.line === failure && d.severity === vscode.DiagnosticSeverity.Error),
      `an error on the level 1 record (line ${failure + 1}); saw ${seen}`,
    );
    const problem = lineWhere(doc, (t) => / 3 IMAP-437425/.test(t));
    assert.ok(
      diags.some((d) => d.range.start.line === problem && d.severity === vscode.DiagnosticSeverity.Warning),
      `a warning on the level 3 record (line ${problem + 1}); saw ${seen}`,
    );
    assert.ok(
      !diags.some((d) => codeOf(d) === 'time-regression'),
      `no time-regression in an ascending log; saw ${seen}`,
    );
  });

  it('provides folding ranges', async () => {
    const ranges = await poll(
      () => vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri),
      (r) => (r?.length ?? 0) > 0,
      5000,
    );
    assert.ok(ranges && ranges.length > 0, 'at least one folding range');
    for (const r of ranges) {
      assert.ok(r.start >= 0 && r.start < r.end && r.end < doc.lineCount, `valid range ${r.start}-${r.end}`);
    }
  });

  it('outlines components with their sessions', async () => {
    const symbols = await poll(
      () =>
        vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>(
          'vscode.executeDocumentSymbolProvider',
          doc.uri,
        ),
      (s) => (s?.length ?? 0) > 0,
      5000,
    );
    assert.ok(symbols && symbols.length > 0, 'document symbols');
    // The command returns objects that are both SymbolInformation and DocumentSymbol (children set).
    const tree = symbols as vscode.DocumentSymbol[];
    const shape = outline(tree);
    for (const [component, session] of [
      ['IMAP', 'IMAP-437425'],
      ['SIGNAL', 'SIGNAL-000056'],
      ['HTTPU', 'HTTPU-000029'],
    ]) {
      const parent = tree.find((s) => s.name === component || s.name.startsWith(`${component} `));
      assert.ok(parent, `a component symbol ${component}; outline:\n${shape}`);
      assert.ok(
        (parent.children ?? []).some((c) => c.name.includes(session)),
        `session ${session} under ${component}; outline:\n${shape}`,
      );
    }
  });

  it('finds every record of a session as references of its key', async () => {
    const key = 'IMAP-437425';
    const first = lineWhere(doc, (t) => t.includes(key));
    const position = new vscode.Position(first, doc.lineAt(first).text.indexOf(key) + 2);
    const expected = linesWhere(doc, (t) => t.includes(key));
    const locations = await poll(
      () =>
        vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, position),
      (l) => (l?.length ?? 0) > 0,
      5000,
    );
    const lines = [...new Set((locations ?? []).filter((l) => l.uri.toString() === doc.uri.toString()).map((l) => l.range.start.line))].sort(
      (a, b) => a - b,
    );
    assert.deepStrictEqual(
      lines.map((l) => l + 1),
      expected.map((l) => l + 1),
      `references of ${key} are its ${expected.length} records`,
    );
  });

  it('puts the thread form SIGNAL(3) 000056 in session SIGNAL-000056', async () => {
    const first = lineWhere(doc, (t) => t.includes('SIGNAL-000056 enqueued'));
    const position = new vscode.Position(first, doc.lineAt(first).text.indexOf('SIGNAL-000056') + 2);
    const thread = lineWhere(doc, (t) => t.includes('SIGNAL(3) 000056: processing INITIAL'));
    const locations = await poll(
      () =>
        vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, position),
      (l) => (l?.length ?? 0) > 0,
      5000,
    );
    const lines = (locations ?? []).map((l) => l.range.start.line);
    assert.ok(lines.includes(thread), `references include line ${thread + 1}; got ${lines.map((l) => l + 1).join(', ')}`);
  });
});
