// `msglog sessions` indexes a log a window at a time and keeps of its records only each session's
// first and last (LogIndex.buildSessionEnds). Every session summary must be what the whole index
// gives: on the samples of each dialect in time order, the real CommuniGate log, a generated day and
// lines of every shape, with windows down to one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expandInputs, listSessions, LogIndex, LogSet, MemorySource, sessionsInMergedOrder, sessionSummary } from '../../server/src/engine';
import type { Dialect, ParseContext } from '../../server/src/engine';
import { communigate } from '../../server/src/engine/dialects/communigate';
import { EDGE_LINES, ROOT } from './helpers';

/** Every session summary of `bytes` from the whole index and from session ends gathered per window. */
function assertSameSessions(bytes: Buffer, dialect: Dialect, ctx: ParseContext, windows: number[], label: string): void {
  const whole = new LogIndex(new MemorySource(bytes), dialect, ctx);
  whole.build();
  const expected = listSessions(whole).map((x) => JSON.stringify(x));
  assert.ok(whole.sessionCount > 1, `${label}: sessions to compare`);
  for (const windowBytes of windows) {
    const ends = new LogIndex(new MemorySource(bytes), dialect, ctx);
    ends.buildSessionEnds(windowBytes);
    const what = `${label}, windows of ${windowBytes} bytes`;
    assert.equal(ends.sessionCount, whole.sessionCount, what);
    assert.equal(ends.recordCount, 2 * whole.sessionCount, `${what}: two records kept a session`);
    assert.equal(ends.lineCount, whole.lineCount, what);
    // The first session that differs, not the whole list.
    const got = listSessions(ends).map((x) => JSON.stringify(x));
    const at = got.findIndex((x, s) => x !== expected[s]);
    assert.equal(at, -1, `${what}: session ${at}\n${got[at]}\n${expected[at]}`);
  }
}

test('session ends = the whole index: samples of every dialect in time order', async () => {
  for (const sample of ['samples/communigate/SystemLogs/2026-01-15.log', 'samples/emg/log/connector.smpp1', 'samples/axigen/log/everything.txt', 'samples/messaging-server/imap.log']) {
    const { files } = await expandInputs([path.join(ROOT, sample)]);
    const [f] = files;
    const ctx = { fileName: f.name, mtimeMs: f.mtimeMs };
    assertSameSessions(fs.readFileSync(f.path), f.dialect, ctx, [1, 61, 997, 1 << 20], sample);
  }
});

test('session ends = the whole index: the real CommuniGate log, a generated day, lines of every shape', () => {
  const ctx = { fileName: '2026-01-15.log' };
  assertSameSessions(fs.readFileSync(path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log')), communigate, ctx, [1, 4096, 65536], 'real');
  const edges = Buffer.from(EDGE_LINES.join('\n') + '\n');
  assertSameSessions(edges, communigate, ctx, [1, 29, 97], 'every shape');
  assertSameSessions(Buffer.from(EDGE_LINES.join('\r\n')), communigate, ctx, [1, 29, 97], 'every shape, CRLF, no final line end');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-ends-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '2', file, '23'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assertSameSessions(fs.readFileSync(file), communigate, ctx, [65536, 1 << 20], 'generated');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('several logs: msglog sessions lists them in the merged order of every record (session ends are kept for one log only)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-ends-set-'));
  try {
    const files: string[] = [];
    for (const [node, seed] of [['a', '43'], ['b', '47']]) {
      fs.mkdirSync(path.join(dir, node));
      const file = path.join(dir, node, '2026-01-15.log');
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '1', file, seed], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      files.push(file);
    }
    const { files: logs } = await expandInputs(files);
    const listed = async (sessionEnds: boolean): Promise<string[]> => {
      const set = await LogSet.open(logs, { sessionEnds });
      try {
        return [...sessionsInMergedOrder(set)].map(([src, s]) => `${src} ${JSON.stringify(sessionSummary(set.sources[src].index, s))}`);
      } finally {
        set.close();
      }
    };
    const whole = await listed(false);
    assert.ok(new Set(whole.slice(0, 50).map((x) => x[0])).size === 2, 'the logs interleave');
    assert.deepEqual(await listed(true), whole);
    // One log: its session ends are what it lists.
    const one = await LogSet.open(logs.slice(0, 1), { sessionEnds: true });
    try {
      assert.equal(one.sources[0].index.recordCount, 2 * one.sources[0].index.sessionCount);
    } finally {
      one.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
