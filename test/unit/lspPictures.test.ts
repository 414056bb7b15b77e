// The SIP ladder and log report requests of the bundled language server, over stdio.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ReportResult, SipDialogResult, TimelineView } from '../../common/protocol';
import { ROOT } from './helpers';
import { RpcError } from './lspClient';
import { LspSession, REQUEST_CANCELLED } from './lspHarness';

const SIP = path.join(ROOT, 'test/fixtures/SystemLogs/2026-02-19.log');
const SIP_URI = pathToFileURL(SIP).href;
const CALL = '7c1a9e2f-call@10.0.0.5';

describe('language server over stdio: SIP dialog and report', () => {
  const lsp = new LspSession();

  before(async () => {
    await lsp.initialize();
    await lsp.openAndWait(SIP_URI, 'communigate-log', fs.readFileSync(SIP, 'utf8'));
  });
  after(() => lsp.stop());

  test('messagingLogs/sipDialog: packets with their log, lines and hover text', async () => {
    const d = await lsp.client.request<SipDialogResult>('messagingLogs/sipDialog', { uris: [SIP_URI], callId: CALL });
    assert.equal(d.error, undefined);
    assert.equal(d.packets.length, 9);
    const busy = d.packets[5];
    assert.deepEqual([busy.uri, busy.line, busy.endLine, busy.status, busy.direction, busy.remote, busy.severity], [SIP_URI, 51, 59, 486, 'in', '10.0.0.7:5062', 'info']);
    assert.equal(busy.lines[1], 'SIP/2.0 486 Busy Here');
    assert.deepEqual(d.related, ['SIPC-000301', 'SIPC-000302', 'SIGNAL-000301']);
  });

  test('messagingLogs/sipDialog: a log that is not readable is named in error, the others still answer', async () => {
    const missing = pathToFileURL(path.join(ROOT, 'test/fixtures/none.log')).href;
    const d = await lsp.client.request<SipDialogResult>('messagingLogs/sipDialog', { uris: [SIP_URI, missing], callId: CALL });
    assert.equal(d.packets.length, 9);
    assert.match(d.error ?? '', /none\.log/);
  });

  test('messagingLogs/report: totals, tables with filters, histogram bars with their first line', async () => {
    const r = await lsp.client.request<ReportResult>('messagingLogs/report', { uris: [SIP_URI], buckets: 60 });
    assert.deepEqual([r.records, r.sessions, r.dialects, r.bySeverity.warning], [100, 15, ['communigate-log'], 2]);
    const problems = r.tables.find((t) => t.id === 'problems');
    assert.ok(problems);
    assert.deepEqual(problems.rows.map((row) => row.line), [50, 60, 98]);
    assert.ok(problems.rows.every((row) => row.filter?.regex));
    assert.equal(r.histogram.bucketMs, 60_000);
    assert.equal(r.histogram.buckets.at(-1)?.line, 99);
  });
});

describe('language server over stdio: a long report is cancelled', () => {
  const lsp = new LspSession();
  const uri = 'file:///tmp/msglog-report-cancel/2026-01-15.log';

  before(async () => {
    await lsp.initialize();
    const lines = Array.from({ length: 200_000 }, (_, i) => `10:${String(Math.floor(i / 4000) % 60).padStart(2, '0')}:00.000 ${i % 7 === 0 ? 3 : 5} IMAP-${i % 9000}([10.0.0.${i % 250}]) read ${i}`);
    await lsp.openAndWait(uri, 'communigate-log', lines.join('\n'));
  });
  after(() => lsp.stop());

  test('the cancel is honoured between steps of records, and the server goes on answering', { timeout: 60_000 }, async () => {
    const running = lsp.client.startRequest<ReportResult>('messagingLogs/report', { uris: [uri] }, 60_000);
    lsp.client.notify('$/cancelRequest', { id: running.id });
    await assert.rejects(running.result, (e: unknown) => e instanceof RpcError && e.code === REQUEST_CANCELLED);
    const whole = await lsp.client.request<ReportResult>('messagingLogs/report', { uris: [uri] }, 60_000);
    assert.equal(whole.records, 200_000);
    assert.equal(whole.bySeverity.warning, Math.ceil(200_000 / 7));
  });
});

describe('language server over stdio: the ladder and the report of a timeline document', () => {
  const lsp = new LspSession();
  before(() => lsp.initialize());
  after(() => lsp.stop());

  test('a timeline of the SIP log and a copy: packets of both sources, placed on the document lines', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-pictures-timeline-'));
    try {
      for (const member of ['a', 'b']) {
        fs.mkdirSync(path.join(tmp, member));
        fs.copyFileSync(SIP, path.join(tmp, member, '2026-02-19.log'));
      }
      const view = await lsp.client.request<TimelineView>('messagingLogs/openTimeline', { paths: [path.join(tmp, 'a'), path.join(tmp, 'b')] }, 60_000);
      assert.equal(view.error, undefined);
      const uri = `msglog-timeline:/Timeline?id=${view.id}&view=${encodeURIComponent(view.view)}`;
      const d = await lsp.client.request<SipDialogResult>('messagingLogs/sipDialog', { uris: [uri], callId: CALL });
      assert.equal(d.packets.length, 18, 'nine packets in each source');
      assert.ok(d.packets.every((p) => p.uri === uri));
      const lines = view.text.split('\n');
      // Equal times: source a first, then b; each packet on the document line of its first record.
      assert.ok(lines[d.packets[0].line].includes('SIPDATA-000701 inp: req'), lines[d.packets[0].line]);
      assert.ok(lines[d.packets[1].line].includes('SIPDATA-000701 inp: req'), lines[d.packets[1].line]);
      assert.notEqual(d.packets[0].line, d.packets[1].line);
      const r = await lsp.client.request<ReportResult>('messagingLogs/report', { uris: [uri] });
      assert.deepEqual([r.records, r.uris, r.logUris], [200, [uri], [uri, uri]]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
