// Outline and breadcrumbs where sessions interleave, through VS Code's own document-symbol command:
// at every record, the path VS Code's breadcrumb takes (at each level the first symbol containing the
// position) ends at the record's own session, and each problem lies in the symbol of its session,
// so the Outline's problem badges land on the session that owns them (FORMATS §8, BEHAVIOUR.md).
import * as assert from 'assert';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { openSample, poll, waitForActivation, waitForDiagnostics } from './helpers';

/** Names on the breadcrumb's path to a line. */
function crumbs(symbols: readonly vscode.DocumentSymbol[] | undefined, line: number): string[] {
  const hit = symbols?.find((s) => s.range.start.line <= line && line <= s.range.end.line);
  return hit ? [hit.name, ...crumbs(hit.children, line)] : [];
}

async function symbolsOf(doc: vscode.TextDocument): Promise<vscode.DocumentSymbol[]> {
  return poll(
    async () => (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri)) ?? [],
    (s) => s.length > 0,
    10000,
  );
}

interface Case {
  file: string;
  languageId: string;
  /** The component and session key a line is a record of, or undefined for other lines. */
  owner(line: string): [string, string] | undefined;
  /** A line holding a record between two records of another session, and the session it must show. */
  between: RegExp;
}

const CASES: Case[] = [
  {
    file: 'communigate/SystemLogs/2026-01-15.log',
    languageId: 'communigate-log',
    owner(line) {
      const m = /^\d{2}:\d{2}:\d{2}\.\d+ \d (\S+)(?: (\d+):)?/.exec(line);
      if (!m) return undefined;
      const thread = /^([A-Z]+)\(\d+\)$/.exec(m[1]);
      const key = thread && m[2] ? `${thread[1]}-${m[2]}` : (/^[A-Za-z0-9_]+-\d+/.exec(m[1])?.[0] ?? m[1]);
      return [/^[A-Za-z0-9_]+/.exec(key)![0], key];
    },
    between: / 1 SMTP-004821/,
  },
  {
    file: 'axigen/log/everything.txt',
    languageId: 'axigen-log',
    owner(line) {
      const m = /^\S+ \S+ \S+ \d{2} \S+ ([^\s:]+)(?::([^\s:]+))?:/.exec(line);
      return m ? [m[1], m[2] ? `${m[1]}:${m[2]}` : m[1]] : undefined;
    },
    between: /SMTP-IN:00000A1F: Connection accepted/,
  },
];

describe('outline and breadcrumbs on interleaved sessions', () => {
  it('messaging-server-log: a process stretch holds its connections', async function () {
    this.timeout(30000);
    const doc = await openSample('messaging-server/imap.log', 'messaging-server-log');
    const symbols = await symbolsOf(doc);
    const login = Array.from({ length: doc.lineCount }, (_, i) => i).find((i) => doc.lineAt(i).text.includes('login [192.0.2.18] erin'));
    assert.ok(login !== undefined);
    assert.deepStrictEqual(crumbs(symbols, login), ['imapd', 'imapd[4411]', '[192.0.2.18] erin']);
    const created = Array.from({ length: doc.lineCount }, (_, i) => i).find((i) => doc.lineAt(i).text.includes('imapd[4411]: General Notice'));
    assert.deepStrictEqual(crumbs(symbols, created!), ['imapd', 'imapd[4411]'], 'a process-wide record is the process itself');
  });

  for (const c of CASES) {
    it(`${c.languageId}: every record's breadcrumb names its own component and session`, async function () {
      this.timeout(30000);
      const doc = await openSample(c.file, c.languageId);
      await waitForActivation();
      const symbols = await symbolsOf(doc);
      let checked = 0;
      for (let line = 0; line < doc.lineCount; line++) {
        const owner = c.owner(doc.lineAt(line).text);
        if (!owner) continue;
        assert.deepStrictEqual(crumbs(symbols, line), owner, `line ${line + 1}: ${doc.lineAt(line).text}`);
        checked++;
      }
      assert.ok(checked > 15, `${checked} records checked`);
      const special = Array.from({ length: doc.lineCount }, (_, i) => i).find((i) => c.between.test(doc.lineAt(i).text));
      assert.ok(special !== undefined, `a line matching ${c.between}`);
    });

    it(`${c.languageId}: each problem lies in its own session's symbol (where the Outline puts its badge)`, async function () {
      this.timeout(30000);
      const doc = await openSample(c.file, c.languageId);
      const diagnostics = (await waitForDiagnostics(doc.uri)).filter((d) => c.owner(doc.lineAt(d.range.start.line).text));
      assert.ok(diagnostics.length > 0, 'the sample has problems');
      const symbols = await symbolsOf(doc);
      for (const d of diagnostics) {
        const line = d.range.start.line;
        assert.deepStrictEqual(crumbs(symbols, line), c.owner(doc.lineAt(line).text), `problem on line ${line + 1}: ${d.message}`);
      }
    });
  }
});
