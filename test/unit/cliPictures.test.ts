// msglog dialog and msglog report as users run them: real processes, exit codes, JSON shapes, the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
const SIP = path.join(ROOT, 'test/fixtures/SystemLogs/2026-02-19.log');
const CALL = '7c1a9e2f-call@10.0.0.5';
let dir = '';

function msglog(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-pictures-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('dialog --json: the packets in the documented shape, related sessions', () => {
  const r = msglog('dialog', SIP, CALL, '--json');
  assert.equal(r.code, 0, r.stderr);
  const parsed = JSON.parse(r.stdout) as { callId: string; packets: Record<string, unknown>[]; related: string[] };
  assert.equal(parsed.callId, CALL);
  assert.equal(parsed.packets.length, 9);
  assert.deepEqual(parsed.packets[5], {
    line: 52,
    file: SIP,
    time: '09:15:07.950',
    session: 'SIPDATA-000706',
    direction: 'in',
    transport: 'tcp',
    remote: '10.0.0.7:5062',
    method: null,
    status: 486,
    cseq: '1 INVITE',
    summary: 'SIP/2.0 486 Busy Here',
  });
  assert.deepEqual(parsed.related, ['SIPC-000301', 'SIPC-000302', 'SIGNAL-000301']);
});

test('dialog: text by default; exit 1 when no packet has the Call-ID; exit 2 on usage errors', () => {
  const text = msglog('dialog', SIP, CALL);
  assert.equal(text.code, 0);
  const lines = text.stdout.trimEnd().split('\n');
  assert.equal(lines[0], `Call-ID: ${CALL}  9 packets`);
  assert.equal(lines[1], ['09:15:02.500', 'in', 'udp', '10.0.0.5:5060', 'INVITE', 'CSeq 1 INVITE', 'SIPDATA-000701 line 3', 'INVITE sip:bob@example.com SIP/2.0'].join('\t'));
  assert.equal(lines.at(-1), 'related: SIPC-000301 SIPC-000302 SIGNAL-000301');
  const none = msglog('dialog', SIP, 'nobody@nowhere');
  assert.deepEqual([none.code, none.stdout, none.stderr], [1, '', 'msglog: no SIP packet with Call-ID nobody@nowhere\n']);
  const missing = msglog('dialog', SIP);
  assert.deepEqual([missing.code, missing.stderr], [2, 'msglog: missing CALL-ID\n']);
  const unreadable = msglog('dialog', path.join(dir, 'nope.log'), CALL);
  assert.equal(unreadable.code, 2);
  assert.match(unreadable.stderr, /^msglog: cannot read .*nope\.log: no such file\n$/);
});

test('dialog over two files: each packet names its file; an unreadable one is reported and exits 2', () => {
  const copy = path.join(dir, '2026-02-19.log');
  fs.copyFileSync(SIP, copy);
  const r = msglog('dialog', SIP, path.join(dir, 'gone.log'), CALL, '--json');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /gone\.log: no such file/);
  assert.equal((JSON.parse(r.stdout) as { packets: unknown[] }).packets.length, 9, 'the readable file is still read');
  const both = JSON.parse(msglog('dialog', SIP, copy, CALL, '--json').stdout) as { packets: { file: string }[] };
  assert.deepEqual(both.packets.map((p) => p.file).slice(0, 2), [SIP, copy], 'equal times in argument order');
});

test('report --json: the documented keys and counts', () => {
  const r = msglog('report', SIP, '--json');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(j), ['dialects', 'records', 'sessions', 'bySeverity', 'byComponent', 'perHour', 'topProblems', 'byDialect']);
  assert.deepEqual([j.dialects, j.records, j.sessions], [['communigate-log'], 100, 15]);
  assert.deepEqual(j.bySeverity, { critical: 0, error: 1, warning: 2, info: 16, debug: 1, trace: 80 });
  assert.deepEqual((j.byComponent as unknown[])[0], { component: 'SIPDATA', records: 93, sessions: 11, problems: 0 });
  assert.deepEqual(j.perHour, [
    { hour: '2026-02-19T09', critical: 0, error: 1, warning: 2, info: 15, debug: 1, trace: 80 },
    { hour: '2026-02-19T10', critical: 0, error: 0, warning: 0, info: 1, debug: 0, trace: 0 },
  ]);
  assert.deepEqual((j.topProblems as unknown[])[1], { message: 'SIGNAL-# call failed: # Busy Here', count: 1, firstLine: 61, file: SIP });
  const c = (j.byDialect as Record<string, Record<string, unknown>>)['communigate-log'];
  assert.deepEqual(Object.keys(c), ['logins', 'deliveries', 'recipientDomains', 'sipRequests', 'sipResponses']);
  assert.deepEqual(c.sipResponses, [{ name: '1xx', count: 3 }, { name: '4xx', count: 3 }]);
});

test('report: plain text by default; --html writes one self-contained page and nothing next to the log', () => {
  const text = msglog('report', SIP);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^.*2026-02-19\.log: communigate-log\n100 records, 15 sessions\n/);
  assert.match(text.stdout, /\nTop problems \(3\)\n  count  problem +first\n +1  IMAP-#\(\[<ip>\]\) read failed\. Error Code=read time-out +line 51\n/);
  const before = fs.readdirSync(path.dirname(SIP));
  const out = path.join(dir, 'report.html');
  const page = msglog('report', SIP, '--html', out);
  assert.deepEqual([page.code, page.stdout, page.stderr], [0, '', '']);
  assert.deepEqual(fs.readdirSync(path.dirname(SIP)), before);
  const html = fs.readFileSync(out, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /https?:\/\//, 'no network resource');
  assert.doesNotMatch(html, /<script|<link /, 'no script, no linked resource');
  assert.match(html, /<svg [^>]*aria-label="records per time bucket by severity"/);
  assert.match(html, /<h2>CommuniGate Pro: SIP requests by method<\/h2>/);
  const refused = msglog('report', SIP, '--html', SIP);
  assert.deepEqual([refused.code, refused.stderr], [2, `msglog: --html ${SIP} would overwrite a log\n`]);
});
