// The server's stdio transport: Content-Length framing read into one buffer per message, and a large
// didOpen's text read as UTF-8 bytes from the message (never decoded): the same bytes, and the same
// message, as JSON.parse and Buffer.from give; over the real server, the same answers as the text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Diagnostic, DocumentSymbol, FoldingRange, Hover } from 'vscode-languageserver-protocol';
import type { Message } from 'vscode-languageserver/node';
import type { ServerInfoResult } from '../../common/protocol';
import { BYTE_TEXT_MIN_BYTES, DidOpenProgress, readByteTextDidOpen } from '../../server/src/transport/didOpenBytes';
import { StdioMessageReader } from '../../server/src/transport/stdioReader';
import type { ReadInto } from '../../server/src/transport/stdioReader';
import { byteTextDecoder } from '../../server/src/transport/stdioConnection';
import { ByteTextDocument, documentsWithBytes, OpenedTexts } from '../../server/src/byteDocuments';
import { at, FIXTURE_TEXT, hoverText, LspSession } from './lspHarness';

/** Text with everything JSON escapes or keeps: quotes, backslashes, controls, CRLF, accents, CJK, an emoji, lone surrogates. */
const AWKWARD = 'say "hi" \\ back\\slash /x\t\b\f\r\n\u0001\u001f café 日本 😀 \ud800 lone \udc00 end\u2028\u2029\n';

/** A didOpen message as a client writes it (JSON.stringify), its text `text` padded past the threshold. */
function didOpen(text: string, uri = 'file:///tmp/a%20b.log', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'communigate-log', version: 7, text }, ...extra } });
}

const big = (s: string): string => s.repeat(Math.ceil(BYTE_TEXT_MIN_BYTES / s.length) + 1);

test('a large didOpen gives the bytes Buffer.from(JSON.parse(…).text) gives, and the rest of the message as JSON.parse reads it', () => {
  for (const text of [big(AWKWARD), big(FIXTURE_TEXT), big('x'), `${big('a')}\\`, big('"')]) {
    const json = didOpen(text);
    const read = readByteTextDidOpen(Buffer.from(json, 'utf8'));
    assert.ok(read?.opened, 'read as bytes');
    assert.ok(read.opened.text.equals(Buffer.from(text, 'utf8')), 'the same bytes');
    const parsed = JSON.parse(json) as { params: { textDocument: { text: string } } };
    parsed.params.textDocument.text = '';
    assert.deepEqual(read.message, parsed);
    assert.equal(read.opened.uri, 'file:///tmp/a%20b.log');
    assert.equal(read.opened.version, 7);
  }
});

test('the text is found by the message\'s structure: after other members, arrays and strings that look like it', () => {
  const text = big(AWKWARD);
  const tricky = 'file:///x/"text":"no.log';
  const extra = { notes: [{ text: 'not this' }, ['text', { textDocument: { text: 'nor this' } }]], text: 'nor this either' };
  const json = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { ...extra, textDocument: { version: 2, text, languageId: 'x', uri: tricky } } });
  const read = readByteTextDidOpen(Buffer.from(json, 'utf8'));
  assert.ok(read?.opened);
  assert.ok(read.opened.text.equals(Buffer.from(text, 'utf8')));
  assert.equal(read.opened.uri, tricky);
  assert.deepEqual((read.message as { params: unknown }).params, { ...extra, textDocument: { version: 2, text: '', languageId: 'x', uri: tricky } });
});

