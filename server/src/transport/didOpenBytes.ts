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

/** A text found this far into a message, or never: messages that write it later are read whole at the end. */
const FIND_MAX_BYTES = 64 * 1024;
/** The longest escape a JSON string holds (a surrogate pair, `\uD83D\uDE00`): one that starts this far before the bytes come is whole. */
const ESCAPE_MAX_BYTES = 12;

/**
 * A large didOpen read while its body arrives (the pipe brings 50 MB in about 250 ms, and this thread
 * waits meanwhile): its text found and unescaped in place up to the bytes that have come, so that
 * little is left to do when the last chunk is in. What it does is what readByteTextDidOpen would do
 * with the whole body; a body it cannot read ahead is read whole at the end.
 */
export class DidOpenProgress {
  /** The error met while the text was read ahead, if any: readByteTextDidOpen throws it. */
  failure: Error | undefined;
  private unescaper: StringUnescaper | undefined;
  private done = false;
  /** Given the text so far as it is unescaped, when `follow` wanted it for the document's URI. */
  private follower: TextFollower | undefined;

  /** `follow` is asked, once the text is found, whether anyone follows the text of the document's URI. */
  constructor(
    readonly body: Buffer,
    private readonly follow?: FollowText,
  ) {}

  /** Takes in that the body's first `received` bytes have come. */
  advance(received: number): void {
    if (this.done) return;
    const body = this.body;
    if (this.unescaper === undefined) {
      if (received < METHOD_LOOK_BYTES + DID_OPEN.length && received < body.length) return;
      const look = body.subarray(0, received).indexOf(DID_OPEN);
      const value = look < 0 || look > METHOD_LOOK_BYTES ? undefined : findTextValue(body, received);
      if (value === NEED_MORE) {
        this.done = received >= FIND_MAX_BYTES;
        return;
      }
      if (value === undefined) {
        this.done = true;
        return;
      }
      this.unescaper = new StringUnescaper(value + 1);
      const uri = this.follow === undefined ? undefined : uriBefore(body, value);
      try {
        if (uri !== undefined) this.follower = this.follow?.(uri);
      } catch {
        // Nobody follows this text: it is read all the same.
      }
    }
    // A bad escape is the error reading the whole body would meet first (the text is read in order, and
    // part of it is already unescaped in place: it cannot be read again from the start).
    try {
      this.done = this.unescaper.run(body, received - ESCAPE_MAX_BYTES);
    } catch (e) {
      this.failure = e instanceof Error ? e : new SyntaxError(String(e));
      this.done = true;
    }
    // The bytes before `out` are final: the text is never longer than its JSON.
    if (this.failure === undefined && this.follower !== undefined) {
      try {
        this.follower(body.subarray(this.unescaper.from, this.unescaper.out));
      } catch {
        // A follower that fails follows no more: the message is read all the same.
        this.follower = undefined;
      }
    }
  }

  /** Where the text's value starts and how far it is unescaped, when it was found. */
  get found(): StringUnescaper | undefined {
    return this.unescaper;
  }
}

/**
 * `body` (a whole JSON-RPC message) read with its text as bytes, when it is a large didOpen of the
 * usual shape; undefined when it is not (the caller parses it as usual). Throws on malformed JSON.
 * Once the text is found, `body` is changed (unescaped in place): the answer is then always the message.
 * `progress`: what was read of it while it arrived.
 */
export function readByteTextDidOpen(body: Buffer, progress?: DidOpenProgress): ByteTextMessage | undefined {
  if (body.length < BYTE_TEXT_MIN_BYTES) return undefined;
  if (progress?.body === body && progress.failure !== undefined) throw progress.failure;
  let unescaper = progress?.body === body ? progress.found : undefined;
  if (unescaper === undefined) {
    const look = body.indexOf(DID_OPEN);
    if (look < 0 || look > METHOD_LOOK_BYTES) return undefined;
    const value = findTextValue(body, body.length);
    if (value === undefined || value === NEED_MORE) return undefined;
    unescaper = new StringUnescaper(value + 1);
  }
  if (!unescaper.run(body, body.length)) throw new SyntaxError('unterminated string in a JSON message');
  const text = body.subarray(unescaper.from, unescaper.out);
  const rest = Buffer.concat([body.subarray(0, unescaper.from - 1), Buffer.from('""', 'latin1'), body.subarray(unescaper.end)]);
  const message: unknown = JSON.parse(rest.toString('utf8'));
  // findTextValue found the text in params.textDocument: both are objects.
  const item = (message as { params: { textDocument: { uri?: unknown; version?: unknown; text: string } } }).params.textDocument;
  if (typeof item.uri === 'string' && typeof item.version === 'number') return { message, opened: { uri: item.uri, version: item.version, text } };
  item.text = text.toString('utf8');
  return { message, opened: undefined };
}

