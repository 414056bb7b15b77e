// messagingLogs/exportLog over stdio with the bundled server (the editor's Export Log…): the file it
// writes is byte for byte what `msglog export` prints for the same logs; progress goes from reading to
// writing; a cancelled export or one with an unreadable log leaves no file behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ExportLogResult, ServerInfoResult } from '../../common/protocol';
import { RpcError } from './lspClient';
import { FIXTURE, FIXTURE_TEXT, LspSession, REQUEST_CANCELLED, ROOT } from './lspHarness';

const MB = 1024 * 1024;

interface ProgressParams {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; percentage?: number; message?: string; cancellable?: boolean };
}

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/msglog.js'), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('language server over stdio: Export Log', () => {
  const lsp = new LspSession();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-lsp-export-'));
  const request = <R>(method: string, params: unknown) => lsp.client.request<R>(method, params, 120_000);

  before(() => lsp.initialize());
  after(async () => {
    await lsp.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the file written is what msglog export prints, for a log on disk and for an open document', async () => {
    const axigen = path.join(ROOT, 'samples/axigen/log/everything.txt');
    const target = path.join(tmp, 'out.otlp.jsonl');
    const since = lsp.client.notifications.length;
    const result = await request<ExportLogResult>('messagingLogs/exportLog', { uris: [pathToFileURL(FIXTURE).href, pathToFileURL(axigen).href], format: 'otlp', target, workDoneToken: 'export-1' });
    assert.equal(result.error, undefined);
    assert.ok(fs.readFileSync(target, 'utf8') === cli('export', FIXTURE, axigen, '--format', 'otlp'), 'the same bytes as msglog export');
    assert.equal(result.bytes, fs.statSync(target).size);
    assert.ok(result.records > 4000);
    const progress = lsp.client.notifications
      .slice(since)
      .filter((n) => n.method === '$/progress' && (n.params as ProgressParams).token === 'export-1')
      .map((n) => (n.params as ProgressParams).value);
    assert.equal(progress[0].kind, 'begin');
    assert.equal(progress[0].cancellable, true);
    assert.ok(progress.some((p) => /records$/.test(p.message ?? '')), 'writing is reported in records');
    assert.equal(progress.at(-1)?.kind, 'end');

    // An open document exports its text (here with _bulk lines and a zone for a log that writes none).
    const docUri = pathToFileURL(path.join(tmp, '2026-01-15.log')).href;
    fs.writeFileSync(path.join(tmp, '2026-01-15.log'), FIXTURE_TEXT);
    await lsp.openAndWait(docUri, 'communigate-log', FIXTURE_TEXT);
    const bulk = path.join(tmp, 'out.bulk.ndjson');
    const r2 = await request<ExportLogResult>('messagingLogs/exportLog', { uris: [docUri], format: 'ecs', bulk: true, utcOffset: '+01:00', target: bulk });
    assert.equal(r2.error, undefined);
    assert.ok(fs.readFileSync(bulk, 'utf8') === cli('export', path.join(tmp, '2026-01-15.log'), '--format', 'ecs', '--bulk', '--utc-offset', '+01:00'), 'the same bytes as msglog export --bulk');
  });

  test('logs on disk that the server does not hold are streamed: the same bytes, and nothing kept indexed', async () => {
    // A CommuniGate log dated by its name and an Axigen log: both streamable.
    const dated = path.join(tmp, 'disk', '2026-01-17.log');
    fs.mkdirSync(path.dirname(dated), { recursive: true });
    fs.writeFileSync(dated, FIXTURE_TEXT);
    // A copy: the sample itself is held since the first test exported it.
    const axigen = path.join(tmp, 'disk', 'everything.txt');
    fs.copyFileSync(path.join(ROOT, 'samples/axigen/log/everything.txt'), axigen);
    const uris = [pathToFileURL(dated).href, pathToFileURL(axigen).href];
    const target = path.join(tmp, 'streamed.ndjson');
    const since = lsp.client.notifications.length;
    const result = await request<ExportLogResult>('messagingLogs/exportLog', { uris, format: 'ecs', utcOffset: '-05:00', target, workDoneToken: 'export-stream' });
    assert.equal(result.error, undefined);
    assert.ok(fs.readFileSync(target, 'utf8') === cli('export', dated, axigen, '--format', 'ecs', '--utc-offset', '-05:00'), 'the same bytes as msglog export');
    assert.ok(result.records > 4000 && result.bytes === fs.statSync(target).size);
    // Indexed a window at a time and let go: the server keeps no index of them (the whole-index path would).
    const info = await request<ServerInfoResult>('messagingLogs/serverInfo', null);
    for (const uri of uris) assert.ok(!info.largeLogs.some((l) => l.uri === uri), `${uri} is not kept indexed`);
    const reports = lsp.client.notifications
      .slice(since)
      .filter((n) => n.method === '$/progress' && (n.params as ProgressParams).token === 'export-stream')
      .map((n) => (n.params as ProgressParams).value)
      .filter((v) => v.kind === 'report');
    assert.ok(reports.length > 0 && reports.every((r) => /records$/.test(r.message ?? '')), 'progress in records');
    const percentages = reports.map((r) => r.percentage ?? -1);
    assert.ok(percentages.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p > percentages[i - 1])), `progress goes up: ${percentages.join(' ')}`);
    // Written over one of its own logs: refused, the log untouched.
    const self = await request<ExportLogResult>('messagingLogs/exportLog', { uris, format: 'ecs', target: dated });
    assert.match(self.error ?? '', /2026-01-17\.log is the file being written/);
    assert.equal(fs.readFileSync(dated, 'utf8'), FIXTURE_TEXT, 'the log is untouched');
  });

  test('a log that cannot be read fails the export before the file exists', async () => {
    const target = path.join(tmp, 'never.ndjson');
    const missing = pathToFileURL(path.join(tmp, 'missing.log')).href;
    const result = await request<ExportLogResult>('messagingLogs/exportLog', { uris: [pathToFileURL(FIXTURE).href, missing], format: 'ecs', target });
    assert.match(result.error ?? '', /missing\.log/);
    assert.equal(fs.existsSync(target), false);
    const bad = await request<ExportLogResult>('messagingLogs/exportLog', { uris: [pathToFileURL(FIXTURE).href], format: 'ecs', utcOffset: 'noon', target });
    assert.match(bad.error ?? '', /--utc-offset|±HH:MM/);
    assert.equal(fs.existsSync(target), false);
    const self = await request<ExportLogResult>('messagingLogs/exportLog', { uris: [pathToFileURL(FIXTURE).href], format: 'ecs', target: FIXTURE });
    assert.match(self.error ?? '', /being written/);
    assert.equal(fs.readFileSync(FIXTURE, 'utf8'), FIXTURE_TEXT, 'the log is untouched');
  });

  test('cancelled while writing, the export stops and removes its file', async () => {
    const big = path.join(tmp, 'big.log');
    const parts: string[] = [];
    for (let size = 0; size < 40 * MB; size += FIXTURE_TEXT.length) parts.push(FIXTURE_TEXT);
    fs.writeFileSync(big, parts.join(''));
    const target = path.join(tmp, 'cancelled.ndjson');
    const since = lsp.client.notifications.length;
    const started = lsp.client.startRequest<ExportLogResult>('messagingLogs/exportLog', { uris: [pathToFileURL(big).href], format: 'otlp', target, workDoneToken: 'export-cancel' }, 120_000);
    await lsp.client.waitForNotification<ProgressParams>('$/progress', (p) => p.token === 'export-cancel' && /records$/.test(p.value.message ?? ''), since, 120_000);
    assert.ok(fs.existsSync(target), 'writing has begun');
    lsp.client.notify('$/cancelRequest', { id: started.id });
    await assert.rejects(started.result, (e: unknown) => e instanceof RpcError && e.code === REQUEST_CANCELLED);
    assert.equal(fs.existsSync(target), false, 'no partial file is left');
    const values = lsp.client.notifications
      .slice(since)
      .filter((n) => n.method === '$/progress' && (n.params as ProgressParams).token === 'export-cancel')
      .map((n) => (n.params as ProgressParams).value);
    assert.ok(!values.some((p) => p.percentage === 100), 'stopped before the end');
    assert.equal(values.at(-1)?.kind, 'end');
  });
});
