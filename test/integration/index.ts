// Tests entry (extensionTestsPath): VS Code calls run() inside the extension host, with the real
// `vscode` API. It runs the mocha suites in ./suite and reports back through a JSON result file,
// rewritten after every test, so a driver outside the editor (scripts/e2e/run-code-server.mjs)
// can read progress, counts and failure messages even if the editor never exits by itself.
//
// Environment (all optional):
//   MSGLOG_E2E_RESULT     result file (default <repo>/test/.artifacts/e2e-result.json)
//   MSGLOG_E2E_SUITES     comma-separated suite names to run (file names without .test.js); default all
//   MSGLOG_E2E_MODE       'dev' (extension from source) or 'vsix' (installed package); checked by the suites
//   MSGLOG_E2E_SNAPSHOTS  '1': after the suites, stage editor states and wait for the driver to
//                         screenshot each one (handshake through <result>.ack)
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');
import * as vscode from 'vscode';

interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

interface Result {
  state: 'running' | 'snapshot' | 'done';
  startedAt: string;
  mode: string;
  passed: number;
  failed: number;
  pending: number;
  tests: TestRecord[];
  /** Set while state is 'snapshot': the driver screenshots, then writes `seq` to <result>.ack. */
  snapshot?: { name: string; seq: number; collapse?: string[] };
  error?: string;
}

const REPO = path.resolve(__dirname, '../../..');

function resultPath(): string {
  return process.env.MSGLOG_E2E_RESULT || path.join(REPO, 'test', '.artifacts', 'e2e-result.json');
}

function write(result: Result): void {
  const file = resultPath();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write-then-rename so a reader never sees a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(result, null, 2));
  fs.renameSync(tmp, file);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const frames = (err.stack ?? '')
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 3)
      .join('\n');
    return `${err.message}${frames ? `\n${frames}` : ''}`;
  }
  return String(err);
}

/** Suites run in this order (detection and activation first); others after them, by name. */
const ORDER = ['languages', 'communigate', 'dialects'];

function suiteFiles(): string[] {
  const dir = path.join(__dirname, 'suite');
  const wanted = (process.env.MSGLOG_E2E_SUITES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.test\.js$/, '')))
    .map((f) => f.replace(/\.test\.js$/, ''))
    .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b))
    .map((name) => path.join(dir, `${name}.test.js`));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Asks the driver for a screenshot of the current editor state; gives up after `timeoutMs`.
 * `collapse`: titles of side bar sections the driver collapses first (no command collapses a section).
 */
async function snapshot(result: Result, name: string, seq: number, collapse?: string[], timeoutMs = 20000): Promise<void> {
  const ack = `${resultPath()}.ack`;
  result.state = 'snapshot';
  result.snapshot = { name, seq, ...(collapse ? { collapse } : {}) };
  write(result);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (Number(fs.readFileSync(ack, 'utf8').trim()) >= seq) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  console.log(`e2e: no screenshot acknowledgement for ${name}`);
}