/** Given the text of a didOpen so far (a growing view of the message's buffer) while it arrives. */
export type TextFollower = (text: Uint8Array) => void;
/** Who follows the text of the document `uri`, if anyone. */
export type FollowText = (uri: string) => TextFollower | undefined;

/**
 * `params.textDocument.uri` of a message whose text value starts at `value`, when it comes before the
 * text (as clients write it); undefined otherwise. The text is found at params.textDocument (findTextValue),
 * so closing three objects after an empty text makes the JSON before it whole.
 */
function uriBefore(body: Buffer, value: number): string | undefined {
  try {
    const head = JSON.parse(`${body.toString('utf8', 0, value)}""}}}`) as { params: { textDocument: { uri?: unknown } } };
    const uri = head.params.textDocument.uri;
    return typeof uri === 'string' ? uri : undefined;
  } catch {
    return undefined;
  }
}

/** findTextValue's answer when the bytes that have come end before it could tell. */
const NEED_MORE = -1;

/**
 * Where the string value of `params.textDocument.text` starts (its opening quote) in `body`'s first
 * `limit` bytes, walking the message's structure (keys are short; other strings are skipped, not
 * decoded); undefined when the message has no such string, NEED_MORE when the bytes end first.
 */
function findTextValue(body: Buffer, limit: number): number | undefined {
  const view = limit === body.length ? body : body.subarray(0, limit);
  // The keys of the objects open at this point, from the outermost; a key waiting for its value last.
  const path: (string | undefined)[] = [];
  let key: string | undefined;
  let expectKey = false;
  for (let i = 0; i < limit; i++) {
    const c = view[i];
    if (c === QUOTE) {
      if (!expectKey && key === 'text' && path.length === 3 && path[1] === 'params' && path[2] === 'textDocument') return i;
      const end = stringEnd(view, i + 1);
      if (end < 0) return limit === body.length ? unterminated() : NEED_MORE;
      if (expectKey) {
        key = view.toString('utf8', i + 1, end - 1);
        expectKey = false;
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
  return limit === body.length ? undefined : NEED_MORE;
}

function unterminated(): never {
  throw new SyntaxError('unterminated string in a JSON message');
}

/** The "key" of the values of an array (no string is this: a key is decoded JSON text). */
const ARRAY = '\u0000[]';

/** The index just past the closing quote of the string whose contents start at `from`, or -1 when `body` ends first. */
function stringEnd(body: Buffer, from: number): number {
  for (let i = from; ; ) {
    const q = body.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let slashes = 0;
    while (q - 1 - slashes >= from && body[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/**
 * A JSON string unescaped in place into its UTF-8 bytes (as Buffer.from(JSON.parse(…)) would give: a
 * lone surrogate escape becomes U+FFFD), a stretch at a time as the bytes come. Text is never longer
 * than its JSON, so the bytes `[from, out)` are the text so far, written over the string; runs between
 * escapes are moved whole (a Buffer.copy per line of a log cost four times as much).
 */
class StringUnescaper {
  /** Where the text's bytes end so far. */
  out: number;
  /** The next byte of the JSON string to read. */
  private at: number;
  /** Just past the closing quote, once found. */
  end = -1;

  constructor(readonly from: number) {
    this.out = from;
    this.at = from;
  }

  /**
   * Unescapes on up to `limit` (bytes from there on may not have come: an escape that starts before it
   * is whole, see ESCAPE_MAX_BYTES); true once the closing quote is passed. Throws on a bad escape.
   */
  run(body: Buffer, limit: number): boolean {
    if (this.end >= 0) return true;
    if (this.at >= limit) return false;
    const view = limit === body.length ? body : body.subarray(0, limit);
    let o = this.out;
    let i = this.at;
    // `limit` for a byte not found before it: looked for again only once passed (a quote not there yet,
    // searched for after every escape, made each chunk's run quadratic).
    let slash = nextOf(view, BACKSLASH, i);
    let quote = nextOf(view, QUOTE, i);
    for (;;) {
      const next = slash < quote ? slash : quote;
      if (o !== i) body.copyWithin(o, i, next);
      o += next - i;
      i = next;
      if (next === limit) break;
      if (next === quote) {
        this.end = quote + 1;
        break;
      }
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
      // An escape that began just before `limit` may end past it: the next run starts there.
      if (i >= limit) break;
      if (slash < i) slash = nextOf(view, BACKSLASH, i);
      if (quote < i) quote = nextOf(view, QUOTE, i);
    }
    this.out = o;
    this.at = i;
    return this.end >= 0;
  }
}

/** Where the next `byte` is in `view` from `from` on, or the view's length when there is none. */
function nextOf(view: Buffer, byte: number, from: number): number {
  const at = view.indexOf(byte, from);
  return at < 0 ? view.length : at;
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
