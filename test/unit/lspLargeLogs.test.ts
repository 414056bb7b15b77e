// Logs the language server reads from disk (FORMATS §8: files the editor does not hand to extensions),
// over stdio with the bundled server: indexed from the file (never read whole), with work-done
// progress and cancellation, kept up to date as the file grows, indexed anew when it is rotated.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type {
  FilterResult,
  GoToTimeResult,
  LargeLogSummary,
  LogChangedParams,
  NavigateResult,
  RecordInfoResult,
  ServerInfoResult,
  SessionRecordItem,
  SessionsResult,
} from '../../common/protocol';
import { RpcError } from './lspClient';
import { FIXTURE_LINES, FIXTURE_TEXT, LspSession, messageOf, REQUEST_CANCELLED } from './lspHarness';

const MB = 1024 * 1024;

/** The fixture repeated, each copy with its own HTTPU session numbers, until `bytes`. */
function repeatedFixture(bytes: number): { text: string; copies: number } {
  const parts: string[] = [];
  let size = 0;
  while (size < bytes) {
    const copy = FIXTURE_TEXT.replace(/HTTPU-0000(\d\d)/g, `HTTPU-${parts.length}$1`);
    parts.push(copy);
    size += copy.length;
  }
  return { text: parts.join(''), copies: parts.length };
}

interface ProgressParams {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; percentage?: number; message?: string; cancellable?: boolean };
}

