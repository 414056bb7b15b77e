// A filter on one text answered by searching the log (quickFilter) must print what the index's filter
// prints, byte for byte: records with their continuation lines, overflow markers once per run, hits in
// the body only, sessions of every key form — across chunk edges of every size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { communigate } from '../../server/src/engine/dialects/communigate';
import { axigen } from '../../server/src/engine/dialects/axigen';
import { messagingServer } from '../../server/src/engine/dialects/messagingServer';
import { lineNumbersAt, LogIndex, MemorySource, quickFilter } from '../../server/src/engine';
import type { Dialect, ParseContext, QuickFilterResult } from '../../server/src/engine';
import { filterText, ROOT } from './helpers';

const CTX = { fileName: '2026-01-15.log' };

/** A small random number generator with a seed (the log is the same on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A CommuniGate log with every kind of line the search must tell apart, in random order. */
function trickyLog(seed: number, lines: number): string {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const keys = ['IMAP-000012', 'IMAP-000120', 'SMTPI-000005', 'HTTPU-000032', 'SIPDATA-000502'];
  const words = ['read failed', 'connected from [10.0.0.1]', 'sent to SIPC-000234', 'IMAP-000012 closed', 'bob logged in', '12:00:01 in the body', '*** not a marker', 'x'];
  const out: string[] = ['CommuniGate Pro log, a title line', '  preamble with IMAP-000012 and bob'];
  let sec = 0;
  const clock = (): string => {
    sec += Math.floor(r() * 3);
    const t = 12 * 3600 + sec;
    const two = (v: number): string => String(v).padStart(2, '0');
    return `${two(Math.floor(t / 3600) % 24)}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}.${String(Math.floor(r() * 1000)).padStart(3, '0')}`;
  };
  while (out.length < lines) {
    const kind = r();
    if (kind < 0.45) out.push(`${clock()} ${Math.floor(r() * 6)} ${pick(keys)}${pick(['', '([1.2.3.4])', '(x)'])} ${pick(words)}`);
    else if (kind < 0.52) out.push(`${clock()} 2 SIGNAL(3) 000056: ${pick(words)}`);
    else if (kind < 0.55) out.push(`${clock()} 4 SIGNAL-000056 ${pick(words)}`);
    else if (kind < 0.6) out.push(`${clock()} 3 ACCOUNT(bob) ${pick(words)}`);
    else if (kind < 0.64) out.push(`${clock()}\t01\tRELAY\t<a@b>\tfrom@x\tauth\tsubmit\t10.0.0.1\t4411\t<m@x>\t1200\trcpt\ttarget\treport ${pick(words)}`);
    else if (kind < 0.67) out.push(`${clock()}\t01\t${pick(['login', 'failure'])}\tbob\t[10.0.0.2]:143\tIMAP`);
    else if (kind < 0.69) out.push(`${clock()}\tsettings\t${pick(words)}`);
    else if (kind < 0.74) out.push(`***`);
    else if (kind < 0.76) out.push(`***   `);
    else if (kind < 0.9) out.push(`  ${pick(['inp: Call-ID: abc@host', 'continued IMAP-000012', 'bob', 'more text'])}`);
    else if (kind < 0.93) out.push('');
    else out.push(`${clock()} 2 ${pick(words)}`);
  }
  return out.join('\n');
}

/** The bytes a quick result prints. */
function printed(bytes: Buffer, result: QuickFilterResult): string {
  const parts: Buffer[] = [];
  for (let i = 0; i < result.ranges.length; i += 2) parts.push(bytes.subarray(result.ranges[i], result.ranges[i + 1]));
  return Buffer.concat(parts).toString('utf8');
}

function compare(bytes: Buffer, texts: string[], chunkSizes: number[], label: string, file?: string, dialect: Dialect = communigate, ctx: ParseContext = CTX): number {
  const index = new LogIndex(new MemorySource(bytes), dialect, ctx);
  index.build();
  let answered = 0;
  for (const text of texts) {
    for (const keyed of [false, true]) {
      const expected = filterText(index, { text, keyed });
      const records = index.recordCount === 0 ? 0 : expected.length;
      for (const chunkSize of chunkSizes) {
        // On one thread, and with a worker searching the file (headerLinesJob) beside this thread.
        for (const path of file === undefined || ![64, 1 << 20].includes(chunkSize) ? [undefined] : [undefined, file]) {
          const result = quickFilter(new MemorySource(bytes), dialect, ctx, text, keyed, { chunkSize, path, threaded: path !== undefined });
          if (result === undefined) continue;
          answered++;
          assert.equal(printed(bytes, result), expected, `${label}: "${text}" keyed ${keyed}, chunks of ${chunkSize}${path ? ', two threads' : ''}`);
          if (records === 0) assert.equal(result.records, 0);
        }
      }
    }
  }
  return answered;
}

