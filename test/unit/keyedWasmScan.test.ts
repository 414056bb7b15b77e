// CommuniGate's keyed scan in WebAssembly (wasm/keyedScan.ts, server/assembly/keyTable.ts): its copy of
// the index's key table must number every key as the index does, whatever the key's form (NAME-DIGITS
// in a block of its own or hashed, composed from the thread form, a prefix key), whoever met it first
// (the module, or the index reading a line itself), and when the index starts a new table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { communigate, communigateFastScan } from '../../server/src/engine/dialects/communigate';
import { LogIndex, MemorySource } from '../../server/src/engine';
import { KeyTable } from '../../server/src/engine/keyTable';
import { SessionDialogs } from '../../server/src/engine/sessionDialogs';
import type { FastRecords } from '../../server/src/engine/types';
import { communigateKeyedScan } from '../../server/src/engine/wasm/communigateScan';
import { snapshot } from './helpers';

const CTX = { fileName: '2026-01-15.log' };
const LEVEL_SEVERITY = [0, 1, 3, 2, 4, 5];

function indexOf(bytes: Buffer, fastScan: boolean, chunkSize?: number): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), communigate, CTX, { fastScan });
  index.build({ chunkSize });
  return index;
}

function clock(i: number): string {
  const s = Math.floor(i / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(Math.floor(s / 3600) % 24)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${pad(i % 1000, 3)}`;
}

/** Names of 1 to 12 letters, more of them than the module has blocks (64), so that some NAMEs are hashed. */
const NAMES = Array.from({ length: 90 }, (_, i) => 'ABCDEFGHIJKL'.slice(0, 1 + (i % 12)) + (i < 12 ? '' : `x${i}`));

/** A log of many sessions: every NAME with numbers of 1 to 8 digits (`X-1`, `X-01` and `X-001` are three keys), met again far apart, some in the thread form, and prefix and supplementary keys between them. */
function manyKeys(): string[] {
  const lines: string[] = [];
  let i = 0;
  for (let round = 0; round < 3; round++) {
    for (let n = 0; n < NAMES.length; n++) {
      const name = NAMES[n];
      for (let width = 1; width <= 8; width++) {
        // Up to six digits the number picks the key's place in its NAME's block; seven and eight are past any block.
        const number = String((width > 6 ? 9 * 10 ** (width - 1) : 0) + ((n * 7 + width * 3 + round) % 10 ** Math.min(width, 6))).padStart(width, '0');
        lines.push(`${clock(i++)} ${width % 6} ${name}-${number} round ${round}`);
        if (width === 3) lines.push(`${clock(i++)} 2 ${name}(7) ${number}: the thread form`);
        if (n % 10 === 0) lines.push(`${clock(i++)} 5 HTTPU${n} [0.0.0.0]:443 <- connection request`);
        if (n % 15 === 0) lines.push(`${clock(i++)}\t01\tlogin\tuser${n}\t[10.0.0.2]:143\tIMAP`);
        if (n % 15 === 1) lines.push(`${clock(i++)} 4 account:user${n - 1} a main record with the key a supplementary one made`);
        if (n % 20 === 2) lines.push(`${clock(i++)} 5 SIPDATA-${String(n).padStart(6, '0')} inp: Call-ID: call-${n}@10.0.0.4`);
      }
    }
    // A thousand new keys between the rounds: the keys of the round before are no longer recent.
    for (let k = 0; k < 1000; k++) lines.push(`${clock(i++)} 4 FILLER-${String(k + round * 1000).padStart(6, '0')} between the rounds`);
  }
  return lines;
}

test('keyed WebAssembly scan = header parser: keys of every form, many more than the first tables hold', () => {
  const lines = manyKeys();
  const bytes = Buffer.from(lines.join('\n') + '\n');
  const slow = snapshot(indexOf(bytes, false));
  for (const chunkSize of [undefined, 4096, 997]) assert.deepEqual(snapshot(indexOf(bytes, true, chunkSize)), slow, `chunks of ${chunkSize ?? 'default size'}`);
});

test('keyed WebAssembly scan = header parser: keys the index met first, on lines it read itself', () => {
  // The first half ends its lines with CRLF, which the fused scan leaves to the index: the module meets
  // those keys again in the second half, and must number them as the index did.
  const lines = manyKeys();
  const half = lines.length >> 1;
  const bytes = Buffer.from(lines.slice(0, half).join('\r\n') + '\r\n' + lines.slice(half).join('\n') + '\n' + lines.slice(0, half).join('\n') + '\n');
  assert.deepEqual(snapshot(indexOf(bytes, true)), snapshot(indexOf(bytes, false)));
});

/** Keyed arrays for `slots` records and sessions, over `keys`. */
function keyedRecords(slots: number, keys: KeyTable): FastRecords {
  return {
    recordCount: 0, line: 0, recStartLine: new Uint32Array(slots), recStartOffset: new Uint32Array(slots), recBodyCol: new Uint16Array(slots),
    recWall: new Float64Array(slots), recLevel: new Uint8Array(slots), recSeverity: new Uint8Array(slots), recFlags: new Uint8Array(slots),
    recSession: new Uint32Array(slots), sessionFirst: new Uint32Array(slots), sessionLast: new Uint32Array(slots), sessionRecordCount: new Uint32Array(slots),
    sessionDialog: new SessionDialogs(), keys, keyless: false, prevWall: 0, lastEndLine: 0, lastEndOffset: 0, offsets: undefined, prevOffset: 0,
  };
}

/** What a scan wrote: its arrays, and the keys by number. */
function written(out: FastRecords): unknown {
  const { keys, sessionDialog, ...arrays } = out;
  return { arrays, keys: [...keys.keys], dialogs: [...sessionDialog] };
}

test('keyed WebAssembly scan = the JavaScript loop, and a new key table starts its copy again', () => {
  const wasm = communigateKeyedScan(LEVEL_SEVERITY);
  assert.ok(wasm !== null, 'the module is made');
  const js = communigateFastScan(false);
  // Main records only, none in the thread form (the JavaScript loop stops there, the module does not).
  const main = manyKeys().filter((line) => /^\S+ \d [A-Za-z]/.test(line) && !line.includes('the thread form'));
  const few = ['12:00:00.000 2 IMAP-000002 met first', '12:00:00.001 2 HTTPU0 a hashed key', '12:00:00.001 2 X1 another', '12:00:00.001 2 ROUTER a third', '12:00:00.001 2 B-7 a short one', '12:00:00.002 2 IMAP-000002 and again'];
  // The second table holds more keys than the module's copy of the first (a store that forgot its
  // sessions keeps those it still has): its copy must start again, not go on from the first's.
  const kept = ['B-7', 'Ax12-0001', 'HTTPU0', 'IMAP-000009'];
  // The second scan meets the first's keys and the kept ones again, numbered as the second table has them.
  const second = ['12:00:00.000 2 ROUTER the last hashed key of the first table, met first', ...few, '12:00:00.003 2 Ax12-0001 kept', '12:00:00.004 2 IMAP-000009 kept', ...main];
  for (const [lines, held] of [[few, []], [second, kept]] as const) {
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const byJs = keyedRecords(1 << 15, new KeyTable());
    const byWasm = keyedRecords(1 << 15, new KeyTable());
    for (const key of held) for (const out of [byJs, byWasm]) out.keys.intern(Buffer.from(key), 0, key.length);
    assert.equal(js.scan(bytes, 0, bytes.length, 0, byJs), bytes.length);
    assert.equal(wasm.scanKeyed(bytes, 0, bytes.length, 0, byWasm), bytes.length);
    assert.equal(byWasm.recordCount, lines.length);
    assert.deepEqual(written(byWasm), written(byJs));
  }
});

test("keyed WebAssembly scan: a worker's keys looked up in the module's copy, many batches of them, = the key table's numbers", () => {
  const wasm = communigateKeyedScan(LEVEL_SEVERITY);
  assert.ok(wasm !== null, 'the module is made');
  const main = manyKeys().filter((line) => /^\S+ \d [A-Za-z]/.test(line) && !line.includes('the thread form'));
  const bytes = Buffer.from(main.join('\n') + '\n');
  const out = keyedRecords(1 << 15, new KeyTable());
  assert.equal(wasm.scanKeyed(bytes, 0, bytes.length, 0, out), bytes.length);
  // Keys held (each NAME-DIGITS shape and the hashed ones), keys not held (of a shape held, of a NAME
  // never met, an empty one, one of 1,000 bytes), over several batches of the scratch region.
  const held = [...out.keys.keys];
  const absent = ['IMAP-999999', 'NEVERMET-000001', 'A-1234567', 'HTTPU9999', '', 'x'.repeat(1000)];
  const asked = [...held, ...absent, ...held.reverse(), ...held, ...absent];
  assert.ok(asked.join('').length > 3 * (64 << 10), 'more keys than three batches');
  const pieces = asked.map((key) => Buffer.from(key));
  const pool = Buffer.concat(pieces);
  const bounds = new Uint32Array(2 * asked.length);
  for (let i = 0, at = 0; i < asked.length; at += pieces[i].length, i++) [bounds[2 * i], bounds[2 * i + 1]] = [at, at + pieces[i].length];
  const numbers = new Int32Array(asked.length).fill(-2);
  assert.equal(wasm.keyNumbers(out.keys, pool, bounds, asked.length, numbers), true);
  const expected = asked.map((key) => out.keys.find(key));
  assert.deepEqual([...numbers], expected);
  assert.ok(expected.filter((n) => n < 0).length === 2 * absent.length, 'the absent keys are not held');
  // A key longer than a batch can hold: the module cannot tell, and says so (the index looks it up itself).
  const long = Buffer.alloc(70_000, 0x41);
  assert.equal(wasm.keyNumbers(out.keys, long, Uint32Array.of(0, long.length), 1, new Int32Array(1)), false);
});
