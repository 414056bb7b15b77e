// Over real LSP: the queue id of DEQUEUER records (hover, the Sessions view's records), and the
// filter request with exclusions and context (context lines, separators without a source line).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol';
import type { FilterResult, SessionRecordItem } from '../../common/protocol';
import { at, hoverText, LspSession } from './lspHarness';

const URI = 'untitled:2026-03-12.log';
const LOG = [
  '08:00:00.013 4 QUEUE([4411]) enqueued: from <alerts@example.net> size=2841',
  '08:00:01.004 2 DEQUEUER [4411] SMTP(example.org) relayed: relayed via [192.0.2.25]',
  '08:00:01.104 2 DEQUEUER [4412] LOCAL(bob) delivered: Delivered to the user mailbox',
].join('\n');

describe('language server over stdio: queue ids of DEQUEUER records', () => {
  const lsp = new LspSession();
  before(async () => {
    await lsp.initialize();
    await lsp.openAndWait(URI, 'communigate-log', LOG);
  });
  after(async () => {
    await lsp.stop();
  });

  test('hover names the record’s queue id; sessionRecords carries it where the key does not', async () => {
    const dequeuer = hoverText(await lsp.client.request<Hover | null>('textDocument/hover', at(URI, 2, 40)));
    assert.match(dequeuer, /Session DEQUEUER/);
    assert.match(dequeuer, /Queue id \*\*4412\*\*/);
    const queue = hoverText(await lsp.client.request<Hover | null>('textDocument/hover', at(URI, 0, 40)));
    assert.doesNotMatch(queue, /Queue id/, 'QUEUE([4411]) names its queue id in its key already');
    const records = await lsp.client.request<SessionRecordItem[]>('messagingLogs/sessionRecords', { uri: URI, key: 'DEQUEUER' });
    assert.deepEqual(records.map((r) => [r.line, r.queueId]), [[1, '4411'], [2, '4412']]);
    const queued = await lsp.client.request<SessionRecordItem[]>('messagingLogs/sessionRecords', { uri: URI, key: 'QUEUE([4411])' });
    assert.equal(queued[0].queueId, undefined);
  });

  test('messagingLogs/filter: exclusions alone, context lines, separators with no source line', async () => {
    const filter = (query: object) => lsp.client.request<FilterResult>('messagingLogs/filter', { uri: URI, query });
    const out = await filter({ excludeSessions: ['DEQUEUER'] });
    assert.equal(out.text, `${LOG.split('\n')[0]}\n`);
    assert.deepEqual(out.sourceLines, [0]);
    assert.equal(out.contextLines, undefined);
    const around = await filter({ text: '4412', context: 0, excludeTexts: ['enqueued'] });
    assert.deepEqual([around.records, around.sourceLines, around.contextLines], [1, [2], undefined]);
    const both = await filter({ regex: 'enqueued|LOCAL', context: 1, keyed: false });
    // Hits 0 and 2, record 1 between them as context: one group, no separator.
    assert.deepEqual([both.records, both.sourceLines, both.contextLines], [2, [0, 1, 2], [1]]);
    const apart = await filter({ regex: 'enqueued|LOCAL', context: 0 });
    assert.deepEqual([apart.sourceLines, apart.text.split('\n')[1]], [[0, -1, 2], '--']);
    const nothing = await filter({});
    assert.match(nothing.error ?? '', /needs a text, a regular expression or an exclusion/);
  });
});
