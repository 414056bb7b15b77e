// The stdio writer's encoder: parts of a message already encoded as JSON (a worker's first answers)
// are copied in as they are, and the message reads back exactly as the same message with the values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from 'vscode-languageserver/node';
import { EncodedJson, encodeMessage } from '../../server/src/transport/encodedJson';

const OUTLINE = [{ name: 'IMAP-702175([10.0.0.1])', detail: '00:00:01.123 – 00:00:02.345 · part 1/3 · "quoted" \\ back', kind: 24, range: { start: { line: 3, character: 0 }, end: { line: 3, character: 80 } } }];
const DIAGNOSTICS = [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } }, severity: 1, message: 'time went back 2 s – “here”' }];

function encoded<T>(value: T): EncodedJson<T> {
  return new EncodedJson<T>(new TextEncoder().encode(JSON.stringify(value)));
}

function readBack(bytes: Buffer): unknown {
  return JSON.parse(bytes.toString('utf8'));
}

test('a response whose result is encoded reads back as the response with that result, whatever its id', () => {
  for (const id of [7, 'a "result":0 id', 0]) {
    const message = { jsonrpc: '2.0', id, result: encoded(OUTLINE) } as unknown as Message;
    assert.deepEqual(readBack(encodeMessage(message)), { jsonrpc: '2.0', id, result: OUTLINE });
  }
});

test('a notification with an encoded parameter reads back with it, beside the other parameters or alone', () => {
  const params = { uri: 'file:///var/log/a "b".log', version: 3, diagnostics: encoded(DIAGNOSTICS) };
  const message = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params } as unknown as Message;
  assert.deepEqual(readBack(encodeMessage(message)), { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: params.uri, version: 3, diagnostics: DIAGNOSTICS } });
  const alone = { jsonrpc: '2.0', method: 'x/y', params: { list: encoded([1, 2]), more: encoded({ a: 'ü' }) } } as unknown as Message;
  assert.deepEqual(readBack(encodeMessage(alone)), { jsonrpc: '2.0', method: 'x/y', params: { list: [1, 2], more: { a: 'ü' } } });
});

test('a message without encoded parts is JSON.stringify of it, and an encoded value serialized elsewhere is its value', () => {
  const plain = { jsonrpc: '2.0', id: 1, result: { a: [1, 'two'] } } as Message;
  assert.equal(encodeMessage(plain).toString('utf8'), JSON.stringify(plain));
  // Other transports (--node-ipc) and the library's tracing serialize with JSON.stringify: toJSON.
  const response = { jsonrpc: '2.0', id: 2, result: encoded(OUTLINE) };
  assert.equal(JSON.stringify(response), JSON.stringify({ jsonrpc: '2.0', id: 2, result: OUTLINE }));
  assert.equal(encodeMessage(response as unknown as Message).toString('utf8'), JSON.stringify(response));
});
