// The real CommuniGate Pro log: the engine against an independent line-by-line reading of FORMATS §2.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { openLog, listSessions, diagnostics, goToTime } from '../../server/src/engine';
import { filterText, REAL_LOG } from './helpers';

const bytes = fs.readFileSync(REAL_LOG);
const lines = bytes.toString('utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();

/** FORMATS §2.1 session keys with regular expressions, one line at a time. */
function referenceKey(line: string): string {
  const rest = /^\d\d:\d\d:\d\d(?:\.\d+)? [0-5] (.*)$/.exec(line)![1];
  const prefix = rest.split(' ')[0];
  const numbered = /^([A-Za-z0-9_]+-\d+)/.exec(prefix);
  if (numbered) return numbered[1];
  const thread = /^([A-Za-z0-9_]+)\(\d+\) (\d+):/.exec(rest);
  if (thread) return `${thread[1]}-${thread[2]}`;
  return prefix;
}

const index = openLog(bytes, { fileName: 'communigate-6.3.6a-xims-sip.log' });

test('every line of the real log is a record with the FORMATS §2.1 session key', () => {
  assert.equal(index.dialect.id, 'communigate-log');
  assert.equal(index.recordCount, 4280);
  assert.equal(lines.length, 4280);
  for (let r = 0; r < index.recordCount; r++) {
    assert.equal(index.sessionKey(index.recSession[r]), referenceKey(lines[r]), `line ${r + 1}`);
  }
});

test('sessions of the real log agree with the records', () => {
  const sessions = listSessions(index);
  const expected = new Map<string, number[]>();
  lines.forEach((l, i) => {
    const k = referenceKey(l);
    expected.set(k, [...(expected.get(k) ?? []), i]);
  });
  assert.equal(sessions.length, expected.size);
  for (const s of sessions) {
    const ls = expected.get(s.key)!;
    assert.deepEqual([s.firstLine, s.lastLine, s.records], [ls[0], ls[ls.length - 1], ls.length], s.key);
  }
  assert.deepEqual(sessions.slice(0, 3).map((s) => s.key), ['HTTPA-000009', 'HTTPU', 'HTTPU-000029']);
  assert.equal(sessions.find((s) => s.key === 'SIGNAL-000056')?.component, 'SIGNAL');
});

test('keyed filter "read failed" outputs every record of the failing HTTPU sessions', () => {
  const failing = new Set(lines.filter((l) => l.includes('read failed')).map(referenceKey));
  assert.equal(failing.size, 17);
  const expected = lines.filter((l) => failing.has(referenceKey(l)));
  const out = filterText(index, { text: 'read failed', keyed: true });
  assert.deepEqual(out.split('\n').slice(0, -1), expected);
  const problems = filterText(index, { text: 'read failed', keyed: true, level: '3' });
  assert.equal(problems.split('\n').length - 1, 17);
});

test('diagnostics of the real log: its 17 level-3 records', () => {
  const all = [...diagnostics(index)];
  const level3 = lines.flatMap((l, i) => (/^\S+ 3 /.test(l) ? [i] : []));
  assert.deepEqual(all.map((d) => [d.line, d.code, d.severity]), level3.map((i) => [i, 'level', 'warning']));
});

test('go to time in the real log', () => {
  const r = goToTime(index, '12:40');
  assert.equal(index.recStartLine[r], lines.findIndex((l) => l >= '12:40'));
  assert.equal(goToTime(index, '13:00'), -1);
});
