// The CommuniGate TextMate grammar vs VS Code's built-in `log` grammar, both run by vscode-textmate with
// vscode-oniguruma (the engine VS Code uses) over the same lines of a generated CommuniGate log.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { measuredRow, unavailableRow } from '../lib/rows.mjs';
import { firstLines, fmtMs, log, median, nowMs, ROOT } from '../lib/util.mjs';

const require = createRequire(import.meta.url);

export const GRAMMAR_ROW = { what: (lines) => `CommuniGate grammar, ${lines.toLocaleString('en')} lines (vscode-textmate)`, target: "≤ 1.0 × VS Code's built-in log grammar" };

/** VS Code's built-in log grammar, as shipped in the code-server the e2e harness installs (VS Code 1.100). */
function builtInLogGrammar() {
  const p = path.join(ROOT, '.vscode-test/code-server/node_modules/code-server/lib/vscode/extensions/log/syntaxes/log.tmLanguage.json');
  return fs.existsSync(p) ? p : undefined;
}

async function loadRegistry(grammarFiles) {
  const textmate = require('vscode-textmate');
  const oniguruma = require('vscode-oniguruma');
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const onigLib = Promise.resolve({
    createOnigScanner: (sources) => oniguruma.createOnigScanner(sources),
    createOnigString: (s) => oniguruma.createOnigString(s),
  });
  const registry = new textmate.Registry({
    onigLib,
    loadGrammar: async (scopeName) => {
      const file = grammarFiles[scopeName];
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
  });
  return { registry, INITIAL: textmate.INITIAL };
}

/** Tokenizes every line as VS Code does (tokenizeLine2, binary tokens, state carried from line to line). */
function tokenizeAll(grammar, INITIAL, lines) {
  let state = INITIAL;
  let tokens = 0;
  for (const line of lines) {
    const r = grammar.tokenizeLine2(line, state);
    tokens += r.tokens.length / 2;
    state = r.ruleStack;
  }
  return tokens;
}

export async function grammarRow({ file, lines: count, runs }) {
  const what = GRAMMAR_ROW.what(count);
  const target = GRAMMAR_ROW.target;
  const logGrammar = builtInLogGrammar();
  if (!logGrammar) return unavailableRow({ id: 'grammar', what, target, reason: "VS Code's log grammar not found: run npm run test:e2e:install (it comes with code-server)" });
  const cgpGrammar = path.join(ROOT, 'syntaxes/communigate.tmLanguage.json');
  let registry;
  let INITIAL;
  try {
    ({ registry, INITIAL } = await loadRegistry({ 'text.log.communigate': cgpGrammar, 'text.log': logGrammar }));
  } catch (e) {
    return unavailableRow({ id: 'grammar', what, target, status: 'error', reason: `vscode-textmate/vscode-oniguruma: ${e.message}` });
  }
  const cgp = await registry.loadGrammar('text.log.communigate');
  const builtIn = await registry.loadGrammar('text.log');
  const lines = firstLines(file, count);
  // One untimed pass each: compiles the scanners, as an editor that has shown the first screen has.
  const cgpTokens = tokenizeAll(cgp, INITIAL, lines);
  const logTokens = tokenizeAll(builtIn, INITIAL, lines);
  const cgpMs = [];
  const logMs = [];
  for (let i = 0; i < runs; i++) {
    let t = nowMs();
    tokenizeAll(cgp, INITIAL, lines);
    cgpMs.push(nowMs() - t);
    t = nowMs();
    tokenizeAll(builtIn, INITIAL, lines);
    logMs.push(nowMs() - t);
    log(`grammar run ${i + 1}/${runs}: communigate ${fmtMs(cgpMs.at(-1))}, log ${fmtMs(logMs.at(-1))}`);
  }
  const c = median(cgpMs);
  const l = median(logMs);
  return measuredRow({
    id: 'grammar',
    what,
    measured: `communigate ${fmtMs(c)}`,
    baseline: `log ${fmtMs(l)}`,
    ratio: c / l,
    limit: 1.0,
    target,
    note: `median of ${runs} after one warm-up pass each; ${lines.length} lines of the generated log; tokens: communigate ${cgpTokens}, log ${logTokens}; log grammar from ${path.relative(ROOT, logGrammar)}`,
    data: { cgpMs, logMs, cgpTokens, logTokens, lines: lines.length },
  });
}
