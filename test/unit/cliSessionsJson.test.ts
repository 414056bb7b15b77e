// `msglog sessions --json` writes its JSON from the index's arrays into byte buffers: its output must be
// byte for byte what an object per session and JSON.stringify write (the former implementation, kept
// here as the reference), for every dialect, several files, mixed dialects and keys JSON must escape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sessionSummary, sessionsInMergedOrder } from '../../server/src/engine';
import { openLogs } from '../../server/src/cli/inputs';
import { ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
const GENERATOR = path.join(ROOT, 'scripts/gen-logs.mjs');
let dir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-sessions-json-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The JSON of the former implementation: a summary object per session, JSON.stringify each. */
async function reference(files: string[]): Promise<string> {
  const logs = await openLogs({ command: 'sessions', positional: files, flags: new Map() }, files);
  assert.ok(logs);
  const { set, prefixed } = logs;
  const mixed = set.dialect === 'mixed';
  let text = `{"dialect":${JSON.stringify(set.dialect)},"sessions":[`;
  let n = 0;
  for (const [src, id] of sessionsInMergedOrder(set)) {
    const source = set.sources[src];
    const index = source.index;
    const s = sessionSummary(index, id);
    const first = source.locateRecord(index.sessionFirst[id]);
    const lastRecord = index.sessionLast[id];
    const last = source.locate(index.recEndLine[lastRecord], index.recEndOffset[lastRecord] - 1);
    const item: Record<string, unknown> = { key: s.key, component: s.component, firstLine: first.line + 1, lastLine: last.line + 1, records: s.records, start: s.start, end: s.end, problems: s.problems };
    if (prefixed) Object.assign(item, { file: source.files[first.file].display, lastFile: source.files[last.file].display, source: source.name });
    if (mixed) item.dialect = index.dialect.id;
    text += `${n++ ? ',' : ''}\n${JSON.stringify(item)}`;
  }
  return `${text}\n]}\n`;
}

function sessionsJson(files: string[]): { stdout: Buffer; sessions: number } {
  const r = spawnSync(process.execPath, [BIN, 'sessions', ...files, '--json']);
  assert.equal(r.status, 0, r.stderr.toString());
  return { stdout: r.stdout, sessions: (JSON.parse(r.stdout.toString('utf8')) as { sessions: unknown[] }).sessions.length };
}

async function assertSame(files: string[], minSessions: number): Promise<void> {
  const out = sessionsJson(files);
  assert.ok(out.sessions >= minSessions, `${files.join(' ')}: ${out.sessions} sessions`);
  assert.equal(out.stdout.toString('utf8'), await reference(files), files.join(' '));
  // Byte for byte, not only as text: UTF-8 as JSON.stringify's output encodes.
  assert.ok(out.stdout.equals(Buffer.from(await reference(files), 'utf8')));
}

test('sessions --json: the same bytes as JSON.stringify per session, on each dialect\'s sample', async () => {
  for (const file of ['communigate/SystemLogs/2026-01-15.log', 'emg/log/connector.smpp1', 'axigen/log/everything.txt', 'messaging-server/imap.log', 'privateserver/sip-sessions.tsv']) {
    await assertSame([path.join(ROOT, 'samples', file)], 1);
  }
});

test('sessions --json: the same bytes on a generated CommuniGate log of thousands of sessions', async () => {
  const file = path.join(dir, '2026-01-15.log');
  const r = spawnSync(process.execPath, [GENERATOR, 'communigate', '2', file, '3'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  await assertSame([file], 1000);
});

test('sessions --json: the same bytes with several files (file, lastFile, source) and mixed dialects', async () => {
  const many = path.join(ROOT, 'test/fixtures/many');
  await assertSame([path.join(many, 'cgp'), path.join(many, 'member2')], 2);
  await assertSame([path.join(many, 'emg'), path.join(many, 'member2')], 2);
});

test('sessions --json: keys with quotes, backslashes, control and non-ASCII characters are escaped as JSON.stringify does', async () => {
  const file = path.join(dir, 'odd.log');
  const lines = [
    '00:00:01.000 4 IMAP-1([1.2.3.4]) plain',
    '00:00:02.000 4 Q"uote-2([1.2.3.4]) quote',
    '00:00:03.000 4 Back\\slash-3([1.2.3.4]) backslash',
    '00:00:04.000 4 Ünïcode-4([1.2.3.4]) non-ASCII',
    '00:00:05.000 4 Ctl\x01x-5([1.2.3.4]) control',
    '00:00:06.000 4 Bad\xffbyte-6([1.2.3.4]) invalid UTF-8',
  ];
  fs.writeFileSync(file, Buffer.concat(lines.map((l) => Buffer.from(`${l}\n`, l.includes('\xff') ? 'latin1' : 'utf8'))));
  await assertSame([file], 6);
});