/** Editor states worth a picture: the CommuniGate sample with the Explorer and the Outline, the Problems panel, the Log Sessions view, a filter result. */
async function stageSnapshots(result: Result): Promise<void> {
  const samples = process.env.MSGLOG_E2E_SAMPLES || path.join(REPO, 'samples');
  const doc = await vscode.workspace.openTextDocument(path.join(samples, 'communigate', 'SystemLogs', '2026-01-15.log'));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  editor.selection = new vscode.Selection(4, 15, 4, 15);
  await vscode.commands.executeCommand('workbench.view.explorer');
  await vscode.commands.executeCommand('outline.focus').then(undefined, () => undefined);
  await vscode.window.showTextDocument(doc, { preview: false });
  await sleep(1500); // let tokenization, the outline and decorations settle
  await snapshot(result, 'communigate-outline', 1);
  await vscode.commands.executeCommand('workbench.actions.view.problems').then(undefined, () => undefined);
  await sleep(1000);
  await snapshot(result, 'communigate-problems', 2);
  // The Log Sessions view with a session chosen (its records highlighted), then a keyed filter result.
  await vscode.commands.executeCommand('workbench.action.closePanel');
  await vscode.commands.executeCommand('notifications.clearAll').then(undefined, () => undefined); // the suites' messages
  // Room for the Log Sessions view: the Outline and the Timeline hidden, the folders collapsed (by the
  // driver), a wider side bar (a narrower editor).
  for (const view of ['outline', 'timeline']) {
    await vscode.commands.executeCommand(`${view}.toggleVisibility`).then(undefined, () => undefined);
  }
  await vscode.window.showTextDocument(doc, { preview: false });
  for (let i = 0; i < 5; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth').then(undefined, () => undefined);
  await vscode.commands.executeCommand('messagingLogs.sessions.focus');
  await sleep(500);
  await vscode.commands.executeCommand('messagingLogs.sessions.reveal', { key: 'IMAP-437425' });
  await sleep(1500);
  await snapshot(result, 'sessions-view', 3, ['samples']);
  await vscode.commands.executeCommand('messagingLogs.keyedFilter', { text: 'Call-ID: 4f1d62a3-reg@192.168.1.10' });
  await sleep(1500);
  await snapshot(result, 'filter-result', 4, ['samples']);
  // Several logs as one timeline (source tags before the lines), then a message traced in it.
  const many = path.join(REPO, 'test', 'fixtures', 'many');
  if (fs.existsSync(many)) {
    const picked = ['cgp', 'delivery', 'member2'].map((p) => vscode.Uri.file(path.join(many, p)));
    const timeline = await vscode.commands.executeCommand<vscode.TextEditor | undefined>('messagingLogs.openTimeline', picked[0], picked);
    if (timeline) {
      timeline.selection = new vscode.Selection(9, 0, 9, 0);
      await vscode.commands.executeCommand('messagingLogs.sessions.focus');
      await sleep(1500);
      await snapshot(result, 'timeline', 5, ['samples']);
      await vscode.commands.executeCommand('messagingLogs.traceMessage', { uri: timeline.document.uri, id: '4411' });
      await sleep(1500);
      await snapshot(result, 'trace', 6, ['samples']);
    }
  }
  // A stacked filter with context records (dimmed): the title shows the chain of queries.
  await vscode.window.showTextDocument(doc, { preview: false });
  const base = await vscode.commands.executeCommand<vscode.Uri | undefined>('messagingLogs.filter', { text: 'IMAP-437425' });
  if (base) {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(base), { preview: false });
    await vscode.commands.executeCommand('messagingLogs.filterResult', { text: 'FETCH', context: 1 });
    await sleep(1500);
    await snapshot(result, 'filter-stacked-context', 7, ['samples']);
  }
}

export async function run(): Promise<void> {
  const result: Result = {
    state: 'running',
    startedAt: new Date().toISOString(),
    mode: process.env.MSGLOG_E2E_MODE ?? '',
    passed: 0,
    failed: 0,
    pending: 0,
    tests: [],
  };
  try {
    fs.rmSync(`${resultPath()}.ack`, { force: true });
  } catch {
    // ignore
  }
  write(result);

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec' });
  for (const file of suiteFiles()) mocha.addFile(file);

  let failures = 0;
  try {
    failures = await new Promise<number>((resolve, reject) => {
      try {
        const runner = mocha.run((n) => resolve(n));
        runner.on('pass', (test: Mocha.Test) => {
          result.passed++;
          result.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
          write(result);
        });
        runner.on('fail', (test: Mocha.Runnable, err: unknown) => {
          result.failed++;
          result.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: errorText(err) });
          write(result);
        });
        runner.on('pending', (test: Mocha.Test) => {
          result.pending++;
          result.tests.push({ title: test.fullTitle(), state: 'pending' });
          write(result);
        });
      } catch (err) {
        reject(err);
      }
    });
  } catch (err) {
    result.failed++;
    result.error = errorText(err);
    failures++;
  }

  if (process.env.MSGLOG_E2E_SNAPSHOTS === '1') {
    try {
      await stageSnapshots(result);
    } catch (err) {
      console.log(`e2e: staging screenshots failed: ${errorText(err)}`);
    }
  }
  result.state = 'done';
  delete result.snapshot;
  write(result);
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
