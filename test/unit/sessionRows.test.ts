// msglog sessions as text, written from the arrays into bytes (sessionRows.ts): every row must be the
// one the list wrote before with strings, a summary object and padEnd a session (the reference below).
// Keys and stamps that are not ASCII, keys longer than the key column, sessions with problems and a
// dialog, several files (each row names its file), a table exported newest first, every dialect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { problems as describeProblems } from '../../common/describe';
import { JsonBytes, LogSet, rowWidths, SessionRows, sessionSummary, sessionsInMergedOrder } from '../../server/src/engine';
import type { LogFile } from '../../server/src/engine';
import { DIALECTS } from '../../server/src/engine/dialects';
import { ROOT } from './helpers';
import { CTX, SAMPLES } from './partSamples';

const BIN = path.join(ROOT, 'bin/msglog.js');

/** The list as msglog sessions wrote it before: widths from decoded keys, a template string a row, trimmed. */
function reference(set: LogSet, prefixed: boolean): string {
  let key = 0;
  let records = 1;
  let time = 0;
  let lineCount = 1;
  for (const { index } of set.sources) {
    for (let id = 0; id < index.sessionCount; id++) {
      key = Math.max(key, Math.min(40, index.sessionKey(id).length));
      records = Math.max(records, index.sessionRecordCount[id]);
    }
    if (index.recordCount > 0) time = Math.max(time, index.timestampText(0).length);
    lineCount = Math.max(lineCount, index.lineCount);
  }
  const columns = { key, time, records: String(records).length, lines: 6 + 2 * String(lineCount).length + 1 };
  let out = '';
  for (const [src, id] of sessionsInMergedOrder(set)) {
    const source = set.sources[src];
    const index = source.index;
    const s = sessionSummary(index, id);
    const first = source.locateRecord(index.sessionFirst[id]);
    const lastRecord = index.sessionLast[id];
    const last = source.locate(index.endLineOf(lastRecord), index.endOffsetOf(lastRecord) - 1);
    const file = source.files[first.file].display;
    const lastFile = source.files[last.file].display;
    const [from, to] = index.descending ? [s.end, s.start] : [s.start, s.end];
    const recordsText = `${String(s.records).padStart(columns.records)} record${s.records === 1 ? ' ' : 's'}`;
    const lines = !prefixed ? `lines ${first.line + 1}-${last.line + 1}` : file === lastFile ? `${file}:${first.line + 1}-${last.line + 1}` : `${file}:${first.line + 1}-${lastFile}:${last.line + 1}`;
    const problems = s.problems ? `  ${describeProblems(s.problems)}` : '';
    const dialog = s.dialog ? `  dialog ${s.dialog}` : '';
    out += `${`${s.key.padEnd(columns.key)}  ${from.padEnd(columns.time)} – ${to.padEnd(columns.time)}  ${recordsText}  ${lines.padEnd(columns.lines)}${problems}${dialog}`.trimEnd()}\n`;
  }
  return out;
}

/** The rows SessionRows writes of the set, in the same order. */
function rows(set: LogSet, prefixed: boolean): string {
  const w = new JsonBytes();
  const widths = rowWidths(set.sources.map((source) => source.index));
  const writers = set.sources.map((source) => new SessionRows(source.index, source, w, prefixed, widths));
  for (const [src, id] of sessionsInMergedOrder(set)) writers[src].write(id);
  return w.take().toString('utf8');
}

function logFile(file: string, dialogId: string, arg = 0): LogFile {
  const dialect = DIALECTS.find((d) => d.id === dialogId);
  assert.ok(dialect, dialogId);
  return { path: file, name: path.basename(file), display: file, arg, dialect, mtimeMs: CTX.mtimeMs ?? 0 };
}

