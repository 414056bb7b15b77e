// The bundled language server (server/out/server.js, built by `npm run build`) spoken to over stdio
// with real LSP messages: the standard features. Lines are 0-based, as in LSP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DocumentHighlight, DocumentSymbol, FoldingRange, Hover, InitializeResult, Location, MarkupContent, SymbolInformation } from 'vscode-languageserver-protocol';
import {
  at,
  CLOSED_BY_COLUMN,
  CLOSED_BY_LINE,
  EMG_TEXT,
  FIXTURE_LINES,
  FIXTURE_TEXT,
  FIXTURE_URI,
  hoverText,
  HTTPU_29_LINES,
  LspSession,
  messageOf,
  PROBLEM_LINES,
  startLines,
} from './lspHarness';

const EMG_URI = 'untitled:connector-inline';
/** The didChange test appends a `***` line where the fixture's final empty line was. */
const APPENDED_LINE = FIXTURE_LINES.length - 1;

describe('language server over stdio: editor features', () => {
  const lsp = new LspSession();
  let initializeResult: InitializeResult;

  before(async () => {
    initializeResult = await lsp.initialize();
  });

  after(() => lsp.stop());

  test('initialize announces the features', () => {
    const caps = initializeResult.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    for (const provider of ['foldingRangeProvider', 'documentSymbolProvider', 'workspaceSymbolProvider', 'referencesProvider', 'documentHighlightProvider', 'definitionProvider', 'hoverProvider'] as const) {
      assert.ok(caps[provider], provider);
    }
  });

  test('didOpen publishes the diagnostics of the CommuniGate log', async () => {
    const published = lsp.diagnosticsFor(FIXTURE_URI);
    lsp.open(FIXTURE_URI, 'communigate-log', FIXTURE_TEXT);
    const { diagnostics, version } = await published;
    assert.equal(version, 1);
    assert.deepEqual(startLines(diagnostics), PROBLEM_LINES);
    const first = diagnostics[0];
    assert.deepEqual(first.range, { start: { line: 5, character: 0 }, end: { line: 5, character: FIXTURE_LINES[5].length } });
    assert.equal(first.severity, 2);
    assert.equal(first.code, 'level');
    assert.equal(first.source, 'msglog');
    assert.match(messageOf(first), /^3 Problems: HTTPU-000029/);
    assert.ok(lsp.client.serverRequests.includes('workspace/configuration'), 'settings are pulled from the client');
    assert.ok(lsp.client.serverRequests.includes('client/registerCapability'), 'didChangeConfiguration is registered');
  });


  test('foldingRange folds runs of one session and never one line', async () => {
    const ranges = await lsp.client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: FIXTURE_URI } });
    const pairs = ranges.map((r) => `${r.startLine}-${r.endLine}`);
    assert.ok(pairs.includes('0-3'), 'HTTPA-000009: four records on lines 0-3');
    assert.ok(pairs.includes('7-8'), 'HTTPU-000029: two consecutive records on lines 7-8');
    assert.ok(!pairs.includes('5-5') && ranges.every((r) => r.endLine > r.startLine), 'no one-line ranges');
    assert.equal(new Set(pairs).size, pairs.length, 'no duplicates');
    assert.equal(new Set(ranges.map((r) => r.startLine)).size, ranges.length, 'one range per start line');
  });


  test('documentSymbol: runs of a component hold runs of its sessions, each only its own records', async () => {
    const symbols = await lsp.client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: FIXTURE_URI } });
    // Line 5: HTTPU-000029 read failed; line 6: TLS-000010 closed by HTTPU-000029; lines 7-8: HTTPU-000029 again.
    const containing = (line: number) => symbols.find((s) => s.range.start.line <= line && line <= s.range.end.line);
    // Line 4 (`HTTPU stream thread finished`) and line 5 are one run of the HTTPU component.
    const httpu = containing(5);
    assert.deepEqual([httpu?.name, httpu?.detail, httpu?.range.start.line, httpu?.range.end.line], ['HTTPU', '2 sessions', 4, 5]);
    assert.deepEqual(
      httpu?.children?.map((c) => [c.name, c.detail, c.range.start.line, c.range.end.line]),
      [['HTTPU', '12:39:08.000 · part 1/23 · record 1 of 45', 4, 4], ['HTTPU-000029', '12:39:08.978 · part 1/2 · record 1 of 3 · 1 problem', 5, 5]],
    );
    assert.deepEqual(httpu?.children?.[1].range, { start: { line: 5, character: 0 }, end: { line: 5, character: FIXTURE_LINES[5].length } });
    const tls = containing(6);
    assert.deepEqual([tls?.name, tls?.children?.map((c) => c.name)], ['TLS', ['TLS-000010']]);
    assert.deepEqual(containing(7)?.children?.[0].detail, '12:39:08.978 · part 2/2 · records 2–3 of 3');
    assert.ok(symbols.find((s) => s.name === 'HTTPA')?.children?.some((s) => s.name === 'HTTPA-000009' && s.detail === '12:39:07.349 – 12:39:07.376 · 4 records'));
    assertOwnRecordsOnly(symbols, FIXTURE_LINES);
  });

  test('documentSymbol on interleaved sessions: the innermost symbol at each record is its own session', async () => {
    const uri = 'untitled:interleaved.log';
    const lines = [
      '01:12:39.149 4 SIGNAL-000056 enqueued',
      '01:12:39.149 5 SIGNAL(3) 000056: processing INITIAL',
      '01:12:41.007 1 SMTP-004821([198.51.100.40]) failed to deliver: disk write error',
      '01:12:41.008 2 SIGNAL-000056 INVITE sip:bob@example.com',
      '01:12:41.009 3 IMAP-000001([10.0.0.1]) read failed. Error Code=connection reset',
      '01:12:41.010 3 SIGNAL-000057 INVITE failed: 486 Busy Here',
      '01:12:41.011 2 SIGNAL-000056 DIALOG-000001 created',
      '01:12:41.012 4 IMAP-000001([10.0.0.1]) closing connection',
    ];
    const published = lsp.diagnosticsFor(uri);
    lsp.open(uri, 'communigate-log', lines.join('\n') + '\n');
    const { diagnostics } = await published;
    const symbols = await lsp.client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((c) => `${c.name}: ${c.children?.map((s) => s.name).join(', ')}`),
      ['SIGNAL: SIGNAL-000056', 'SMTP: SMTP-004821', 'SIGNAL: SIGNAL-000056', 'IMAP: IMAP-000001', 'SIGNAL: SIGNAL-000057, SIGNAL-000056', 'IMAP: IMAP-000001'],
    );
    assertOwnRecordsOnly(symbols, lines);
    // A problem badge goes to the first symbol containing it: the session the problem belongs to.
    for (const d of diagnostics) assert.equal(path(symbols, d.range.start.line).pop(), sessionOfLine(lines[d.range.start.line]), `problem on line ${d.range.start.line}`);
  });


  test('references and documentHighlight: every record of the session', async () => {
    for (const [line, character] of [[5, 20], [8, 0], [CLOSED_BY_LINE, CLOSED_BY_COLUMN + 3]]) {
      const refs = await lsp.client.request<Location[]>('textDocument/references', { ...at(FIXTURE_URI, line, character), context: { includeDeclaration: true } });
      assert.deepEqual(startLines(refs), HTTPU_29_LINES, `references at ${line}:${character}`);
      assert.ok(refs.every((r) => r.uri === FIXTURE_URI));
    }
    const tls = await lsp.client.request<Location[]>('textDocument/references', { ...at(FIXTURE_URI, CLOSED_BY_LINE, 0), context: { includeDeclaration: true } });
    assert.equal(tls.length, 16, 'TLS-000010 has 16 records');
    assert.equal(tls[0].range.start.line, CLOSED_BY_LINE);
    const highlights = await lsp.client.request<DocumentHighlight[]>('textDocument/documentHighlight', at(FIXTURE_URI, 7, 3));
    assert.deepEqual(startLines(highlights), HTTPU_29_LINES);
    assert.deepEqual(highlights[1].range, { start: { line: 7, character: 0 }, end: { line: 7, character: FIXTURE_LINES[7].length } });
    assert.deepEqual(await lsp.client.request<DocumentHighlight[] | null>('textDocument/documentHighlight', at(FIXTURE_URI, 4280, 0)), []);
  });


  test('definition: a session key written in a record leads to its first record', async () => {
    const target = await lsp.client.request<Location | null>('textDocument/definition', at(FIXTURE_URI, CLOSED_BY_LINE, CLOSED_BY_COLUMN + 5));
    assert.ok(target);
    assert.equal(target.uri, FIXTURE_URI);
    assert.equal(target.range.start.line, 5);
    assert.equal(await lsp.client.request('textDocument/definition', at(FIXTURE_URI, CLOSED_BY_LINE, 2)), null);
  });


  test('hover: level name, session summary, a mentioned session', async () => {
    const level = await lsp.client.request<Hover | null>('textDocument/hover', at(FIXTURE_URI, 5, 13));
    assert.match(hoverText(level), /3 Problems/);
    assert.deepEqual(level?.range, { start: { line: 5, character: 13 }, end: { line: 5, character: 14 } });
    assert.equal((level?.contents as MarkupContent).kind, 'markdown');
    const summary = hoverText(await lsp.client.request<Hover | null>('textDocument/hover', at(FIXTURE_URI, 5, 40)));
    assert.match(summary, /Session HTTPU\\-000029/);
    assert.match(summary, /Records: 3/);
    assert.match(summary, /1 problem/);
    const mention = hoverText(await lsp.client.request<Hover | null>('textDocument/hover', at(FIXTURE_URI, CLOSED_BY_LINE, CLOSED_BY_COLUMN + 1)));
    assert.match(mention, /Session HTTPU\\-000029/);
  });


  test('hover: EMG option names; log text is escaped', async () => {
    const published = lsp.diagnosticsFor(EMG_URI);
    lsp.open(EMG_URI, 'emg-log', EMG_TEXT);
    assert.deepEqual(startLines((await published).diagnostics), [2], 'SEND ERR is an event-error');
    const line = EMG_TEXT.split('\n')[1];
    const destaddr = await lsp.client.request<Hover | null>('textDocument/hover', at(EMG_URI, 1, line.indexOf('8:4670') + 1));
    assert.match(hoverText(destaddr), /DESTADDR/);
    assert.match(hoverText(destaddr), /46700123456/);
    assert.equal(destaddr?.range?.start.character, line.indexOf('8:4670'));
    assert.match(hoverText(await lsp.client.request<Hover | null>('textDocument/hover', at(EMG_URI, 1, line.indexOf('17:12') + 1))), /message length/);

    const uri = 'untitled:hostile';
    const hostile = '12:00:00.000 2 [x](command:workbench.action.quit)<img/src=x/onerror=alert(1)>**bold** `code`\n';
    const opened = lsp.diagnosticsFor(uri);
    lsp.open(uri, 'communigate-log', hostile);
    await opened;
    const text = hoverText(await lsp.client.request<Hover | null>('textDocument/hover', at(uri, 0, 3)));
    assert.ok(text.length > 0);
    assert.doesNotMatch(text, /\]\(command:/, 'no command link');
    assert.doesNotMatch(text, /(^|[^\\])[<>]/, 'no raw angle brackets');
  });


  test('hover: level markers of other dialects and Messaging Server close numbers', async () => {
    const messagingServer = [
      '[15/Jan/2026:10:02:12 +0100] mailhost imapd[4411]: Account Notice: login [192.0.2.18] erin plaintext',
      '[15/Jan/2026:10:04:40 +0100] mailhost imapd[4411]: Account Notice: close [192.0.2.18] erin 2026/1/15 10:02:12 0:02:28 1024 58110 1',
      '',
    ];
    const msUri = 'untitled:imap-inline';
    const opened = lsp.diagnosticsFor(msUri);
    lsp.open(msUri, 'messaging-server-log', messagingServer.join('\n'));
    await opened;
    const notice = await lsp.client.request<Hover | null>('textDocument/hover', at(msUri, 0, messagingServer[0].indexOf('Notice') + 2));
    assert.match(hoverText(notice), /Level \*\*Notice\*\*/);
    const numbers = hoverText(await lsp.client.request<Hover | null>('textDocument/hover', at(msUri, 1, messagingServer[1].indexOf('58110'))));
    assert.match(numbers, /1024 bytes sent by the client/);
    assert.match(numbers, /58110 bytes sent by the server/);
    assert.match(numbers, /1 mailbox selected/);

    const axigen = '2026-01-15 09:14:02 +0200 04 mail01 SMTP-IN:00000A1F: Connection dropped\n';
    const axUri = 'untitled:axigen-inline';
    const axOpened = lsp.diagnosticsFor(axUri);
    lsp.open(axUri, 'axigen-log', axigen);
    assert.deepEqual(startLines((await axOpened).diagnostics), [0], 'level 04 is a warning');
    const level = await lsp.client.request<Hover | null>('textDocument/hover', at(axUri, 0, 27));
    assert.match(hoverText(level), /04/);
    assert.deepEqual(level?.range, { start: { line: 0, character: 26 }, end: { line: 0, character: 28 } });
  });


  test('workspace/symbol: session keys across open logs', async () => {
    const found = await lsp.client.request<SymbolInformation[]>('workspace/symbol', { query: 'httpu-00002' });
    const names = found.map((s) => s.name);
    assert.ok(names.includes('HTTPU-000029'));
    assert.ok(names.every((n) => n.toLowerCase().includes('httpu-00002')));
    const s29 = found.find((s) => s.name === 'HTTPU-000029');
    assert.equal(s29?.location.uri, FIXTURE_URI);
    assert.equal(s29?.location.range.start.line, 5);
    assert.equal(s29?.containerName, 'HTTPU');
    const emg = await lsp.client.request<SymbolInformation[]>('workspace/symbol', { query: 'SMPP1' });
    assert.deepEqual(emg.map((s) => [s.name, s.location.uri]), [['(smpp1)#1', EMG_URI]]);
  });


  test('didChange: an appended *** line gets an overflow diagnostic', async () => {
    const lastLine = APPENDED_LINE;
    const published = lsp.diagnosticsFor(FIXTURE_URI, (d) => d.some((x) => x.code === 'overflow'));
    lsp.client.notify('textDocument/didChange', {
      textDocument: { uri: FIXTURE_URI, version: 2 },
      contentChanges: [{ range: { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: 0 } }, text: '***\n' }],
    });
    const { diagnostics, version } = await published;
    assert.equal(version, 2);
    assert.equal(diagnostics.length, PROBLEM_LINES.length + 1);
    const overflow = diagnostics[diagnostics.length - 1];
    assert.deepEqual(overflow.range, { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: 3 } });
    assert.equal(overflow.severity, 2);
    assert.equal(overflow.code, 'overflow');
  });


  test('settings: maxDiagnostics caps with an "N more" diagnostic; the tolerance applies', async () => {
    const regressUri = 'untitled:regress';
    assert.deepEqual(await lsp.openAndWait(regressUri, 'communigate-log', '12:00:02.000 2 A-1 x\n12:00:01.500 2 A-1 y\n'), [], '0.5 s back is within 1000 ms');
    lsp.configuration = { maxDiagnostics: 5, timeRegressionToleranceMs: 100 };
    const capped = lsp.diagnosticsFor(FIXTURE_URI, (d) => d.length === 6);
    const regressed = lsp.diagnosticsFor(regressUri, (d) => d.length === 1);
    lsp.client.notify('workspace/didChangeConfiguration', { settings: null });
    const { diagnostics } = await capped;
    const more = diagnostics[5];
    assert.equal(more.severity, 3);
    assert.match(messageOf(more), /^13 more diagnostics not shown/);
    assert.deepEqual(more.range, { start: { line: APPENDED_LINE, character: 0 }, end: { line: APPENDED_LINE, character: 3 } });
    const [regression] = (await regressed).diagnostics;
    assert.equal(regression.code, 'time-regression');
    assert.equal(regression.range.start.line, 1);

    lsp.configuration = {};
    const restored = lsp.diagnosticsFor(FIXTURE_URI, (d) => d.length === PROBLEM_LINES.length + 1);
    const cleared = lsp.diagnosticsFor(regressUri, (d) => d.length === 0);
    lsp.client.notify('workspace/didChangeConfiguration', { settings: null });
    await Promise.all([restored, cleared]);
  });

  test('a binary document in a log language gets one information diagnostic', async () => {
    const uri = 'untitled:binary';
    const published = lsp.diagnosticsFor(uri);
    lsp.open(uri, 'communigate-log', '12:00:00.000 2 X\u0000\u0001\u0002\n');
    const { diagnostics } = await published;
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].severity, 3);
    assert.match(messageOf(diagnostics[0]), /binary/);
  });


  test('didClose clears the diagnostics', async () => {
    const cleared = lsp.diagnosticsFor(EMG_URI, (d) => d.length === 0);
    lsp.client.notify('textDocument/didClose', { textDocument: { uri: EMG_URI } });
    await cleared;
    const symbols = await lsp.client.request<SymbolInformation[]>('workspace/symbol', { query: 'smpp1' });
    assert.deepEqual(symbols, []);
  });


  test('shutdown and exit end the process', async () => {
    assert.equal(await lsp.client.request('shutdown', null), null);
    lsp.client.notify('exit', null);
    assert.equal(await lsp.client.exited, 0);
  });
});

