// Shared set-up of the language server tests: the bundled server started over stdio and
// initialized like an editor would, plus the fixture and small helpers.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Hover, InitializeResult, MarkupContent, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspClient } from './lspClient';
import type { MessagingLogsInitializationOptions } from '../../common/protocol';

export const ROOT = path.resolve(__dirname, '../../..');
export const SERVER = path.join(ROOT, 'server/out/server.js');
export const FIXTURE = path.join(ROOT, 'test/fixtures/communigate-6.3.6a-xims-sip.log');
export const FIXTURE_URI = pathToFileURL(FIXTURE).href;
export const FIXTURE_TEXT = fs.readFileSync(FIXTURE, 'utf8');
/** The fixture is an LF file ending with a newline: the last element is ''. */
export const FIXTURE_LINES = FIXTURE_TEXT.split('\n');
export const REQUEST_CANCELLED = -32800;

/** 0-based lines of the fixture's level-3 records (`msglog check` lists them 1-based). */
export const PROBLEM_LINES = [6, 10, 15, 19, 664, 1097, 3081, 3085, 3089, 3093, 3097, 3101, 4207, 4211, 4215, 4219, 4223].map((l) => l - 1);
/** The three records of session HTTPU-000029; line 6 between them is TLS-000010's `closed by HTTPU-000029`. */
export const HTTPU_29_LINES = [5, 7, 8];
export const CLOSED_BY_LINE = 6;
export const CLOSED_BY_COLUMN = FIXTURE_LINES[CLOSED_BY_LINE].indexOf('HTTPU-000029');

export const EMG_TEXT = [
  '2024-03-01 10:00:00.123 (smpp1) CONNECT OK (addr=10.0.0.1:5000)',
  '2024-03-01 10:00:01.456 (smpp1) SEND OK (msgid=1) 8:46700123456 17:12 59:smpp1',
  '2024-03-01 10:00:02.000 (smpp1) SEND ERR (msgid=2) 8:46700999999',
  '2024-03-01 10:00:03.000 (smpp1) DISCONNECT OK',
  '',
].join('\n');

/** A started and initialized server, with what the test answers to workspace/configuration. */
export class LspSession {
  readonly client: LspClient;
  /** The `messagingLogs` section the client reports; tests change it and notify the server. */
  configuration: Record<string, unknown> = {};
  initializeResult: InitializeResult | undefined;

  constructor() {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
    this.client = new LspClient(process.execPath, [SERVER, '--stdio'], ROOT);
    this.client.onRequest('workspace/configuration', (params) => (params as { items: unknown[] }).items.map(() => this.configuration));
  }

  /** `pullConfiguration` false: a client without workspace/configuration, which pushes settings instead. */
  async initialize(pullConfiguration = true, initializationOptions?: MessagingLogsInitializationOptions): Promise<InitializeResult> {
    this.initializeResult = await this.client.request<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: null,
      initializationOptions,
      capabilities: {
        workspace: pullConfiguration ? { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } : {},
        textDocument: {
          foldingRange: { rangeLimit: 5000 },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          publishDiagnostics: { versionSupport: true },
        },
      },
    });
    this.client.notify('initialized', {});
    return this.initializeResult;
  }

  open(uri: string, languageId: string, text: string, version = 1): void {
    this.client.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** The next diagnostics published for `uri` that satisfy `predicate`. */
  diagnosticsFor(uri: string, predicate: (d: Diagnostic[]) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return this.client.waitForNotification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) => p.uri === uri && predicate(p.diagnostics));
  }

  /** Opens a document and waits for its first diagnostics. */
  async openAndWait(uri: string, languageId: string, text: string): Promise<Diagnostic[]> {
    const published = this.diagnosticsFor(uri);
    this.open(uri, languageId, text);
    return (await published).diagnostics;
  }

  async stop(): Promise<void> {
    this.client.kill();
    await this.client.exited;
  }
}

export const at = (uri: string, line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });
export const startLines = (items: { range: { start: { line: number } } }[]) => items.map((i) => i.range.start.line);
/** LSP 3.18 allows Markdown diagnostic messages; this server sends plain strings. */
export const messageOf = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);
export const hoverText = (h: Hover | null) => (h?.contents as MarkupContent | undefined)?.value ?? '';