/** Logs whose rows are hard to pad: keys and stamps beyond ASCII, a key longer than its column, problems, dialogs, a newest-first table. */
const ODD: Record<string, string[]> = {
  'communigate-log': [
    '00:00:01.000 5 SIPDATA-000001 inp: req udp [10.0.0.1]:5060',
    '  Call-ID: a1b2@host',
    '00:00:01.500 2 SMTP-1([1.2.3.4]) failed: it broke',
    '00:00:02.000 1 SMTP-1([1.2.3.4]) crashed again',
    '00:00:02.100 5 AVERYLONGCOMPONENTNAMEWELLBEYONDFORTYCHARACTERS-1 long key',
    '00:00:02.200 5 IMAP-3([1.2.3.4]) one record',
    '00:00:03 5 SIPDATA-000002 inp: req udp [10.0.0.2]:5060',
    '  Call-ID: caf\u00e9-\u00fc@host\t ',
    '00:00:04 5 SIPDATA-000003 inp: req udp [10.0.0.3]:5060',
    '  Call-ID: nbsp@host\u00a0',
  ],
  'privateserver-log': [
    'SessionLogEntry List',
    '',
    'Timestamp\tEvent\tSource\tPeername\tAccount\tDetails\tUseragent\tRemoteaddr\tTiscipher\tReconciled',
    '2026-01-15 23:59:59.951\tDISCONNECT\tCLIENT\tJ\u00fcrgen M\u00fcller\t\tNETWORK_ERROR\tZoiper\t1.2.3.4:5\t\ttrue',
    '2026-01-15 23:59:58.000\tDISCONNECT\tCLIENT\tAn account name that is longer than forty characters\t\tCLIENT_CLOSED\tZoiper\t1.2.3.4:6\t\ttrue',
    '2026-01-15 23:59:57.000\tDISCONNECT\tCLIENT\t903\t\tNETWORK_ERROR\tZoiper\t1.2.3.4:7\t\ttrue',
    '2026-01-15 23:59:56.000\tDISCONNECT\tCLIENT\t903\t\tCLIENT_CLOSED\tZoiper\t1.2.3.4:7\t\ttrue',
  ],
};

test('the rows written from the arrays are the rows the list wrote with strings, in every dialect and for odd keys, stamps, dialogs and problems', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-rows-'));
  try {
    const logs = [...Object.entries(SAMPLES), ...Object.entries(ODD).map(([id, lines]): [string, string[]] => [`${id}`, lines])];
    let checked = 0;
    for (const [k, [id, lines]] of logs.entries()) {
      const file = path.join(dir, `${k}-2026-01-15.log`);
      fs.writeFileSync(file, lines.join('\n') + '\n');
      const set = await LogSet.open([logFile(file, id)], { sessionEnds: true });
      try {
        assert.ok(set.sources[0].index.sessionCount > 0, `${id}: sessions to list`);
        assert.equal(rows(set, false), reference(set, false), `${id}, log ${k}`);
        assert.equal(rows(set, true), reference(set, true), `${id}, log ${k}, files named`);
        checked++;
      } finally {
        set.close();
      }
    }
    assert.equal(checked, logs.length);
    // What the odd logs are there for, as the list shows them.
    const odd = spawnSync(process.execPath, [BIN, 'sessions', path.join(dir, `${Object.keys(SAMPLES).length}-2026-01-15.log`)], { encoding: 'utf8' }).stdout;
    assert.match(odd, /^AVERYLONGCOMPONENTNAMEWELLBEYONDFORTYCHARACTERS-1  00:00:02\.100/m, 'a key longer than the column is not padded');
    assert.match(odd, /^SMTP-1 +00:00:01\.500 – 00:00:02\.000 +2 records +lines 3-4 +1 problem$/m, 'a problem counted, after the padded lines');
    assert.match(odd, /dialog caf\u00e9-\u00fc@host$/m, 'a dialog beyond ASCII, its trailing blanks trimmed');
    assert.match(odd, /dialog nbsp@host$/m, 'a dialog ending in a no-break space, trimmed as the row was');
    const table = spawnSync(process.execPath, [BIN, 'sessions', path.join(dir, `${Object.keys(SAMPLES).length + 1}-2026-01-15.log`)], { encoding: 'utf8' }).stdout;
    assert.match(table, /^J\u00fcrgen M\u00fcller {29}2026-01-15 23:59:59\.951/m, 'a key beyond ASCII padded by its characters, not its bytes');
    assert.match(table, /^903 +2026-01-15 23:59:56\.000 – 2026-01-15 23:59:57\.000 +2 records/m, 'a newest-first table: earliest – latest');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('rows of several files name each file, as the list wrote them with strings', async () => {
  const many = path.join(ROOT, 'test/fixtures/many');
  const files = [
    logFile(path.join(many, 'cgp/2026-01-14.log'), 'communigate-log', 0),
    logFile(path.join(many, 'cgp/2026-01-15.log'), 'communigate-log', 0),
    logFile(path.join(many, 'delivery/2026-01-15.log'), 'communigate-log', 1),
  ];
  const set = await LogSet.open(files, { sessionEnds: true });
  try {
    const written = rows(set, true);
    assert.equal(written, reference(set, true));
    assert.match(written, /2026-01-1[45]\.log:\d+-/, 'rows name their files');
  } finally {
    set.close();
  }
});
