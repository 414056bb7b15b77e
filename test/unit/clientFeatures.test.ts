// Pieces of the editor features that need no editor: the Log Sessions view's model (grouping,
// dialogs, sorting, filtering), the text of a keyed filter on a session, and the server's
// minimumDiagnosticSeverity setting over stdio.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SessionItem } from '../../common/protocol';
import { normalizeSettings } from '../../server/src/settings';
import type {
  SessionsViewOptions } from '../../client/src/views/sessionsModel';
import {
  buildSessionsTree,
  groupDescription,
  sessionDescription,
  recordRowText,
  timeRange,
  sessionFilterText,
  visibleSessions,
  worstOf,
} from '../../client/src/views/sessionsModel';
import { LspSession, messageOf } from './lspHarness';
import { isClosedPipe, survivesConnectionError } from '../../client/src/connectionErrors';
import { columnWidths, paddingOf } from '../../client/src/documents/tableColumns';

function session(key: string, component: string, firstLine: number, extra: Partial<SessionItem> = {}): SessionItem {
  return { key, component, firstLine, lastLine: firstLine, records: 1, start: '10:00:00', end: '10:00:00', problems: 0, durationMs: 0, ...extra };
}

const SESSIONS: SessionItem[] = [
  session('IMAP-1', 'IMAP', 0, { records: 5, problems: 1, worst: 'warning', durationMs: 100, end: '10:00:01' }),
  session('SIPDATA-1', 'SIPDATA', 5, { dialog: 'call-a', durationMs: 10 }),
  session('SMTP-1', 'SMTP', 6, { problems: 2, worst: 'error', durationMs: 50 }),
  session('SIPDATA-2', 'SIPDATA', 7, { dialog: 'call-b', durationMs: 500 }),
  session('SIPDATA-3', 'SIPDATA', 8, { dialog: 'call-a', durationMs: 20 }),
  session('IMAP-2', 'IMAP', 9, { durationMs: 900 }),
  session('SIPDATA-4', 'SIPDATA', 10),
];

const ALL: SessionsViewOptions = { sort: 'time', text: '', problemsOnly: false };

