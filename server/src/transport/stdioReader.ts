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

export class StdioMessageReader extends AbstractMessageReader {
  /** Header bytes received so far of the next message (up to its blank line). */
  private header: Buffer = Buffer.alloc(0);
  /** The body being received and how much of it has come; undefined between messages. */
  private body: Buffer | undefined;
  private received = 0;
  /** The decoder's reader of the body under way, if it reads it as it comes. */
  private advance: ((received: number) => void) | undefined;
  private callback: DataCallback | undefined;

  constructor(
    private readonly readable: Readable,
    private readonly decoder: BodyDecoder,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer): void => this.onData(chunk);
    const onError = (error: Error): void => this.fireError(error);
    // A stream that ends emits 'end', then 'close': the reader closes once.
    let closed = false;
    const onClose = (): void => {
      if (closed) return;
      closed = true;
      this.fireClose();
    };
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('close', onClose);
    this.readable.on('end', onClose);
    return {
      dispose: () => {
        this.readable.off('data', onData);
        this.readable.off('error', onError);
        this.readable.off('close', onClose);
        this.readable.off('end', onClose);
      },
    };
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
      if (this.received === body.length) {
        this.body = undefined;
        this.advance = undefined;
        this.deliver(body);
      } else {
        this.advance?.(this.received);
      }
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
