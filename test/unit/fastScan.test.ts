// The dialect's fused hot loop (Dialect.createFastScan) must build exactly the index that reading
// every line through its header parser builds: records, sessions, dialogs, markers, diagnostics —
// whatever the chunking, the line ends and the shapes of lines between its runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { communigate } from '../../server/src/engine/dialects/communigate';
import { LogIndex, MemorySource } from '../../server/src/engine';
import { EDGE_LINES, ROOT, snapshot } from './helpers';

const CTX = { fileName: '2026-01-15.log' };

function indexOf(bytes: Buffer, fastScan: boolean, chunkSize?: number): LogIndex {
  const index = new LogIndex(new MemorySource(bytes), communigate, CTX, { fastScan });
  index.build({ chunkSize });
  return index;
}

function assertSame(bytes: Buffer, label: string, chunkSizes: (number | undefined)[] = [undefined]): void {
  const slow = snapshot(indexOf(bytes, false));
  for (const chunkSize of chunkSizes) assert.deepEqual(snapshot(indexOf(bytes, true, chunkSize)), slow, `${label}, chunks of ${chunkSize ?? 'default size'}`);
}

/** Main records of every key form and clock form, with the lines the fast loop leaves to the parser between them. */
const SHAPES = [
  '12:00:00.000 2 IMAP-000001([10.0.0.1]) connected',
  '12:00:00.1 5 HTTPU [0.0.0.0]:443 <- [10.0.0.2]:1234 connection request',
  '12:00:00 4 SMTPI-000002([10.0.0.3]) got connection',
  '12:00:00.123456 5 SIPDATA-000001 inp: Call-ID: abc@10.0.0.4',
  '12:00:00.124 5 SIPDATA-000001 inp: INVITE sip:x@y SIP/2.0',
  '12:00:00.125 5 SIPDATA-000002 out: i: compact@10.0.0.5',
  '12:00:00.126 5 SIPDATA-000003 inp: req udp [10.0.0.4]:5060 INVITE(872 bytes)',
  '  Call-ID: in-a-continuation@host',
  '12:00:01.000 2 SIGNAL(3) 000056: processing INITIAL',
  '12:00:01.000 2 SIGNAL-000056 also by name',
  '12:00:01.000 3 QUEUE([113457753]) stored',
  '12:00:01.000 3 ACCOUNT(user1) changed',
  '12:00:01.000 2 DEQUEUER [4411] processing',
  '12:00:01.000 2  leading blank: an empty key',
  '12:00:01.000 2 ROUTER',
  '12:00:01.1234567 2 IMAP-000001 seven digits: not a header',
  '12:00:01. 2 IMAP-000001 a dot without digits',
  '12:00:01.000 6 IMAP-000001 level 6: not a header',
  '24:00:00.000 2 IMAP-000001 hour 24',
  '23:59:60.500 2 IMAP-000001 a leap second',
  '12:00:02.000\t01\tlogin\tbob\t[10.0.0.2]:143\tIMAP',
  '12:00:02.000\t01\tRELAY\t<a@b>\tfrom@x\tauth\tsubmit\t10.0.0.1\t4411\t<m@x>\t1200\trcpt\ttarget\treport',
  '***',
  '12:00:03.000 2 IMAP-000001 after a marker',
  '11:00:00.000 2 IMAP-000003 back in time (a regression)',
  '00:00:01.000 2 IMAP-000003 the next day',
  '12:00:04.000 1 IMAP-99999999999 many digits',
  '12:00:04.000 0 SYSTEM crash',
];

test('fused scan = header parser: every line shape, every chunk size', () => {
  const text = [...EDGE_LINES, ...SHAPES, ...SHAPES].join('\n');
  for (const [label, bytes] of [
    ['LF', Buffer.from(text + '\n')],
    ['no final LF', Buffer.from(text)],
    ['CRLF after the middle', Buffer.from(text.slice(0, text.length >> 1) + text.slice(text.length >> 1).replace(/\n/g, '\r\n'))],
    ['a lone CR', Buffer.from(text.replace('\n12:00:00 4', '\r12:00:00 4'))],
  ] as const) {
    assertSame(bytes, label, [undefined, 37, 101, 4096]);
  }
});

test('fused scan = header parser on the real CommuniGate log and a generated day', () => {
  assertSame(fs.readFileSync(path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log')), 'real', [undefined, 4096]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-fast-'));
  try {
    const file = path.join(dir, '2026-01-15.log');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/gen-logs.mjs'), 'communigate', '3', file, '17'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assertSame(fs.readFileSync(file), 'generated', [undefined, 65536]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the fused scan runs: most records of a main log go through it', () => {
  const bytes = Buffer.from([...SHAPES.slice(0, 3), ...Array.from({ length: 2000 }, (_, i) => `12:00:05.000 2 IMAP-${i} line ${i}`)].join('\n') + '\n');
  // Counted through the arrays it writes to: a fast scan that did nothing would leave the parser all of them.
  let calls = 0;
  let records = 0;
  const fast = communigate.createFastScan!(communigate.createParser(CTX));
  const counting = { ...communigate, createFastScan: () => ({ scan: (...args: Parameters<typeof fast.scan>) => {
    calls++;
    const before = args[4].recordCount;
    const at = fast.scan(...args);
    records += args[4].recordCount - before;
    return at;
  } }) };
  const index = new LogIndex(new MemorySource(bytes), counting, CTX);
  index.build();
  assert.equal(index.recordCount, 2003);
  // It stops where an array must grow (addRecord grows it) and at the lines it leaves to the parser.
  assert.ok(records >= 1980 && calls < 20, `${records} records in ${calls} calls`);
});