test('small messages, other methods and unusual shapes are left to JSON.parse; malformed JSON is an error', () => {
  assert.equal(readByteTextDidOpen(Buffer.from(didOpen('short'))), undefined, 'under the threshold');
  const other = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: 'u', version: 2 }, contentChanges: [{ text: big('x') }] } });
  assert.equal(readByteTextDidOpen(Buffer.from(other)), undefined, 'not a didOpen');
  const late = JSON.stringify({ params: { textDocument: { uri: 'u', languageId: 'x', version: 1, text: big('x') } }, jsonrpc: '2.0', method: 'textDocument/didOpen' });
  assert.equal(readByteTextDidOpen(Buffer.from(late)), undefined, 'method after the params: parsed as usual');
  const noText = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'u', version: 1 }, padding: big('x') } });
  assert.equal(readByteTextDidOpen(Buffer.from(noText)), undefined, 'no text: parsed as usual');
  // A text found but no version to file its bytes under: its body is unescaped already, so the message is
  // handed over with its text decoded, as JSON.parse gives it (not parsed again from the changed body).
  const unversioned = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'u', version: 'one', text: big(AWKWARD.replace(/\p{Cs}/gu, '\ufffd')) } } });
  const read = readByteTextDidOpen(Buffer.from(unversioned, 'utf8'));
  assert.equal(read?.opened, undefined);
  assert.deepEqual(read?.message, JSON.parse(unversioned));
  const broken = didOpen(big('x')).replace('"text":"xx', '"text":"x\\qx');
  assert.throws(() => readByteTextDidOpen(Buffer.from(broken)), /bad escape/);
  const unterminated = didOpen(big('x')).slice(0, -10);
  assert.throws(() => readByteTextDidOpen(Buffer.from(unterminated)), SyntaxError);
});

/** readByteTextDidOpen of `json` after its body was read as it arrived, in pieces of the sizes `cut` gives. */
function readAsItArrives(json: string, cut: (at: number) => number): ReturnType<typeof readByteTextDidOpen> {
  const whole = Buffer.from(json, 'utf8');
  const body = Buffer.alloc(whole.length, 0x22); // the unfilled rest of a body: quotes, to catch a read past what came
  const progress = new DidOpenProgress(body);
  for (let at = 0; at < whole.length; ) {
    const n = Math.min(whole.length - at, Math.max(1, cut(at)));
    whole.copy(body, at, at, at + n);
    at += n;
    if (at < whole.length) progress.advance(at);
  }
  return readByteTextDidOpen(body, progress);
}

test('a large didOpen read as it arrives, in pieces of any size, gives what it gives read whole; malformed JSON is still an error', () => {
  const cuts: [string, (at: number) => number][] = [
    ['a byte at a time, then 4093', (at) => (at < 200_000 ? 1 : 4093)],
    ['7 bytes', () => 7],
    ['13 bytes', () => 13],
    ['64 KB', () => 65536],
    ['odd pieces', (at) => 1 + ((at * 7919) % 100_003)],
  ];
  const texts = [big(AWKWARD), `${big('a')}\\`, big('"')];
  // A member before the text longer than the look ahead: found when the body is whole.
  const late = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { notes: 'n'.repeat(100_000), textDocument: { uri: 'u', languageId: 'x', version: 3, text: big(AWKWARD) } } });
  // Surrogate pairs written as escapes (JSON.stringify writes the character itself), 14 bytes each with two more.
  const escapedPairs = didOpen(big('x')).replace(/"text":"x+/, (m) => `"text":"${'\\ud83d\\ude00xx'.repeat(Math.ceil(m.length / 14))}`);
  for (const json of [...texts.map((text) => didOpen(text)), late, escapedPairs]) {
    const whole = readByteTextDidOpen(Buffer.from(json, 'utf8'));
    assert.ok(whole?.opened);
    for (const [how, cut] of cuts) {
      const read = readAsItArrives(json, cut);
      assert.ok(read?.opened, how);
      assert.ok(read.opened.text.equals(whole.opened.text), `${how}: the same bytes`);
      assert.deepEqual(read.message, whole.message, how);
    }
  }
  const broken = didOpen(big('x')).replace('"text":"xx', '"text":"x\\qx');
  // A bad escape far into the text: met while it arrives, after much of it is unescaped in place.
  const brokenLater = didOpen(big('x\n')).replace(/(\\nx){300000}/, (m) => `${m}\\q`);
  const unterminated = didOpen(big('x')).slice(0, -10);
  const other = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { contentChanges: [{ text: big('x') }] } });
  for (const [how, cut] of cuts) {
    assert.throws(() => readAsItArrives(broken, cut), /bad escape/, how);
    assert.throws(() => readAsItArrives(brokenLater, cut), /bad escape \\q/, how);
    assert.throws(() => readAsItArrives(unterminated, cut), SyntaxError, how);
    assert.equal(readAsItArrives(other, cut), undefined, how);
  }
});

/** Frames `body` as LSP does (Content-Length in bytes), with any other headers given. */
function frame(body: string, headers = ''): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n${headers}\r\n`, 'latin1'), bytes]);
}