describe('language server over stdio: logs read from disk', () => {
  const lsp = new LspSession();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-disk-'));
  const big = path.join(tmp, 'big.log');
  const bigUri = pathToFileURL(big).href;
  const uriOf = (name: string) => pathToFileURL(path.join(tmp, name)).href;
  let copies = 0;

  before(async () => {
    await lsp.initialize();
    const repeated = repeatedFixture(60 * MB);
    fs.writeFileSync(big, repeated.text);
    copies = repeated.copies;
  });
  after(async () => {
    await lsp.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const request = <R>(method: string, params: unknown) => lsp.client.request<R>(method, params, 60_000);
  const serverInfo = () => request<ServerInfoResult>('messagingLogs/serverInfo', {});
  const sessionKeys = async (uri: string) => (await request<SessionsResult>('messagingLogs/sessions', { uri })).sessions.map((s) => s.key);
  const logChanged = (uri: string, kind: LogChangedParams['kind'], since?: number) =>
    lsp.client.waitForNotification<LogChangedParams>('messagingLogs/logChanged', (p) => p.uri === uri && p.kind === kind, since, 10_000);

  test('a file that is not open is indexed from disk and answers like the same text opened as a document', async () => {
    const name = 'same.log';
    fs.writeFileSync(path.join(tmp, name), FIXTURE_TEXT);
    const disk = uriOf(name);
    const doc = `untitled:${name}`;
    await lsp.openAndWait(doc, 'communigate-log', FIXTURE_TEXT);
    const both = async (method: string, params: object) => {
      const [fromDisk, fromDocument] = await Promise.all([request(method, { ...params, uri: disk }), request(method, { ...params, uri: doc })]);
      assert.deepEqual(fromDisk, fromDocument, `${method} ${JSON.stringify(params)}`);
      return fromDisk;
    };
    const sessions = (await both('messagingLogs/sessions', {})) as SessionsResult;
    assert.equal(sessions.dialect, 'communigate-log');
    assert.ok(sessions.sessions.length > 20);
    const keyed = (await both('messagingLogs/filter', { query: { text: 'HTTPU-000029', keyed: true } })) as FilterResult;
    assert.ok(keyed.records >= 3 && keyed.text.length > 0);
    await both('messagingLogs/filter', { query: { regex: 'SIP/2\\.0 [45]\\d\\d', ignoreCase: true } });
    await both('messagingLogs/filter', { query: { text: 'TLS', from: '12:39:10', to: '12:40' } });
    assert.ok(((await both('messagingLogs/goToTime', { query: '12:40' })) as GoToTimeResult).line > 0);
    assert.ok(((await both('messagingLogs/sessionRecords', { key: 'HTTPU-000029' })) as SessionRecordItem[]).length === 3);
    assert.ok(((await both('messagingLogs/recordInfo', { line: 7 })) as RecordInfoResult).sessionKey);
    assert.ok(((await both('messagingLogs/navigate', { line: 5, kind: 'nextInSession' })) as NavigateResult).line > 5);

    const held = (await serverInfo()).largeLogs.find((l) => l.uri === disk);
    assert.ok(held, 'the server keeps the file indexed');
    assert.equal(held.backing, 'file', 'the index reads the file through a FileSource, it holds no copy of it');
    assert.equal(held.bytes, Buffer.byteLength(FIXTURE_TEXT));
    assert.equal(held.watched, true);

    const folder = await request<SessionsResult>('messagingLogs/sessions', { uri: pathToFileURL(tmp).href });
    assert.deepEqual(folder.sessions, []);
    assert.match(folder.error ?? '', /is not a file/);
  });

  test('a large log indexed from disk: work-done progress, a summary, its diagnostics published', async () => {
    const since = lsp.client.notifications.length;
    const published = lsp.client.waitForNotification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) => p.uri === bigUri, since, 60_000);
    const summary = await request<LargeLogSummary>('messagingLogs/openLargeLog', { uri: bigUri, workDoneToken: 'index-big' });
    const progress = lsp.client.notifications
      .slice(since)
      .filter((n) => n.method === '$/progress' && (n.params as ProgressParams).token === 'index-big')
      .map((n) => (n.params as ProgressParams).value);
    assert.equal(progress[0]?.kind, 'begin', JSON.stringify(progress.slice(0, 3)));
    assert.equal(progress[0].cancellable, true);
    assert.match(progress[0].title ?? '', /big\.log/);
    const reports = progress.filter((p) => p.kind === 'report');
    assert.ok(reports.length >= 5, `progress reported while indexing 60 MB in steps: ${reports.length} reports`);
    const percents = reports.map((p) => p.percentage ?? -1);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'percentages only go up');
    assert.equal(progress.at(-1)?.kind, 'end');

    const size = fs.statSync(big).size;
    assert.equal(summary.dialect, 'communigate-log');
    assert.equal(summary.dialectName, 'CommuniGate Pro');
    assert.equal(summary.bytes, size);
    assert.equal(summary.lines, copies * (FIXTURE_LINES.length - 1));
    assert.ok(summary.records > copies * 1000 && summary.sessions > copies * 10, JSON.stringify(summary));
    assert.ok(summary.warnings > 0 && summary.indexMs > 0, JSON.stringify(summary));
    assert.equal((await published).diagnostics.length, 1001, 'capped like an open document: 1000 and one "N more"');

    // The index reads the file through a FileSource (no copy of it in memory; heap and buffer sizes
    // are no measure here: the windows read go to the garbage collector whenever it runs).
    const held = (await serverInfo()).largeLogs.find((l) => l.uri === bigUri);
    assert.equal(held?.backing, 'file');
    // Asked again: the index is reused, nothing is reported.
    const again = lsp.client.notifications.length;
    const cached = await request<LargeLogSummary>('messagingLogs/openLargeLog', { uri: bigUri, workDoneToken: 'index-big-2' });
    assert.equal(cached.indexMs, 0);
    assert.equal(cached.records, summary.records);
    assert.ok(!lsp.client.notifications.slice(again).some((n) => n.method === '$/progress'));
  });

  test('indexing stops when the request is cancelled, and the file is indexed again when next asked for', async () => {
    const copy = path.join(tmp, 'cancelled.log');
    fs.copyFileSync(big, copy);
    const uri = pathToFileURL(copy).href;
    const since = lsp.client.notifications.length;
    const started = lsp.client.startRequest<LargeLogSummary>('messagingLogs/openLargeLog', { uri, workDoneToken: 'cancel-me' }, 60_000);
    await lsp.client.waitForNotification<ProgressParams>('$/progress', (p) => p.token === 'cancel-me', since);
    lsp.client.notify('$/cancelRequest', { id: started.id });
    await assert.rejects(started.result, (e: unknown) => e instanceof RpcError && e.code === REQUEST_CANCELLED);
    const reports = lsp.client.notifications
      .slice(since)
      .filter((n) => n.method === '$/progress' && (n.params as ProgressParams).token === 'cancel-me')
      .map((n) => (n.params as ProgressParams).value);
    assert.ok(!reports.some((p) => p.percentage === 100), 'stopped before the end');
    assert.equal(reports.at(-1)?.kind, 'end', 'the progress is ended');
    assert.ok(!(await serverInfo()).largeLogs.some((l) => l.uri === uri), 'a cancelled index is not kept');

    const keys = await sessionKeys(uri);
    assert.ok(keys.length > 1000, 'asked again, the file is indexed in full');
  });

  test('a log that grows is indexed incrementally; the client hears of it, and new sessions and diagnostics appear', async () => {
    const name = 'growing.log';
    const file = path.join(tmp, name);
    const uri = uriOf(name);
    fs.writeFileSync(file, FIXTURE_LINES.slice(0, 40).join('\n') + '\n');
    const first = await request<LargeLogSummary>('messagingLogs/openLargeLog', { uri });
    assert.equal(first.lines, 40);
    assert.ok(!(await sessionKeys(uri)).includes('IMAP-990001'));

    // Appended by "the server": a new session with a level 1 (failure) record, then an overflow marker.
    const since = lsp.client.notifications.length;
    const diagnosed = lsp.client.waitForNotification<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && p.diagnostics.some((d) => d.range.start.line === 41),
      since,
    );
    fs.appendFileSync(
      file,
      ['12:40:01.000 2 IMAP-990001([10.0.0.9]) connected', '12:40:02.000 1 IMAP-990001([10.0.0.9]) storage failure', '***', ''].join('\n'),
    );
    // The watcher polls the file about every second; no request is needed to notice.
    assert.deepEqual(await logChanged(uri, 'grown', since), { uri, kind: 'grown' });
    const keys = await sessionKeys(uri);
    assert.ok(keys.includes('IMAP-990001'), 'the appended session is listed');
    const filtered = await request<FilterResult>('messagingLogs/filter', { uri, query: { text: 'IMAP-990001', keyed: true } });
    assert.deepEqual(filtered.sourceLines, [40, 41, 42], 'the records, and the overflow marker (always output)');
    assert.match(filtered.text, /storage failure/);
    const diagnostics = (await diagnosed).diagnostics;
    assert.ok(diagnostics.some((d: Diagnostic) => d.range.start.line === 41 && d.severity === 1), 'the failure is an error');
    assert.ok(diagnostics.some((d: Diagnostic) => d.range.start.line === 42 && d.code === 'overflow'), 'the marker a warning');
    const held = (await serverInfo()).largeLogs.find((l) => l.uri === uri);
    assert.equal(held?.bytes, fs.statSync(file).size);

    // A request that comes before the watcher looks catches up by itself (and the client still hears of it once).
    const later = lsp.client.notifications.length;
    fs.appendFileSync(file, '12:40:03.000 4 IMAP-990002([10.0.0.9]) connected\n');
    assert.ok((await sessionKeys(uri)).includes('IMAP-990002'));
    await logChanged(uri, 'grown', later);
    // Another growth, noticed by the watcher alone: when the client hears of it, the watcher has looked
    // at the file since the first one, so a second notice of the first growth would have come before.
    const second = lsp.client.notifications.length;
    fs.appendFileSync(file, '12:40:04.000 4 IMAP-990003([10.0.0.9]) connected\n');
    await logChanged(uri, 'grown', second);
    const told = lsp.client.notifications.slice(later).filter((n) => n.method === 'messagingLogs/logChanged' && (n.params as LogChangedParams).uri === uri);
    assert.equal(told.length, 2, 'one notification per change');
  });

  test('a rotated log is indexed anew: no session or diagnostic of the old file is left', async () => {
    const name = 'rotating.log';
    const file = path.join(tmp, name);
    const uri = uriOf(name);
    fs.writeFileSync(file, ['12:00:00.000 2 SMTP-000001([10.0.0.1]) connected', '12:00:01.000 1 SMTP-000001([10.0.0.1]) old failure', ''].join('\n'));
    await request<LargeLogSummary>('messagingLogs/openLargeLog', { uri });
    assert.deepEqual(await sessionKeys(uri), ['SMTP-000001']);

    // Rotation by rename: the old file moves away, a new one takes the name.
    const since = lsp.client.notifications.length;
    const republished = lsp.client.waitForNotification<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && !p.diagnostics.some((d) => messageOf(d).includes('old failure')),
      since,
    );
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, ['13:00:00.000 2 POP-000777([10.0.0.2]) connected', '13:00:01.000 4 POP-000777([10.0.0.2]) fine', ''].join('\n'));
    await logChanged(uri, 'replaced', since);
    assert.deepEqual(await sessionKeys(uri), ['POP-000777']);
    assert.deepEqual((await republished).diagnostics, [], 'the new file has no problems, the old ones are gone');
    assert.equal((await request<GoToTimeResult>('messagingLogs/goToTime', { uri, query: '12:00' })).line, 0);

    // Truncation in place (copytruncate rotation) is a replacement too.
    const truncated = lsp.client.notifications.length;
    fs.writeFileSync(file, '14:00:00.000 2 IMAP-000555([10.0.0.3]) connected\n');
    await logChanged(uri, 'replaced', truncated);
    assert.deepEqual(await sessionKeys(uri), ['IMAP-000555']);
  });

  test('only the last two files stay indexed: the others are dropped with their diagnostics', async () => {
    const names = ['lru-a.log', 'lru-b.log', 'lru-c.log'];
    for (const name of names) fs.writeFileSync(path.join(tmp, name), FIXTURE_LINES.slice(0, 30).join('\n') + '\n');
    const [a, b, c] = names.map(uriOf);
    const since = lsp.client.notifications.length;
    for (const uri of [a, b]) await request<LargeLogSummary>('messagingLogs/openLargeLog', { uri });
    const cleared = lsp.client.waitForNotification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) => p.uri === a && p.diagnostics.length === 0, since);
    await request<LargeLogSummary>('messagingLogs/openLargeLog', { uri: c });
    await cleared;
    assert.deepEqual(
      (await serverInfo()).largeLogs.map((l) => l.uri),
      [b, c],
    );
    // Still answered: indexed again on demand.
    assert.ok((await sessionKeys(a)).length > 0);
  });
  test('a filter of a large log searched while indexing, asked again, and after the log grew: always what a scan of every body finds', async () => {
    const name = 'searched.log';
    const file = path.join(tmp, name);
    fs.writeFileSync(file, repeatedFixture(40 * MB).text);
    const uri = uriOf(name);
    const key = 'HTTPU-529';
    // The same condition as a regular expression: matched in each decoded body, no byte search, nothing kept.
    const scanned = (keyed: boolean) => request<FilterResult>('messagingLogs/filter', { uri, query: { regex: key.replace('-', '\\-'), keyed } });
    const asked = (keyed: boolean) => request<FilterResult>('messagingLogs/filter', { uri, query: { text: key, keyed } });
    const same = (a: FilterResult, b: FilterResult, what: string) => {
      assert.deepEqual({ ...a, text: a.text.length }, { ...b, text: b.text.length }, what);
      assert.equal(a.text, b.text, what);
    };
    // The first request has the file indexed, with the text searched in the same read.
    const first = await asked(true);
    assert.ok(first.records >= 3 && first.keyedSessions >= 1, `${first.records} records`);
    same(first, await scanned(true), 'keyed, first request');
    same(await asked(true), first, 'keyed, asked again');
    same(await asked(false), await scanned(false), 'plain, same text');
    same(await asked(false), await scanned(false), 'plain, asked again');

    // Another session mentions the key, and the key's session goes on: both are in the next answer.
    const since = lsp.client.notifications.length;
    fs.appendFileSync(file, ['12:50:00.000 4 IMAP-777777([10.0.0.9]) closed by HTTPU-529', '12:50:01.000 4 HTTPU-529([10.0.0.9]) still here', ''].join('\n'));
    await logChanged(uri, 'grown', since);
    const grown = await asked(true);
    same(grown, await scanned(true), 'keyed, after growth');
    assert.equal(grown.keyedSessions, first.keyedSessions + 1, 'the session that mentions the key is remembered');
    assert.match(grown.text, /closed by HTTPU-529\n.*still here\n$/);
    same(await asked(true), grown, 'keyed, asked again after growth');
    same(await asked(false), await scanned(false), 'plain, after growth');
  });
});

