// An open document that grows at the end is indexed by appending, and gives the index a new parse gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { logCache, REAL_LOG, snapshot } from './helpers';

test('text added at the end of an open document is indexed as an append; any other edit parses again', async () => {
  const text = fs.readFileSync(REAL_LOG, 'utf8');
  const cut = text.lastIndexOf('\n', text.length >> 1) + 1;
  const uri = 'untitled:grown.log';
  const logs = logCache();
  logs.opened(uri);
  const first = await logs.forDocument(TextDocument.create(uri, 'communigate-log', 1, text.slice(0, cut)));
  assert.ok(first.index);
  const grown = await logs.forDocument(TextDocument.create(uri, 'communigate-log', 2, text));
  assert.equal(grown.version, 2);
  assert.equal(grown.index, first.index, 'the same index, appended to');
  const fresh = await logCache().forDocument(TextDocument.create('untitled:fresh.log', 'communigate-log', 1, text));
  assert.ok(fresh.index && grown.index);
  assert.deepEqual(snapshot(grown.index), snapshot(fresh.index));

  const edited = await logs.forDocument(TextDocument.create(uri, 'communigate-log', 3, `x${text}`));
  assert.notEqual(edited.index, first.index, 'an edit before the end is a new parse');
  assert.equal(edited.index?.lineCount, fresh.index.lineCount);
});

/** The real log repeated to `bytes` (documents this large are indexed with turns of the event loop). */
function bigText(bytes: number): string {
  const text = fs.readFileSync(REAL_LOG, 'utf8');
  return text.repeat(Math.ceil(bytes / text.length));
}

test('a large document is indexed asynchronously: callers share one parse, an edit meanwhile gives the edited version, a close stops it', async () => {
  const text = bigText(12 << 20);
  const uri = 'untitled:big.log';
  const logs = logCache();
  logs.opened(uri);
  const document = TextDocument.create(uri, 'communigate-log', 1, text);
  const a = logs.forDocument(document);
  const b = logs.forDocument(document);
  const [first, second] = await Promise.all([a, b]);
  assert.equal(first, second, 'one parse for both callers');
  assert.equal(first.version, 1);
  assert.deepEqual(snapshot(first.index!), snapshot(await logCache().forDocument(TextDocument.create('untitled:x.log', 'communigate-log', 1, text)).then((e) => e.index!)));

  // Edited while version 2 is indexed: the caller that asked for version 2 gets version 3's parse.
  TextDocument.update(document, [{ text: `x${text}` }], 2);
  const during = logs.forDocument(document);
  await new Promise<void>((resolve) => setImmediate(resolve)); // let it start
  TextDocument.update(document, [{ text: `y${text}` }], 3);
  const edited = await during;
  assert.equal(edited.version, 3, 'the version open when the parse ended');
  assert.equal(edited.index?.read(0, 1).toString(), 'y', 'the text of version 3');

  // Closed while indexed: the caller hears of the cancellation, and nothing is kept.
  TextDocument.update(document, [{ text: `z${text}` }], 4);
  const closing = logs.forDocument(document);
  await new Promise<void>((resolve) => setImmediate(resolve));
  logs.closed(uri);
  await assert.rejects(closing, (e: Error) => e.message === 'cancelled');
});