/** The messages a reader hands on when `stream` gets `bytes` in chunks of the sizes `cut` gives. */
async function readAll(bytes: Buffer, cut: (at: number) => number): Promise<{ messages: Message[]; errors: Error[]; texts: OpenedTexts }> {
  const stream = new PassThrough();
  const texts = new OpenedTexts();
  const reader = new StdioMessageReader(stream, byteTextDecoder(texts));
  const messages: Message[] = [];
  const errors: Error[] = [];
  reader.onError((e) => errors.push(e));
  const closed = new Promise<void>((resolve) => reader.onClose(() => resolve()));
  reader.listen((m) => messages.push(m));
  for (let at = 0; at < bytes.length; ) {
    const n = Math.max(1, cut(at));
    stream.write(bytes.subarray(at, at + n));
    at += n;
  }
  stream.end();
  await closed;
  return { messages, errors, texts };
}

test('a follower asked for the document\'s URI sees the text as it is unescaped: the start of the final text each time, in one buffer', () => {
  const uri = 'file:///tmp/a%20b "q".log';
  const json = didOpen(big(AWKWARD), uri);
  const whole = readByteTextDidOpen(Buffer.from(json, 'utf8'));
  assert.ok(whole?.opened);
  const final = whole.opened.text;
  for (const piece of [7, 4093, 65536]) {
    const asked: string[] = [];
    // Each view given: where it starts in the body, its length, and its last bytes as they were then.
    const views: { offset: number; length: number; tail: Buffer }[] = [];
    const body = Buffer.alloc(Buffer.byteLength(json), 0x22);
    const progress = new DidOpenProgress(body, (u) => {
      asked.push(u);
      return (text) => void views.push({ offset: text.byteOffset, length: text.length, tail: Buffer.from(text.subarray(Math.max(0, text.length - 64))) });
    });
    Buffer.from(json, 'utf8').copy(body);
    for (let at = piece; at < body.length; at += piece) progress.advance(at);
    const read = readByteTextDidOpen(body, progress);
    assert.deepEqual(asked, [uri], `${piece}: asked once, for the document's URI`);
    assert.ok(read?.opened?.text.equals(final), `${piece}: the same text`);
    assert.ok(views.length > 1, `${piece}: followed as it came`);
    views.forEach(({ offset, length, tail }, i) => {
      assert.equal(offset, read?.opened?.text.byteOffset, `${piece}: views from the text's start in the body`);
      if (i > 0) assert.ok(length >= views[i - 1].length, `${piece}: growing`);
      assert.ok(tail.equals(final.subarray(length - tail.length, length)), `${piece}: each view is the final text so far`);
    });
    assert.ok(views[views.length - 1].length > final.length - 2 * piece - 16, `${piece}: followed nearly to its end`);
  }
  // No follower wanted, or a message without a URI before its text: nothing is followed, the text is read as always.
  const noneBody = Buffer.from(json, 'utf8');
  const none = new DidOpenProgress(noneBody, () => undefined);
  none.advance(noneBody.length - 1);
  assert.ok(readByteTextDidOpen(noneBody, none)?.opened?.text.equals(final), 'nobody follows: the same text');
  const noUri = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { languageId: 'x', version: 1, text: big('a'), uri } } });
  const askedLate: string[] = [];
  const late = new DidOpenProgress(Buffer.from(noUri, 'utf8'), (u) => void askedLate.push(u));
  late.advance(Buffer.byteLength(noUri) - 1);
  assert.deepEqual(askedLate, [], 'the URI comes after the text: nobody is asked');
  // A follower that fails, or a failure to give one, never stops the message being read.
  for (const follow of [(): never => { throw new Error('no follower'); }, () => (): never => { throw new Error('follower failed'); }]) {
    const failing = Buffer.from(json, 'utf8');
    const progress = new DidOpenProgress(failing, follow);
    for (let at = 4093; at < failing.length; at += 4093) progress.advance(at);
    assert.ok(readByteTextDidOpen(failing, progress)?.opened?.text.equals(final), 'the same text');
  }
});

