// `npm run test:reliability`: hostile input end to end, reported as a table measured in this run —
// inputs fuzzed, pathological files handled by msglog and the language server, the longest language
// server request, and recoveries of a killed server in the real editor.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fuzzEngine } from '../fuzz/engineFuzz';
import { LspSession } from '../unit/lspHarness';

const ROOT = path.resolve(__dirname, '../../..');
const MSGLOG = path.join(ROOT, 'bin/msglog.js');

interface Row {
  what: string;
  result: string;
  ok: boolean;
}
const rows: Row[] = [];

/** The hostile files: name → bytes (written to a temporary folder). */
function hostileFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const long = Buffer.alloc(50 * 1024 * 1024, 'a');
  long.write('12:00:00.000 2 A-1 ', 0);
  long[long.length - 1] = 0x0a;
  files.set('single-50MB-line.log', long);
  const binary = Buffer.alloc(100 * 1024 * 1024);
  for (let i = 0; i < binary.length; i += 997) binary[i] = (i * 7) & 0xff;
  files.set('binary-100MB.log', binary);
  files.set('nul-bytes.log', Buffer.from('12:00:00.000 2 A-1 x\n12:00:01.000 2 A-1 \0\0\n'));
  files.set('invalid-utf8.log', Buffer.concat([Buffer.from('12:00:00.000 2 A-1 '), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('\n')]));
  files.set('mixed-endings.log', Buffer.from('12:00:00.000 2 A-1 lf\n12:00:01.000 2 A-1 crlf\r\n  cr\r12:00:02.000 3 A-2 x'));
  files.set('empty.log', Buffer.alloc(0));
  files.set('only-markers.log', Buffer.from('***\n***\n***\n'));
  files.set('10M-tiny-lines.log', Buffer.from('12:00:00.000 2 A-1 x\n' + '12:00:00.001 5 A-1 y\n'.repeat(10_000_000 / 10) + 'z\n'.repeat(9_000_000)));
  return files;
}

/** msglog on every hostile file: an answer, or one line on stderr and exit 2; never a hang. */
function msglogRuns(dir: string, names: string[]): { handled: number; total: number; longestMs: number; failures: string[] } {
  const commands = [['detect'], ['sessions', '--json'], ['check', '--json'], ['filter', '--regex', '(a+)+$', '--keyed'], ['goto', '12:00']];
  let handled = 0;
  let total = 0;
  let longestMs = 0;
  const failures: string[] = [];
  for (const name of names) {
    for (const [command, ...rest] of commands) {
      total++;
      const started = performance.now();
      const r = spawnSync(process.execPath, [MSGLOG, command, path.join(dir, name), ...rest], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120_000 });
      const ms = performance.now() - started;
      longestMs = Math.max(longestMs, ms);
      const stderrLines = r.stderr.trim() === '' ? 0 : r.stderr.trim().split('\n').length;
      const fine = r.status !== null && [0, 1, 2].includes(r.status) && stderrLines <= (r.status === 2 ? 1 : 1) && !/\n\s+at /.test(r.stderr);
      if (fine) handled++;
      else failures.push(`${command} ${name}: exit ${r.status} ${r.signal ?? ''} ${r.stderr.slice(0, 200)}`);
    }
  }
  return { handled, total, longestMs, failures };
}

