// SessionDialogs keeps SIP dialogs as bytes in a pool: it must answer as the Map of strings it replaced
// (first dialog per session wins, insertion order, live iterators), and survive transfer and renumbering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionDialogs } from '../../server/src/engine/sessionDialogs';

/** A small deterministic generator (the same cases on every run). */
function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function callId(n: number): string {
  // Non-ASCII and empty-ish values too: the pool holds UTF-8 bytes.
  return n % 7 === 0 ? `héllo-${n}@sip.example` : n % 11 === 0 ? 'x' : `${n.toString(16)}-call@10.0.${n % 256}.1`;
}

test('SessionDialogs answers as a Map of strings with first-wins adds', () => {
  const next = random(7);
  const dialogs = new SessionDialogs();
  const model = new Map<number, string>();
  const line = Buffer.alloc(4096);
  for (let op = 0; op < 20000; op++) {
    const session = Math.floor(next() * 5000);
    const text = callId(Math.floor(next() * 300));
    if (next() < 0.5) {
      dialogs.add(session, text);
    } else {
      // As the index adds them: bounds in a line's bytes, somewhere in the buffer.
      const bytes = Buffer.from(text, 'utf8');
      const at = Math.floor(next() * (line.length - bytes.length));
      bytes.copy(line, at);
      dialogs.addBytes(session, line, at, at + bytes.length);
    }
    if (!model.has(session)) model.set(session, text);
  }
  assert.equal(dialogs.size, model.size);
  assert.deepEqual([...dialogs], [...model]);
  assert.deepEqual([...dialogs.keys()], [...model.keys()]);
  assert.deepEqual([...dialogs.values()], [...model.values()]);
  for (let s = 0; s < 5100; s++) {
    assert.equal(dialogs.has(s), model.has(s));
    assert.equal(dialogs.get(s), model.get(s));
  }
  for (let n = 0; n < 300; n += 13) {
    const want = [...model].filter(([, id]) => id === callId(n)).map(([s]) => s);
    assert.deepEqual(dialogs.sessionsWith(callId(n)), want, callId(n));
  }
  const seen: [number, string][] = [];
  dialogs.forEach((v, k) => seen.push([k, v]));
  assert.deepEqual(seen, [...model]);
});

test('SessionDialogs: a dialog of invalid UTF-8 is found by the text get() gives for it', () => {
  const dialogs = new SessionDialogs();
  const bytes = Buffer.from([0x61, 0xff, 0x62, 0x40, 0x68]); // a, an invalid byte, b@h
  dialogs.addBytes(4, bytes, 0, bytes.length);
  dialogs.add(9, 'a\ufffdb@h');
  const text = dialogs.get(4)!;
  assert.equal(text, 'a\ufffdb@h');
  assert.deepEqual(dialogs.sessionsWith(text), [4, 9]);
  assert.deepEqual(dialogs.sessionsWith('ab@h'), []);
});

test('SessionDialogs: an iterator not run to its end goes on to dialogs added since', () => {
  const dialogs = new SessionDialogs();
  dialogs.add(3, 'a');
  const it = dialogs.entries();
  assert.deepEqual(it.next().value, [3, 'a']);
  dialogs.add(1, 'b');
  dialogs.add(3, 'not kept');
  assert.deepEqual(it.next().value, [1, 'b']);
  assert.equal(it.next().done, true);
});

test('SessionDialogs: portable form (renumbered) and renumbering keep dialogs and order', () => {
  const dialogs = new SessionDialogs();
  for (let s = 0; s < 1000; s += 3) dialogs.add(s, callId(s));
  const p = dialogs.toPortable();
  assert.equal(p.sessions.length, dialogs.size);
  assert.equal(p.starts.length, dialogs.size + 1);
  // As a worker's part is adopted: its sessions go through a map to the adopting index's numbers.
  const map = Array.from({ length: 1000 }, (_, s) => 5000 + 2 * s);
  const adopted = new SessionDialogs();
  adopted.add(5000, 'already there');
  adopted.addPortable(p, map);
  assert.equal(adopted.get(5000), 'already there');
  for (let s = 3; s < 1000; s += 3) assert.equal(adopted.get(5000 + 2 * s), callId(s));
  assert.equal(adopted.get(5002), undefined);
  // A window forgets sessions: those kept are renumbered, the rest dropped, order unchanged.
  const renumbered = new Int32Array(1000).fill(-1);
  for (let s = 0; s < 1000; s += 6) renumbered[s] = s / 6;
  const kept = dialogs.renumbered(renumbered);
  assert.deepEqual([...kept], [...dialogs].filter(([s]) => s % 6 === 0).map(([s, d]) => [s / 6, d]));
});

test('SessionDialogs: taken whole from its portable form, it answers as the dialogs it came from, and goes on', () => {
  const dialogs = new SessionDialogs();
  const next = random(7);
  for (let i = 0; i < 3000; i++) {
    const s = Math.floor(next() * 5000);
    dialogs.add(s, callId(s * 3 + i));
  }
  const taken = SessionDialogs.fromPortable(dialogs.toPortable());
  assert.equal(taken.size, dialogs.size);
  assert.deepEqual([...taken], [...dialogs], 'the same dialogs in the same order');
  for (let s = 0; s < 5100; s++) assert.equal(taken.get(s), dialogs.get(s), `session ${s}`);
  const some = [...dialogs.values()][17];
  assert.deepEqual(taken.sessionsWith(some), dialogs.sessionsWith(some));
  // Its arrays were used as they were: adding more grows them, as any SessionDialogs.
  for (let s = 5000; s < 5500; s++) {
    taken.add(s, callId(s));
    dialogs.add(s, callId(s));
  }
  taken.add([...dialogs.keys()][0], 'not taken: first dialog wins');
  assert.deepEqual([...taken], [...dialogs]);
  assert.deepEqual([...SessionDialogs.fromPortable(new SessionDialogs().toPortable())], []);
  const broken = dialogs.toPortable();
  assert.throws(() => SessionDialogs.fromPortable({ ...broken, sessions: broken.sessions.subarray(1) }), /differ/);
});