test('the reader hands on each framed message once, in order, whatever the chunks: a byte at a time, several in one, a 1 MB body in 64 KB pieces', async () => {
  const bodies = [
    JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { caf: 'é', emoji: '😀' } }),
    JSON.stringify({ jsonrpc: '2.0', method: 'initialized', params: {} }),
    didOpen(big(AWKWARD)),
    JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'shutdown' }),
  ];
  const stream = Buffer.concat(bodies.map((b, i) => frame(b, i === 1 ? 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n' : '')));
  const expected = bodies.map((b) => JSON.parse(b) as { params?: { textDocument?: { text?: string } } });
  const expectedText = Buffer.from(expected[2].params?.textDocument?.text ?? '', 'utf8');
  (expected[2].params as { textDocument: { text: string } }).textDocument.text = '';
  const smallEnd = frame(bodies[0]).length + frame(bodies[1]).length + 40;
  for (const [how, cut] of [
    ['a byte at a time through the headers, then 64 KB', (at: number) => (at < smallEnd ? 1 : 65536)],
    ['in 64 KB chunks', () => 65536],
    ['in odd chunks', (at: number) => 1 + ((at * 7919) % 100_003)],
    ['all at once', () => stream.length],
  ] as const) {
    const { messages, errors, texts } = await readAll(stream, cut);
    assert.deepEqual(errors, [], how);
    assert.deepEqual(messages, expected, how);
    assert.ok(texts.take('file:///tmp/a%20b.log', 7)?.equals(expectedText), `${how}: the text kept as bytes`);
    assert.equal(texts.take('file:///tmp/a%20b.log', 7), undefined, 'taken once');
  }
});

/**
 * The messages a reader hands on when its input reads `bytes` into the buffers the reader gives (as
 * net.Socket's `onread` does), at most `most(at)` bytes a read; and the sizes of the buffers it gave.
 */
function readAllInto(bytes: Buffer, most: (at: number) => number): { messages: Message[]; errors: Error[]; texts: OpenedTexts; given: number[] } {
  const texts = new OpenedTexts();
  const given: number[] = [];
  let closed = false;
  const input: ReadInto = (next, read, end) => {
    for (let at = 0; at < bytes.length; ) {
      const into = next();
      given.push(into.byteLength);
      const n = Math.min(into.byteLength, bytes.length - at, Math.max(1, most(at)));
      into.set(bytes.subarray(at, at + n));
      at += n;
      read(n, into);
    }
    end();
    return { dispose: () => undefined };
  };
  const reader = new StdioMessageReader(input, byteTextDecoder(texts));
  const messages: Message[] = [];
  const errors: Error[] = [];
  reader.onError((e) => errors.push(e));
  reader.onClose(() => (closed = true));
  reader.listen((m) => messages.push(m));
  assert.ok(closed, 'closed once the input ends');
  return { messages, errors, texts, given };
}

test('read into the reader\'s buffers, a large body goes straight into its own buffer; every message once, in order, whatever the reads', () => {
  const bodies = [
    JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { caf: 'é', emoji: '😀' } }),
    didOpen(big(AWKWARD)),
    JSON.stringify({ jsonrpc: '2.0', method: 'initialized', params: {} }),
    didOpen(big('x'), 'file:///two.log'),
    JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'shutdown' }),
  ];
  const stream = Buffer.concat(bodies.map((b) => frame(b)));
  const expected = bodies.map((b) => JSON.parse(b) as { params?: { textDocument?: { text?: string } } });
  const texts = [1, 3].map((i) => Buffer.from(expected[i].params?.textDocument?.text ?? '', 'utf8'));
  for (const i of [1, 3]) (expected[i].params as { textDocument: { text: string } }).textDocument.text = '';
  for (const [how, most] of [
    ['a byte at a time through the first message, then as much as is given', (at: number) => (at < 200 ? 1 : Infinity)],
    ['64 KB reads', () => 65536],
    ['odd reads', (at: number) => 1 + ((at * 7919) % 300_007)],
    ['as much as is given', () => Infinity],
  ] as const) {
    const read = readAllInto(stream, most);
    assert.deepEqual(read.errors, [], how);
    assert.deepEqual(read.messages, expected, how);
    assert.ok(read.texts.take('file:///tmp/a%20b.log', 7)?.equals(texts[0]), `${how}: the first text kept as bytes`);
    assert.ok(read.texts.take('file:///two.log', 7)?.equals(texts[1]), `${how}: the second text kept as bytes`);
    // After a large body's header, the reader gives the rest of that body to read into, not a scratch buffer.
    assert.ok(read.given.some((size) => size > 1 << 20), `${how}: a read into the rest of a large body`);
  }
});