/** The language server on the hostile texts an editor could hand it: every request answered, timed. */
async function serverRuns(files: Map<string, Buffer>): Promise<{ handled: number; total: number; longestMs: number; longest: string; failures: string[] }> {
  const session = new LspSession();
  await session.initialize();
  let handled = 0;
  let total = 0;
  let longestMs = 0;
  let longest = '';
  const failures: string[] = [];
  let version = 0;
  for (const [name, bytes] of files) {
    if (bytes.length > 60 * 1024 * 1024) continue; // VS Code hands extensions no document over 50 MB
    const uri = pathToFileURL(path.join(os.tmpdir(), `reliability-${++version}-${name}`)).href;
    const started = performance.now();
    await session.openAndWait(uri, 'communigate-log', bytes.toString('utf8'));
    const opened = performance.now() - started;
    if (opened > longestMs) [longestMs, longest] = [opened, `didOpen → diagnostics, ${name}`];
    const requests: [string, unknown][] = [
      ['textDocument/foldingRange', { textDocument: { uri } }],
      ['textDocument/documentSymbol', { textDocument: { uri } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 13 } }],
      ['textDocument/references', { textDocument: { uri }, position: { line: 0, character: 16 }, context: { includeDeclaration: true } }],
      ['messagingLogs/filter', { uri, query: { regex: '(a+)+$', keyed: true } }],
      ['messagingLogs/goToTime', { uri, query: '12:00' }],
      ['messagingLogs/sessions', { uri }],
    ];
    for (const [method, params] of requests) {
      total++;
      const t = performance.now();
      try {
        await session.client.request(method, params, 120_000);
        handled++;
      } catch (e) {
        failures.push(`${method} ${name}: ${(e as Error).message}`);
      }
      const ms = performance.now() - t;
      if (ms > longestMs) [longestMs, longest] = [ms, `${method}, ${name}`];
    }
    session.client.notify('textDocument/didClose', { textDocument: { uri } });
  }
  await session.stop();
  return { handled, total, longestMs, longest, failures };
}

/** The real-editor suite that kills the language server mid-session, when the harness has it. */
function recoveries(): Row {
  const suite = path.join(ROOT, 'test/integration/suite/serverRecovery.test.ts');
  if (!fs.existsSync(suite)) return { what: 'server recoveries (real editor)', result: 'not run: no serverRecovery suite', ok: false };
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/e2e/build-tests.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) return { what: 'server recoveries (real editor)', result: `suites did not build: ${build.stderr.slice(0, 200)}`, ok: false };
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/e2e/run-code-server.mjs'), '--suites', 'serverRecovery'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  const m = /e2e: (\d+) passed, (\d+) failed/.exec(r.stdout);
  const kills = /recoveries: (\d+)/.exec(r.stdout);
  return {
    what: 'server recoveries (real editor: server killed mid-session)',
    result: m ? `${kills ? `${kills[1]} recovered; ` : ''}suite ${m[1]} passed, ${m[2]} failed` : `no result (exit ${r.status})`,
    ok: !!m && m[2] === '0' && r.status === 0,
  };
}

async function main(): Promise<void> {
  const iterations = Number(process.env.RELIABILITY_FUZZ ?? 2000);
  const fuzz = fuzzEngine(iterations, Number(process.env.FUZZ_SEED ?? 4242));
  rows.push({ what: 'inputs fuzzed (all dialects × random and mutated logs)', result: `${fuzz.inputs} inputs, ${fuzz.lines} lines, ${fuzz.failures.length} failures, worst ${fuzz.worstMsPerLine.toFixed(3)} ms/line`, ok: fuzz.failures.length === 0 });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-reliability-'));
  try {
    const files = hostileFiles();
    for (const [name, bytes] of files) fs.writeFileSync(path.join(dir, name), bytes);
    const cli = msglogRuns(dir, [...files.keys()]);
    rows.push({ what: `pathological files through msglog (${files.size} files × 5 commands)`, result: `${cli.handled}/${cli.total} handled, longest ${(cli.longestMs / 1000).toFixed(2)} s`, ok: cli.handled === cli.total });
    for (const f of cli.failures) console.error(`msglog: ${f}`);
    const server = await serverRuns(files);
    rows.push({ what: 'pathological documents through the language server', result: `${server.handled}/${server.total} requests answered`, ok: server.handled === server.total });
    rows.push({ what: 'longest language server request', result: `${(server.longestMs / 1000).toFixed(2)} s (${server.longest})`, ok: true });
    for (const f of server.failures) console.error(`server: ${f}`);
    const written = fs.readdirSync(dir).filter((n) => !files.has(n));
    rows.push({ what: 'files written next to the logs', result: written.length ? written.join(', ') : 'none', ok: written.length === 0 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.RELIABILITY_E2E !== '0') rows.push(recoveries());

  const width = Math.max(...rows.map((r) => r.what.length));
  console.log(`\n${'what'.padEnd(width)}  ok   result`);
  for (const r of rows) console.log(`${r.what.padEnd(width)}  ${r.ok ? 'yes' : 'NO '}  ${r.result}`);
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`\nreliability: ${rows.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

void main();
