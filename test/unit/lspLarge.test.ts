// The server stays responsive on a 50 MB log: one parse per version, then every request is
// answered from the index. Bounds are loose (slow machines); they catch per-request re-parsing
// or per-line work, which costs seconds at this size.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { DocumentSymbol, FoldingRange, Hover, Location, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { FilterResult, GoToTimeResult, ServerInfoResult } from '../../common/protocol';
import { at, FIXTURE_TEXT, hoverText, LspSession } from './lspHarness';

const TARGET_BYTES = 50 * 1024 * 1024;
const FAST_MS = 2000;
const URI = 'untitled:large.log';

/** The fixture repeated with distinct HTTPU session numbers until 50 MB. */
function largeLog(): { text: string; copies: number } {
  const parts: string[] = [];
  let size = 0;
  while (size < TARGET_BYTES) {
    const copy = FIXTURE_TEXT.replace(/HTTPU-0000(\d\d)/g, `HTTPU-${parts.length}$1`);
    parts.push(copy);
    size += copy.length;
  }
  return { text: parts.join(''), copies: parts.length };
}

describe('language server over stdio: a 50 MB log', () => {
  const lsp = new LspSession();
  const { text, copies } = largeLog();
  const linesPerCopy = FIXTURE_TEXT.split('\n').length - 1;

  before(async () => {
    await lsp.initialize();
  });
  after(() => lsp.stop());

  async function timed<R>(method: string, params: unknown): Promise<R> {
    const start = Date.now();
    const result = await lsp.client.request<R>(method, params, 60_000);
    const ms = Date.now() - start;
    assert.ok(ms < FAST_MS, `${method} took ${ms} ms`);
    return result;
  }

  test('open publishes capped diagnostics, and requests answer fast', async () => {
    const published = lsp.client.waitForNotification<{ uri: string; diagnostics: unknown[] }>('textDocument/publishDiagnostics', (p) => p.uri === URI, undefined, 60_000);
    lsp.open(URI, 'communigate-log', text);
    assert.equal((await published).diagnostics.length, 1001, '1000 and one "N more"');

    const last = (copies - 1) * linesPerCopy;
    const hover = await timed<Hover | null>('textDocument/hover', at(URI, last + 5, 13));
    assert.match(hoverText(hover), /3 Problems/);
    const folds = await timed<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: URI } });
    assert.equal(folds.length, 5000, 'capped at the client rangeLimit');
    const symbols = await timed<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
    assert.ok(symbols.some((s) => s.name === 'HTTPU'));
    const refs = await timed<Location[]>('textDocument/references', { ...at(URI, last + 5, 20), context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => r.range.start.line), [5, 7, 8].map((l) => last + l));
    // The session's own records write its key followed by `(`; `closed by HTTPU-…29,` does not.
    const filtered = await timed<FilterResult>('messagingLogs/filter', { uri: URI, query: { text: `HTTPU-${copies - 1}29(` } });
    assert.deepEqual(filtered.sourceLines.filter((l) => l >= 0), [5, 7, 8].map((l) => last + l));
    assert.equal((await timed<GoToTimeResult>('messagingLogs/goToTime', { uri: URI, query: '12:40' })).line > 0, true);
  });
  test('an edit while the document is indexed: answers come from the edited version; closed while indexed: nothing stale, nothing fails', async () => {
    const uri = 'untitled:edited.log';
    const since = lsp.client.notifications.length;
    const added = '12:59:59.000 1 IMAP-990001([10.0.0.9]) storage failure\n';
    const v2 = lsp.client.waitForNotification<{ uri: string; version?: number }>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2, since, 60_000);
    lsp.open(uri, 'communigate-log', text);
    lsp.client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: text + added }] });
    const filtered = await lsp.client.request<FilterResult>('messagingLogs/filter', { uri, query: { text: 'IMAP-990001' } }, 60_000);
    assert.equal(filtered.text, added, 'answered from the edited version');
    await v2;

    // Closed while indexed: its diagnostics are cleared, and opened again it is indexed anew.
    const closing = 'untitled:closed.log';
    const closedAt = lsp.client.notifications.length;
    lsp.open(closing, 'communigate-log', text);
    lsp.client.notify('textDocument/didClose', { textDocument: { uri: closing } });
    const small = lsp.client.waitForNotification<{ uri: string; version?: number; diagnostics: unknown[] }>('textDocument/publishDiagnostics', (p) => p.uri === closing && p.version === 7, closedAt, 60_000);
    lsp.open(closing, 'communigate-log', added, 7);
    assert.equal((await small).diagnostics.length, 1, 'the small text\'s one error');
    const failures = lsp.client.notifications.slice(since).filter((n) => n.method === 'window/logMessage' && JSON.stringify(n.params).includes('messaging-server-logs:'));
    assert.deepEqual(failures, [], 'no failure logged');
    const stale = lsp.client.notifications.slice(closedAt).filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string; version?: number }).uri === closing && (n.params as { version?: number }).version === 1);
    assert.deepEqual(stale, [], 'nothing published for the closed version');
  });

  test('a file announced before its didOpen (documentOpening) is indexed from disk meanwhile, and answers as the same text not announced', async () => {
    // Two folders, one file name: the date CommuniGate takes from the name is the same for both.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-announced-'));
    const opened: string[] = [];
    try {
      const uris = ['announced', 'plain'].map((folder) => {
        fs.mkdirSync(path.join(tmp, folder));
        const file = path.join(tmp, folder, '2026-01-15.log');
        fs.writeFileSync(file, text);
        return pathToFileURL(file).href;
      });
      const answers = [];
      for (const uri of uris) {
        const published = lsp.client.waitForNotification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) => p.uri === uri, undefined, 60_000);
        if (uri === uris[0]) lsp.client.notify('messagingLogs/documentOpening', { uri, languageId: 'communigate-log' });
        lsp.open(uri, 'communigate-log', text);
        opened.push(uri);
        const folds = await lsp.client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } }, 60_000);
        const symbols = await lsp.client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } }, 60_000);
        answers.push({ diagnostics: (await published).diagnostics, folds, symbols });
        const info = await lsp.client.request<ServerInfoResult>('messagingLogs/serverInfo', {}, 60_000);
        assert.equal(info.documentsIndexedAhead, 1, `after ${uri}: the announced document only`);
        // Its outline, folding and diagnostics as the worker made them, spliced into the messages as bytes.
        assert.equal(info.firstAnswersMadeAhead, 3, `after ${uri}: the announced document's three answers`);
      }
      assert.equal(answers[0].diagnostics.length, 1001);
      assert.deepEqual(answers[0], answers[1]);
    } finally {
      for (const uri of opened) lsp.client.notify('textDocument/didClose', { textDocument: { uri } });
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