test('a header without Content-Length, or a body that is not JSON, is an error: said once, the stream not taken for messages', async () => {
  const noLength = await readAll(Buffer.from('Content-Type: x\r\n\r\n{}', 'latin1'), () => 5);
  assert.equal(noLength.errors.length, 1);
  assert.match(noLength.errors[0].message, /without a Content-Length/);
  assert.deepEqual(noLength.messages, []);
  const notJson = await readAll(Buffer.concat([frame('{"jsonrpc":'), frame('{"jsonrpc":"2.0","method":"exit"}')]), () => 7);
  assert.equal(notJson.errors.length, 1);
  assert.match(notJson.errors[0].message, /cannot read a message/);
  assert.deepEqual(notJson.messages, [{ jsonrpc: '2.0', method: 'exit' }], 'the next message is still read');
});

test('a document made from bytes is a TextDocument of that text; an edit makes a plain one, and the bytes stay those of their version', () => {
  const texts = new OpenedTexts();
  const config = documentsWithBytes(texts);
  // Well-formed text (a lone surrogate has no UTF-8: the bytes carry U+FFFD for it, as Buffer.from writes).
  const text = `first line ${AWKWARD.replace(/\p{Cs}/gu, '\ufffd')}second line\n`;
  texts.put('u', 1, Buffer.from(text, 'utf8'));
  texts.put('u', 1, Buffer.from('reopened\n', 'utf8'));
  const doc = config.create('u', 'communigate-log', 1, '');
  assert.ok(doc instanceof ByteTextDocument);
  assert.equal(doc.getText(), text);
  assert.equal(doc.lineCount, text.split(/\r\n|\r|\n/).length);
  assert.deepEqual(doc.positionAt(text.indexOf('second')), { line: text.slice(0, text.indexOf('second')).split(/\r\n|\r|\n/).length - 1, character: 0 });
  const edited = config.update(doc, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, text: 'FIRST' }], 2);
  assert.ok(!(edited instanceof ByteTextDocument));
  assert.equal(edited.getText(), `FIRST${text.slice(5)}`);
  assert.equal(doc.getText(), text, 'the document of version 1 is unchanged');
  assert.ok(doc.bytes.equals(Buffer.from(text, 'utf8')));
  // A close and reopen queued behind the first open take their own bytes; a plain text is a plain document.
  assert.equal(config.create('u', 'communigate-log', 1, '').getText(), 'reopened\n');
  assert.ok(!(config.create('u', 'communigate-log', 1, '') instanceof ByteTextDocument), 'nothing left for it: an empty document');
  assert.ok(!(config.create('v', 'communigate-log', 1, 'plain') instanceof ByteTextDocument));
});

