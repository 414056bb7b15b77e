// msglog check writes a day's level and failed-event diagnostics from bytes (checkLines.ts: the kept
// line's ASCII bytes, the label's, the head's) where the server and check --json make each message as a
// string (factMessage). Both must say the same, character for character: a line that is ASCII only up
// to the end of what is quoted, a text cut at EXCERPT characters, a label decided by the text (EMG's
// orphaned messages), and lines that are not ASCII, which keep to the string path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { CheckBytes, CheckHeads, diagnosticFacts, diagnostics, LogIndex, MemorySource, writeCheckLine } from '../../server/src/engine';
import type { Dialect } from '../../server/src/engine';
import { asciiExcerpt, EXCERPT } from '../../server/src/engine/diagnostics';
import { DIALECTS } from '../../server/src/engine/dialects';
import { emg } from '../../server/src/engine/dialects/emg';
import { ROOT } from './helpers';

const CTX = { fileName: 'connector.smpp1', mtimeMs: Date.UTC(2026, 2, 1) };

/** check's text lines as check writes them (the kept lines: bytes where they are ASCII). */
function written(bytes: Buffer, dialect: Dialect, ctx = CTX): { text: string; fromBytes: number } {
  const index = new LogIndex(new MemorySource(bytes), dialect, ctx);
  index.build({ keyless: true, problemLines: true });
  const sink = new CheckBytes();
  const counts = { errors: 0, warnings: 0, written: 0 };
  const heads = new CheckHeads();
  let fromBytes = 0;
  diagnosticFacts(index, (d) => {
    if (d.message === undefined && asciiExcerpt(index, d.record) !== undefined) fromBytes++;
    writeCheckLine(sink, false, undefined, d.line + 1, d.endLine + 1, d, heads, counts);
  });
  return { text: Buffer.concat(sink.take()).toString('utf8'), fromBytes };
}

/**
 * The same lines from the messages of diagnostics() of an index that keeps no lines (each read back and
 * decoded), as check writes them: in UTF-8 (a text cut inside a surrogate pair ends in U+FFFD).
 */
function fromMessages(bytes: Buffer, dialect: Dialect, ctx = CTX): string {
  const index = new LogIndex(new MemorySource(bytes), dialect, ctx);
  index.build();
  const text = [...diagnostics(index)].map((d) => `${d.line + 1}: ${d.severity} ${d.code}: ${d.message}\n`).join('');
  return Buffer.from(text, 'utf8').toString('utf8');
}

const pad = (n: number): string => 'x'.repeat(n);

/** EMG connector lines around what decides a failed event's label and the bytes path. */
const EMG_LINES = [
  'Sep 11 22:34:30.000 (2) CONNECT OK',
  'Sep 11 22:34:34.433 (2) RECEIVE OK (orphaned) 001:71 022:stenor 059:mgp 008:1234 017:3',
  'Sep 11 22:34:34.434 (2) RECEIVE OK (id=5, orphaned ,x=1) 001:72',
  'Sep 11 22:34:34.435 (2) RECEIVE OK (info="z",orphaned) 001:73',
  // `orphaned` in the text but not as the regular expression has it: failed events as any.
  'Sep 11 22:34:34.436 (2) SEND ERR (pdu=1/1,info="orphaned") 001:74',
  'Sep 11 22:34:34.437 (2) SEND ERR (pdu=1/1) 001:75 x) MSG OK (orphaned) later',
  // The label is decided on the text as quoted: `orphaned` past its EXCERPT characters does not count.
  `Sep 11 22:34:34.438 (2) SEND ERR (pdu=1/1) ${pad(EXCERPT - 40)} y) MSG OK (orphaned)`,
  `Sep 11 22:34:34.439 (2) SEND ERR (pdu=1/1) ${pad(EXCERPT - 60)} y) MSG OK (orphaned)`,
  // Cut at exactly EXCERPT characters, one more, one fewer.
  `Sep 11 22:34:34.440 (2) SEND ERR (pdu=1/1) ${pad(EXCERPT - 'SEND ERR (pdu=1/1) '.length - 4)}`,
  `Sep 11 22:34:34.441 (2) SEND ERR (pdu=1/1) ${pad(EXCERPT - 'SEND ERR (pdu=1/1) '.length - 3)}`,
  `Sep 11 22:34:34.442 (2) SEND ERR (pdu=1/1) ${pad(EXCERPT - 'SEND ERR (pdu=1/1) '.length - 5)}`,
  // Not ASCII: in what is quoted (string path), only after it (bytes), and a cut inside a character.
  'Sep 11 22:34:34.443 (2) SEND ERR (pdu=1/1,info="café") 001:76',
  `Sep 11 22:34:34.443 (2) SEND ERR (pdu=1/1,info="é") ${pad(EXCERPT)}`,
  // Within EXCERPT characters but past EXCERPT bytes: the label is the text's, not its first bytes'.
  `Sep 11 22:34:34.443 (2) SEND ERR (pdu=1/1,info="${'é'.repeat(50)}") x) MSG OK (orphaned)`,
  `Sep 11 22:34:34.444 (2) SEND ERR (pdu=1/1) ${pad(EXCERPT)} café ☎ \xff`,
  `Sep 11 22:34:34.445 (2) SEND ERR (pdu=1/1) ${pad(EXCERPT - 'SEND ERR (pdu=1/1) '.length - 5)}😀😀`,
  'Sep 11 22:34:34.446 (2) RECEIVE OK (orphaned) 001:77 022:søren',
  // Fatal events are errors; a level line of the general log.
  'Sep 11 22:35:31.000 (4) REJECT ERR (info="bad destination")',
  'Sep 11 22:35:32.000 ERROR something failed in the general log',
  'Sep 11 22:35:33.000 (2) DISCONNECT OK',
];

