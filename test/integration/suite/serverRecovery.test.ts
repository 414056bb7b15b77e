// The language server process dies mid-session, in the real editor: the client restarts it, the
// open logs are parsed again (diagnostics and folding answer, edits are followed), and the user is
// told once per burst of restarts. The server is killed through a hidden test command.
import * as assert from 'assert';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { ServerInfoResult } from '../../../common/protocol';
import { extension, poll } from './helpers';

interface RecoveryInfo extends ServerInfoResult {
  restarts: number;
  notices: number;
}

const TEXT = [
  '12:00:00.000 2 IMAP-000001([10.0.0.1]) connected',
  '12:00:01.000 4 IMAP-000001([10.0.0.1]) inp: 1 LOGIN',
  '12:00:02.000 3 IMAP-000001([10.0.0.1]) a problem',
  '12:00:03.000 2 SMTP-000002([10.0.0.2]) connected',
  '12:00:04.000 4 SMTP-000002([10.0.0.2]) inp: EHLO',
  '',
].join('\n');

/** The server's info, or undefined while it is down or starting. */
async function info(): Promise<RecoveryInfo | undefined> {
  try {
    return await vscode.commands.executeCommand<RecoveryInfo>('messagingLogs.debug.serverInfo');
  } catch {
    return undefined;
  }
}

async function kill(before: RecoveryInfo): Promise<RecoveryInfo> {
  // The suites run in the extension host, which started the server: it may kill it as a crash would.
  process.kill(before.pid, 'SIGKILL');
  const after = await poll(info, (i) => i !== undefined && i.pid !== before.pid, 30000);
  assert.ok(after && after.pid !== before.pid, `a new server process answers (was ${before.pid}, now ${after?.pid})`);
  return after;
}

async function folds(uri: vscode.Uri): Promise<vscode.FoldingRange[]> {
  return (await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', uri)) ?? [];
}

describe('language server recovery', function () {
  this.timeout(90000);

  it('ships no test hooks: no command kills the server', async () => {
    await extension().activate();
    const commands = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('messagingLogs.'));
    assert.ok(commands.includes('messagingLogs.debug.serverInfo'), `the extension's commands are registered: ${commands.join(', ')}`);
    assert.ok(!commands.some((c) => /kill/i.test(c)), `no kill command: ${commands.join(', ')}`);
  });

  it('restarts a killed server (recoveries: 2): open logs are parsed again, the user is told once per burst', async () => {
    await extension().activate(); // these suites may run alone, before any log is opened
    const document = await vscode.workspace.openTextDocument({ language: 'communigate-log', content: TEXT });
    await vscode.window.showTextDocument(document, { preview: false });
    const problems = await poll(() => vscode.languages.getDiagnostics(document.uri), (d) => d.length > 0, 15000);
    assert.deepStrictEqual(problems.map((d) => d.range.start.line), [2]);
    assert.ok((await poll(() => folds(document.uri), (f) => f.length > 0, 10000)).length > 0, 'folding before');

    const first = await info();
    assert.ok(first, 'the server answers messagingLogs/serverInfo');
    const restarted = await kill(first);
    assert.strictEqual(restarted.restarts, first.restarts + 1);
    assert.strictEqual(restarted.notices, first.notices + 1, 'the user was told');

    // The new server has the document: folding answers, and an edit gets diagnostics from it.
    assert.ok((await poll(() => folds(document.uri), (f) => f.length > 0, 15000)).length > 0, 'folding after the restart');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(document.lineCount - 1, 0), '12:00:05.000 1 SMTP-000002([10.0.0.2]) failure after the restart\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await poll(() => vscode.languages.getDiagnostics(document.uri), (d) => d.some((x) => x.range.start.line === 5), 15000);
    assert.deepStrictEqual(after.map((d) => d.range.start.line).sort(), [2, 5], 'diagnostics of the edited text');
    assert.ok(after.some((d) => d.range.start.line === 5 && d.severity === vscode.DiagnosticSeverity.Error));

    // Killed again at once: the same burst, restarted without telling the user again.
    const again = await kill(restarted);
    assert.strictEqual(again.restarts, first.restarts + 2);
    assert.strictEqual(again.notices, first.notices + 1, 'told once for the burst');
    assert.ok((await poll(() => folds(document.uri), (f) => f.length > 0, 15000)).length > 0, 'folding after the second restart');
    const last = await poll(() => vscode.languages.getDiagnostics(document.uri), (d) => d.length === 2, 15000);
    assert.strictEqual(last.length, 2);

    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
