// SIP dialogs (docs/FORMATS.md §11): the packets of one Call-ID with what each says, in merged order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { findDialog, listDialogs, openLog } from '../../server/src/engine';
import type { PictureLog } from '../../server/src/engine';
import { open, ROOT } from './helpers';

export const SIP_FIXTURE = path.join(ROOT, 'test/fixtures/SystemLogs/2026-02-19.log');
const CALL = '7c1a9e2f-call@10.0.0.5';

function fixture(): PictureLog {
  return { index: openLog(fs.readFileSync(SIP_FIXTURE), { fileName: '2026-02-19.log' }), file: 'a.log' };
}

test('a dialog: every packet with direction, transport, remote, method or status, CSeq, start line', () => {
  const d = findDialog([fixture()], CALL);
  assert.equal(d.callId, CALL);
  assert.deepEqual(
    d.packets.map((p) => [p.line + 1, p.time, p.session, p.direction, p.transport, p.remote, p.method, p.status, p.cseq, p.summary]),
    [
      [3, '09:15:02.500', 'SIPDATA-000701', 'in', 'udp', '10.0.0.5:5060', 'INVITE', null, '1 INVITE', 'INVITE sip:bob@example.com SIP/2.0'],
      [14, '09:15:02.502', 'SIPDATA-000702', 'out', 'udp', '10.0.0.5:5060', null, 100, '1 INVITE', 'SIP/2.0 100 Trying'],
      [23, '09:15:02.510', 'SIPDATA-000703', 'out', 'tcp', '10.0.0.7:5062', 'INVITE', null, '1 INVITE', 'INVITE sip:bob@10.0.0.7:5062 SIP/2.0'],
      [32, '09:15:02.730', 'SIPDATA-000704', 'in', 'tcp', '10.0.0.7:5062', null, 180, '1 INVITE', 'SIP/2.0 180 Ringing'],
      [42, '09:15:02.731', 'SIPDATA-000705', 'out', 'udp', '10.0.0.5:5060', null, 180, '1 INVITE', 'SIP/2.0 180 Ringing'],
      [52, '09:15:07.950', 'SIPDATA-000706', 'in', 'tcp', '10.0.0.7:5062', null, 486, '1 INVITE', 'SIP/2.0 486 Busy Here'],
      [62, '09:15:07.952', 'SIPDATA-000707', 'out', 'tcp', '10.0.0.7:5062', 'ACK', null, '1 ACK', 'ACK sip:bob@10.0.0.7:5062 SIP/2.0'],
      [71, '09:15:07.953', 'SIPDATA-000708', 'out', 'udp', '10.0.0.5:5060', null, 486, '1 INVITE', 'SIP/2.0 486 Busy Here'],
      [80, '09:15:08.120', 'SIPDATA-000709', 'in', 'udp', '10.0.0.5:5060', 'ACK', null, '1 ACK', 'ACK sip:bob@example.com SIP/2.0'],
    ],
  );
  // Cross references of the packets first (in packet order), then the sessions naming the Call-ID.
  assert.deepEqual(d.related, ['SIPC-000301', 'SIPC-000302', 'SIGNAL-000301']);
  // The packet's lines without inp:/out:, the wire line first (hover text).
  assert.deepEqual(d.packets[0].lines.slice(0, 2), ['req udp [10.0.0.5]:5060 INVITE(812 bytes)', 'INVITE sip:bob@example.com SIP/2.0']);
  assert.equal(d.packets[0].endLine + 1, 12, 'the packet ends at its "sent to" record');
});

test('compact i: header, a dialog not present, and the list of dialogs', () => {
  const log = fixture();
  assert.equal(findDialog([log], CALL).packets.filter((p) => p.session === 'SIPDATA-000703').length, 1, 'the packet with a compact i: header belongs to the dialog');
  const none = findDialog([log], 'nobody@nowhere');
  assert.deepEqual([none.packets.length, none.related], [0, []]);
  assert.deepEqual(listDialogs([log]), [{ callId: CALL, packets: 9 }, { callId: 'reg-1@10.0.0.1', packets: 2 }]);
});

test('a wire line without a start line: method and status from `INVITE(…)` / `486-INVITE(…)`; IPv6 keeps brackets', () => {
  const index = open(
    [
      '10:00:00.000 2 SIPDATA-000001 out: req tls [2001:db8::1]:5061 OPTIONS(300 bytes)',
      '10:00:00.000 5 SIPDATA-000001 out: Call-ID: x@y',
      '10:00:00.100 2 SIPDATA-000002 inp: rsp tls [2001:db8::1]:5061 503-OPTIONS(200 bytes)',
      '10:00:00.100 5 SIPDATA-000002 inp: Call-ID: x@y',
      '',
    ].join('\n'),
  );
  const d = findDialog([{ index, file: 'x' }], 'x@y');
  assert.deepEqual(
    d.packets.map((p) => [p.direction, p.transport, p.remote, p.method, p.status, p.cseq, p.summary]),
    [
      ['out', 'tls', '[2001:db8::1]:5061', 'OPTIONS', null, null, 'OPTIONS'],
      ['in', 'tls', '[2001:db8::1]:5061', null, 503, null, '503'],
    ],
  );
});

test('a dialog over two logs: packets in merged time order, each with its file', () => {
  const first = ['10:00:00.000 2 SIPDATA-000001 out: req udp [1.2.3.4]:5060 INVITE(1 bytes)', '10:00:00.000 5 SIPDATA-000001 out: INVITE sip:a@b SIP/2.0', '10:00:00.000 5 SIPDATA-000001 out: Call-ID: c1', '10:00:02.000 2 SIPDATA-000003 inp: rsp udp [1.2.3.4]:5060 200-INVITE(1 bytes)', '10:00:02.000 5 SIPDATA-000003 inp: SIP/2.0 200 OK', '10:00:02.000 5 SIPDATA-000003 inp: Call-ID: c1', ''].join('\n');
  const second = ['10:00:01.000 2 SIPDATA-000002 inp: rsp udp [1.2.3.4]:5060 180-INVITE(1 bytes)', '10:00:01.000 5 SIPDATA-000002 inp: SIP/2.0 180 Ringing', '10:00:01.000 5 SIPDATA-000002 inp: Call-ID: c1', ''].join('\n');
  const d = findDialog([{ index: open(first), file: 'one.log' }, { index: open(second), file: 'two.log' }], 'c1');
  assert.deepEqual(d.packets.map((p) => [p.file, p.line, p.status ?? p.method]), [['one.log', 0, 'INVITE'], ['two.log', 0, 180], ['one.log', 3, 200]]);
});
