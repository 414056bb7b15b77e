// The project's log generator (scripts/gen-logs.mjs), run as tests, samples and the benchmark run it:
// equal arguments give equal bytes, every output is detected as its dialect, and each holds what later
// features need (sessions, problems, time regressions, the records of one message or SIP dialog).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diagnostics, openLog } from '../../server/src/engine';
import type { LogIndex } from '../../server/src/engine';
import { ROOT } from './helpers';

const GENERATOR = path.join(ROOT, 'scripts/gen-logs.mjs');
let dir = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-gen-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function generate(name: string, ...args: string[]): Buffer {
  const file = path.join(dir, name);
  const r = spawnSync(process.execPath, [GENERATOR, args[0], args[1], file, ...args.slice(2)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return fs.readFileSync(file);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function codes(index: LogIndex): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of diagnostics(index)) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  return counts;
}

const DIALECTS: [string, string][] = [
  ['communigate', 'communigate-log'],
  ['emg', 'emg-log'],
  ['axigen', 'axigen-log'],
  ['messaging-server', 'messaging-server-log'],
  ['privateserver', 'privateserver-log'],
];

for (const [name, id] of DIALECTS) {
  test(`${name}: same arguments, same bytes; another seed, other bytes; detected as ${id}`, () => {
    const a = generate(`${name}-a.log`, name, '0.3', '5');
    const b = generate(`${name}-b.log`, name, '0.3', '5');
    const c = generate(`${name}-c.log`, name, '0.3', '6');
    assert.equal(sha(a), sha(b));
    assert.notEqual(sha(a), sha(c));
    assert.ok(a.length >= 300_000 && a.length < 310_000, `${a.length} bytes`);
    assert.equal(a[a.length - 1], 0x0a, 'ends with a whole line');
    const index = openLog(a, { fileName: '2026-01-15.log' });
    assert.equal(index.dialect.id, id);
    assert.ok(index.recordCount > 1500, `${index.recordCount} records`);
    // Messaging Server's sessions are its processes (a handful); the others' are connections.
    assert.ok(index.sessionCount > (name === 'messaging-server' ? 5 : 40), `${index.sessionCount} sessions`);
    const found = codes(index);
    assert.ok((found.get('time-regression') ?? 0) >= 2, `time regressions: ${JSON.stringify([...found])}`);
    assert.ok((found.get('level') ?? 0) + (found.get('event-error') ?? 0) > 10, `problems: ${JSON.stringify([...found])}`);
  });
}

test('communigate: interleaved sessions, a crash, overflow markers, one message from SMTPI to delivery, SIP dialogs', () => {
  const bytes = generate('2026-01-15.log', 'communigate', '1', '1');
  const text = bytes.toString('latin1');
  const index = openLog(bytes, { fileName: '2026-01-15.log' });
  const found = codes(index);
  assert.equal(found.get('crash'), 1);
  assert.equal(found.get('overflow'), 2, 'two runs of markers');
  // Sessions interleave: between the first and last record of an IMAP session are records of others.
  const imap = /^(\S+) \d (IMAP-\d{6})\(/m.exec(text);
  assert.ok(imap, 'an IMAP session');
  const own = text.split('\n').filter((l) => l.includes(` ${imap[2]}(`));
  const first = text.indexOf(own[0]);
  const last = text.indexOf(own[own.length - 1]);
  assert.ok(text.slice(first, last).split('\n').length > own.length + 5, 'other records between its own');
  // Thread form and cross references.
  assert.match(text, /^\S+ 5 SIGNAL\(\d\) (\d{6}): processing INITIAL$/m);
  assert.match(text, / SIPDATA-\d{6} sent to SIPC-\d{6}$/m);
  assert.match(text, / TLS-\d{6} closed by HTTPU-\d{6}/);
  // One message: its queue id in SMTPI, QUEUE, DEQUEUER records, with Message-ID and addresses.
  const received = /SMTPI-\d{6}\(\[[\d.]+\]\) received\(1\): \[(\d+)\] from <([^>]+)>/.exec(text);
  assert.ok(received, 'a received message');
  const id = received[1];
  assert.match(text, new RegExp(`QUEUE\\(\\[${id}\\]\\) from <${received[2].replace(/\./g, '\\.')}> size=\\d+ enqueued`));
  assert.match(text, new RegExp(`QUEUE\\(\\[${id}\\]\\) Message-ID: <[^>]+>`));
  assert.match(text, new RegExp(`DEQUEUER \\[${id}\\] (LOCAL|SMTP)\\(`));
  // SIP: packets of one dialog share a Call-ID, in several SIPDATA sessions.
  const callId = /SIPDATA-\d{6} inp: Call-ID: (\S+)/.exec(text)?.[1];
  assert.ok(callId);
  const packets = new Set(text.split('\n').filter((l) => l.endsWith(`Call-ID: ${callId}`)).map((l) => /SIPDATA-\d+/.exec(l)?.[0]));
  assert.ok(packets.size >= 2, `${packets.size} packets of ${callId}`);
});

test('communigate --delivery: a Delivery log of the same messages, with their queue ids', () => {
  const file = path.join(dir, 'delivery.log');
  const main = generate('main.log', 'communigate', '0.5', '3', '--delivery', file);
  const delivery = fs.readFileSync(file);
  const index = openLog(delivery, { fileName: 'delivery.log' });
  assert.equal(index.dialect.id, 'communigate-log');
  assert.ok(index.recordCount > 50, `${index.recordCount} delivery records`);
  const row = delivery.toString('latin1').split('\n')[0].split('\t');
  assert.equal(row[1], '01');
  assert.ok(['RELAY', 'FINAL', 'TMPER', 'ERROR'].includes(row[2]), row[2]);
  assert.ok(main.toString('latin1').includes(`DEQUEUER [${row[8]}]`), `queue id ${row[8]} is in the main log`);
  assert.match(index.sessionKey(index.recSession[0]), /^queue:\d+$/);
});

test('emg: the RECEIVE and SEND entries of one message share its 001 id; ERR statuses', () => {
  const text = generate('connector.smpp1', 'emg', '0.5', '2').toString('latin1');
  const received = /\(\d+\) RECEIVE OK 001:(\d+) 002:\S+ 008:(\d+)/.exec(text);
  assert.ok(received);
  assert.match(text, new RegExp(`\\(\\d+\\) SEND OK \\(pdu=\\d/\\d\\) 001:${received[1]} 002:\\S+ 008:${received[2]} `));
  assert.match(text, / SEND ERR \(pdu=1\/1,info="\d+"\)/);
  assert.match(text, / RECEIVE OK \(orphaned\) 001:/);
});

test('messaging-server: connections named by [ip:port]; close ends with three numbers', () => {
  const text = generate('imap.log', 'messaging-server', '0.5', '2').toString('latin1');
  const close = /imapd\[\d+\]: Account Notice: close (\[[\d.]+:\d+\]) (\S+) \S+ \S+ \S+ (\d+) (\d+) (\d+)$/m.exec(text);
  assert.ok(close);
  assert.match(text, new RegExp(`Account Notice: login ${close[1].replace(/[[\].]/g, '\\$&')} ${close[2]} `));
  assert.match(text, /Account Notice: badlogin: \[[\d.]+:\d+\] /);
});

test('privateserver tables: each table kind, newest first, detected', () => {
  for (const table of ['sessions', 'accounts', 'auth', 'cdr']) {
    const bytes = generate(`${table}.tsv`, 'privateserver', '0.1', '1', '--table', table);
    const index = openLog(bytes);
    assert.equal(index.dialect.id, 'privateserver-log', table);
    assert.ok(index.recordCount > 100, `${table}: ${index.recordCount}`);
    if (table !== 'accounts') assert.ok(index.recWall[0] > index.recWall[index.recordCount - 1], `${table} is newest first`);
  }
});

test('bad arguments: one line and exit 2', () => {
  const r = spawnSync(process.execPath, [GENERATOR, 'bogus', '1', path.join(dir, 'x.log')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^gen-logs: unknown dialect bogus/);
});