/** Over the real server: a large document opened (its text read as bytes) and the same text set by an edit (read as text). */
const lsp = new LspSession();
before(() => lsp.initialize());
after(() => lsp.stop());

test('over stdio, a document opened with its text as bytes answers as the same text set by an edit does', async () => {
  // The fixture with awkward lines among its own, past the threshold: non-ASCII and escapes matter.
  const lines = FIXTURE_TEXT.split('\n');
  lines.splice(3, 0, '12:00:00.000 2 IMAP-900001([10.0.0.1]) "quoted" \\ back 😀 café\tend');
  const text = big(`${lines.join('\n')}\n`);
  const viaBytes = 'untitled:bytes.log';
  const viaEdit = 'untitled:edited.log';
  const published = (uri: string) => lsp.client.waitForNotification<{ uri: string; diagnostics: Diagnostic[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri, undefined, 60_000);
  const bytesDiagnostics = published(viaBytes);
  lsp.open(viaBytes, 'communigate-log', text);
  await lsp.openAndWait(viaEdit, 'communigate-log', '12:00:00.000 2 IMAP-1 x\n');
  const editDiagnostics = published(viaEdit);
  lsp.client.notify('textDocument/didChange', { textDocument: { uri: viaEdit, version: 2 }, contentChanges: [{ text }] });
  assert.deepEqual((await bytesDiagnostics).diagnostics, (await editDiagnostics).diagnostics);
  assert.ok((await bytesDiagnostics).diagnostics.length > 0);
  const info = await lsp.client.request<ServerInfoResult>('messagingLogs/serverInfo', null);
  assert.equal(info.documentsReadAsBytes, 1, 'the large didOpen only (the small one and the edit are text)');
  for (const method of ['textDocument/documentSymbol', 'textDocument/foldingRange']) {
    const a = await lsp.client.request<DocumentSymbol[] | FoldingRange[]>(method, { textDocument: { uri: viaBytes } });
    const b = await lsp.client.request<DocumentSymbol[] | FoldingRange[]>(method, { textDocument: { uri: viaEdit } });
    assert.ok(a.length > 0, method);
    assert.deepEqual(a, b, method);
  }
  const hover = (uri: string) => lsp.client.request<Hover | null>('textDocument/hover', at(uri, 3, 20));
  assert.match(hoverText(await hover(viaBytes)), /IMAP/);
  assert.equal(hoverText(await hover(viaBytes)), hoverText(await hover(viaEdit)));

  // An edit of the document opened as bytes (an append, as a growing log): answers as the edited text's.
  const added = '12:59:59.000 1 IMAP-990001([10.0.0.9]) storage failure\n';
  const end = { line: text.split('\n').length - 1, character: 0 };
  const afterAppend = published(viaBytes);
  lsp.client.notify('textDocument/didChange', { textDocument: { uri: viaBytes, version: 2 }, contentChanges: [{ range: { start: end, end }, text: added }] });
  const afterEdit = published(viaEdit);
  lsp.client.notify('textDocument/didChange', { textDocument: { uri: viaEdit, version: 3 }, contentChanges: [{ text: text + added }] });
  assert.deepEqual((await afterAppend).diagnostics, (await afterEdit).diagnostics);
  assert.ok((await afterAppend).diagnostics.some((d) => d.range.start.line === end.line), 'the appended problem is reported');
});
