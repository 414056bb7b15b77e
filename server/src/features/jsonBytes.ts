// JSON written straight to UTF-8 bytes, for answers too large to build as objects first: a 50 MB
// log's outline is 2.5 MB of JSON, and objects, JSON.stringify and encoding the two-byte string it
// gave (its en dashes) cost 50–100 ms; written here, about 30 ms.
//
// Characters past Latin-1 (the outline's en dashes) are written as `\uXXXX` (latin1Json). A client
// decodes a message's bytes into a string before it parses it, and V8 keeps that string in one byte
// a character only while every character is Latin-1: decoding and parsing the 50 MB log's outline in a
// new process took 62–92 ms with its 484 en dashes as they are, 47–72 ms with them escaped. Escaping
// every character past ASCII as well gained nothing more and cost the writer 8 ms more.
import type { Range } from 'vscode-languageserver';
import { EncodedJson } from '../transport/encodedJson';

export class JsonBytes {
  private bytes: Buffer;
  private at = 0;
  /**
   * Text not written yet: pieces are gathered into strings of a few kilobytes, each written once
   * (a write per piece, about 12 per symbol, cost more than JSON.stringify did).
   */
  private pending = '';

  // Never from Node's shared pool: the bytes' buffer may be transferred to another thread.
  constructor(capacity = 1 << 16) {
    this.bytes = Buffer.allocUnsafeSlow(capacity);
  }

  /** Text that is already JSON in Latin-1 (punctuation, member names, numbers). */
  raw(json: string): this {
    this.pending += json;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
    return this;
  }

  /** A string value, quoted and escaped as JSON.stringify does, in Latin-1. */
  string(text: string): this {
    return this.raw(latin1Json(JSON.stringify(text)));
  }

  /** `"name":` */
  member(name: string): this {
    return this.raw(`"${name}":`);
  }

  range(range: Range): this {
    const { start, end } = range;
    return this.raw(`{"start":{"line":${start.line},"character":${start.character}},"end":{"line":${end.line},"character":${end.character}}}`);
  }

  /** Any value, through JSON.stringify (small ones), in Latin-1. */
  value(value: unknown): this {
    return this.raw(latin1Json(JSON.stringify(value)));
  }

  /** What was written, as JSON of type T. */
  done<T>(): EncodedJson<T> {
    this.flush();
    return new EncodedJson<T>(this.bytes.subarray(0, this.at));
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    const most = text.length * 3;
    if (this.at + most > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.at + most));
      this.bytes.copy(grown, 0, 0, this.at);
      this.bytes = grown;
    }
    this.at += this.bytes.write(text, this.at, 'utf8');
  }
}

/** Characters gathered before they are written. */
const FLUSH_CHARS = 16 * 1024;

/** A character past Latin-1. */
const PAST_LATIN1 = /[^\x00-\xff]/;

/**
 * JSON text `json` with its characters past Latin-1 written as `\uXXXX`: the same value (such a
 * character can only stand inside a JSON string, where the escape means it; a surrogate pair's halves
 * each get theirs, as JSON allows).
 */
export function latin1Json(json: string): string {
  if (!PAST_LATIN1.test(json)) return json;
  let out = '';
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c > 0xff) {
      out += `${json.slice(from, i)}\\u${c.toString(16).padStart(4, '0')}`;
      from = i + 1;
    }
  }
  return out + json.slice(from);
}
