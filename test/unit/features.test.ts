// The language features called directly on indexes (as vscode-markdown-languageservice tests its
// providers), besides the same features over stdio in lsp*.test.ts: what each dialect's rules give
// hover, diagnostics, the outline and level thresholds, with no per-dialect code in the features.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import type { LogIndex } from '../../server/src/engine';
import { diagnostics, runFilter } from '../../server/src/engine';
import { computeDiagnostics } from '../../server/src/features/diagnostics';
import { documentHighlights } from '../../server/src/features/documentHighlights';
import { documentSymbols, documentSymbolsJson } from '../../server/src/features/documentSymbols';
import { latin1Json } from '../../server/src/features/jsonBytes';
import { foldingRanges } from '../../server/src/features/folding';
import { hover } from '../../server/src/features/hover';
import { references } from '../../server/src/features/references';
import type { LogEntry } from '../../server/src/logCache';
import { open } from './helpers';

function hoverAt(index: LogIndex, line: number, character: number): { text: string; range: [number, number] | undefined } {
  const h: Hover | null = hover(index, { line, character });
  assert.ok(h, `a hover at ${line}:${character}`);
  const range = h.range && h.range.start.line === line ? ([h.range.start.character, h.range.end.character] as [number, number]) : undefined;
  return { text: (h.contents as MarkupContent).value, range };
}

function entryOf(index: LogIndex): LogEntry {
  return { uri: 'untitled:x', version: 1, index, problem: undefined, mode: 'forced', languageId: index.dialect.id, toleranceMs: 1000 };
}

const CGP = [
  '12:00:00.000 0 SYSTEM crashed hard',
  '12:00:01.000 3 IMAP-1([10.0.0.1]) protocol error',
  '12:00:02.000 5 IMAP-1([10.0.0.1]) out: bye',
  '12:00:03.000 5 SIPDATA-7 inp: Call-ID: call-a@host',
  '  INVITE sip:x@y SIP/2.0',
  '12:00:04.000 5 SIPDATA-8 out: Call-ID: call-a@host',
  '12:00:05.000 5 SIPDATA-9 inp: Call-ID: call-b@host',
  '12:00:06.000 2 SMTP-3 IMAP-1 mentioned',
  '',
].join('\n');

describe('hover takes the level span and token facts from the dialect', () => {
  test('CommuniGate Pro: the level digit', () => {
    const index = open(CGP, { dialect: 'communigate-log' });
    assert.deepEqual(hoverAt(index, 1, 13), { text: 'Level **3 Problems** · severity warning', range: [13, 14] });
    assert.match(hoverAt(index, 1, 30).text, /^\*\*Session IMAP\\-1\*\*/, 'elsewhere on the header: the session');
  });

  test('Axigen: the two-digit level', () => {
    const index = open('2026-01-15 09:14:02 +0200 04 mail01 SMTP-IN:00000A1F: Connection dropped\n', { dialect: 'axigen-log' });
    const h = hoverAt(index, 0, 27);
    assert.deepEqual(h.range, [26, 28]);
    assert.match(h.text, /^Level \*\*04 warning\*\* · severity warning$/);
  });

  test('Messaging Server: the level word, and close numbers explained on their own and with the session', () => {
    const line = '[15/Jan/2026:10:04:40 +0100] mailhost imapd[4411]: Account Notice: close [192.0.2.18] erin 2026/1/15 10:02:12 0:02:28 1024 58110 1';
    const index = open(`${line}\n`, { dialect: 'messaging-server-log' });
    const level = hoverAt(index, 0, line.indexOf('Notice') + 1);
    assert.deepEqual(level.range, [line.indexOf('Notice'), line.indexOf('Notice') + 'Notice'.length]);
    assert.match(level.text, /^Level \*\*Notice\*\*/);
    const numbers = hoverAt(index, 0, line.indexOf('58110'));
    assert.deepEqual(numbers.range, [line.indexOf('1024'), line.length]);
    assert.match(numbers.text, /^\*\*close\*\*\\: 1024 bytes sent by the client · 58110 bytes sent by the server · 1 mailbox selected$/);
    const elsewhere = hoverAt(index, 0, 40).text;
    assert.match(elsewhere, /^\*\*Session /);
    assert.match(elsewhere, /1 mailbox selected$/, 'the close numbers follow the session summary');
  });

  test('EMG: option numbers named, unknown ones said so, empty values shown as such', () => {
    const line = '2024-03-01 10:00:01.456 (smpp1) SEND OK (msgid=1) 8:46700123456 17:12 999:x 59:';
    const index = open(`${line}\n`, { dialect: 'emg-log', fileName: 'connector.log' });
    const at = (token: string) => hoverAt(index, 0, line.indexOf(token) + 1);
    assert.deepEqual(at('8:4670'), { text: 'EMG option **8** · DESTADDR \\(recipient address\\)\n\nValue\\: 46700123456', range: [line.indexOf('8:4670'), line.indexOf('8:4670') + '8:46700123456'.length] });
    assert.match(at('999:').text, /^EMG option \*\*999\*\* \\\(not a known option number\\\)/);
    assert.match(at('59:').text, /Value\\: \*\\\(empty\\\)\*$/);
  });

  test('EMG general logs: the level word; PrivateServer tables have no level to explain', () => {
    const emg = open('2024-03-01 10:00:00.000 WARNING disk almost full\n', { dialect: 'emg-log', fileName: 'general.log' });
    assert.deepEqual(hoverAt(emg, 0, 25), { text: 'Level **WARNING** · severity warning', range: [24, 31] });
    const table = ['SessionLogEntry List', '', 'Timestamp\tEvent\tSource\tPeername', '2012-05-10 17:12:24.882\tREGISTER\tCLIENT\t909', ''].join('\n');
    const ps = open(table, { dialect: 'privateserver-log' });
    assert.match(hoverAt(ps, 3, 2).text, /^\*\*Session 909\*\*/, 'the session, not a level');
  });
});

