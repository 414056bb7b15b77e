// A part of a message already encoded as JSON (a worker's answer for a large document: its outline is
// 2.5 MB of JSON, 50 ms to encode, made while the document's text was still on its way), and the
// stdio writer's pieces of a message, those bytes among them as they are. Nothing is decoded here.
import type { Message } from 'vscode-languageserver/node';

/** JSON text of a value of type T, as UTF-8 bytes. */
export class EncodedJson<T = unknown> {
  /** Keeps T in the type: an encoded outline is not an encoded list of folds. */
  declare private readonly valueType: T;

  constructor(readonly bytes: Uint8Array) {}

  /**
   * The value itself, for whatever serializes a message with JSON.stringify rather than our stdio writer:
   * other transports (`--node-ipc`), and vscode-jsonrpc's tracing.
   */
  toJSON(): T {
    return JSON.parse(Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('utf8')) as T;
  }

  /**
   * This encoded value where a handler's result or a notification's parameter of type T goes: the
   * stdio writer sends its bytes (encodeMessagePieces), anything else its toJSON.
   */
  asValue(): T {
    return this as unknown as T;
  }
}

/**
 * The message as UTF-8 JSON, in pieces written one after another: EncodedJson parts are pieces of their
 * own (never copied here), a result or a parameter at the top of the parameters.
 */
export function encodeMessagePieces(message: Message): Uint8Array[] {
  const { result } = message as { result?: unknown };
  if (result instanceof EncodedJson) return withMember(message, 'result', [result.bytes]);
  const { params } = message as { params?: unknown };
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return [Buffer.from(JSON.stringify(message), 'utf8')];
  const encoded = Object.entries(params).filter((entry): entry is [string, EncodedJson] => entry[1] instanceof EncodedJson);
  if (encoded.length === 0) return [Buffer.from(JSON.stringify(message), 'utf8')];
  const rest: Record<string, unknown> = { ...params };
  for (const [key] of encoded) delete rest[key];
  // The parameters' other members, then the encoded ones: `{"uri":…,"diagnostics":[…]}`.
  const restText = JSON.stringify(rest);
  const pieces: Uint8Array[] = [Buffer.from(restText.slice(0, -1), 'utf8')];
  encoded.forEach(([key, value], i) => pieces.push(Buffer.from(`${i > 0 || restText !== '{}' ? ',' : ''}${JSON.stringify(key)}:`, 'utf8'), value.bytes));
  pieces.push(Buffer.from('}', 'utf8'));
  return withMember(message, 'params', pieces);
}

/** The message's JSON with its member `key` written last, its value the bytes of `pieces`. */
function withMember(message: Message, key: string, pieces: Uint8Array[]): Uint8Array[] {
  const others: Record<string, unknown> = { ...message };
  delete others[key];
  const head = JSON.stringify(others);
  return [Buffer.from(`${head.slice(0, -1)}${head !== '{}' ? ',' : ''}${JSON.stringify(key)}:`, 'utf8'), ...pieces, Buffer.from('}', 'utf8')];
}
