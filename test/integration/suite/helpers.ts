// Shared helpers for the real-editor suites (run inside the VS Code extension host).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MessagingLogsApi } from '../../../client/src/api';

export const EXTENSION_ID = 'msglog.messaging-server-logs';

/** The samples folder: MSGLOG_E2E_SAMPLES, else <repo>/samples (this file is out/test/integration/suite/*.js). */
export function samplesDir(): string {
  const fromEnv = process.env.MSGLOG_E2E_SAMPLES;
  if (fromEnv) return fromEnv;
  for (const up of ['../../../..', '../../..']) {
    const candidate = path.resolve(__dirname, up, 'samples');
    if (fs.existsSync(path.join(candidate, 'communigate'))) return candidate;
  }
  throw new Error(`samples folder not found from ${__dirname}`);
}

export interface Sample {
  dialect: string;
  languageId: string;
  file: string;
}

/** One sample log per dialect, with the language VS Code must pick for it. */
export const SAMPLES: readonly Sample[] = [
  { dialect: 'CommuniGate Pro', languageId: 'communigate-log', file: 'communigate/SystemLogs/2026-01-15.log' },
  { dialect: 'EMG', languageId: 'emg-log', file: 'emg/log/connector.smpp1' },
  { dialect: 'Axigen', languageId: 'axigen-log', file: 'axigen/log/everything.txt' },
  { dialect: 'Messaging Server', languageId: 'messaging-server-log', file: 'messaging-server/imap.log' },
  { dialect: 'PrivateServer', languageId: 'privateserver-log', file: 'privateserver/sip-sessions.tsv' },
];

export function sampleUri(file: string): vscode.Uri {
  return vscode.Uri.file(path.join(samplesDir(), file));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` every 100 ms until it returns a value that `done` accepts, or `timeoutMs` passes.
 * Returns the last value either way (the caller asserts on it, so a failure says what was seen).
 */
export async function poll<T>(probe: () => T | Thenable<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await sleep(100);
    value = await probe();
  }
  return value;
}

/** The open document for `uri` as the extension host sees it now (a language change replaces the object). */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === uri.toString());
}

/** Opens a sample in an editor and waits (bounded) until VS Code has given it `languageId`. */
export async function openSample(file: string, languageId?: string, timeoutMs = 5000): Promise<vscode.TextDocument> {
  const uri = sampleUri(file);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  if (!languageId) return doc;
  // Detection may be asynchronous (the language server may re-label a plain `log` document).
  return poll(() => openDocument(uri) ?? doc, (d) => d.languageId === languageId, timeoutMs);
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this editor`);
  return ext;
}

/** Waits (bounded) until the extension is active; activation starts the language client. */
export async function waitForActivation(timeoutMs = 15000): Promise<vscode.Extension<unknown>> {
  const ext = extension();
  const active = await poll(() => ext.isActive, (a) => a, timeoutMs);
  assert.ok(active, `${EXTENSION_ID} did not activate within ${timeoutMs} ms`);
  return ext;
}

/** Waits (bounded) for the language server's diagnostics on `uri`. */
export function waitForDiagnostics(uri: vscode.Uri, timeoutMs = 10000): Promise<vscode.Diagnostic[]> {
  return poll(() => vscode.languages.getDiagnostics(uri), (d) => d.length > 0, timeoutMs);
}

/** Diagnostic code as a string, whichever form the client gave it. */
export function codeOf(d: vscode.Diagnostic): string {
  const code = d.code;
  if (code === undefined) return '';
  if (typeof code === 'object') return String(code.value);
  return String(code);
}

export function severityName(s: vscode.DiagnosticSeverity): string {
  return ['error', 'warning', 'information', 'hint'][s] ?? String(s);
}

/** 0-based index of the first line of `doc` for which `test` holds. */
export function lineWhere(doc: vscode.TextDocument, test: (text: string) => boolean): number {
  for (let i = 0; i < doc.lineCount; i++) {
    if (test(doc.lineAt(i).text)) return i;
  }
  throw new Error(`no line matches in ${doc.uri.fsPath}`);
}

/** 0-based indexes of all lines of `doc` for which `test` holds. */
export function linesWhere(doc: vscode.TextDocument, test: (text: string) => boolean): number[] {
  const lines: number[] = [];
  for (let i = 0; i < doc.lineCount; i++) if (test(doc.lineAt(i).text)) lines.push(i);
  return lines;
}

export function describeDiagnostics(diags: readonly vscode.Diagnostic[]): string {
  if (diags.length === 0) return '(none)';
  return diags
    .slice(0, 20)
    .map((d) => `${d.range.start.line + 1}:${severityName(d.severity)}:${codeOf(d)}:${d.message}`)
    .join('; ');
}

/** What the extension's `activate` returned: hooks into state the VS Code API cannot read back. */
export async function extensionApi(): Promise<MessagingLogsApi> {
  const ext = await waitForActivation();
  const api = ext.exports as MessagingLogsApi | undefined;
  assert.ok(api && typeof api.statusBarText === 'function', `${EXTENSION_ID} returned no API from activate`);
  return api;
}

/** The open document for `uri` once it exists (bounded). */
export async function waitForDocument(uri: vscode.Uri, timeoutMs = 5000): Promise<vscode.TextDocument> {
  const doc = await poll(() => openDocument(uri), (d) => d !== undefined, timeoutMs);
  assert.ok(doc, `no open document ${uri.toString()}`);
  return doc;
}

/** Shows `doc` and puts the cursor at the start of `line`. */
export async function showAt(doc: vscode.TextDocument, line: number, character = 0): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  await select(editor, new vscode.Selection(line, character, line, character));
  assert.strictEqual(vscode.window.activeTextEditor?.document, doc, 'the log is the active editor');
  return editor;
}

/**
 * Sets the editor's selection and waits until the window has it. Setting it only sends it to the
 * window: a selection event the window sent before it applied ours (showing an editor restores its
 * view state) may still overwrite it here. A command the window runs answers after it applied ours
 * and sent back its event, so then the two agree.
 */
export async function select(editor: vscode.TextEditor, selection: vscode.Selection): Promise<void> {
  editor.selection = selection;
  await vscode.commands.executeCommand('setContext', 'messagingLogs.test.selectionSynced', selection.active.line);
  assert.ok(editor.selection.isEqual(selection), `the selection is ${describe(selection)} (it is ${describe(editor.selection)})`);
}

function describe(s: vscode.Selection): string {
  return `${s.anchor.line}:${s.anchor.character}-${s.active.line}:${s.active.character}`;
}