describe('diagnostics take the crash level and the malformed message from the dialect', () => {
  test('a CommuniGate level 0 is a crash; no other dialect has one', () => {
    const cgp = open(CGP, { dialect: 'communigate-log' });
    const first = [...diagnostics(cgp)][0];
    assert.equal(first.code, 'crash');
    assert.equal(first.message, 'Crash (level 0): SYSTEM crashed hard');
    const emg = open('2024-03-01 10:00:00.000 CRITICAL out of memory\n', { dialect: 'emg-log', fileName: 'general.log' });
    assert.deepEqual([...diagnostics(emg)].map((d) => [d.code, d.severity, d.message]), [['level', 'error', 'CRITICAL: out of memory']]);
  });

  test('malformed records say what is wrong in their dialect', () => {
    const emg = open('2024-03-01 10:00:00.000 (smpp1) CONNECT OK\n2024-03-01 10:00:01.000 garbage here\n', { dialect: 'emg-log', fileName: 'connector.log' });
    assert.deepEqual(
      [...diagnostics(emg)].filter((d) => d.code === 'malformed').map((d) => d.message),
      ['Malformed: a timestamp without a valid connector header (INSTANCE) EVENT OK|ERR'],
    );
    const table = ['Timestamp\tEvent\tSource\tPeername', '2012-05-10 17:12:24.882\tREGISTER\tCLIENT\t909\textra\tcells', ''].join('\n');
    const ps = open(table, { dialect: 'privateserver-log' });
    assert.deepEqual(
      [...diagnostics(ps)].filter((d) => d.code === 'malformed').map((d) => d.message),
      ['Malformed: this row does not have as many columns as the header row'],
    );
  });

  test('computeDiagnostics caps them and counts the rest', () => {
    const index = open(CGP, { dialect: 'communigate-log' });
    const all = computeDiagnostics(entryOf(index), 100);
    assert.deepEqual(all.map((d) => [d.range.start.line, d.severity, d.source]), [[0, 1, 'msglog'], [1, 2, 'msglog']]);
    const capped = computeDiagnostics(entryOf(index), 1);
    assert.equal(capped.length, 2);
    assert.match(String(capped[1].message), /^1 more diagnostic not shown/);
    assert.deepEqual(computeDiagnostics(entryOf(index), 100, 'error').map((d) => d.range.start.line), [0], 'errors only');
  });
});

