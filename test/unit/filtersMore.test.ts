// Several conditions, exclusions, dropped sessions and context (FORMATS §14), in the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, filterText } from './helpers';
import { filterPieces, QueryError, runFilter } from '../../server/src/engine';
import type { FilterQuery } from '../../server/src/engine';

const LOG = [
  '10:00:00.000 2 IMAP-1([10.0.0.1]) connected', // 0
  '10:00:01.000 5 IMAP-1([10.0.0.1]) inp: 1 LOGIN alice', // 1
  '10:00:02.000 3 IMAP-2([10.0.0.2]) Protocol Error: bad command', // 2
  '  detail of the error', // 3
  '10:00:03.000 5 IMAP-1([10.0.0.1]) out: 1 OK LOGIN completed', // 4
  '10:00:04.000 2 SMTPI-7([10.0.0.9]) connected', // 5
  '***', // 6
  '***', // 7
  '10:00:05.000 1 IMAP-2([10.0.0.2]) failed: LOGIN refused', // 8
  '10:00:06.000 2 SMTPI-7([10.0.0.9]) closed', // 9
  '10:00:07.000 2 SMTPI-8([10.0.0.9]) connected', // 10
];
const TEXT = LOG.join('\n') + '\n';
const lines = (...n: number[]): string => n.map((i) => (i < 0 ? '--' : LOG[i]) + '\n').join('');

test('several texts and patterns must all match', () => {
  const index = open(TEXT);
  assert.equal(filterText(index, { texts: ['LOGIN', 'IMAP-1'] }), lines(1, 4, 6));
  assert.equal(filterText(index, { texts: ['LOGIN'], regexes: ['IMAP-2', 'refused$'] }), lines(6, 8));
  // The single `text` of older callers joins the list.
  assert.equal(filterText(index, { text: 'LOGIN', texts: ['completed'] }), lines(4, 6));
  assert.equal(filterText(index, { texts: ['login', 'ALICE'], ignoreCase: true }), lines(1, 6));
  assert.equal(filterText(index, { texts: ['LOGIN', 'nowhere'] }), '***\n', 'no record; markers inside the interval still print');
});

test('exclusions drop records; ignore-case applies to them too; exclusions alone filter out', () => {
  const index = open(TEXT);
  assert.equal(filterText(index, { text: 'LOGIN', excludeTexts: ['alice'] }), lines(4, 6, 8));
  assert.equal(filterText(index, { text: 'LOGIN', excludeTexts: ['ALICE'], ignoreCase: true }), lines(4, 6, 8));
  assert.equal(filterText(index, { text: 'LOGIN', excludeRegexes: ['^IMAP-1', 'refused'] }), '***\n');
  assert.equal(filterText(index, { excludeTexts: ['IMAP-'] }), lines(5, 6, 9, 10));
  // Continuation lines are part of the body an exclusion looks at.
  assert.equal(filterText(index, { text: 'IMAP-2', excludeTexts: ['detail of'] }), lines(6, 8));
});

test('keyed filters apply exclusions in pass 1 only: whole sessions print', () => {
  const index = open(TEXT);
  // `LOGIN` without `alice`: IMAP-1 (record 4) and IMAP-2 (record 8) are remembered; pass 2 prints alice's record too.
  assert.equal(filterText(index, { text: 'LOGIN', excludeTexts: ['alice'], keyed: true }), lines(0, 1, 2, 3, 4, 6, 8));
  const result = runFilter(index, { text: 'LOGIN', excludeTexts: ['completed', 'refused'], keyed: true });
  assert.equal(result.keyedSessions, 1);
});

test('Filter Out Session / Component drop whole sessions', () => {
  const index = open(TEXT);
  assert.equal(filterText(index, { text: '', excludeSessions: ['IMAP-1', 'no-such-key'] }), lines(2, 3, 5, 6, 8, 9, 10));
  assert.equal(filterText(index, { excludeComponents: ['IMAP'] }), lines(5, 6, 9, 10));
  assert.equal(filterText(index, { text: 'connected', excludeComponents: ['SMTPI'], keyed: true }), lines(0, 1, 4, 6));
});