test('quick filter = indexed filter on a log of every kind of line, chunks of every size', () => {
  const texts = ['IMAP-000012', 'IMAP-000120', 'SMTPI-000005', 'SIGNAL-000056', 'SIGNAL', '000056', 'ACCOUNT(bob)', 'bob', '4411', 'Call-ID: abc@host', 'read failed', '12:00:0', '12:00:01', ' 2 ', '***', 'x', 'settings', 'nowhere at all'];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-quick-'));
  try {
    for (const [seed, end] of [[1, ''], [2, '\n'], [3, '\n***\n'], [4, '\n  continued IMAP-000012']] as const) {
      const bytes = Buffer.from(trickyLog(seed, 400) + end, 'utf8');
      const file = path.join(dir, `${seed}.log`);
      fs.writeFileSync(file, bytes);
      const answered = compare(bytes, texts, [23, 64, 500, 4096, 1 << 20], `seed ${seed}`, file);
      // Texts naming few sessions are answered; only keys found everywhere (digits, blanks) may fall back.
      assert.ok(answered >= texts.length * 5, `answered ${answered}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('quick filter = indexed filter on the real CommuniGate log and a generated one', () => {
  const real = fs.readFileSync(path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log'));
  const realIndex = new LogIndex(new MemorySource(real), communigate, CTX);
  realIndex.build();
  const sessions = [1, 7, Math.floor(realIndex.sessionCount / 2), realIndex.sessionCount - 1].map((s) => realIndex.keys.keyOf(s));
  const realTexts = [...sessions, 'Call-ID:', 'SIPDATA', '180 Ringing', 'BYE sip:'];
  assert.ok(compare(real, realTexts, [4096, 65536, 1 << 24], 'real') >= sessions.length * 2 * 3);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-quick-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '2', file, '5'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const generated = fs.readFileSync(file);
    const index = new LogIndex(new MemorySource(generated), communigate, CTX);
    index.build();
    const keys = [3, 40, Math.floor(index.sessionCount / 2), index.sessionCount - 1].map((s) => index.keys.keyOf(s));
    assert.ok(compare(generated, [...keys, 'read failed'], [1 << 16, 1 << 24], 'generated') >= keys.length * 2 * 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('quick filter = indexed filter on generated Axigen and Messaging Server logs (keys written whole on their headers)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-quick-'));
  try {
    for (const [name, dialect] of [['axigen', axigen], ['messaging-server', messagingServer]] as const) {
      const file = path.join(dir, `${name}.log`);
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), name, '1', file, '7'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      // Blanks before some headers (pasted text), which both dialects accept.
      const bytes = Buffer.from(fs.readFileSync(file, 'utf8').replace(/\n(.)/g, (m, c: string, at: number) => (at % 7 === 0 ? `\n  ${c}` : m)));
      fs.writeFileSync(file, bytes);
      const ctx = { fileName: `${name}.log`, mtimeMs: fs.statSync(file).mtimeMs };
      const index = new LogIndex(new MemorySource(bytes), dialect, ctx);
      index.build();
      assert.ok(index.sessionCount > 2, `${name}: ${index.sessionCount} sessions`);
      const keys = [0, 5, Math.floor(index.sessionCount / 2), index.sessionCount - 1].map((s) => index.keys.keyOf(s));
      const answered = compare(bytes, [...keys, 'failed', 'nowhere at all'], [300, 1 << 16], name, file, dialect, ctx);
      assert.ok(answered >= keys.length * 2 * 2, `${name}: answered ${answered}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker finding many header lines (thread forms of every session) hands them over whole', () => {
  // 150,000 thread-form lines: what the worker returns is far longer than the argument list of a call.
  const lines = Array.from({ length: 150_000 }, (_, i) => `12:00:00.000 2 SIGNAL(3) ${String(i % 90_000).padStart(6, '0')}: processing ${i}`);
  lines.splice(1000, 0, '12:00:00.000 2 SIGNAL-000056 the one by name');
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-quick-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    fs.writeFileSync(file, bytes);
    const index = new LogIndex(new MemorySource(bytes), communigate, CTX);
    index.build();
    const result = quickFilter(new MemorySource(bytes), communigate, CTX, 'SIGNAL-000056', true, { path: file, threaded: true });
    assert.ok(result !== undefined);
    assert.equal(printed(bytes, result), filterText(index, { text: 'SIGNAL-000056', keyed: true }));
    assert.equal(result.records, 3, 'the record by name and the two thread-form records of session 56');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('lineNumbersAt counts the lines before each offset as the index numbers them, across chunk edges', () => {
  const bytes = Buffer.from(trickyLog(5, 300) + '\n');
  const index = new LogIndex(new MemorySource(bytes), communigate, CTX);
  index.build();
  const starts = Array.from({ length: index.recordCount }, (_, r) => index.recStartOffset[r]);
  const lines = Array.from({ length: index.recordCount }, (_, r) => index.recStartLine[r]);
  for (const chunkSize of [7, 64, 1000, 1 << 20]) assert.deepEqual(lineNumbersAt(new MemorySource(bytes), starts, chunkSize), lines, `chunks of ${chunkSize}`);
  assert.deepEqual(lineNumbersAt(new MemorySource(bytes), [], 64), []);
});

test('quick filter declines what it cannot answer as the index does', () => {
  const crlf = Buffer.from('12:00:00.000 2 IMAP-1 a\r\n12:00:01.000 2 IMAP-1 b\r\n');
  assert.equal(quickFilter(new MemorySource(crlf), communigate, CTX, 'IMAP-1', true), undefined, 'CR line ends');
  const log = Buffer.from('12:00:00.000 2 IMAP-1 a\n12:00:01.000 2 IMAP-1 b\n');
  assert.equal(quickFilter(new MemorySource(log), communigate, CTX, 'a\nb', false), undefined, 'text over two lines');
  assert.equal(quickFilter(new MemorySource(log), communigate, CTX, '', false), undefined, 'empty text');
  // Many sessions remembered: one search per key would be slower than the index.
  const many = Buffer.from(Array.from({ length: 20 }, (_, i) => `12:00:00.000 2 IMAP-${i} common\n`).join(''));
  assert.equal(quickFilter(new MemorySource(many), communigate, CTX, 'common', true), undefined, 'too many keys');
  assert.notEqual(quickFilter(new MemorySource(many), communigate, CTX, 'common', false), undefined, 'plain: no keys to search');
  // A session that is most of the log: printing it record by record from a search is slower than indexing.
  const session = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => `12:00:00.000 2 IMAP-1 line ${i === 7 ? 'needle' : i}\n`).join(''));
  assert.equal(quickFilter(new MemorySource(session(60_000)), communigate, CTX, 'needle', true), undefined, 'dense session');
  assert.equal(quickFilter(new MemorySource(session(100)), communigate, CTX, 'needle', true)?.records, 100, 'the same session, small');
});

test('msglog filter FILE --text S [--keyed] prints, says and exits as the indexed filter does', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-quick-cli-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    fs.writeFileSync(file, trickyLog(9, 300) + '\n***\n');
    const run = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/msglog.js'), 'filter', file, ...args], { encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    // A forced dialect takes the indexed path (it must say when no line is a record of that dialect).
    const indexed = (...args: string[]): ReturnType<typeof run> => run(...args, '--dialect', 'communigate-log');
    for (const text of ['IMAP-000012', 'SIGNAL-000056', 'bob', 'nowhere at all']) {
      for (const more of [[], ['--keyed'], ['--line-numbers'], ['--keyed', '--line-numbers']]) {
        const quick = run('--text', text, ...more);
        assert.deepEqual(quick, indexed('--text', text, ...more), `${text} ${more.join(' ')}`);
        assert.equal(quick.code, text === 'nowhere at all' ? 1 : 0);
      }
    }
    // A bad option is refused as the indexed path refuses it.
    const bad = run('--text', 'bob', '--utc-offset', 'soon');
    assert.deepEqual(bad, indexed('--text', 'bob', '--utc-offset', 'soon'));
    assert.equal(bad.code, 2);
    // No record matched: the markers are printed and stderr says so.
    assert.match(run('--text', 'nowhere at all').stderr, /no record matched/);
    assert.match(run('--text', 'nowhere at all').stdout, /^\*\*\*/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
