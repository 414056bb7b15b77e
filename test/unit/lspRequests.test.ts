// The custom messagingLogs/* requests and notifications of the bundled language server, over stdio.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { DocumentSymbol } from 'vscode-languageserver-protocol';
import type {
  DetectedDialectParams,
  FilterResult,
  GoToTimeResult,
  NavigateResult,
  RecordInfoResult,
  SessionRecordItem,
  SessionsResult,
} from '../../common/protocol';
import { RpcError } from './lspClient';
import { at, CLOSED_BY_LINE, EMG_TEXT, FIXTURE_LINES, FIXTURE_TEXT, FIXTURE_URI, LspSession, REQUEST_CANCELLED } from './lspHarness';

/** The fixture is opened with a `***` line appended where its final empty line was. */
const APPENDED_LINE = FIXTURE_LINES.length - 1;
const documentLine = (line: number) => (line === APPENDED_LINE ? '***' : FIXTURE_LINES[line]);

describe('language server over stdio: custom requests', () => {
  const lsp = new LspSession();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-lsp-'));

  before(async () => {
    await lsp.initialize();
    await lsp.openAndWait(FIXTURE_URI, 'communigate-log', `${FIXTURE_TEXT}***\n`);
  });

  after(async () => {
    await lsp.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('messagingLogs/filter: keyed filter outputs whole sessions verbatim', async () => {
    const result = await lsp.client.request<FilterResult>('messagingLogs/filter', { uri: FIXTURE_URI, query: { text: 'read failed', keyed: true } });
    assert.equal(result.error, undefined);
    assert.equal(result.keyedSessions, 17);
    assert.deepEqual(result.sourceLines.slice(0, 9), [5, 7, 8, 9, 11, 12, 14, 16, 17]);
    assert.ok(!result.sourceLines.includes(CLOSED_BY_LINE), 'TLS-000010 is not a remembered session');
    const lines = result.text.split('\n');
    assert.equal(lines.pop(), '', 'every output line ends with a newline');
    assert.equal(lines.length, result.sourceLines.length);
    lines.forEach((l, i) => assert.equal(l, documentLine(result.sourceLines[i]), `output line ${i}`));
    assert.equal(result.records, 999);
    assert.equal(result.sourceLines.at(-1), APPENDED_LINE, 'the appended *** marker is output too');

    const plain = await lsp.client.request<FilterResult>('messagingLogs/filter', { uri: FIXTURE_URI, query: { text: 'READ FAILED', ignoreCase: true, to: '12:39:10' } });
    assert.deepEqual(plain.sourceLines, [5, 9, 14, 18]);
    const bad = await lsp.client.request<FilterResult>('messagingLogs/filter', { uri: FIXTURE_URI, query: { regex: '(' } });
    assert.match(bad.error ?? '', /regular expression/);
    assert.equal(bad.records, 0);
  });


  test('messagingLogs/goToTime', async () => {
    assert.deepEqual(await lsp.client.request<GoToTimeResult>('messagingLogs/goToTime', { uri: FIXTURE_URI, query: '12:39:09' }), { line: 13 });
    const none = await lsp.client.request<GoToTimeResult>('messagingLogs/goToTime', { uri: FIXTURE_URI, query: '23:59' });
    assert.equal(none.line, -1);
    assert.match(none.message ?? '', /no record/);
    const bad = await lsp.client.request<GoToTimeResult>('messagingLogs/goToTime', { uri: FIXTURE_URI, query: '25:99' });
    assert.equal(bad.line, -1);
    assert.ok(bad.message);
    assert.deepEqual(await lsp.client.request<GoToTimeResult>('messagingLogs/goToTime', { uri: FIXTURE_URI, query: '+1s', fromLine: 5 }), { line: 22 });
  });


  test('messagingLogs/sessions, sessionRecords, recordInfo, navigate', async () => {
    const list = await lsp.client.request<SessionsResult>('messagingLogs/sessions', { uri: FIXTURE_URI });
    assert.equal(list.dialect, 'communigate-log');
    const s29 = list.sessions.find((s) => s.key === 'HTTPU-000029');
    assert.deepEqual(s29, { key: 'HTTPU-000029', component: 'HTTPU', firstLine: 5, lastLine: 8, records: 3, start: '12:39:08.978', end: '12:39:08.978', problems: 1, worst: 'warning', durationMs: 0 });
    const records = await lsp.client.request<SessionRecordItem[]>('messagingLogs/sessionRecords', { uri: FIXTURE_URI, key: 'HTTPU-000029' });
    assert.deepEqual(records.map((r) => [r.line, r.severity, r.problem]), [[5, 'warning', true], [7, 'debug', false], [8, 'debug', false]]);
    assert.equal(records[0].text, FIXTURE_LINES[5]);
    const info = await lsp.client.request<RecordInfoResult>('messagingLogs/recordInfo', { uri: FIXTURE_URI, line: CLOSED_BY_LINE });
    assert.deepEqual(info, { dialect: 'communigate-log', dialectName: 'CommuniGate Pro', recordLine: 6, time: '12:39:08.978', sessionKey: 'TLS-000010', component: 'TLS', severity: 'info' });
    const go = (line: number, kind: string) => lsp.client.request<NavigateResult>('messagingLogs/navigate', { uri: FIXTURE_URI, line, kind });
    assert.deepEqual(await go(5, 'nextInSession'), { line: 7 });
    assert.deepEqual(await go(7, 'prevInSession'), { line: 5 });
    assert.deepEqual(await go(5, 'prevInSession'), { line: -1 });
    assert.deepEqual(await go(5, 'nextSession'), { line: 6 });
    assert.deepEqual(await go(5, 'prevSession'), { line: 4 });
  });


  test('custom requests read a log on disk that is not open', async () => {
    const file = path.join(tmp, 'connector.1');
    fs.writeFileSync(file, EMG_TEXT);
    const list = await lsp.client.request<SessionsResult>('messagingLogs/sessions', { uri: pathToFileURL(file).href });
    assert.equal(list.dialect, 'emg-log');
    assert.deepEqual(list.sessions.map((s) => [s.key, s.records, s.problems]), [['(smpp1)#1', 4, 1]]);
    const missing = await lsp.client.request<SessionsResult>('messagingLogs/sessions', { uri: pathToFileURL(path.join(tmp, 'nope.log')).href });
    assert.deepEqual(missing.sessions, []);
    assert.ok(missing.error);
  });


  test('a filter cancelled before it starts is never run, and the server goes on answering', async () => {
    const filter = lsp.client.expectResponse<FilterResult>('messagingLogs/filter');
    lsp.client.sendBatch([
      { jsonrpc: '2.0', id: filter.id, method: 'messagingLogs/filter', params: { uri: FIXTURE_URI, query: { regex: '.', keyed: true } } },
      { jsonrpc: '2.0', method: '$/cancelRequest', params: { id: filter.id } },
    ]);
    // Read together, the request is still queued when its cancellation arrives: it is never run. (A
    // server that ignored the cancellation would answer with every record.) lspCancel.test.ts
    // cancels a filter that is running.
    await assert.rejects(filter.result, (error: unknown) => error instanceof RpcError && error.code === REQUEST_CANCELLED);
    assert.deepEqual(await lsp.client.request<GoToTimeResult>('messagingLogs/goToTime', { uri: FIXTURE_URI, query: '12:39:09' }), { line: 13 });
  });


  test('a document in the generic log language gets its dialect detected', async () => {
    const uri = pathToFileURL(path.join(tmp, '2024-01-15.log')).href;
    const detected = lsp.client.waitForNotification<DetectedDialectParams>('messagingLogs/detectedDialect', (p) => p.uri === uri);
    lsp.open(uri, 'log', FIXTURE_LINES.slice(0, 40).join('\n'));
    assert.deepEqual(await detected, { uri, dialect: 'communigate-log' });
    const symbols = await lsp.client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.some((s) => s.name === 'HTTPU'));

    const other = 'untitled:notes';
    const since = lsp.client.notifications.length;
    const silent = lsp.diagnosticsFor(other);
    lsp.open(other, 'plaintext', 'Dear diary,\nnothing to see here.\n');
    assert.deepEqual((await silent).diagnostics, [], 'not a log: no diagnostics');
    assert.ok(!lsp.client.notifications.slice(since).some((n) => n.method === 'messagingLogs/detectedDialect'));
    assert.equal(await lsp.client.request('textDocument/hover', at(other, 0, 1)), null);
  });


  test('shutdown and exit end the process', async () => {
    assert.equal(await lsp.client.request('shutdown', null), null);
    lsp.client.notify('exit', null);
    assert.equal(await lsp.client.exited, 0);
  });
});
