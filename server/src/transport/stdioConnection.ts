// The server's connection over stdin/stdout (`--stdio`, how the client starts it), with messages read
// by our own reader (stdioReader.ts) and decoder: a large didOpen keeps its text as bytes
// (didOpenBytes.ts); every other message is parsed as vscode-jsonrpc would. Messages are written by our
// own writer (stdioWriter.ts), answers a worker encoded as their bytes. Other transports (`--node-ipc`,
// sockets) are left to createConnection, whose messages come already parsed.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { format } from 'node:util';
import type { Connection, ConnectionStrategy, ConnectionOptions, Message } from 'vscode-languageserver/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { OpenedTexts } from '../byteDocuments';
import type { FollowText } from './didOpenBytes';
import { BYTE_TEXT_MIN_BYTES, DidOpenProgress, readByteTextDidOpen } from './didOpenBytes';
import type { BodyDecoder, ReadInto } from './stdioReader';
import { StdioMessageReader } from './stdioReader';
import { StdioMessageWriter } from './stdioWriter';

/** What the server sees of messages as they are read, before the connection's queue reaches them. */
export interface ReadAhead {
  /** Each message (but a large didOpen) as soon as it is read. */
  message?(message: Message): void;
  /** Who follows a large didOpen's text while it arrives (DidOpenProgress). */
  followText?: FollowText;
}

/**
 * How the stdio reader decodes a message's body: a large didOpen with its text as bytes, put in
 * `opened`, its text read as it arrives.
 */
export function byteTextDecoder(opened: OpenedTexts, readAhead: ReadAhead = {}): BodyDecoder {
  const read = readAhead.message;
  let progress: DidOpenProgress | undefined;
  return {
    begin(body) {
      if (body.length < BYTE_TEXT_MIN_BYTES) return undefined;
      const reading = (progress = new DidOpenProgress(body, readAhead.followText));
      return (received) => reading.advance(received);
    },
    decode(body) {
      const reading = progress;
      progress = undefined;
      const byteText = readByteTextDidOpen(body, reading);
      if (byteText === undefined) {
        const message = JSON.parse(body.toString('utf8')) as Message;
        read?.(message);
        return message;
      }
      if (byteText.opened !== undefined) opened.put(byteText.opened.uri, byteText.opened.version, byteText.opened.text);
      return byteText.message as Message;
    },
  };
}

/**
 * Standard input read into the reader's buffers (net.Socket's `onread`), when it is a pipe or a socket
 * (how an editor starts the server); undefined for anything else (a file, a terminal, Windows), read
 * as process.stdin.
 */
function stdinReadInto(): ReadInto | undefined {
  // Measured and tested on Linux only; Windows' pipes stay with process.stdin.
  if (process.platform === 'win32') return undefined;
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(0);
  } catch {
    return undefined;
  }
  if (!stat.isFIFO() && !stat.isSocket()) return undefined;
  return (next, read, end, error) => {
    // `onread` is a constructor option since Node 15 (its types have it on connect's options only).
    const onread: net.OnReadOpts = {
      buffer: next,
      callback: (n, into) => {
        read(n, into);
        return true;
      },
    };
    const socket = new net.Socket({ fd: 0, readable: true, writable: false, onread } as net.SocketConstructorOpts);
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', error);
    return { dispose: () => socket.destroy() };
  };
}

/**
 * The server's connection: over stdin/stdout with our decoder when started with `--stdio`, else as
 * createConnection picks from the command line. `shutDown` says whether a shutdown request came (the
 * exit status when the client goes away). `readAhead` sees messages as they are read, over stdio only.
 */
export function serverConnection(opened: OpenedTexts, options: ConnectionStrategy | ConnectionOptions, shutDown: () => boolean, readAhead?: ReadAhead): Connection {
  if (!process.argv.includes('--stdio')) return createConnection(ProposedFeatures.all, options);
  const direct = stdinReadInto();
  const reader = new StdioMessageReader(direct ?? process.stdin, byteTextDecoder(opened, readAhead));
  // Answers made ahead by a worker come already encoded: the writer sends their bytes as they are (encodedJson.ts).
  const writer = new StdioMessageWriter(process.stdout);
  const connection = createConnection(ProposedFeatures.all, reader, writer, options);
  // What createConnection does for `--stdio` itself: the server ends with its input, and nothing
  // printed by console.* may reach stdout, where it would break the stream of messages.
  const end = (): void => process.exit(shutDown() ? 0 : 1);
  if (direct !== undefined) {
    // process.stdin is left alone: a second handle on fd 0 would read messages of its own.
    reader.onClose(end);
  } else {
    process.stdin.on('end', end);
    process.stdin.on('close', end);
  }
  console.log = (...args: unknown[]) => connection.console.log(format(...args));
  console.info = (...args: unknown[]) => connection.console.info(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
  console.debug = (...args: unknown[]) => connection.console.log(format(...args));
  return connection;
}
