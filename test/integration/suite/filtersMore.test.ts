// Filters, more (FORMATS §14) in the real editor: context records dimmed, exclusions and several
// conditions, Filter This Result (stacked, titled with the chain, every line leading back to the log),
// Filter Out Session / Component, and the quick pick's exclusion and context options.
import * as assert from 'assert';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { MessagingLogsApi } from '../../../client/src/api';
import { extensionApi, linesWhere, lineWhere, openSample, poll, select, showAt, sleep, waitForDocument } from './helpers';

const FILE = 'communigate/SystemLogs/2026-01-15.log';
const LANGUAGE = 'communigate-log';

function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

function titleOf(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? '';
}

describe('filters, more', () => {
  let api: MessagingLogsApi;
  let doc: vscode.TextDocument;

  async function run(command: string, args?: object, from: vscode.TextDocument = doc, line = 0): Promise<vscode.TextDocument> {
    await showAt(from, line);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>(command, args);
    assert.ok(uri instanceof vscode.Uri, `${command} ${JSON.stringify(args)} returns the result's URI`);
    return waitForDocument(uri);
  }

  /** Where F12 on `line` of a result leads. */
  async function definitionOf(uri: vscode.Uri, line: number): Promise<{ uri: string; line: number }> {
    const found = await poll(
      () => vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, new vscode.Position(line, 3)),
      (d) => (d?.length ?? 0) > 0,
      5000,
    );
    assert.strictEqual(found.length, 1, `one definition for line ${line}`);
    const target = found[0];
    return { uri: ('uri' in target ? target.uri : target.targetUri).toString(), line: ('range' in target ? target.range : target.targetRange).start.line };
  }

  before(async function () {
    this.timeout(30000);
    doc = await openSample(FILE, LANGUAGE);
    api = await extensionApi();
  });

  it('context records surround each hit, dimmed, with -- between groups', async () => {
    const result = await run('messagingLogs.filter', { text: 'read failed', context: 1 });
    const hit = lineWhere(doc, (t) => t.includes('read failed'));
    const text = (l: number): string => doc.lineAt(l).text;
    assert.deepStrictEqual(linesOf(result.getText()), [text(hit - 1), text(hit), text(hit + 1), '--', '***'], 'the overflow markers print where they fall, apart');
    assert.match(titleOf(result.uri), /^"read failed" ±1 — 2026-01-15\.log$/);
    const dimmed = await poll(() => api.dimmedLines(result.uri), (d) => d !== undefined && d.length > 0, 5000);
    assert.deepStrictEqual(dimmed, [0, 2, 3], 'both context records and the separator are dimmed; the hit and the marker are not');
    assert.deepStrictEqual(await definitionOf(result.uri, 0), { uri: doc.uri.toString(), line: hit - 1 }, 'a context line leads back to its source line');
    assert.deepStrictEqual(await definitionOf(result.uri, 1), { uri: doc.uri.toString(), line: hit });
  });

  it('several texts must all match; exclusions drop records', async () => {
    const result = await run('messagingLogs.filter', { texts: ['IMAP-437425', 'out:'], excludeTexts: ['OK'] });
    const expected = linesWhere(doc, (t) => t.includes('IMAP-437425') && t.includes('out:') && !t.includes('OK')).map((l) => doc.lineAt(l).text);
    assert.ok(expected.length >= 2);
    assert.deepStrictEqual(linesOf(result.getText()), [...expected, '***']);
    assert.match(titleOf(result.uri), /^"IMAP-437425" "out:" -"OK" — 2026-01-15\.log$/);
    assert.strictEqual(api.dimmedLines(result.uri)?.length ?? 0, 0, 'no context, nothing dimmed');
  });

  it('Filter This Result stacks filters: the title shows the chain, every line leads back to the log', async () => {
    const base = await run('messagingLogs.filter', { text: 'SIPDATA' });
    const stacked = await run('messagingLogs.filterResult', { text: 'CSeq' }, base);
    const cseq = linesWhere(doc, (t) => t.includes('SIPDATA') && t.includes('CSeq'));
    assert.deepStrictEqual(linesOf(stacked.getText()), [...cseq.map((l) => doc.lineAt(l).text), '***']);
    assert.strictEqual(titleOf(stacked.uri), '"SIPDATA" › "CSeq" — 2026-01-15.log');
    assert.strictEqual(stacked.languageId, LANGUAGE);
    assert.deepStrictEqual(await definitionOf(stacked.uri, 1), { uri: doc.uri.toString(), line: cseq[1] }, 'F12 goes to the log, not to the result below');

    const third = await run('messagingLogs.filterResult', { text: 'inp:' }, stacked);
    assert.strictEqual(titleOf(third.uri), '"SIPDATA" › "CSeq" › "inp:" — 2026-01-15.log');
    assert.deepStrictEqual(linesOf(third.getText()), [doc.lineAt(cseq[1]).text, '***']);
    const editor = await showAt(third, 0, 5);
    assert.strictEqual(editor.document.uri.toString(), third.uri.toString());
    const went = await vscode.commands.executeCommand<{ uri: string; line: number }>('messagingLogs.goToSourceLine');
    assert.deepStrictEqual(went, { uri: doc.uri.toString(), line: cseq[1] });
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString());

    // Outside a filter result it says so and opens nothing.
    await showAt(doc, 0);
    assert.strictEqual(await vscode.commands.executeCommand('messagingLogs.filterResult', { text: 'x' }), undefined);
  });

  it('Filter Out Session / Component from the Sessions view, a record, and the cursor (stacked in a result)', async () => {
    await showAt(doc, 0);
    const tree = api.sessionsTree;
    const roots = await poll(() => tree.getChildren(), (n) => n.some((c) => c.kind === 'component' && c.name === 'IMAP'), 5000);
    const imap = roots.find((n) => n.kind === 'component' && n.name === 'IMAP');
    assert.ok(imap && imap.kind === 'component');
    const session = imap.children.find((c) => c.kind === 'session');
    assert.ok(session && session.kind === 'session' && session.session.key === 'IMAP-437425');
    const withoutSession = await waitForDocument((await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.filterOutSession', session))!);
    const lines = linesOf(withoutSession.getText());
    assert.ok(!lines.some((l) => l.includes(' IMAP-437425(')), 'no record of the session');
    assert.strictEqual(lines.filter((l) => l !== '***').length, linesWhere(doc, (t) => /^\d/.test(t) && !t.includes(' IMAP-437425(')).length, 'every other record');
    assert.match(titleOf(withoutSession.uri), /^-session IMAP-437425 — 2026-01-15\.log$/);

    // From one of the session's records in the view (which follows the active log: back to it): the same result.
    await showAt(doc, 0);
    const again = await poll(
      async () => ((await tree.getChildren()).find((n) => n.kind === 'component' && n.name === 'IMAP') as typeof imap | undefined)?.children.find((c) => c.kind === 'session'),
      (n) => n !== undefined && tree.currentLog()?.toString() === doc.uri.toString(),
      5000,
    );
    assert.ok(again && again.kind === 'session');
    const records = await poll(() => tree.getChildren(again), (r) => r.length > 0, 5000);
    const fromRecord = await vscode.commands.executeCommand<vscode.Uri>('messagingLogs.filterOutSession', records[0]);
    assert.strictEqual(fromRecord?.toString(), withoutSession.uri.toString());

    // The component of the record at the cursor: HTTPU-000029 and the HTTPU thread record go.
    const httpu = lineWhere(doc, (t) => t.includes('read failed'));
    const withoutComponent = await run('messagingLogs.filterOutComponent', undefined, doc, httpu);
    assert.ok(!linesOf(withoutComponent.getText()).some((l) => / \d HTTPU[-\s]/.test(l)), 'no HTTPU record');
    assert.ok(linesOf(withoutComponent.getText()).some((l) => l.includes(' HTTPA-000009(')));
    assert.match(titleOf(withoutComponent.uri), /^-component HTTPU — 2026-01-15\.log$/);

    // Inside a filter result it stacks on it.
    const sip = await run('messagingLogs.filter', { text: 'SIPDATA' });
    const only503 = await run('messagingLogs.filterOutSession', undefined, sip, 0);
    assert.strictEqual(titleOf(only503.uri), '"SIPDATA" › -session SIPDATA-000502 — 2026-01-15.log');
    assert.ok(linesOf(only503.getText()).every((l) => l === '***' || l.includes('SIPDATA-000503')));
    assert.strictEqual((await definitionOf(only503.uri, 0)).line, lineWhere(doc, (t) => t.includes('SIPDATA-000503')));
  });

  it('the quick pick: exclude the selected text, context from its input, then Enter filters', async () => {
    const line = lineWhere(doc, (t) => t.includes('IMAP-437425'));
    const editor = await showAt(doc, line);
    const at = doc.lineAt(line).text.indexOf('IMAP-437425');
    await select(editor, new vscode.Selection(line, at, line, at + 'IMAP-437425'.length));
    let shown = api.filterInputsShown();
    const running = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('messagingLogs.filter'));
    // Keys go to an input once the extension has shown it (it counts them): the next step waits for the next input.
    const step = async (...commands: string[]) => {
      const now = await poll(() => api.filterInputsShown(), (n) => n > shown, 5000);
      assert.ok(now > shown, 'the next filter input was shown');
      shown = now;
      for (const command of commands) await vscode.commands.executeCommand(command);
    };
    try {
      // No text yet: regular expression, ignore case, keyed, level, interval, exclude, context…
      await step('quickInput.next', 'quickInput.next', 'quickInput.next', 'quickInput.next', 'quickInput.next', 'workbench.action.acceptSelectedQuickOpenItem');
      await step('workbench.action.acceptSelectedQuickOpenItem'); // the exclusion box offers the selected text
      // Now it can run: Filter, regular expression, …, exclude, context.
      await step(...Array<string>(7).fill('quickInput.next'), 'workbench.action.acceptSelectedQuickOpenItem');
      await step('workbench.action.acceptSelectedQuickOpenItem'); // the context box offers 2
      await step('workbench.action.acceptSelectedQuickOpenItem'); // Filter
      const uri = await Promise.race([running, sleep(5000).then(() => undefined)]);
      assert.ok(uri instanceof vscode.Uri, 'the flow ran a filter');
      assert.strictEqual(titleOf(uri), '-"IMAP-437425" ±2 — 2026-01-15.log');
      const result = await waitForDocument(uri);
      const lines = result.getText().split('\n');
      const dimmed = await poll(() => api.dimmedLines(uri), (d) => (d?.length ?? 0) > 0, 5000);
      // Every record but the session's is a hit: the excluded records show only as dimmed context.
      for (let l = 0; l < lines.length - 1; l++) {
        const isDimmed = dimmed?.includes(l) ?? false;
        if (lines[l].includes('IMAP-437425')) assert.ok(isDimmed, `line ${l} of the excluded session is context: ${lines[l]}`);
        else if (lines[l] !== '--') assert.ok(!isDimmed, `line ${l} is a hit: ${lines[l]}`);
      }
      assert.ok(lines.some((l) => l.includes('IMAP-437425')), 'two records of the session around the first hit after it');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
  });
});