test('check text from bytes: EMG failed events and their labels, cut, not ASCII, as the messages say', () => {
  for (const ending of ['\n', '\r\n']) {
    // As UTF-8, and byte for byte (what is past 0x7f then is not UTF-8: it decodes to U+FFFD).
    for (const encoding of ['utf8', 'latin1'] as const) {
      const log = Buffer.from(EMG_LINES.join(ending) + ending, encoding);
      const got = written(log, emg);
      assert.deepEqual(got.text.split('\n'), fromMessages(log, emg).split('\n'), `${encoding}, ${JSON.stringify(ending)}`);
      assert.ok(got.fromBytes >= 12, `most lines are written from bytes (${got.fromBytes})`);
    }
  }
  const text = written(Buffer.from(EMG_LINES.join('\n') + '\n'), emg).text;
  assert.equal(text.split('\n').filter((l) => l.includes('Orphaned: no route')).length, 7, 'the orphaned RECEIVEs, and the ERRs whose quoted text names one');
  assert.match(text, /^2: warning event-error: Orphaned: no route: \(2\) RECEIVE OK \(orphaned\)/m);
  assert.match(text, /^7: warning event-error: Failed event: \(2\) SEND ERR/m);
  assert.match(text, /^8: warning event-error: Orphaned: no route: \(2\) SEND ERR/m);
  assert.match(text, /^14: warning event-error: Orphaned: no route: \(2\) SEND ERR \(pdu=1\/1,info="é/m);
  assert.match(text, /^18: error event-error: Failed event: \(4\) REJECT ERR/m);
});

test('check text from bytes: every dialect\'s samples, as the messages say', () => {
  const samples: [string, string, { fileName: string; mtimeMs: number }][] = [
    ['communigate-log', 'samples/communigate/SystemLogs/2026-01-15.log', { fileName: '2026-01-15.log', mtimeMs: Date.UTC(2026, 0, 15, 12) }],
    ['emg-log', 'samples/emg/log/connector.smpp1', CTX],
    ['axigen-log', 'samples/axigen/log/everything.txt', { fileName: 'everything.txt', mtimeMs: Date.UTC(2026, 0, 15, 12) }],
    ['messaging-server-log', 'samples/messaging-server/imap.log', { fileName: 'imap.log', mtimeMs: Date.UTC(2026, 0, 15, 12) }],
    ['privateserver-log', 'samples/privateserver/sip-sessions.tsv', { fileName: 'sip-sessions.tsv', mtimeMs: Date.UTC(2026, 0, 15, 12) }],
  ];
  for (const [id, file, ctx] of samples) {
    const dialect = DIALECTS.find((d) => d.id === id);
    assert.ok(dialect, id);
    const bytes = fs.readFileSync(path.join(ROOT, file));
    const got = written(bytes, dialect, ctx);
    assert.ok(got.text.length > 0, `${id}: has diagnostics`);
    assert.equal(got.text, fromMessages(bytes, dialect, ctx), id);
  }
});