describe('Log Sessions view model', () => {
  test('components in order of first record; SIP packets grouped by dialog, packets in file order', () => {
    const tree = buildSessionsTree(SESSIONS, ALL);
    assert.deepEqual(tree.map((c) => c.name), ['IMAP', 'SIPDATA', 'SMTP']);
    const sip = tree[1];
    assert.deepEqual(
      sip.children.map((c) => (c.kind === 'dialog' ? `dialog ${c.callId}: ${c.children.map((s) => s.session.key).join(' ')}` : c.session.key)),
      ['dialog call-a: SIPDATA-1 SIPDATA-3', 'dialog call-b: SIPDATA-2', 'SIPDATA-4'],
    );
    for (const child of sip.children) assert.equal(child.parent, sip);
  });

  test('sorts by problems and by duration at both levels', () => {
    assert.deepEqual(buildSessionsTree(SESSIONS, { ...ALL, sort: 'problems' }).map((c) => c.name), ['SMTP', 'IMAP', 'SIPDATA']);
    const byDuration = buildSessionsTree(SESSIONS, { ...ALL, sort: 'duration' });
    assert.deepEqual(byDuration.map((c) => c.name), ['IMAP', 'SIPDATA', 'SMTP']);
    assert.deepEqual(
      byDuration[0].children.map((c) => (c.kind === 'session' ? c.session.key : c.callId)),
      ['IMAP-2', 'IMAP-1'],
    );
    assert.deepEqual(
      byDuration[1].children.map((c) => (c.kind === 'session' ? c.session.key : c.callId)),
      ['call-b', 'call-a', 'SIPDATA-4'],
      'a dialog is as long as its longest packet',
    );
  });

  test('filters by text (key, component or Call-ID, any case) and by problems', () => {
    assert.deepEqual(visibleSessions(SESSIONS, { ...ALL, text: 'imap-2' }).map((s) => s.key), ['IMAP-2']);
    assert.deepEqual(visibleSessions(SESSIONS, { ...ALL, text: 'CALL-A' }).map((s) => s.key), ['SIPDATA-1', 'SIPDATA-3']);
    assert.deepEqual(visibleSessions(SESSIONS, { ...ALL, problemsOnly: true }).map((s) => s.key), ['IMAP-1', 'SMTP-1']);
    assert.deepEqual(buildSessionsTree(SESSIONS, { ...ALL, problemsOnly: true, text: 'smtp' }).map((c) => c.name), ['SMTP']);
  });

  test('descriptions and the worst problem of a group', () => {
    assert.equal(sessionDescription(SESSIONS[0]), '10:00:00 – 10:00:01 · 5 records · 1 problem');
    assert.equal(sessionDescription(SESSIONS[1]), '10:00:00 · 1 record');
    assert.equal(groupDescription(SESSIONS.slice(0, 3), 'session'), '3 sessions · 3 problems');
    assert.equal(worstOf(SESSIONS.slice(0, 2)), 'warning');
    assert.equal(worstOf(SESSIONS), 'error');
    assert.equal(worstOf(SESSIONS.slice(1, 2)), undefined);
  });

  test('time ranges write a date both ends share once; record rows leave out the level and key', () => {
    assert.equal(timeRange('2026-01-15 17:02:51.903', '2026-01-15 17:10:02.447'), '2026-01-15 17:02:51.903 – 17:10:02.447');
    assert.equal(timeRange('15/Jan/2026:10:02:11 +0100', '15/Jan/2026:10:04:40 +0100'), '15/Jan/2026:10:02:11 +0100 – 10:04:40 +0100');
    assert.equal(timeRange('Jan 15 08:12:04.306', 'Jan 15 08:15:29.007'), 'Jan 15 08:12:04.306 – 08:15:29.007');
    assert.equal(timeRange('2026-01-15 23:59:00', '2026-01-16 00:01:00'), '2026-01-15 23:59:00 – 2026-01-16 00:01:00', 'different dates stay');
    assert.equal(timeRange('10:00:00', '10:00:01'), '10:00:00 – 10:00:01');
    const row = (text: string, time: string, key: string) => recordRowText(text, time, key);
    assert.equal(row('00:06:23.276 3 IMAP-437425([10.0.1.15]) UID FETCH 193: message file is corrupted', '00:06:23.276', 'IMAP-437425'), 'UID FETCH 193: message file is corrupted');
    assert.equal(row('2026-01-15 09:14:02 +0200 08 mail01 SMTP-IN:00000A1F: Connection accepted', '2026-01-15 09:14:02 +0200', 'SMTP-IN:00000A1F'), 'Connection accepted');
    assert.equal(row('[15/Jan/2026:10:02:12 +0100] mailhost imapd[4411]: Account Notice: login [192.0.2.18:5] erin plaintext', '15/Jan/2026:10:02:12 +0100', 'imapd[4411]'), 'Account Notice: login [192.0.2.18:5] erin plaintext');
    assert.equal(row('Jan 15 08:13:30.275 (4) SEND OK (pdu=1/1) 001:71', 'Jan 15 08:13:30.275', '(4)#1'), 'SEND OK (pdu=1/1) 001:71');
    assert.equal(row('2026-01-15 17:12:24.882\tREGISTER\tCLIENT\t909\tSara', '2026-01-15 17:12:24.882', '909'), 'REGISTER\tCLIENT\t909\tSara', 'a table row keeps its columns');
  });

  test('a keyed filter on a session uses the text the log writes', () => {
    assert.equal(sessionFilterText('IMAP-437425'), 'IMAP-437425');
    assert.equal(sessionFilterText('(2)#1'), '(2)', 'an EMG span: its instance');
    assert.equal(sessionFilterText('queue:113457753'), '113457753');
    assert.equal(sessionFilterText('account:bob@example.com'), 'bob@example.com');
    assert.equal(sessionFilterText('imapd[232]'), 'imapd[232]');
  });
});

