// A small LSP client for tests: spawns a server process and speaks Content-Length framed JSON-RPC
// over its stdio. No mocks: server → client requests (workspace/configuration,
// client/registerCapability, …) are answered by handlers the test installs, or with null.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';

export interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

/** A JSON-RPC error response, as a rejection. */
export class RpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

interface Incoming {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: RpcErrorBody;
}

export interface Notification {
  method: string;
  params: unknown;
}

interface PendingRequest {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

interface NotificationWaiter {
  method: string;
  predicate: (params: unknown) => boolean;
  resolve: (params: unknown) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const DEFAULT_TIMEOUT_MS = 15_000;

export class LspClient {
  /** Every notification received, in order. */
  readonly notifications: Notification[] = [];
  /** Methods of the server → client requests received, in order. */
  readonly serverRequests: string[] = [];
  stderr = '';
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;

  private readonly process: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  /** Chunks received after `buffer`, their total size with it, and the size the next message needs. */
  private chunks: Buffer[] = [];
  private received = 0;
  private needed = 0;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private waiters: NotificationWaiter[] = [];
  private readonly handlers = new Map<string, (params: unknown) => unknown>();

  constructor(command: string, args: string[], cwd?: string) {
    this.process = spawn(command, args, { cwd, stdio: 'pipe' });
    this.process.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const p of this.pending.values()) p.reject(new Error(`server exited before answering ${p.method}; stderr: ${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Answers server → client requests of this method (unhandled ones get null). */
  onRequest(method: string, handler: (params: unknown) => unknown): void {
    this.handlers.set(method, handler);
  }

  request<R>(method: string, params: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<R> {
    return this.startRequest<R>(method, params, timeoutMs).result;
  }

  /** Starts a request and returns its id too, for `$/cancelRequest`. */
  startRequest<R>(method: string, params: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): { id: number; result: Promise<R> } {
    const started = this.expectResponse<R>(method, timeoutMs);
    this.send({ jsonrpc: '2.0', id: started.id, method, params });
    return started;
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Sends several messages in one write, so that the server reads them together. */
  sendBatch(messages: object[]): void {
    this.process.stdin.write(Buffer.concat(messages.map(frame)));
  }

  /** Allocates an id for a request the caller sends itself (sendBatch); resolves like request(). */
  expectResponse<R>(method: string, timeoutMs = DEFAULT_TIMEOUT_MS): { id: number; result: Promise<R> } {
    const id = this.nextId++;
    const result = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${method}; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as R);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
    return { id, result };
  }

  /**
   * The first notification of `method` matching `predicate` received from now on (or already
   * received at or after `since`, an index into `notifications`).
   */
  waitForNotification<P>(method: string, predicate: (params: P) => boolean = () => true, since?: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<P> {
    if (since !== undefined) {
      const found = this.notifications.slice(since).find((n) => n.method === method && predicate(n.params as P));
      if (found) return Promise.resolve(found.params as P);
    }
    return new Promise<P>((resolve, reject) => {
      const waiter: NotificationWaiter = {
        method,
        predicate: (params) => predicate(params as P),
        resolve: (params) => {
          clearTimeout(timer);
          resolve(params as P);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${method}; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  kill(): void {
    if (this.process.exitCode === null) this.process.kill();
  }

  private send(message: object): void {
    this.process.stdin.write(frame(message));
  }

  private receive(chunk: Buffer): void {
    // Chunks wait in a list until a whole message is there: concatenating each 64 KiB chunk onto a
    // 50 MB message in the making would copy it thousands of times.
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (this.received < this.needed) return;
    this.buffer = Buffer.concat([this.buffer, ...this.chunks]);
    this.chunks = [];
    this.received = this.buffer.length;
    for (;;) {
      const headerEnd = this.buffer.indexOf(HEADER_END);
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const match = /Content-Length: *(\d+)/i.exec(header);
      if (!match) throw new Error(`bad header from server: ${header}`);
      const length = Number(match[1]);
      const start = headerEnd + HEADER_END.length;
      if (this.buffer.length < start + length) {
        this.needed = start + length;
        return;
      }
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      this.received = this.buffer.length;
      this.needed = 0;
      this.dispatch(JSON.parse(body) as Incoming);
    }
  }

  private dispatch(message: Incoming): void {
    if (message.method !== undefined && message.id !== undefined && message.id !== null) {
      this.serverRequests.push(message.method);
      const handler = this.handlers.get(message.method);
      this.send({ jsonrpc: '2.0', id: message.id, result: handler ? (handler(message.params) ?? null) : null });
    } else if (message.method !== undefined) {
      const notification = { method: message.method, params: message.params };
      this.notifications.push(notification);
      const waiter = this.waiters.find((w) => w.method === notification.method && w.predicate(notification.params));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(notification.params);
      }
    } else if (typeof message.id === 'number') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(new RpcError(message.error.code, message.error.message));
      else pending.resolve(message.result);
    }
  }
}

function frame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}
