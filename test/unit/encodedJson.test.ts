// The stdio writer's pieces: parts of a message already encoded as JSON (a worker's first answers) are
// written as they are, and the message reads back exactly as the same message with the values; the
// writer frames every message, in order, for our reader to read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from 'vscode-languageserver/node';
import { PassThrough } from 'node:stream';
import { OpenedTexts } from '../../server/src/byteDocuments';
import { EncodedJson, encodeMessagePieces } from '../../server/src/transport/encodedJson';
import { byteTextDecoder } from '../../server/src/transport/stdioConnection';
import { StdioMessageReader } from '../../server/src/transport/stdioReader';
import { StdioMessageWriter } from '../../server/src/transport/stdioWriter';

const OUTLINE = [{ name: 'IMAP-702175([10.0.0.1])', detail: '00:00:01.123 – 00:00:02.345 · part 1/3 · "quoted" \\ back', kind: 24, range: { start: { line: 3, character: 0 }, end: { line: 3, character: 80 } } }];
const DIAGNOSTICS = [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } }, severity: 1, message: 'time went back 2 s – “here”' }];

function encoded<T>(value: T): EncodedJson<T> {
  return new EncodedJson<T>(new TextEncoder().encode(JSON.stringify(value)));
}

/** The message's pieces joined, as they reach the pipe. */
function encodeMessage(message: Message): Buffer {
  return Buffer.concat(encodeMessagePieces(message));
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

test('the stdio writer frames each message, encoded parts as they are, in the order given, for the reader to read back', async () => {
  const stream = new PassThrough();
  const writer = new StdioMessageWriter(stream);
  const reader = new StdioMessageReader(stream, byteTextDecoder(new OpenedTexts()));
  const got: Message[] = [];
  reader.listen((m) => got.push(m));
  const outline = Array.from({ length: 5000 }, (_, i) => ({ ...OUTLINE[0], name: `IMAP-${i}` }));
  const messages: Message[] = [];
  const expected: unknown[] = [];
  for (let i = 0; i < 60; i++) {
    if (i % 3 === 0) {
      messages.push({ jsonrpc: '2.0', id: i, result: encoded(outline).asValue() } as Message);
      expected.push({ jsonrpc: '2.0', id: i, result: outline });
    } else if (i % 3 === 1) {
      messages.push({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: `file:///${i}.log`, diagnostics: encoded(DIAGNOSTICS).asValue() } } as Message);
      expected.push({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: `file:///${i}.log`, diagnostics: DIAGNOSTICS } });
    } else {
      messages.push({ jsonrpc: '2.0', id: i, result: { text: 'é😀 "x"', i } } as Message);
      expected.push({ jsonrpc: '2.0', id: i, result: { text: 'é😀 "x"', i } });
    }
  }
  // Written without waiting for one another: they arrive whole and in order.
  await Promise.all(messages.map((m) => writer.write(m)));
  stream.end();
  await new Promise<void>((resolve) => reader.onClose(() => resolve()));
  assert.deepEqual(got, expected);
});

test('a message the stdio writer cannot encode is refused and reported, and the next one is written', async () => {
  const stream = new PassThrough();
  const writer = new StdioMessageWriter(stream);
  const errors: unknown[] = [];
  writer.onError(([error, message, count]) => errors.push([error.message, message?.jsonrpc, count]));
  await assert.rejects(writer.write({ jsonrpc: '2.0', id: 1, result: { n: 1n } } as unknown as Message), /BigInt/);
  await writer.write({ jsonrpc: '2.0', id: 2, result: null } as Message);
  stream.end();
  const written = Buffer.concat(await stream.toArray()).toString('utf8');
  assert.equal(written, 'Content-Length: 38\r\n\r\n{"jsonrpc":"2.0","id":2,"result":null}');
  assert.equal(errors.length, 1);
  assert.match(String((errors[0] as unknown[])[0]), /BigInt/);
});
