// Reads Content-Length framed JSON-RPC messages from a stream (the server's stdin), as vscode-jsonrpc's
// StreamMessageReader does, but each body is copied into a buffer of its own size as its chunks arrive:
// a 50 MB didOpen comes in 64 KB chunks, which the library gathered and then joined in one copy of
// 50 MB after the last (35–160 ms on the bench's host, while the pipe kept this thread idle before).
// Bodies are decoded by a BodyDecoder (stdioConnection.ts: a large didOpen keeps its text as bytes),
// which may read a large body while it arrives.
import type { Readable } from 'node:stream';
import type { DataCallback, Disposable, Message } from 'vscode-languageserver/node';
import { AbstractMessageReader } from 'vscode-languageserver/node';

/** How a reader's message bodies become messages. */
export interface BodyDecoder {
  /** A body of this size is on its way into `body`: what to call with the bytes received so far, as they come (if anything). */
  begin?(body: Buffer): ((received: number) => void) | undefined;
  /** The message of a whole body. */
  decode(body: Buffer): Message;
}

const CR = 0x0d;
const LF = 0x0a;
/** A header section longer than this is not LSP's: the stream is not ours to read. */
const MAX_HEADER_BYTES = 8192;

/** A stream read into buffers the reader gives (net.Socket's `onread`): `next` says where each read goes, `read` that `n` bytes came into it. */
export type ReadInto = (next: () => Uint8Array, read: (n: number, into: Uint8Array) => void, end: () => void, error: (e: Error) => void) => Disposable;

/** The scratch buffer that headers and small messages are read into, when the stream reads into ours. */
const SCRATCH_BYTES = 64 << 10;

export class StdioMessageReader extends AbstractMessageReader {
  /** Where reads went before they were taken in: the scratch, or a part of the body under way. */
  private scratch: Buffer | undefined;
  private readingBody = false;
  /** Header bytes received so far of the next message (up to its blank line). */
  private header: Buffer = Buffer.alloc(0);
  /** The body being received and how much of it has come; undefined between messages. */
  private body: Buffer | undefined;
  private received = 0;
  /** The decoder's reader of the body under way, if it reads it as it comes. */
  private advance: ((received: number) => void) | undefined;
  private callback: DataCallback | undefined;
  private closed = false;

  /**
   * `input`: a stream whose chunks are taken in ('data' events), or a way to read one into our buffers:
   * then the rest of a large body is read straight into that body, with reads as large as the pipe has
   * (a 50 MB didOpen in 0.1–0.2 s on the bench's host, where 64 KB chunks, each copied into the body,
   * took 0.3 s).
   */
  constructor(
    private readonly input: Readable | ReadInto,
    private readonly decoder: BodyDecoder,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const input = this.input;
    if (typeof input === 'function') {
      return input(
        () => this.nextBuffer(),
        (n, into) => this.readInto(n, into),
        () => this.closeOnce(),
        (error) => this.fireError(error),
      );
    }
    return this.listenToChunks(input);
  }

  /** Where the next read goes: the rest of the body under way, or else the scratch buffer. */
  private nextBuffer(): Uint8Array {
    const body = this.body;
    this.readingBody = body !== undefined && this.received < body.length;
    if (body !== undefined && this.readingBody) return body.subarray(this.received);
    this.scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
    return this.scratch;
  }

  /** `n` bytes were read into `into`, the last nextBuffer(). */
  private readInto(n: number, into: Uint8Array): void {
    if (!this.readingBody) {
      this.onData(Buffer.from(into.buffer, into.byteOffset, n));
      return;
    }
    const body = this.body as Buffer;
    this.received += n;
    this.bodyReceived(body);
  }

  private listenToChunks(readable: Readable): Disposable {
    const onData = (chunk: Buffer): void => this.onData(chunk);
    const onError = (error: Error): void => this.fireError(error);
    const onClose = (): void => this.closeOnce();
    readable.on('data', onData);
    readable.on('error', onError);
    readable.on('close', onClose);
    readable.on('end', onClose);
    return {
      dispose: () => {
        readable.off('data', onData);
        readable.off('error', onError);
        readable.off('close', onClose);
        readable.off('end', onClose);
      },
    };
  }

  /** A stream that ends emits 'end', then 'close': the reader closes once. */
  private closeOnce(): void {
    if (this.closed) return;
    this.closed = true;
    this.fireClose();
  }

  /** Takes in a chunk: completes the message under way and any that follow in it. */
  private onData(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body === undefined) {
        const before = this.header.length;
        this.header = before === 0 ? chunk.subarray(at) : Buffer.concat([this.header, chunk.subarray(at)]);
        const blank = headerEnd(this.header);
        if (blank < 0) {
          // A small copy of the partial header: the chunk it is a view of is not kept whole.
          this.header = Buffer.from(this.header);
          if (this.header.length > MAX_HEADER_BYTES) this.fail('a message header longer than 8 KB');
          return;
        }
        const length = contentLength(this.header.subarray(0, blank));
        if (length === undefined) return this.fail(`a message header without a Content-Length: ${JSON.stringify(this.header.toString('latin1', 0, blank))}`);
        at += blank + 4 - before;
        this.header = Buffer.alloc(0);
        // Small bodies from Node's pool (parsed, not kept); a large one is a buffer of its own either way.
        this.body = Buffer.allocUnsafe(length);
        this.received = 0;
        this.advance = this.decoder.begin?.(this.body);
      }
      const body = this.body;
      const n = Math.min(body.length - this.received, chunk.length - at);
      chunk.copy(body, this.received, at, at + n);
      this.received += n;
      at += n;
      this.bodyReceived(body);
    }
  }

  /** Delivers the body once all of it has come; else tells its decoder how much has. */
  private bodyReceived(body: Buffer): void {
    if (this.received === body.length) {
      this.body = undefined;
      this.advance = undefined;
      this.deliver(body);
    } else {
      this.advance?.(this.received);
    }
  }

  private deliver(body: Buffer): void {
    let message: Message;
    try {
      message = this.decoder.decode(body);
    } catch (e) {
      this.fireError(new Error(`cannot read a message: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    this.callback?.(message);
  }

  /** A stream that is not LSP's framing: said once, and nothing more is read from it. */
  private fail(what: string): void {
    this.header = Buffer.alloc(0);
    this.body = undefined;
    this.advance = undefined;
    this.fireError(new Error(`cannot read a message: ${what}`));
  }
}

/** Where the blank line that ends the headers starts (its `\r\n\r\n`), or -1. */
function headerEnd(bytes: Buffer): number {
  for (let i = bytes.indexOf(CR); i >= 0 && i + 3 < bytes.length; i = bytes.indexOf(CR, i + 1)) {
    if (bytes[i + 1] === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) return i;
  }
  return -1;
}

/** The Content-Length of a header section (case-insensitive name), or undefined. */
function contentLength(header: Buffer): number | undefined {
  for (const line of header.toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-length') {
      const value = line.slice(colon + 1).trim();
      return /^\d+$/.test(value) ? Number(value) : undefined;
    }
  }
  return undefined;
}
