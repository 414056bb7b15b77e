// The second pass of a filter looks only at the records between the first and the last that can be
// printed (the first record of a remembered session, or the first hit, to the last), skipping the rest
// in a tight loop: the records it prints must be those a record-by-record reading of FORMATS §5 gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openLog, runFilter } from '../../server/src/engine';
import type { LogIndex } from '../../server/src/engine';
import { ROOT } from './helpers';

function generatedLog(): LogIndex {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-pass2-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '1', file, '11'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return openLog(fs.readFileSync(file), { fileName: '2026-01-15.log' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Records printed, as `r` or `r~` (context), read record by record. */
function expected(index: LogIndex, text: string, keyed: boolean, context: number): string[] {
  const has = (r: number): boolean => index.body(r).includes(text);
  const remembered = new Set<number>();
  if (keyed) for (let r = 0; r < index.recordCount; r++) if (has(r)) remembered.add(index.recSession[r]);
  const selected = (r: number): boolean => (keyed ? remembered.has(index.recSession[r]) : has(r));
  const out: string[] = [];
  let last = -1;
  let after = -1;
  for (let r = 0; r < index.recordCount; r++) {
    if (selected(r)) {
      for (let q = Math.max(last + 1, r - context); q < r; q++) out.push(`${q}~`);
      out.push(`${r}`);
      last = r;
      after = r + context;
    } else if (r <= after) {
      out.push(`${r}~`);
      last = r;
    }
  }
  return out;
}

test('pass 2 prints what a record-by-record reading gives: keyed and plain, with and without context', () => {
  const index = generatedLog();
  // A session with records far apart, a rare key, a component name (many sessions), absent text.
  let spread = 0;
  for (let s = 1; s < index.sessionCount; s++) if (index.sessionLast[s] - index.sessionFirst[s] > index.sessionLast[spread] - index.sessionFirst[spread]) spread = s;
  const texts = [index.keys.keyOf(spread), index.keys.keyOf(index.sessionCount - 1), index.componentOf(0), 'no such text anywhere'];
  for (const text of texts) {
    for (const keyed of [true, false]) {
      for (const context of [0, 3]) {
        const result = runFilter(index, { text, keyed, ...(context ? { context } : {}) });
        const got = result.items.flatMap((i) => (i.kind === 'record' ? [`${i.record}${i.context ? '~' : ''}`] : []));
        assert.deepEqual(got, expected(index, text, keyed, context), `${text} keyed ${keyed} context ${context}`);
      }
    }
  }
  assert.ok(index.sessionLast[spread] - index.sessionFirst[spread] > 1000, 'a session spread over the log');
});
