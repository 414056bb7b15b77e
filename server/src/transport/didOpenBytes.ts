// The text of a large `textDocument/didOpen`, read from the message's bytes as UTF-8 bytes, never as
// a string. The usual path decodes the whole message into a string (the size of the document), parses
// it into a second (the text), and the index then encodes that back to bytes: on the bench's host,
// 400 ms and 100 MB of V8's own heap for a 50 MB log, while what the index needs are the bytes the
// editor sent, unescaped. The rest of the message is parsed as usual, the text replaced by "".

/** A didOpen message this large (in bytes) or more has its text read as bytes. */
export const BYTE_TEXT_MIN_BYTES = 1 << 20;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * A large didOpen read from its bytes: the message, and `opened`, its document's URI, version and text
 * as UTF-8 bytes (the message's text then ""); `opened` undefined when the document has no URI or
 * version to file the bytes under (the message's text then decoded, as JSON.parse would give it).
 */
export interface ByteTextMessage {
  message: unknown;
  opened: { uri: string; version: number; text: Buffer } | undefined;
}

/** Where a compact JSON message writes its method, if it does: clients write it first (`{"jsonrpc":"2.0","method":…`). */
const DID_OPEN = Buffer.from('"method":"textDocument/didOpen"', 'latin1');
const METHOD_LOOK_BYTES = 128;

/**
 * `body` (a whole JSON-RPC message) read with its text as bytes, when it is a large didOpen of the
 * usual shape; undefined when it is not (the caller parses it as usual). Throws on malformed JSON.
 * Once the text is found, `body` is changed (unescaped in place): the answer is then always the message.
 */
export function readByteTextDidOpen(body: Buffer): ByteTextMessage | undefined {
  if (body.length < BYTE_TEXT_MIN_BYTES) return undefined;
  const look = body.indexOf(DID_OPEN);
  if (look < 0 || look > METHOD_LOOK_BYTES) return undefined;
  const value = findTextValue(body);
  if (value === undefined) return undefined;
  const { text, end } = unescapeString(body, value + 1);
  const rest = Buffer.concat([body.subarray(0, value), Buffer.from('""', 'latin1'), body.subarray(end)]);
  const message: unknown = JSON.parse(rest.toString('utf8'));
  // findTextValue found the text in params.textDocument: both are objects.
  const item = (message as { params: { textDocument: { uri?: unknown; version?: unknown; text: string } } }).params.textDocument;
  if (typeof item.uri === 'string' && typeof item.version === 'number') return { message, opened: { uri: item.uri, version: item.version, text } };
  item.text = text.toString('utf8');
  return { message, opened: undefined };
}

/**
 * Where the string value of `params.textDocument.text` starts (its opening quote) in `body`, walking
 * the message's structure (keys are short; other strings are skipped, not decoded); undefined when the
 * message has no such string.
 */
function findTextValue(body: Buffer): number | undefined {
  // The keys of the objects open at this point, from the outermost; a key waiting for its value last.
  const path: (string | undefined)[] = [];
  let key: string | undefined;
  let expectKey = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      const end = stringEnd(body, i + 1);
      if (expectKey) {
        key = body.toString('utf8', i + 1, end - 1);
        expectKey = false;
      } else if (key === 'text' && path.length === 3 && path[1] === 'params' && path[2] === 'textDocument') {
        return i;
      }
      i = end - 1;
    } else if (c === 0x7b /* { */) {
      path.push(key);
      key = undefined;
      expectKey = true;
    } else if (c === 0x7d /* } */) {
      key = path.pop();
      if (key === undefined && path.length === 0) return undefined;
    } else if (c === 0x2c /* , */) {
      // The next member of an object (in an array, a comma is followed by a value, not a key).
      expectKey = key !== ARRAY;
    } else if (c === 0x5b /* [ */) {
      path.push(key);
      key = ARRAY;
    } else if (c === 0x5d /* ] */) {
      key = path.pop();
    }
  }
  return undefined;
}

