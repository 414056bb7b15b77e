// A minimal LSP client over stdio: Content-Length framed JSON-RPC to `node server/out/server.js --stdio`.
// It answers the server's own requests (workspace/configuration with the default settings, anything
// else with null) so that the server never waits on us.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, SERVER } from './util.mjs';

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Settings answered for the `messagingLogs` section (the package.json defaults). */
const DEFAULT_SETTINGS = { timeRegressionToleranceMs: 1000, maxDiagnostics: 1000 };

export class LspError extends Error {
  constructor(method, error) {
    super(`${method}: ${error.message} (code ${error.code})`);
    this.code = error.code;
    this.method = method;
  }
}

export class LspClient {
  constructor({ serverPath = SERVER, nodeArgs = [] } = {}) {
    // The environment VS Code's client starts the server with (huge pages where Linux gives them on request).
    const launch = path.join(path.dirname(serverPath), 'launch.js');
    const env = fs.existsSync(launch) ? createRequire(import.meta.url)(launch).serverEnv(process.env) : process.env;
    this.child = spawn(process.execPath, [...nodeArgs, serverPath, '--stdio'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Set();
    this.stderr = '';
    this.exited = false;
    this.chunks = [];
    this.buffered = 0;
    this.need = -1; // body length of the message being read, -1 while reading its header
    this.child.stdout.on('data', (d) => this.onData(d));
    this.child.stderr.on('data', (d) => {
      if (this.stderr.length < 20_000) this.stderr += d;
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const err = new Error(`server exited (code ${code}, signal ${signal})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      for (const l of this.listeners) l.onExit?.(err);
    });
    this.child.stdin.on('error', () => {}); // the exit handler reports a dead server
  }

  get pid() {
    return this.child.pid;
  }

  onData(chunk) {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.need < 0) {
        const head = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
        this.chunks = [head];
        const end = head.indexOf(CRLFCRLF);
        if (end < 0) return;
        const m = /Content-Length:\s*(\d+)/i.exec(head.toString('ascii', 0, end));
        if (!m) throw new Error(`bad LSP header: ${head.toString('ascii', 0, end)}`);
        this.need = Number(m[1]);
        const rest = head.subarray(end + 4);
        this.chunks = rest.length ? [rest] : [];
        this.buffered = rest.length;
      }
      if (this.buffered < this.need) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      const body = all.subarray(0, this.need);
      const rest = all.subarray(this.need);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      this.need = -1;
      this.dispatch(JSON.parse(body.toString('utf8')));
    }
  }

  dispatch(msg) {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new LspError(p.method, msg.error));
      else p.resolve(msg.result);
      return;
    }
    if (msg.id !== undefined) {
      this.writeMessage({ jsonrpc: '2.0', id: msg.id, result: this.answer(msg) });
      return;
    }
    for (const l of this.listeners) l.onNotification?.(msg.method, msg.params);
  }

  /** Our answer to a request from the server. */
  answer(msg) {
    if (msg.method === 'workspace/configuration') {
      return (msg.params?.items ?? []).map((item) => (item.section === 'messagingLogs' ? { ...DEFAULT_SETTINGS } : item.section ? null : { messagingLogs: { ...DEFAULT_SETTINGS } }));
    }
    return null;
  }

  /** Serialises a message now; `send` writes it. Lets a caller keep JSON encoding out of a timing. */
  static frame(msg) {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
  }

  writeMessage(msg) {
    this.send(LspClient.frame(msg));
  }

  send(framed) {
    if (!this.exited) this.child.stdin.write(framed);
  }

  /** A framed request and the promise of its result; `send(framed)` it when ready. */
  prepareRequest(method, params) {
    const id = this.nextId++;
    const framed = LspClient.frame({ jsonrpc: '2.0', id, method, params });
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.pending.set(id, { method, resolve, reject });
    return { framed, promise, id };
  }

  request(method, params, timeoutMs = 10 * 60_000) {
    const { framed, promise } = this.prepareRequest(method, params);
    this.send(framed);
    return withTimeout(promise, timeoutMs, method);
  }

  notify(method, params) {
    this.writeMessage({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the params of the first notification `method` whose params satisfy `pred`. */
  waitForNotification(method, pred = () => true, timeoutMs = 10 * 60_000) {
    return withTimeout(
      new Promise((resolve, reject) => {
        const l = {
          onNotification: (m, params) => {
            if (m === method && pred(params)) {
              this.listeners.delete(l);
              resolve(params);
            }
          },
          onExit: (err) => {
            this.listeners.delete(l);
            reject(err);
          },
        };
        this.listeners.add(l);
      }),
      timeoutMs,
      method,
    );
  }

  async initialize() {
    const result = await this.request(
      'initialize',
      {
        processId: process.pid,
        rootUri: pathToFileURL(ROOT).href,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
          textDocument: {
            synchronization: { dynamicRegistration: false },
            publishDiagnostics: { relatedInformation: true },
            // As VS Code asks (its editor.foldingMaximumRegions, 5,000 by default).
            foldingRange: { lineFoldingOnly: true, rangeLimit: 5000 },
            documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          },
          window: { workDoneProgress: false },
        },
      },
      60_000,
    );
    this.notify('initialized', {});
    this.capabilities = result?.capabilities ?? {};
    return result;
  }

  /** Peak resident set size of the server so far (VmHWM), in bytes, when /proc tells. */
  peakRss() {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  async shutdown() {
    if (this.exited) return;
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
    } catch {
      // fall through to kill
    }
    await new Promise((resolve) => {
      if (this.exited) return resolve();
      const t = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, 3000);
      this.child.on('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
      timer.unref?.();
    }),
  ]);
}

/** JSON-RPC "method not found". */
export const METHOD_NOT_FOUND = -32601;
