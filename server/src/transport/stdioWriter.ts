// Writes Content-Length framed JSON-RPC messages to a stream (the server's stdout), as vscode-jsonrpc's
// StreamMessageWriter does, but each message goes out as its pieces (encodedJson.ts): the header, the
// JSON around an answer a worker encoded, and that answer's bytes, handed to the stream together and
// never joined here (the 50 MB log's outline is 2.5 MB: joining it was a copy into new pages, 15–20 ms
// on the bench's host). Messages are written in the order they are given, without waiting for the one
// before to reach the pipe.
import type { Writable } from 'node:stream';
import type { Message, MessageWriter } from 'vscode-languageserver/node';
import { AbstractMessageWriter } from 'vscode-languageserver/node';
import { encodeMessagePieces } from './encodedJson';

export class StdioMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly writable: Writable) {
    super();
    writable.on('error', (error: Error) => this.fireError(error));
    writable.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let pieces: Uint8Array[];
    try {
      pieces = encodeMessagePieces(message);
    } catch (e) {
      this.failed(e, message);
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    let length = 0;
    for (const piece of pieces) length += piece.byteLength;
    const out = this.writable;
    return new Promise<void>((resolve, reject) => {
      // Corked: the header and the pieces leave in one write of several buffers.
      out.cork();
      out.write(`Content-Length: ${length}\r\n\r\n`, 'ascii');
      for (let i = 0; i < pieces.length - 1; i++) out.write(pieces[i]);
      out.write(pieces[pieces.length - 1], (error?: Error | null) => {
        if (error) {
          this.failed(error, message);
          reject(error);
        } else {
          resolve();
        }
      });
      out.uncork();
    });
  }

  end(): void {
    this.writable.end();
  }

  private failed(error: unknown, message: Message): void {
    this.errorCount++;
    this.fireError(error, message, this.errorCount);
  }
}