/** The "key" of the values of an array (no string is this: a key is decoded JSON text). */
const ARRAY = '\u0000[]';

/** The index just past the closing quote of the string whose contents start at `from`. */
function stringEnd(body: Buffer, from: number): number {
  for (let i = from; ; ) {
    const q = body.indexOf(QUOTE, i);
    if (q < 0) throw new SyntaxError('unterminated string in a JSON message');
    let slashes = 0;
    while (q - 1 - slashes >= from && body[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/**
 * The UTF-8 bytes of the JSON string whose contents start at `from` (as Buffer.from(JSON.parse(…))
 * would give: a lone surrogate escape becomes U+FFFD), and the index just past its closing quote.
 * Unescaped in place (the bytes returned are a view of `body`, whose string they overwrite): text is
 * never longer than its JSON, and runs between escapes are moved whole (a Buffer.copy per line of a
 * log cost four times as much).
 */
function unescapeString(body: Buffer, from: number): { text: Buffer; end: number } {
  let o = from;
  let i = from;
  let slash = body.indexOf(BACKSLASH, i);
  let quote = body.indexOf(QUOTE, i);
  for (;;) {
    if (quote < 0) throw new SyntaxError('unterminated string in a JSON message');
    const runEnd = slash < 0 || quote < slash ? quote : slash;
    if (o !== i) body.copyWithin(o, i, runEnd);
    o += runEnd - i;
    if (runEnd === quote) return { text: body.subarray(from, o), end: quote + 1 };
    const e = body[slash + 1];
    i = slash + 2;
    switch (e) {
      case 0x6e /* n */:
        body[o++] = 0x0a;
        break;
      case 0x74 /* t */:
        body[o++] = 0x09;
        break;
      case 0x72 /* r */:
        body[o++] = 0x0d;
        break;
      case QUOTE:
      case BACKSLASH:
      case 0x2f /* / */:
        body[o++] = e;
        break;
      case 0x62 /* b */:
        body[o++] = 0x08;
        break;
      case 0x66 /* f */:
        body[o++] = 0x0c;
        break;
      case 0x75 /* u */: {
        let code = hex4(body, i);
        i += 4;
        if (code >= 0xd800 && code <= 0xdbff && body[i] === BACKSLASH && body[i + 1] === 0x75) {
          const low = hex4(body, i + 2);
          if (low >= 0xdc00 && low <= 0xdfff) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            i += 6;
          }
        }
        // A lone surrogate is not UTF-8: encoding the decoded string would write U+FFFD for it.
        if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
        o = writeUtf8(body, o, code);
        break;
      }
      default:
        throw new SyntaxError(`bad escape \\${String.fromCharCode(e)} in a JSON message`);
    }
    if (slash < i) slash = body.indexOf(BACKSLASH, i);
    if (quote < i) quote = body.indexOf(QUOTE, i);
  }
}

function hex4(body: Buffer, at: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = body[at + k];
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) throw new SyntaxError('bad \\u escape in a JSON message');
    v = (v << 4) | d;
  }
  return v;
}

/** Writes code point `code` as UTF-8 at `o`; returns the index after it. Its escape was at least as long (in place). */
function writeUtf8(out: Buffer, o: number, code: number): number {
  if (code < 0x80) {
    out[o++] = code;
  } else if (code < 0x800) {
    out[o++] = 0xc0 | (code >> 6);
    out[o++] = 0x80 | (code & 0x3f);
  } else if (code < 0x10000) {
    out[o++] = 0xe0 | (code >> 12);
    out[o++] = 0x80 | ((code >> 6) & 0x3f);
    out[o++] = 0x80 | (code & 0x3f);
  } else {
    out[o++] = 0xf0 | (code >> 18);
    out[o++] = 0x80 | ((code >> 12) & 0x3f);
    out[o++] = 0x80 | ((code >> 6) & 0x3f);
    out[o++] = 0x80 | (code & 0x3f);
  }
  return o;
}