describe('setting minimumDiagnosticSeverity', () => {
  const lsp = new LspSession();
  const uri = 'untitled:severity';
  const text = '12:00:00.000 1 SMTP-1 failed\n12:00:01.000 3 IMAP-1 problem\n12:00:02.000 2 IMAP-1 fine\n';

  before(() => lsp.initialize());
  after(() => lsp.stop());

  test('is validated: only "error" changes the default', () => {
    assert.equal(normalizeSettings({}).minimumDiagnosticSeverity, 'warning');
    assert.equal(normalizeSettings({ minimumDiagnosticSeverity: 'error' }).minimumDiagnosticSeverity, 'error');
    assert.equal(normalizeSettings({ minimumDiagnosticSeverity: 'loud' }).minimumDiagnosticSeverity, 'warning');
    // indexCache: on unless set to false (a non-boolean keeps the default).
    assert.equal(normalizeSettings({}).indexCache, true);
    assert.equal(normalizeSettings({ indexCache: false }).indexCache, false);
    assert.equal(normalizeSettings({ indexCache: 'no' }).indexCache, true);
  });

  test('"error" leaves the warnings out; back to "warning" shows them again', async () => {
    const all = await lsp.openAndWait(uri, 'communigate-log', text);
    assert.deepEqual(all.map((d) => d.severity), [1, 2]);
    lsp.configuration = { minimumDiagnosticSeverity: 'error' };
    const errorsOnly = lsp.diagnosticsFor(uri, (d) => d.length === 1);
    lsp.client.notify('workspace/didChangeConfiguration', { settings: null });
    const { diagnostics } = await errorsOnly;
    assert.equal(diagnostics[0].severity, 1);
    assert.match(messageOf(diagnostics[0]), /SMTP-1 failed/);
    lsp.configuration = {};
    const restored = lsp.diagnosticsFor(uri, (d) => d.length === 2);
    lsp.client.notify('workspace/didChangeConfiguration', { settings: null });
    await restored;
  });
});

describe('aligned table columns (PrivateServer)', () => {
  /** Where each cell starts on screen: the editor expands TABs by the text alone, then adds the padding. */
  function shownStarts(line: string, tabSize: number): number[] {
    const pads = paddingOf(line, columnWidths(ROWS, tabSize), tabSize);
    const out = [0];
    let column = 0;
    let shift = 0;
    for (let i = 0; i < line.length; i++) {
      column += line[i] === '\t' ? tabSize - (column % tabSize) : 1;
      if (line[i] === '\t') {
        shift += pads.find((p) => p.at === i + 1)?.spaces ?? 0;
        out.push(column + shift);
      }
    }
    return out;
  }
  const ROWS = [
    'SessionLogEntry List',
    '',
    'Timestamp\tEvent\tSource\tPeername\tAccount',
    '2026-01-15 17:12:24.882\tREGISTER\tCLIENT\t909\tSara',
    '2026-01-15 17:10:02.447\tUNREGISTER\tCLIENT\t1932\tLuca',
    '2026-01-15 17:11:40.120\tCONNECT\tCLIENT\t904\t',
  ];

  test('every cell starts in the same column on every row, whatever the tab size', () => {
    for (const tabSize of [2, 4, 8]) {
      const header = shownStarts(ROWS[2], tabSize);
      for (const row of ROWS.slice(3)) assert.deepEqual(shownStarts(row, tabSize), header, `tab size ${tabSize}: ${row}`);
    }
    assert.deepEqual(paddingOf(ROWS[0], columnWidths(ROWS)), [], 'a title line has no cells');
  });

  test('comma-separated rows line up too, with a space after each comma', () => {
    const csv = ['Call Date,Src,Dst', '2026-01-15 23:59:37,913,932', '2026-01-15 23:59:19,1952,+3906'];
    const widths = columnWidths(csv);
    assert.deepEqual(widths, [20, 5]);
    assert.deepEqual(paddingOf(csv[1], widths), [{ at: 20, spaces: 1 }, { at: 24, spaces: 2 }]);
    assert.deepEqual(paddingOf(csv[0], widths), [{ at: 10, spaces: 11 }, { at: 14, spaces: 2 }]);
  });
});

test('connection errors: a pipe closing under the client (the server gone) never shuts it down, other errors after three in a row', () => {
  const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
  const destroyed = Object.assign(new Error('Cannot call write after a stream was destroyed'), { code: 'ERR_STREAM_DESTROYED' });
  // As the stream writer reports them: counted, however many requests were in flight.
  for (const count of [1, 4, 40, undefined]) {
    assert.equal(survivesConnectionError(epipe, count), true, `EPIPE, ${count}`);
    assert.equal(survivesConnectionError(destroyed, count), true, `destroyed stream, ${count}`);
  }
  assert.equal(survivesConnectionError(new Error('write EPIPE'), 9), true, 'known by its message too');
  const other = new Error('Header must provide a Content-Length property.');
  assert.equal(survivesConnectionError(other, 1), true);
  assert.equal(survivesConnectionError(other, 3), true);
  assert.equal(survivesConnectionError(other, 4), false);
  assert.equal(survivesConnectionError(other, undefined), false);
  assert.equal(isClosedPipe(other), false);
});
