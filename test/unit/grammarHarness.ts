// What the grammar tests share: the package's grammars loaded into the real engine (vscode-textmate +
// vscode-oniguruma, as VS Code uses them), lines tokenized with the rule stack carried from line to
// line, and sample lines checked on exact tokens.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type IOnigLib, type StateStack } from 'vscode-textmate';

// Compiled to out/test/unit/, so the repository root is three levels up.
export const ROOT = path.resolve(__dirname, '../../..');

export interface LanguageContribution {
  id: string;
  aliases?: string[];
  extensions?: string[];
  filenamePatterns?: string[];
  firstLine?: string;
  configuration?: string;
}
interface GrammarContribution {
  language: string;
  scopeName: string;
  path: string;
}
interface PackageJson {
  contributes: { languages: LanguageContribution[]; grammars: GrammarContribution[] };
}

export const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** FORMATS §1: language id → grammar scope name. */
export const DIALECTS: ReadonlyArray<readonly [string, string]> = [
  ['communigate-log', 'text.log.communigate'],
  ['emg-log', 'text.log.emg'],
  ['axigen-log', 'text.log.axigen'],
  ['messaging-server-log', 'text.log.messaging-server'],
  ['privateserver-log', 'text.log.privateserver'],
];

// loadWASM may run only once per process, so every test shares this promise.
export const onigLib: Promise<IOnigLib> = (async () => {
  await oniguruma.loadWASM(fs.readFileSync(path.join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm')));
  return {
    createOnigScanner: (sources: string[]) => oniguruma.createOnigScanner(sources),
    createOnigString: (text: string) => oniguruma.createOnigString(text),
  };
})();

const registry = new Registry({
  onigLib,
  loadGrammar: async (scopeName) => {
    const contribution = pkg.contributes.grammars.find((g) => g.scopeName === scopeName);
    if (!contribution) return null;
    const file = path.join(ROOT, contribution.path);
    return parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
  },
});

const grammars = new Map<string, Promise<IGrammar>>();
export function grammarFor(scopeName: string): Promise<IGrammar> {
  let grammar = grammars.get(scopeName);
  if (!grammar) {
    grammar = registry.loadGrammar(scopeName).then((g) => {
      if (!g) throw new Error(`no grammar for ${scopeName}`);
      return g;
    });
    grammars.set(scopeName, grammar);
  }
  return grammar;
}

interface Token {
  text: string;
  scopes: string[];
}
export interface TokenizedLine {
  line: string;
  tokens: Token[];
  /** Rule stack depth after the line: 1 means nothing leaked into the next line. */
  depth: number;
}

/** Tokenizes lines in order, carrying the rule stack from line to line as the editor does. */
export function tokenizeLines(grammar: IGrammar, lines: readonly string[]): TokenizedLine[] {
  let state: StateStack = INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    const tokens = result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    return { line, tokens, depth: state.depth };
  });
}

export function dump(line: TokenizedLine): string {
  return line.tokens.map((t) => `  ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n');
}

/** The scopes of the first token whose text is exactly `text`; fails (showing every token) if there is none. */
export function scopesOf(line: TokenizedLine, text: string): string[] {
  const found = line.tokens.find((t) => t.text === text);
  if (!found) assert.fail(`no token ${JSON.stringify(text)} in ${JSON.stringify(line.line)}; tokens:\n${dump(line)}`);
  return found.scopes;
}

/** [token text, scope the token must carry] — or, with `!` before the scope, must not carry. */
type Expectation = readonly [text: string, scope: string];
interface Sample {
  line: string;
  expect: readonly Expectation[];
}

export function checkSamples(grammar: IGrammar, samples: readonly Sample[]): void {
  const tokenized = tokenizeLines(grammar, samples.map((s) => s.line));
  samples.forEach((sample, i) => {
    const line = tokenized[i];
    assert.equal(line.depth, 1, `rule stack leaked past ${JSON.stringify(sample.line)}`);
    for (const [text, scope] of sample.expect) {
      const negated = scope.startsWith('!');
      const wanted = negated ? scope.slice(1) : scope;
      const scopes = scopesOf(line, text);
      assert.equal(
        scopes.includes(wanted),
        !negated,
        `${JSON.stringify(text)} in ${JSON.stringify(sample.line)}: expected ${negated ? 'no ' : ''}${wanted}, got ${scopes.join(' ')}`,
      );
    }
  });
}

/** The grammar file package.json contributes for `scopeName`, read as JSON. */
export function grammarFile(scopeName: string): { file: string; raw: Record<string, unknown> } {
  const contribution = pkg.contributes.grammars.find((g) => g.scopeName === scopeName);
  assert.ok(contribution, `package.json contributes no grammar ${scopeName}`);
  const file = path.join(ROOT, contribution.path);
  return { file, raw: JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> };
}
