// The export's shortcuts that save copies and loops (engine/export/fields.ts, record.ts): a native search
// whose answer serves later searches, and a session's part of the document kept and copied whole. Each
// is checked against the plain way of doing the same thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findFromBracket, ForwardFinder } from '../../server/src/engine/export/fields';
import { JsonBytes } from '../../server/src/engine/export/jsonBytes';
import { ComponentBlocks, RecordFacts, SessionBlocks } from '../../server/src/engine/export/record';

/** A small deterministic generator (the same cases every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function naiveFind(buf: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === byte) return i;
  return -1;
}

function naiveFromBracket(buf: Uint8Array, from: number, end: number): number {
  const needle = Buffer.from(' from [');
  for (let i = from; i + needle.length <= end; i++) if (Buffer.from(buf.subarray(i, i + needle.length)).equals(needle)) return i;
  return -1;
}

test('ForwardFinder answers as a plain search: forwards, backwards, other buffers and a buffer refilled', () => {
  const next = random(7);
  const a = Buffer.alloc(4096);
  const b = Buffer.alloc(4096);
  const fill = (buf: Buffer, density: number): void => {
    for (let i = 0; i < buf.length; i++) buf[i] = next() < density ? 0x5b : 0x61 + Math.floor(next() * 20);
  };
  fill(a, 0.02);
  fill(b, 0.001);
  const finder = new ForwardFinder(0x5b);
  let stamp = 1;
  let from = 0;
  let checked = 0;
  for (let step = 0; step < 20_000; step++) {
    const r = next();
    if (r < 0.01) {
      // The same buffer gets other bytes: only a new stamp tells the finder.
      fill(a, next() * 0.05);
      stamp++;
    }
    // Mostly forwards (as records come), sometimes back, sometimes the other buffer.
    const buf = r > 0.97 ? b : a;
    from = r > 0.95 ? Math.floor(next() * buf.length) : Math.min(buf.length, from + Math.floor(next() * 80));
    if (from >= buf.length) from = 0;
    const end = Math.min(buf.length, from + Math.floor(next() * 200));
    assert.equal(finder.find(buf, buf === a ? stamp : 0, from, end), naiveFind(buf, 0x5b, from, end), `step ${step}: [${from}, ${end})`);
    checked++;
  }
  assert.equal(checked, 20_000);
});

test('findFromBracket finds " from [" as a plain search does, lines after lines in one buffer', () => {
  const next = random(11);
  const words = ['from', ' from [', 'SMTPI-1([10.0.0.1])', '[x]', ' ', 'rom [', ' from', '[', 'a', ' from [10.1.2.3]:25'];
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    let line = '';
    const n = Math.floor(next() * 8);
    for (let k = 0; k < n; k++) line += words[Math.floor(next() * words.length)];
    lines.push(line);
  }
  const buf = Buffer.from(lines.join('\n'));
  const finder = new ForwardFinder(0x5b);
  let start = 0;
  let found = 0;
  for (const line of lines) {
    const end = start + Buffer.byteLength(line);
    // As the CommuniGate extractor asks: from some way into the line to its end.
    const from = start + Math.min(line.length, Math.floor(next() * 6));
    const expected = naiveFromBracket(buf, from, end);
    assert.equal(findFromBracket(finder, buf, 1, from, end), expected, `line ${JSON.stringify(line)} from ${from - start}`);
    if (expected >= 0) found++;
    start = end + 1;
  }
  assert.ok(found > 100, `only ${found} lines had " from [": the case is not exercised`);
});

test('SessionBlocks writes what the three writes make, per input and per session epoch', () => {
  const pool = Buffer.from('IMAP-1SMTPI-2POP-77X"Y');
  // Session 0 and 1 of input 0; session 0 of input 1 has another key; session 0 in epoch 1 another again.
  const keys: Record<string, [number, number]> = { '0/0/0': [0, 6], '0/0/1': [6, 13], '1/0/0': [13, 19], '0/1/0': [19, 22] };
  const components = ['"IMAP"', '"SMTPI"', '"POP"', '"X\\"Y"'].map((c) => Buffer.from(c));
  const before = Buffer.from(',"messaging.session":');
  const blocks = new SessionBlocks(before, new ComponentBlocks(',"messaging.component":', ''));
  const plain = (key: [number, number], component: Buffer): string => `${before.toString()}${JSON.stringify(pool.toString('utf8', key[0], key[1]))},"messaging.component":${component.toString()}`;
  const order = ['0/0/0', '0/0/1', '1/0/0', '0/0/0', '1/0/0', '0/1/0', '0/1/0', '0/0/1'];
  const componentNo: Record<string, number> = { '0/0/0': 1, '0/0/1': 2, '1/0/0': 1, '0/1/0': 3 };
  const componentOfKey: Record<string, number> = { '0/0/0': 0, '0/0/1': 1, '1/0/0': 2, '0/1/0': 3 };
  for (const id of order) {
    const [input, epoch, session] = id.split('/').map(Number);
    const rec = new RecordFacts();
    rec.inputNo = input;
    rec.sessionEpoch = epoch;
    rec.session = session;
    rec.keyPool = pool;
    [rec.keyStart, rec.keyEnd] = keys[id];
    rec.componentNo = componentNo[id] + 10 * epoch;
    rec.componentJson = components[componentOfKey[id]];
    const out = new JsonBytes();
    blocks.write(out, rec);
    assert.equal(out.buf.toString('utf8', 0, out.pos), plain(keys[id], components[componentOfKey[id]]), id);
  }
});

test('SessionBlocks: once its pool is full, the blocks kept are let go and every block is still written right', () => {
  const before = Buffer.from(',"messaging.session":');
  const blocks = new SessionBlocks(before, new ComponentBlocks(',"messaging.component":', ''));
  const component = Buffer.from('"IMAP"');
  // 120,000 sessions of ~90-byte blocks: more than the 1 MB pool holds, many times over, and each slot used several times.
  const sessions = 120_000;
  const keyOf = (s: number): string => `IMAP-${String(s).padStart(40, '0')}`;
  const rec = new RecordFacts();
  rec.componentNo = 1;
  rec.componentJson = component;
  const write = (s: number): string => {
    const key = Buffer.from(keyOf(s));
    rec.session = s;
    rec.keyPool = key;
    rec.keyStart = 0;
    rec.keyEnd = key.length;
    const out = new JsonBytes();
    blocks.write(out, rec);
    return out.buf.toString('utf8', 0, out.pos);
  };
  const expected = (s: number): string => `${before.toString()}"${keyOf(s)}","messaging.component":"IMAP"`;
  // Each session twice in a row (written, then copied), then the first ones again after the pool was cleared.
  for (let s = 0; s < sessions; s++) {
    assert.equal(write(s), expected(s));
    assert.equal(write(s), expected(s));
  }
  for (const s of [0, 1, 2, 50_000, 90_000, sessions - 1]) assert.equal(write(s), expected(s), `session ${s} again`);
  // Sessions that share a slot (numbers 16,384 apart), one after the other.
  for (const s of [5, 5 + 16_384, 5, 5 + 2 * 16_384, 5 + 16_384]) assert.equal(write(s), expected(s), `session ${s} in a shared slot`);
});
