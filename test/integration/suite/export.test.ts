// Export Log… in the real editor: the command is in the palette and the Explorer context menu; run on
// open logs (and on a selection of files, as the Explorer passes them) it has the language server write
// the NDJSON file, the same bytes msglog export writes; a file that is not a log writes nothing. The
// pickers are walked through once as a user would: the format quick pick, then the save dialog.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ExportLogOutcome } from '../../../client/src/commands/exportLog';
import { extension, openSample, poll, sampleUri, samplesDir, waitForActivation } from './helpers';

const COMMAND = 'messagingLogs.exportLog';

/** `msglog export …` with the extension's own command line (the extension host's binary as plain node). */
function msglogExport(...args: string[]): string {
  const bin = path.join(extension().extensionPath, 'server', 'out', 'msglog.js');
  return execFileSync(process.execPath, [bin, 'export', ...args], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', maxBuffer: 64 << 20 });
}

describe('Export Log…', function () {
  this.timeout(60000);
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-e2e-export-'));
    // Opening a log activates the extension (as it does for a user).
    await openSample('emg/log/connector.smpp1', 'emg-log');
    await waitForActivation();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is in the command palette and in the Explorer context menu for files', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes(COMMAND));
    const pkg = extension().packageJSON as { contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command: string; when?: string }[]> } };
    assert.equal(pkg.contributes.commands.find((c) => c.command === COMMAND)?.title, 'Export Log…');
    const explorer = pkg.contributes.menus['explorer/context'].find((m) => m.command === COMMAND);
    assert.ok(explorer && /!explorerResourceIsFolder/.test(explorer.when ?? ''), 'offered on files in the Explorer');
    const palette = pkg.contributes.menus.commandPalette.find((m) => m.command === COMMAND);
    assert.ok(palette && palette.when === undefined, 'always in the palette (it asks for files when no log is open)');
  });

  it('writes the open log as OTLP/JSON, the same bytes as msglog export', async () => {
    const doc = await openSample('axigen/log/everything.txt', 'axigen-log');
    await vscode.window.showTextDocument(doc);
    const target = path.join(dir, 'axigen.otlp.jsonl');
    const outcome = await vscode.commands.executeCommand<ExportLogOutcome>(COMMAND, undefined, { format: 'otlp', target });
    assert.ok(outcome && !outcome.cancelled && outcome.error === undefined, JSON.stringify(outcome));
    assert.equal(fs.readFileSync(target, 'utf8'), msglogExport(doc.uri.fsPath, '--format', 'otlp'));
    const requests = fs.readFileSync(target, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] });
    const records = requests.reduce((n, q) => n + q.resourceLogs.reduce((m, rl) => m + rl.scopeLogs[0].logRecords.length, 0), 0);
    assert.equal(records, outcome.records);
  });

  it('exports a selection of files as one (interleaved by time), with _bulk lines and the zone setting', async () => {
    const files = [sampleUri('communigate/SystemLogs/2026-01-15.log'), sampleUri('emg/log/connector.smpp1')];
    const target = path.join(dir, 'two.bulk.ndjson');
    const outcome = await vscode.commands.executeCommand<ExportLogOutcome>(COMMAND, files, { format: 'ecs', bulk: true, target, utcOffset: '-05:00' });
    assert.ok(outcome && !outcome.cancelled && outcome.error === undefined, JSON.stringify(outcome));
    assert.equal(fs.readFileSync(target, 'utf8'), msglogExport(...files.map((u) => u.fsPath), '--format', 'ecs', '--bulk', '--utc-offset', '-05:00'));
  });

  it('writes nothing when a file is not a log', async () => {
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'hello\nworld\n');
    const target = path.join(dir, 'never.ndjson');
    const outcome = await vscode.commands.executeCommand<ExportLogOutcome>(COMMAND, [sampleUri('messaging-server/imap.log'), vscode.Uri.file(notes)], { format: 'ecs', target });
    assert.ok(outcome && !outcome.cancelled && /notes\.txt/.test(outcome.error ?? ''), JSON.stringify(outcome));
    assert.equal(fs.existsSync(target), false);
  });

  it('asks for the format and the file as a user goes through it', async () => {
    const doc = await openSample('messaging-server/imap.log', 'messaging-server-log');
    await vscode.window.showTextDocument(doc);
    // The save dialog proposes the home folder (never the log's own folder); clear what a run left.
    const proposed = path.join(os.homedir(), 'imap.ecs.ndjson');
    fs.rmSync(proposed, { force: true });
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand<ExportLogOutcome>(COMMAND)).finally(() => (settled = true));
    try {
      // Accept the first format (ECS), then the proposed file, as pressing Enter twice would.
      await poll(
        async () => {
          if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
          return settled;
        },
        (done) => done,
        30000,
      );
      const outcome = await running;
      assert.ok(outcome && !outcome.cancelled && outcome.error === undefined, JSON.stringify(outcome));
      assert.equal(fs.readFileSync(proposed, 'utf8'), msglogExport(doc.uri.fsPath, '--format', 'ecs'));
      assert.ok(!fs.existsSync(path.join(samplesDir(), 'messaging-server', 'imap.ecs.ndjson')), 'nothing next to the log');
    } finally {
      fs.rmSync(proposed, { force: true });
    }
  });
});