describe('outline, folding, references', () => {
  test('the outline names each SIP packet\'s dialog (a symbol per stretch claims no other session\'s records)', () => {
    const index = open(CGP, { dialect: 'communigate-log' });
    const symbols = documentSymbols(index);
    const sipdata = symbols.find((s) => s.name === 'SIPDATA');
    assert.ok(sipdata);
    assert.deepEqual(
      sipdata.children?.map((c) => [c.name, /dialog (\S+)/.exec(c.detail ?? '')?.[1]]),
      [
        ['SIPDATA-7', 'call-a@host'],
        ['SIPDATA-8', 'call-a@host'],
        ['SIPDATA-9', 'call-b@host'],
      ],
    );
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['SYSTEM', 'IMAP', 'SIPDATA', 'SMTP'],
    );
  });

  test('the outline\'s JSON keeps every character Latin-1, escaping the rest (en dashes): a client decodes it to a one-byte string', () => {
    const log = ['12:00:00.000 2 IMAP-1([10.0.0.1]) connected', '12:00:01.000 2 IMAP-1([10.0.0.1]) login', '12:00:02.000 2 SMTP-3([10.0.0.2]) hello', '12:00:03.000 2 IMAP-1([10.0.0.1]) bye', ''].join('\n');
    const index = open(log, { dialect: 'communigate-log' });
    const json = Buffer.from(documentSymbolsJson(index).bytes).toString('utf8');
    assert.ok(![...json].some((c) => c.charCodeAt(0) > 0xff), 'no character past Latin-1');
    assert.match(json, /\\u2013/, 'the en dash escaped');
    assert.match(json, /\u00b7/, 'the middle dot, Latin-1, as it is');
    const symbols = documentSymbols(index);
    assert.deepEqual(JSON.parse(json), symbols);
    assert.deepEqual(
      symbols[0].children?.map((c) => c.detail),
      ['12:00:00.000 \u2013 12:00:01.000 \u00b7 part 1/2 \u00b7 records 1\u20132 of 3'],
    );
    for (const value of ['plain', 'caf\u00e9 \u00b7 \u2013 \u65e5\u672c \ud83d\ude00 \ud800 "q" \\', '']) {
      const escaped = latin1Json(JSON.stringify(value));
      assert.ok(![...escaped].some((c) => c.charCodeAt(0) > 0xff), value);
      assert.equal(JSON.parse(escaped), value);
    }
    assert.equal(latin1Json('"caf\u00e9"'), '"caf\u00e9"', 'Latin-1 is left as it is');
  });

  test('folding, references and highlights follow sessions', () => {
    const index = open(CGP, { dialect: 'communigate-log' });
    assert.deepEqual(foldingRanges(index), [
      { startLine: 1, endLine: 2 },
      { startLine: 3, endLine: 4 },
    ]);
    assert.deepEqual(references('untitled:x', index, { line: 7, character: 24 }).map((l) => l.range.start.line), [1, 2], 'a mentioned session');
    assert.deepEqual(documentHighlights(index, { line: 2, character: 20 }).map((h) => h.range.start.line), [1, 2]);
  });
});

test('level thresholds: CommuniGate digits compare as written there, as severities elsewhere', () => {
  const cgp = open(CGP, { dialect: 'communigate-log' });
  // Digit 2 (Major) keeps levels 0–2 as written: the crash and SMTP's 2, not 3 Problems.
  assert.deepEqual(runFilter(cgp, { regex: '.', level: '2' }).items.map((i) => (i.kind === 'record' ? cgp.recStartLine[i.record] : -1)), [0, 7]);
  const emg = open('2024-03-01 10:00:00.000 WARNING a\n2024-03-01 10:00:01.000 ERROR b\n2024-03-01 10:00:02.000 INFO c\n', { dialect: 'emg-log', fileName: 'general.log' });
  // Elsewhere a digit stands for the severities CommuniGate writes at or below it: 1 Failure keeps errors.
  assert.equal(runFilter(emg, { regex: '.', level: '1' }).records, 1, 'digit 1 (Failure): errors only');
  assert.equal(runFilter(emg, { regex: '.', level: 'warning' }).records, 2);
});