describe('language server over stdio: the index cache in the folder the client names', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-kept-'));
  const cacheDir = path.join(tmp, 'storage', 'index-cache');
  const logDir = path.join(tmp, 'logs');
  const big = path.join(logDir, '2026-01-15.log');
  const bigUri = pathToFileURL(big).href;
  const sessions: LspSession[] = [];
  after(async () => {
    for (const s of sessions) await s.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  /** A summary without how it was come by. */
  const facts = (summary: LargeLogSummary): Omit<LargeLogSummary, 'indexMs' | 'restored'> => {
    const { indexMs: _ms, restored: _restored, ...rest } = summary;
    return rest;
  };
  const open = async (): Promise<LargeLogSummary> => {
    const lsp = new LspSession();
    sessions.push(lsp);
    await lsp.initialize(true, { indexCacheDir: cacheDir });
    return lsp.client.request<LargeLogSummary>('messagingLogs/openLargeLog', { uri: bigUri }, 60_000);
  };

  before(() => {
    fs.mkdirSync(logDir, { recursive: true });
    // Over the 48 MB from which an index is kept.
    fs.writeFileSync(big, repeatedFixture(50 * MB).text);
  });

  test('a large log indexed in one session is read from the cache by the next, also after it grew', async () => {
    const first = await open();
    assert.equal(first.restored, undefined, 'scanned the first time');
    const deadline = Date.now() + 30_000;
    while (!(fs.existsSync(cacheDir) && fs.readdirSync(cacheDir).some((n) => n.endsWith('.msglog-index'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.readdirSync(cacheDir).length > 0, 'an entry in the client folder');
    assert.deepEqual(fs.readdirSync(logDir), ['2026-01-15.log'], 'nothing next to the log');

    const second = await open();
    assert.equal(second.restored, true, 'the next session reads the kept index');
    assert.deepEqual(facts(second), facts(first));

    fs.appendFileSync(big, FIXTURE_TEXT);
    const grown = await open();
    assert.equal(grown.restored, true);
    assert.ok(grown.records > first.records && grown.bytes === fs.statSync(big).size, JSON.stringify(grown));
    // What a server without a cache makes of the grown log.
    const plain = new LspSession();
    sessions.push(plain);
    await plain.initialize();
    const scanned = await plain.client.request<LargeLogSummary>('messagingLogs/openLargeLog', { uri: bigUri }, 60_000);
    assert.equal(scanned.restored, undefined);
    assert.deepEqual(facts(grown), facts(scanned));
  });
});