test('context: neighbours around hits, `--` between groups apart, markers where they fall and once', () => {
  const index = open(TEXT);
  // Hit IMAP-1 LOGIN (1) with one record of context: 0 and the multi-line record 2; the marker run
  // inside the interval prints where it falls (FORMATS §5), apart from the group.
  assert.equal(filterText(index, { text: 'alice', context: 1 }), lines(0, 1, 2, 3, -1, 6));
  // Two hits whose contexts touch form one group.
  assert.equal(filterText(index, { texts: ['IMAP-1', 'LOGIN'], context: 1 }), lines(0, 1, 2, 3, 4, 5, 6));
  // Groups apart get `--`; the marker after record 5 is a neighbour of record 5 and of record 8.
  assert.equal(filterText(index, { text: 'alice', context: 0 }), lines(1, -1, 6));
  assert.equal(filterText(index, { regexes: ['alice|closed'], context: 0 }), lines(1, -1, 6, -1, 9));
  assert.equal(filterText(index, { text: 'closed', context: 1 }), lines(6, 8, 9, 10), 'the marker before record 8 prints once, next to it');
  assert.equal(filterText(index, { text: 'SMTPI-7([10.0.0.9]) connected', context: 1 }), lines(4, 5, 6, 8));
  // Without --context no separators at all (FORMATS §5).
  assert.equal(filterText(index, { regexes: ['alice|closed'] }), lines(1, 6, 9));
  // Context records are marked as such; hits are counted apart.
  const result = runFilter(index, { text: 'alice', context: 1 });
  assert.deepEqual([result.records, result.contextRecords], [1, 2]);
  assert.deepEqual([...filterPieces(index, result)].map((p) => [p.kind, p.firstLine, p.lastLine]), [['context', 0, 0], ['hit', 1, 1], ['context', 2, 3], ['separator', -1, -1], ['overflow', 6, 6]]);
  assert.throws(() => runFilter(index, { text: 'x', context: -1 }), QueryError);
  assert.throws(() => runFilter(index, { text: 'x', context: 1.5 }), QueryError);
});

test('context in keyed filters surrounds whole sessions; context ignores level and interval', () => {
  const index = open(TEXT);
  assert.equal(filterText(index, { text: 'closed', keyed: true, context: 1 }), lines(4, 5, 6, 8, 9, 10));
  // Record 2 (level 3) is context around the level-2 hit 1, although the threshold hides level 3 as a hit.
  assert.equal(filterText(index, { text: 'IMAP', level: '2', context: 1, to: '10:00:00' }), lines(0, 1));
});

test('plain texts searched as bytes agree with the decoded path, across chunk boundaries', () => {
  // A log with needles spread over records, continuation lines, CRLF and header columns (never matched).
  const rows: string[] = [];
  const words = ['alpha', 'beta', 'gamma', 'delta'];
  for (let i = 0; i < 300; i++) {
    rows.push(`10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000 ${i % 6} SMTP-${i % 17}([10.0.0.${i % 5}]) ${words[i % 4]} ${words[(i * 7) % 4]}${i % 5 === 0 ? '\r\n  more ' + words[(i * 3) % 4] : ''}`);
  }
  const index = open(rows.join('\n') + '\n');
  const queries: FilterQuery[] = [
    { texts: ['alpha', 'beta'] },
    { text: 'gamma', excludeTexts: ['delta', 'beta'] },
    { excludeTexts: ['alpha'] },
    { texts: ['more alpha'], excludeTexts: ['SMTP-3('] },
    { texts: ['10:00'] },
  ];
  for (const q of queries) {
    const asRegex = (l: string[] | undefined): string[] => (l ?? []).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const decoded: FilterQuery = { regexes: asRegex([...(q.text === undefined ? [] : [q.text]), ...(q.texts ?? [])]), excludeRegexes: asRegex(q.excludeTexts) };
    const expected = runFilter(index, decoded).items;
    for (const chunkSize of [5, 64, 1 << 20]) assert.deepEqual(runFilter(index, q, { chunkSize }).items, expected, `${JSON.stringify(q)} chunk ${chunkSize}`);
  }
});
