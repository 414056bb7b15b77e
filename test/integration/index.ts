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
import * as os from 'os';
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
  await stageColourSnapshots(result, 8);
}

/** Every level of two dialects side by side, in VS Code's three default themes: colour means severity. */
const COLOUR_LOGS: [string, string, string[]][] = [
  ['communigate-log', '2026-01-15.log', [
    '00:00:00.012 2 SYSTEM CommuniGate Pro 6.3.6a started a new log file',
    '00:06:23.261 4 IMAP-437425([10.0.1.15]) got connection on [192.168.1.10]:143 from [10.0.1.15]:51234',
    '00:06:23.262 5 IMAP-437425([10.0.1.15]) inp: 1 CAPABILITY',
    '00:06:23.268 2 IMAP-437425([10.0.1.15]) \'alice@example.com\' connected from [10.0.1.15]:51234',
    '00:06:23.276 3 IMAP-437425([10.0.1.15]) UID FETCH 193: message file is corrupted',
    '00:06:23.281 4 IMAP-437425([10.0.1.15]) closing connection',
    '01:12:39.149 5 SIGNAL(3) 000056: processing INITIAL',
    '01:12:41.007 1 SMTP-004821([198.51.100.40]) failed to deliver: disk write error',
    '***',
    '01:12:42.500 0 SYSTEM server process terminated abnormally (signal 11), restarting',
    '01:12:43.020 2 DIALOG-000001 terminated: 487 Request Terminated',
  ]],
  ['axigen-log', 'everything.txt', [
    '2026-01-15 09:00:00 +0200 08 mail01 SERVER: Axigen Mail Server 10.5.0 started',
    '2026-01-15 09:14:02 +0200 08 mail01 SMTP-IN:00000A1F: Connection accepted from 203.0.113.45:52214',
    '2026-01-15 09:14:02 +0200 16 mail01 SMTP-IN:00000A1F: >> 220 mail01.example.com Axigen ESMTP ready',
    '2026-01-15 09:14:03 +0200 04 mail01 SMTP-IN:00000A1F: Recipient carol@example.com is over quota (98%)',
    '2026-01-15 09:20:11 +0200 02 mail01 IMAP:00000B07: Authentication failed for user dave@example.com',
    '2026-01-15 09:31:45 +0200 01 mail01 STORAGE: Storage container 4 is not accessible: I/O error',
  ]],
];

async function stageColourSnapshots(result: Result, firstSeq: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-colours-'));
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('workbench.action.closeSidebar');
  let column = vscode.ViewColumn.One;
  for (const [language, name, lines] of COLOUR_LOGS) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(file), language);
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: column });
    column = vscode.ViewColumn.Two;
  }
  const themes = [['dark-modern', 'Default Dark Modern'], ['light-modern', 'Default Light Modern'], ['high-contrast', 'Default High Contrast']];
  const workbench = vscode.workspace.getConfiguration('workbench');
  for (let i = 0; i < themes.length; i++) {
    await workbench.update('colorTheme', themes[i][1], vscode.ConfigurationTarget.Global);
    await sleep(1500); // the theme applies, tokens are coloured again
    await snapshot(result, `colours-${themes[i][0]}`, firstSeq + i);
  }
  await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  // A PrivateServer table with its columns lined up (padding shown, the file unchanged).
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const samples = process.env.MSGLOG_E2E_SAMPLES || path.join(REPO, 'samples');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(samples, 'privateserver', 'sip-sessions.tsv')), { preview: false });
  await sleep(1500);
  await snapshot(result, 'privateserver-table', firstSeq + themes.length);
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