describe('language server over stdio: a client that pushes settings', () => {
  const lsp = new LspSession();
  before(() => lsp.initialize(false));
  after(() => lsp.stop());

  test('didChangeConfiguration settings apply without workspace/configuration', async () => {
    const uri = 'untitled:regress';
    assert.deepEqual(await lsp.openAndWait(uri, 'communigate-log', '12:00:02.000 2 A-1 x\n12:00:01.500 2 A-1 y\n'), []);
    const regressed = lsp.diagnosticsFor(uri, (d) => d.length === 1);
    lsp.client.notify('workspace/didChangeConfiguration', { settings: { messagingLogs: { timeRegressionToleranceMs: 100 } } });
    assert.equal((await regressed).diagnostics[0].code, 'time-regression');
    assert.ok(!lsp.client.serverRequests.includes('workspace/configuration'));
  });
});

/** The CommuniGate session key a line is a record of (FORMATS §2.1), for the check below. */
function sessionOfLine(line: string): string | undefined {
  const rest = /^\d{2}:\d{2}:\d{2}\.\d+ \d (\S+)(?: (\d+):)?/.exec(line);
  if (!rest) return undefined;
  const thread = /^([A-Z]+)\(\d+\)$/.exec(rest[1]);
  if (thread && rest[2]) return `${thread[1]}-${rest[2]}`;
  return /^[A-Za-z0-9_]+-\d+/.exec(rest[1])?.[0] ?? rest[1];
}

/** Names on the path VS Code's breadcrumb takes to a line: at each level the first symbol containing it. */
function path(symbols: readonly DocumentSymbol[] | undefined, line: number): string[] {
  const hit = symbols?.find((s) => s.range.start.line <= line && line <= s.range.end.line);
  return hit ? [hit.name, ...path(hit.children, line)] : [];
}

/** Every record line's breadcrumb ends at its own session, and sibling symbols never overlap. */
function assertOwnRecordsOnly(symbols: readonly DocumentSymbol[], lines: readonly string[]): void {
  lines.forEach((text, line) => {
    const key = sessionOfLine(text);
    if (key === undefined) return;
    const crumbs = path(symbols, line);
    assert.equal(crumbs[crumbs.length - 1], key, `line ${line}: ${text}`);
  });
  const check = (list: readonly DocumentSymbol[] | undefined): void => {
    for (let i = 1; i < (list?.length ?? 0); i++) assert.ok(list![i - 1].range.end.line < list![i].range.start.line, `${list![i - 1].name} and ${list![i].name} overlap`);
    list?.forEach((s) => check(s.children));
  };
  check(symbols);
}
