// A capped diagnostics list builds only the diagnostics it shows and counts the rest from the record
// arrays (diagnosticCounts): the counts must be the diagnostics list's, for every dialect and every kind of
// diagnostic, the "N more" of the capped list must say how many were left out, and none past the cap is made.
import assert from 'node:assert/strict';
import { test, before, after } from 'node:test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { LogIndex } from '../../server/src/engine';
import { diagnosticCounts, diagnostics, eachDiagnostic, openLog } from '../../server/src/engine';
import { computeDiagnostics } from '../../server/src/features/diagnostics';
import type { LogEntry } from '../../server/src/logCache';
import { ROOT, REAL_LOG } from './helpers';

const GENERATOR = path.join(ROOT, 'scripts/gen-logs.mjs');
let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-diag-counts-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function generated(dialect: string, name: string): LogIndex {
  const file = path.join(dir, name);
  const r = spawnSync(process.execPath, [GENERATOR, dialect, '0.5', file, '7'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return openLog(fs.readFileSync(file), { fileName: name });
}

function generatorCounts(index: LogIndex): { errors: number; warnings: number; codes: Set<string> } {
  let errors = 0;
  let warnings = 0;
  const codes = new Set<string>();
  for (const d of diagnostics(index)) {
    codes.add(d.code);
    if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings, codes };
}

function entryOf(index: LogIndex): LogEntry {
  return { uri: 'untitled:x', version: 1, index, problem: undefined, mode: 'forced', languageId: index.dialect.id, toleranceMs: 1000 };
}

const CGP_EDGES = [
  '12:00:00.000 0 SYSTEM crashed hard',
  '12:00:01.000 1 SMTP-1([1.2.3.4]) critical',
  '12:00:02.000 2 SMTP-1([1.2.3.4]) an error',
  '12:00:03.000 3 SMTP-1([1.2.3.4]) a warning',
  '***',
  '***',
  '11:00:00.000 4 SMTP-1([1.2.3.4]) back in time',
  '12:00:04.000 5 SMTP-1([1.2.3.4]) fine',
  '12:00:05 garbage without a level',
  '',
].join('\n');

test('diagnosticCounts agrees with the diagnostics list on every dialect', () => {
  const indexes: [string, LogIndex][] = [
    ['edges', openLog(Buffer.from(CGP_EDGES), { dialect: 'communigate-log' })],
    ['real CommuniGate log', openLog(fs.readFileSync(REAL_LOG), { fileName: path.basename(REAL_LOG) })],
    ['communigate', generated('communigate', '2026-01-15.log')],
    ['emg', generated('emg', 'connector.smpp1')],
    ['axigen', generated('axigen', 'everything.txt')],
    ['messaging-server', generated('messaging-server', 'imap.log')],
    ['privateserver', generated('privateserver', 'sip-sessions.tsv')],
  ];
  const seen = new Set<string>();
  for (const [name, index] of indexes) {
    const expected = generatorCounts(index);
    for (const c of expected.codes) seen.add(c);
    assert.deepEqual(diagnosticCounts(index), { errors: expected.errors, warnings: expected.warnings }, name);
  }
  // Every kind of diagnostic was counted somewhere (else the comparison proves less than it says).
  assert.deepEqual([...seen].sort(), ['crash', 'event-error', 'level', 'malformed', 'overflow', 'time-regression']);
});

test('a capped list shows the first diagnostics in order and counts the rest, with and without warnings', () => {
  const index = generated('communigate', 'capped-2026-01-15.log');
  const all = [...diagnostics(index)];
  const errors = all.filter((d) => d.severity === 'error');
  assert.ok(all.length > 20 && errors.length > 5, `${all.length} diagnostics, ${errors.length} errors`);
  for (const [minimum, expected] of [['warning', all], ['error', errors]] as const) {
    const capped = computeDiagnostics(entryOf(index), 5, minimum);
    assert.equal(capped.length, 6);
    assert.deepEqual(capped.slice(0, 5).map((d) => [d.range.start.line, d.code, d.message]), expected.slice(0, 5).map((d) => [d.line, d.code, d.message]));
    assert.equal(String(capped[5].message).split(' not shown')[0], `${expected.length - 5} more diagnostics`, minimum);
    assert.equal(computeDiagnostics(entryOf(index), expected.length, minimum).length, expected.length, 'exactly at the cap: no "more"');
  }
});

test('a sink that says stop gets no diagnostic after it, whichever kind it stopped at', () => {
  const index = openLog(Buffer.from(CGP_EDGES), { dialect: 'communigate-log' });
  const all = diagnostics(index);
  // Every kind, so that each place a diagnostic is handed over is a place to stop at.
  assert.deepEqual([...new Set(all.map((d) => d.code))].sort(), ['crash', 'level', 'overflow', 'time-regression']);
  for (let stopAt = 1; stopAt <= all.length; stopAt++) {
    const handed: string[] = [];
    eachDiagnostic(index, (d) => {
      handed.push(`${d.line} ${d.code}`);
      return handed.length < stopAt;
    });
    assert.deepEqual(handed, all.slice(0, stopAt).map((d) => `${d.line} ${d.code}`), `stopped at ${stopAt}`);
  }
});
