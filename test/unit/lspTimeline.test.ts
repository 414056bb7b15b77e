// Several logs as one timeline document, and message traces, through the language server over stdio
// (docs/FORMATS.md §9, §10): read from disk, sessions grouped by source, filters and Go to Time on the
// merged document, growth, traces across files.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import type { FilterResult, GoToTimeResult, SessionRecordItem, SessionsResult, TimelineView } from '../../common/protocol';
import { LspSession } from './lspHarness';
import { ROOT } from './helpers';

const FIXTURES = path.join(ROOT, 'test/fixtures/many');

describe('language server: logs as one timeline', () => {
  const lsp = new LspSession();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-timeline-'));
  const request = <R>(method: string, params: unknown) => lsp.client.request<R>(method, params, 60_000);
  /** The URI a client makes for a view (the server reads id and view from it). */
  const uriOf = (view: TimelineView) => `msglog-timeline:/Timeline?id=${view.id}&view=${encodeURIComponent(view.view)}`;
  /** Origin of a document line: [source tag, file base name, 1-based line]. */
  const origin = (view: TimelineView, line: number): [string, string, number] => {
    let i = 0;
    while (i + 4 < view.records.length && view.records[i + 4] <= line) i += 4;
    const [start, s, f, fileLine] = view.records.slice(i, i + 4);
    return [view.sources[s].tag, path.relative(tmp, view.files[f]), fileLine + (line - start) + 1];
  };

  before(async () => {
    fs.cpSync(FIXTURES, tmp, { recursive: true });
    fs.rmSync(path.join(tmp, 'README.md'));
    // Yesterday's main log gzipped: read from memory, named without .gz.
    const day1 = path.join(tmp, 'cgp/2026-01-14.log');
    fs.writeFileSync(`${day1}.gz`, zlib.gzipSync(fs.readFileSync(day1)));
    fs.rmSync(day1);
    await lsp.initialize();
  });
  after(async () => {
    await lsp.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a folder and a file merge into one document, each record traced back to its file and line', async () => {
    const view = await request<TimelineView>('messagingLogs/openTimeline', { paths: [path.join(tmp, 'cgp'), path.join(tmp, 'member2/2026-01-15.log')] });
    assert.equal(view.error, undefined);
    assert.equal(view.dialect, 'communigate-log');
    assert.deepEqual(view.sources.map((s) => [s.tag, s.name]), [['A', 'cgp'], ['B', 'member2/2026-01-15.log']]);
    const lines = view.text.split('\n');
    assert.equal(lines[8], '00:00:00.500 2 IMAP-000001([203.0.113.5]) connected', 'the member interleaves by time');
    assert.deepEqual(origin(view, 8), ['B', 'member2/2026-01-15.log', 1]);
    assert.deepEqual(origin(view, 0), ['A', 'cgp/2026-01-14.log.gz', 1], 'the .gz file, its decompressed line');
    assert.deepEqual(origin(view, 9), ['A', 'cgp/2026-01-15.log', 1]);
    assert.equal(view.shown, view.total);
    assert.equal(fs.readdirSync(path.join(tmp, 'cgp')).sort().join(','), '2026-01-14.log.gz,2026-01-15.log,2026-01-15_12-00.log', 'nothing written next to the logs');
  });

  test('sessions are grouped by source and never joined across sources; filters and Go to Time read the merged document', async () => {
    const view = await request<TimelineView>('messagingLogs/openTimeline', { paths: [path.join(tmp, 'cgp'), path.join(tmp, 'member2')] });
    const uri = uriOf(view);
    const sessions = await request<SessionsResult>('messagingLogs/sessions', { uri });
    const imap = sessions.sessions.filter((s) => s.key.endsWith('IMAP-000001'));
    assert.deepEqual(imap.map((s) => [s.key, path.basename(s.component.split(' ')[1]), s.records, s.firstLine]), [
      ['A│IMAP-000001', 'cgp', 5, 6],
      ['B│IMAP-000001', '2026-01-15.log', 2, 8],
    ]);
    assert.match(imap[0].component, /^A .*cgp › IMAP$/);
    const records = await request<SessionRecordItem[]>('messagingLogs/sessionRecords', { uri, key: 'A│IMAP-000001' });
    assert.deepEqual(records.map((r) => r.line), [6, 7, 9, 10, 17]);
    const keyed = await request<FilterResult>('messagingLogs/filter', { uri, query: { text: 'protocol error', keyed: true } });
    assert.equal(keyed.records, 5, "only source A's IMAP-000001");
    assert.deepEqual(keyed.sourceLines, [6, 7, 9, 10, 17]);
    const at = await request<GoToTimeResult>('messagingLogs/goToTime', { uri, query: '2026-01-15 00:00:02.5' });
    assert.deepEqual(at, { line: 12 });
    assert.equal(view.text.split('\n')[11], '***', 'the overflow marker stays after its record');
    assert.equal(view.text.split('\n')[12], '00:00:03.000 2 IMAP-000001([203.0.113.5]) closed');
  });

  test('a trace across the main log, the Delivery log and EMG connectors opens as a document of its records', async () => {
    const cgp = await request<TimelineView>('messagingLogs/openTimeline', { paths: [path.join(tmp, 'cgp'), path.join(tmp, 'delivery')] });
    const trace = await request<TimelineView>('messagingLogs/trace', { uri: uriOf(cgp), id: '<m-4411@example.com>' });
    assert.equal(trace.shown, 5);
    assert.deepEqual(trace.text.split('\n').slice(0, 5).map((l) => l.split(/[ \t]/)[2] ?? l), ['SMTPI-000010([192.0.2.7])', 'QUEUE([4411])', 'DEQUEUER', 'RELAY', 'SMTP-000031(example.org)']);
    assert.deepEqual(origin(trace, 3), ['B', 'delivery/2026-01-14.log', 1]);
    // The Sessions view of a trace lists the sessions it shows, with the records it shows.
    const traced = await request<SessionsResult>('messagingLogs/sessions', { uri: uriOf(trace) });
    assert.deepEqual(traced.sessions.map((s) => [s.key, s.records, s.firstLine]), [
      ['A│SMTPI-000010', 1, 0], ['A│QUEUE([4411])', 1, 1], ['A│DEQUEUER', 1, 2], ['B│queue:4411', 1, 3], ['A│SMTP-000031', 1, 4],
    ]);
    const fromFile = await request<TimelineView>('messagingLogs/trace', { uri: pathToFileURL(path.join(tmp, 'emg/connector.http')).href, id: 'A1B2C3' });
    assert.equal(fromFile.shown, 1, 'a trace from a log file reads that file');
    const emg = await request<TimelineView>('messagingLogs/openTimeline', { paths: [path.join(tmp, 'emg')] });
    const sms = await request<TimelineView>('messagingLogs/trace', { uri: uriOf(emg), id: '001:A1B2C3' });
    assert.deepEqual(sms.records.filter((_, i) => i % 4 === 2).map((f) => path.basename(sms.files[f])), ['connector.http', 'connector.smpp.1', 'connector.smpp-20260115_000005', 'connector.smpp']);
    const refused = await request<TimelineView>('messagingLogs/trace', { uri: pathToFileURL(path.join(tmp, 'other/axigen.log')).href, id: '4411' });
    assert.match(refused.error ?? '', /CommuniGate Pro and EMG logs only/);
  });

  test('a file that grows updates the timeline; bad paths get one note each', async () => {
    const live = path.join(tmp, 'live');
    fs.mkdirSync(live);
    fs.writeFileSync(path.join(live, '2026-01-15.log'), '10:00:00.000 2 IMAP-000001([10.0.0.1]) connected\n');
    fs.writeFileSync(path.join(live, 'broken.log.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]));
    const view = await request<TimelineView>('messagingLogs/openTimeline', { paths: [live, path.join(tmp, 'missing.log')] });
    assert.deepEqual(view.notes.map((n) => n.replace(tmp, 'TMP')), ['TMP/live/broken.log.gz: corrupt .gz file: unexpected end of file', 'cannot read TMP/missing.log: no such file']);
    const since = lsp.client.notifications.length;
    fs.appendFileSync(path.join(live, '2026-01-15.log'), '10:00:01.000 2 IMAP-000001([10.0.0.1]) closed\n');
    await lsp.client.waitForNotification<{ id: string }>('messagingLogs/timelineChanged', (p) => p.id === view.id, since, 10_000);
    const again = await request<TimelineView>('messagingLogs/openTimeline', { id: view.id });
    assert.equal(again.text, '10:00:00.000 2 IMAP-000001([10.0.0.1]) connected\n10:00:01.000 2 IMAP-000001([10.0.0.1]) closed\n');
    const none = await request<TimelineView>('messagingLogs/openTimeline', { paths: [path.join(tmp, 'missing.log')] });
    assert.match(none.error ?? '', /cannot read .*missing\.log: no such file/);
  });
});
