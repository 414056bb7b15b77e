// The CommuniGate TextMate grammar vs VS Code's built-in `log` grammar, both run by vscode-textmate with
// vscode-oniguruma (the engine VS Code uses) over the same lines of a generated CommuniGate log.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { measuredRow, unavailableRow } from '../lib/rows.mjs';
import { firstLines, fmtMs, log, median, nowMs, ROOT } from '../lib/util.mjs';

const require = createRequire(import.meta.url);

export const GRAMMAR_ROW = { what: (lines) => `CommuniGate grammar, ${lines.toLocaleString('en')} lines (vscode-textmate)`, target: "≤ 1.0 × VS Code's built-in log grammar" };

/** VS Code's built-in log grammar, as shipped in the code-server the e2e harness installs (VS Code 1.100). */
const LOG_GRAMMAR = path.join(ROOT, '.vscode-test/code-server/node_modules/code-server/lib/vscode/extensions/log/syntaxes/log.tmLanguage.json');

function builtInLogGrammar() {
  return fs.existsSync(LOG_GRAMMAR) ? LOG_GRAMMAR : undefined;
}

/**
 * builtInLogGrammar, installing code-server first when it is missing (as the lnav row installs lnav), so
 * that a fresh clone's bench has the row: the e2e harness's idempotent install script, 2–4 minutes once.
 */
function ensureBuiltInLogGrammar() {
  const found = builtInLogGrammar();
  if (found) return { path: found };
  log("installing code-server for VS Code's log grammar (npm run test:e2e:install) …");
  // Its progress to stderr, with the bench's; its errors kept for the row's reason.
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/e2e/install.sh')], { cwd: ROOT, stdio: ['ignore', 2, 'pipe'], encoding: 'utf8' });
  const installed = builtInLogGrammar();
  if (installed) return { path: installed };
  const lastLine = (r.stderr || '').trim().split('\n').pop();
  const why = r.error?.message ?? (r.status !== 0 ? `exit ${r.status}${lastLine ? `: ${lastLine}` : ''}` : `it ran, but ${path.relative(ROOT, LOG_GRAMMAR)} is not there`);
  return { why: `VS Code's log grammar not found, and npm run test:e2e:install (which brings it with code-server) did not help: ${why}` };
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
  const { path: logGrammar, why } = ensureBuiltInLogGrammar();
  if (!logGrammar) return unavailableRow({ id: 'grammar', what, target, reason: why });
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
