// PrivateServer table exports in the editor: columns line up (padding shown after narrow cells, the
// file unchanged), and sessions of a newest-first table read earliest – latest.
import * as assert from 'assert';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { SessionsNode } from '../../../client/src/views/sessionsModel';
import { extensionApi, openSample, poll } from './helpers';

describe('PrivateServer tables', () => {
  it('columns line up: each TAB lands in the same column on every row, and the file is unchanged', async () => {
    const doc = await openSample('privateserver/sip-sessions.tsv', 'privateserver-log');
    const before = doc.getText();
    const api = await extensionApi();
    const rows = Array.from({ length: doc.lineCount }, (_, i) => i).filter((i) => doc.lineAt(i).text.includes('\t'));
    assert.ok(rows.length > 3);
    await poll(() => api.tablePadding(doc.uri, rows[rows.length - 1]), (p) => p !== undefined, 5000);
    const editor = vscode.window.activeTextEditor;
    assert.strictEqual(editor?.document, doc);
    const tabSize = typeof editor.options.tabSize === 'number' ? editor.options.tabSize : 4;
    // Where each cell starts on screen: TABs expand by the text alone (shown padding moves no tab stop).
    const tabColumns = (line: number): number[] => {
      const text = doc.lineAt(line).text;
      const pads = api.tablePadding(doc.uri, line) ?? [];
      const out: number[] = [];
      let column = 0;
      let shift = 0;
      for (let i = 0; i < text.length; i++) {
        column += text[i] === '\t' ? tabSize - (column % tabSize) : 1;
        if (text[i] === '\t') {
          shift += pads.filter((p) => p.at === i + 1).reduce((n, p) => n + p.spaces, 0);
          out.push(column + shift);
        }
      }
      return out;
    };
    const header = tabColumns(rows[0]);
    for (const row of rows) assert.deepStrictEqual(tabColumns(row), header, `row ${row + 1}: ${doc.lineAt(row).text}`);
    assert.ok(rows.some((row) => (api.tablePadding(doc.uri, row) ?? []).length > 0), 'some cells are padded');
    assert.strictEqual(doc.getText(), before);
    assert.strictEqual(doc.isDirty, false);
  });

  it('a newest-first table shows each session earliest – latest', async () => {
    const doc = await openSample('privateserver/sip-sessions.tsv', 'privateserver-log');
    const tree = (await extensionApi()).sessionsTree;
    const roots = await poll(async () => (tree.currentDocument() === doc ? await tree.getChildren() : []), (n) => n.length > 0, 8000);
    const sessions = roots.flatMap((c) => (c.kind === 'component' ? c.children : [])).filter((n): n is Extract<SessionsNode, { kind: 'session' }> => n.kind === 'session');
    const s1932 = sessions.find((s) => s.session.key === '1932');
    assert.ok(s1932, `peer 1932 among ${sessions.map((s) => s.session.key).join(', ')}`);
    assert.strictEqual(s1932.session.start, '2026-01-15 17:02:51.903');
    assert.strictEqual(s1932.session.end, '2026-01-15 17:10:02.447');
    assert.match(String(tree.getTreeItem(s1932).description), /^2026-01-15 17:02:51\.903 – 17:10:02\.447 · 3 records/);
  });
});
