// An open document that grows at the end is indexed by appending, and gives the index a new parse gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LogCache } from '../../server/src/logCache';
import { REAL_LOG, snapshot } from './helpers';

function cache(): LogCache {
  return new LogCache(() => undefined, {
    changed: () => undefined,
    evicted: () => undefined,
    backgroundProgress: () => Promise.resolve(undefined),
    failed: (e) => {
      throw e;
    },
  });
}

test('text added at the end of an open document is indexed as an append; any other edit parses again', async () => {
  const text = fs.readFileSync(REAL_LOG, 'utf8');
  const cut = text.lastIndexOf('\n', text.length >> 1) + 1;
  const uri = 'untitled:grown.log';
  const logs = cache();
  logs.opened(uri);
  const first = await logs.forDocument(TextDocument.create(uri, 'communigate-log', 1, text.slice(0, cut)));
  assert.ok(first.index);
  const grown = await logs.forDocument(TextDocument.create(uri, 'communigate-log', 2, text));
  assert.equal(grown.version, 2);
  assert.equal(grown.index, first.index, 'the same index, appended to');
  const fresh = await cache().forDocument(TextDocument.create('untitled:fresh.log', 'communigate-log', 1, text));
  assert.ok(fresh.index && grown.index);
  assert.deepEqual(snapshot(grown.index), snapshot(fresh.index));

  const edited = await logs.forDocument(TextDocument.create(uri, 'communigate-log', 3, `x${text}`));
  assert.notEqual(edited.index, first.index, 'an edit before the end is a new parse');
  assert.equal(edited.index?.lineCount, fresh.index.lineCount);
});
