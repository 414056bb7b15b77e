import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileNameOf, filterSourceUri } from '../../server/src/logCache';

test('a filter result is read with its source log file name, however the editor escaped it', () => {
  const source = 'file:///var/log/CommuniGate%20Pro/SystemLogs/2026-01-15.log';
  const once = `msglog-filter:/1/keyed%20%22x%22?source=${encodeURIComponent(source)}`;
  const twice = `msglog-filter:/1/keyed%20%22x%22?${encodeURIComponent(`source=${encodeURIComponent(source)}`)}`;
  for (const uri of [once, twice]) assert.equal(fileNameOf(uri), '2026-01-15.log', uri);
  assert.equal(filterSourceUri('file:///a/b.log'), 'file:///a/b.log');
  assert.equal(filterSourceUri('msglog-filter:/1/x?source=%E0%A4%A'), 'msglog-filter:/1/x?source=%E0%A4%A', 'bad escapes: the URI itself');
  assert.equal(fileNameOf('msglog-filter:/1/x.log'), 'x.log');
});
