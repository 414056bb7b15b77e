// A filter that is already running through a big log stops when the client cancels it: the server
// gives its event loop turns while filtering, so the `$/cancelRequest` is read and honoured.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FilterResult, GoToTimeResult } from '../../common/protocol';
import { RpcError } from './lspClient';
import { LspSession, REQUEST_CANCELLED } from './lspHarness';

const URI = 'file:///tmp/msglog-cancel/2026-01-15.log';
let lsp: LspSession;

before(async () => {
  lsp = new LspSession();
  await lsp.initialize();
  const lines = Array.from({ length: 100_000 }, (_, i) => `10:${String(Math.floor(i / 6000) % 60).padStart(2, '0')}:00.000 5 IMAP-${i % 9000}([10.0.0.${i % 250}]) inp: ${i} UID FETCH 1:* (FLAGS BODY.PEEK[HEADER])`);
  await lsp.openAndWait(URI, 'communigate-log', lines.join('\n'));
});
after(() => lsp.stop());

test('a running filter is cancelled mid-way, and the server goes on answering', { timeout: 60_000 }, async () => {
  // Each record makes the backtracking engine give up and the linear one take over: slow on purpose.
  const query = { regex: '(\\w+\\s?)+$', ignoreCase: true, keyed: true };
  const running = lsp.client.startRequest<FilterResult>('messagingLogs/filter', { uri: URI, query }, 60_000);
  let settled = false;
  running.result.then(
    () => (settled = true),
    () => (settled = true),
  );
  // A request sent after the filter and answered while the filter has not: the server is running the
  // filter and taking turns between its steps. No clock involved.
  const between = await lsp.client.request<GoToTimeResult>('messagingLogs/goToTime', { uri: URI, query: '10:05' });
  assert.ok(between.line >= 0, 'answered while the filter runs');
  assert.equal(settled, false, 'the filter was still running when another request was answered (the filter must give the server turns)');
  lsp.client.notify('$/cancelRequest', { id: running.id });
  // A filter that ignored its token would run to the end and answer with records: that fails here.
  await assert.rejects(running.result, (e: unknown) => e instanceof RpcError && e.code === REQUEST_CANCELLED);
  const after = await lsp.client.request<FilterResult>('messagingLogs/filter', { uri: URI, query: { text: 'IMAP-17(' } });
  assert.ok(after.records > 0);
});
