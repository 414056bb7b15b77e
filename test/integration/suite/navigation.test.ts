// Go to Time (FORMATS §3), next/previous record of the session and session, and F8 over our diagnostics.
import * as assert from 'assert';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { extensionApi, lineWhere, linesWhere, openSample, poll, showAt, waitForDiagnostics } from './helpers';

const FILE = 'communigate/SystemLogs/2026-01-15.log';
const LANGUAGE = 'communigate-log';

describe('navigation', () => {
  let doc: vscode.TextDocument;

  function currentLine(): number | undefined {
    return vscode.window.activeTextEditor?.selection.active.line;
  }

  /**
   * The cursor's line once the window has applied every selection set so far. A command moves the
   * cursor here, and the window sends back an event for each selection it applies: one for the move
   * before may come after this one (seen in CI: the cursor read on the line before the last step). A
   * command the window runs answers after those events (helpers' select), so then the two agree.
   */
  async function cursorLine(): Promise<number | undefined> {
    await vscode.commands.executeCommand('setContext', 'messagingLogs.test.selectionSynced', -1);
    return currentLine();
  }

  before(async function () {
    this.timeout(30000);
    doc = await openSample(FILE, LANGUAGE);
    await extensionApi();
  });

  it('goes to the first record at or after a time of day or a date-time', async () => {
    await showAt(doc, 0);
    const at0041 = lineWhere(doc, (t) => t.startsWith('00:41:'));
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.goToTime', '00:41'), at0041);
    assert.strictEqual(await cursorLine(), at0041);
    const smtp = lineWhere(doc, (t) => t.startsWith('01:12:41.007'));
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.goToTime', { query: '2026-01-15 01:12:41' }), smtp, 'the file name dates the log');
    assert.strictEqual(await cursorLine(), smtp);
  });

  it('moves relative to the current record (+5m, -30s)', async () => {
    const imap = lineWhere(doc, (t) => t.includes('IMAP-437425'));
    await showAt(doc, imap);
    // 00:06:23 + 5 minutes = 00:11:23: the next record is at 00:41:07.
    const next = lineWhere(doc, (t) => t.startsWith('00:41:07'));
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.goToTime', '+5m'), next);
    assert.strictEqual(await cursorLine(), next);
    // 00:41:07 - 30 minutes = 00:11:07: the first record at or after it is the same 00:41:07 record.
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.goToTime', '-30m'), next);
  });

  it('leaves the cursor alone when no record matches or the query is bad', async () => {
    await showAt(doc, 3);
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.goToTime', '23:00'), undefined);
    assert.strictEqual(await cursorLine(), 3);
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.goToTime', 'soon'), undefined);
    assert.strictEqual(await cursorLine(), 3);
  });

  it('steps through the records of the session under the cursor', async () => {
    const signal = linesWhere(doc, (t) => /^\S+ \d SIGNAL(-|\(3\) )000056/.test(t));
    await showAt(doc, signal[0]);
    for (const expected of signal.slice(1)) {
      assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.nextRecordInSession'), expected);
      assert.strictEqual(await cursorLine(), expected);
    }
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.nextRecordInSession'), undefined, 'no record after the last');
    assert.strictEqual(await cursorLine(), signal[signal.length - 1]);
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.previousRecordInSession'), signal[signal.length - 2]);
  });

  it('moves to the next and previous session', async () => {
    const imap = lineWhere(doc, (t) => t.includes('IMAP-437425'));
    await showAt(doc, imap + 3);
    const httpa = lineWhere(doc, (t) => t.includes('HTTPA-000009'));
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.nextSession'), httpa);
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.previousSession'), imap);
    const dequeuer = lineWhere(doc, (t) => t.includes(' DEQUEUER '));
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.previousSession'), dequeuer);
  });

  it('binds the navigation keys in log editors only', () => {
    const pkg = (vscode.extensions.getExtension('msglog.messaging-server-logs')?.packageJSON ?? {}) as {
      contributes?: { keybindings?: { command: string; key: string; when?: string }[] };
    };
    const keys = new Map((pkg.contributes?.keybindings ?? []).map((k) => [k.command, k]));
    for (const [command, key] of [
      ['messagingLogs.nextRecordInSession', 'alt+down'],
      ['messagingLogs.previousRecordInSession', 'alt+up'],
      ['messagingLogs.nextSession', 'alt+pagedown'],
      ['messagingLogs.previousSession', 'alt+pageup'],
    ]) {
      const binding = keys.get(command);
      assert.strictEqual(binding?.key, key, command);
      assert.match(binding?.when ?? '', /editorLangId in '?messagingLogs\.logLanguages'?/, `${command} only in log languages`);
    }
  });

  it('shows log commands in the palette only where they apply', () => {
    const pkg = (vscode.extensions.getExtension('msglog.messaging-server-logs')?.packageJSON ?? {}) as {
      contributes?: { menus?: { commandPalette?: { command: string; when?: string }[] } };
    };
    const when = new Map((pkg.contributes?.menus?.commandPalette ?? []).map((m) => [m.command, m.when ?? '']));
    for (const command of ['filter', 'keyedFilter', 'filterByLevel', 'filterByInterval', 'goToTime', 'nextRecordInSession', 'nextSession']) {
      assert.match(when.get(`messagingLogs.${command}`) ?? '', /editorLangId in '?messagingLogs\.logLanguages'?/, `${command} only in log editors`);
    }
    // VS Code hands the clause back re-serialised (quotes added).
    assert.match(when.get('messagingLogs.goToSourceLine') ?? '', /^resourceScheme == '?msglog-filter'?$/);
    assert.strictEqual(when.get('messagingLogs.sessions.reveal'), 'false', 'a view item command');
  });

  it('F8 (next problem) lands on our diagnostics', async () => {
    const diagnostics = await waitForDiagnostics(doc.uri);
    const problemLines = new Set(diagnostics.map((d) => d.range.start.line));
    assert.ok(!problemLines.has(0));
    await showAt(doc, 0);
    try {
      // F8 visits errors before warnings, so only "a diagnostic line, then another one" is certain.
      await vscode.commands.executeCommand('editor.action.marker.next');
      const first = await poll(currentLine, (l) => l !== undefined && problemLines.has(l), 3000);
      assert.ok(first !== undefined && problemLines.has(first), `the cursor is on a diagnostic (line ${first}; diagnostics on ${[...problemLines].join(', ')})`);
      await vscode.commands.executeCommand('editor.action.marker.next');
      const second = await poll(currentLine, (l) => l !== first && l !== undefined && problemLines.has(l), 3000);
      assert.ok(second !== first && second !== undefined && problemLines.has(second), `then on another one (line ${second})`);
    } finally {
      await vscode.commands.executeCommand('closeMarkersNavigation');
    }
  });
});
