import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, records, keys, diagnosticCodes, filterText } from './helpers';
import { goToTime } from '../../server/src/engine';
import { closeNumbers } from '../../server/src/engine/dialects/messagingServer';

const LOG = [
  '[02/May/1998:17:37:32 -0700] showshoe cgi_store[18753]: General Notice: Log created (894155852)',
  '04/May/1998:11:07:44 -0400 xyzmail cgi_service[343]: General Error: function=getserverhello|port=2500|error=failed to connect',
  '03/12/1998 06:54:32 +0200 SiroePost imapd[232]: Account Notice: close [127.0.0.1] [unauthenticated] 1998/12/3 6:54:32 0:00:00 0 115 0',
  '[03/Dec/1998:06:55:00 +0200] SiroePost imapd[232]: Network Warning: client timed out',
  '[03/Dec/1998:06:56:00 +0200] SiroePost imapd[232]: Store Catastrophe: database corrupt',
];

test('Messaging Server: bracketed and bare stamps, numeric months, PROCESS[PID] sessions', () => {
  const index = open(LOG.join('\n'));
  assert.equal(index.dialect.id, 'messaging-server-log');
  assert.deepEqual(keys(index), ['cgi_store[18753]', 'cgi_service[343]', 'imapd[232]', 'imapd[232]', 'imapd[232]']);
  assert.deepEqual(records(index).map((r) => r.severity), ['info', 'error', 'info', 'warning', 'critical']);
  assert.deepEqual(diagnosticCodes(index), ['1:level:error', '3:level:warning', '4:level:error']);
  assert.equal(index.timestampText(0), '02/May/1998:17:37:32 -0700');
  assert.equal(index.timestampText(2), '03/12/1998 06:54:32 +0200');
  // A bare date-time is in the log's own offset, that of its first record (-0700): 21:55 -0700 is 06:55 +0200.
  assert.equal(goToTime(index, '1998-12-02 21:55'), 3);
  assert.equal(goToTime(index, '1998-12-03 06:55'), -1);
});

test('Messaging Server: the level word is part of the filtered body, as written; close numbers', () => {
  const index = open(LOG.join('\n') + '\n');
  assert.equal(filterText(index, { text: 'Notice' }), [LOG[0], LOG[2]].join('\n') + '\n');
  assert.equal(filterText(index, { text: 'General: Log created' }), '');
  assert.equal(filterText(index, { text: 'General Notice: Log created' }), LOG[0] + '\n');
  assert.equal(filterText(index, { text: 'imapd[232]: Account Notice: close', keyed: true }), LOG.slice(2).join('\n') + '\n');
  assert.deepEqual(closeNumbers(index.body(2)), { clientBytes: 0, serverBytes: 115, mailboxes: 0 });
  assert.equal(closeNumbers(index.body(3)), undefined);
});
