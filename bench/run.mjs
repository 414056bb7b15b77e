#!/usr/bin/env node
// npm run bench [-- --size MB] [-- --only NAME[,NAME]] [-- --runs N] [-- --skip-build]
// Measures the performance targets side by side in one run and prints ratios (never asserts: these
// machines are noisy). Prints a table, then the same as Markdown; writes bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generatedLog, pickKey, warmPageCache } from './lib/files.mjs';
import { markdownTable, rowNotes, textTable, unavailableRow } from './lib/rows.mjs';
import { CACHE_DIR, fmtMs, log, nowMs, ROOT } from './lib/util.mjs';
import { cliRows, CLI_ROWS, DIALECT_ROW, dialectsRow } from './rows/cli.mjs';
import { exportRow, EXPORT_ROW } from './rows/export.mjs';
import { grammarRow, GRAMMAR_ROW } from './rows/grammar.mjs';
import { growthRow, GROWTH_ROW } from './rows/growth.mjs';
import { lnavRow, LNAV_ROW } from './rows/lnav.mjs';
import { server50mbRow, SERVER_ROWS, warmFilterRow } from './rows/server.mjs';

/** Row ids in the order of the table (the order of the issue's targets). */
const ROW_IDS = ['check', 'sessions', 'filter', 'memory', 'lnav', 'warm-filter', 'server-50mb', 'dialects', 'grammar', 'growth', 'export'];
/** The other dialects of the dialects row, as the generator names them. */
const OTHER_DIALECTS = ['emg', 'axigen', 'messaging-server', 'privateserver'];
const GRAMMAR_LINES = 40_000;

/** What each row measures and its target, for rows that failed before they could say so. */
function definition(id, sizes) {
  const defs = {
    ...Object.fromEntries(Object.entries(CLI_ROWS).map(([k, d]) => [k, { what: d.what(sizes.large), target: d.target }])),
    'warm-filter': { what: SERVER_ROWS['warm-filter'].what(sizes.large), target: SERVER_ROWS['warm-filter'].target },
    'server-50mb': { what: SERVER_ROWS['server-50mb'].what(sizes.small), target: SERVER_ROWS['server-50mb'].target },
    lnav: { what: LNAV_ROW.what(sizes.large), target: LNAV_ROW.target },
    dialects: { what: DIALECT_ROW.what(sizes.medium), target: DIALECT_ROW.target },
    grammar: { what: GRAMMAR_ROW.what(GRAMMAR_LINES), target: GRAMMAR_ROW.target },
    growth: { what: GROWTH_ROW.what(sizes.large), target: GROWTH_ROW.target },
    export: { what: EXPORT_ROW.what(sizes.large), target: EXPORT_ROW.target },
  };
  return defs[id];
}

const USAGE = `usage: npm run bench -- [--size MB] [--only NAME[,NAME…]] [--runs N] [--skip-build]
  --size MB      size of the large log (default 1000); the other dialects use min(200, MB), the 50 MB row min(50, MB)
  --only NAMES   run only these rows: ${ROW_IDS.join(', ')}
  --runs N       repetitions per timing, the median is reported (default 3)
  --skip-build   do not run npm run build first
Generated logs are cached in ${CACHE_DIR} (set MSGLOG_BENCH_CACHE to move them).`;

function parseArgs(argv) {
  const opts = { size: 1000, only: undefined, runs: 3, build: true };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--size':
        opts.size = Number(value());
        break;
      case '--only':
        opts.only = new Set(String(value()).split(',').map((s) => s.trim()).filter(Boolean));
        break;
      case '--runs':
        opts.runs = Number(value());
        break;
      case '--skip-build':
        opts.build = false;
        break;
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    }
  }
  if (!(opts.size >= 1)) throw new Error(`--size needs a number of megabytes ≥ 1\n${USAGE}`);
  if (!(opts.runs >= 1)) throw new Error(`--runs needs a number ≥ 1\n${USAGE}`);
  opts.size = Math.round(opts.size);
  opts.runs = Math.round(opts.runs);
  for (const id of opts.only ?? []) if (!ROW_IDS.includes(id)) throw new Error(`unknown row "${id}": use one of ${ROW_IDS.join(', ')}`);
  return opts;
}

function machine() {
  const cpus = os.cpus();
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    commit: git.status === 0 ? git.stdout.trim() : undefined,
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const want = new Set(opts.only ?? ROW_IDS);
  const started = nowMs();
  const info = machine();
  const large = opts.size;
  const medium = Math.min(200, large);
  const small = Math.min(50, large);
  log(`size: ${large} MB (other dialects ${medium} MB, language server row ${small} MB); runs: ${opts.runs}; rows: ${[...want].join(', ')}`);

  if (opts.build) {
    log('npm run build …');
    // Its output goes to stderr, so that stdout has only the results.
    const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (b.status !== 0) throw new Error('npm run build failed (run with --skip-build to measure the existing server/out)');
  }

  const results = new Map();
  const guard = async (ids, fn) => {
    const todo = ids.filter((id) => want.has(id));
    if (!todo.length) return;
    try {
      for (const row of await fn(new Set(todo))) results.set(row.id, row);
    } catch (e) {
      for (const id of todo) if (!results.has(id)) results.set(id, unavailableRow({ id, ...definition(id, { large, medium, small }), status: 'error', reason: e.message }));
    }
  };

  // Small and in-memory rows first, the large file last.
  await guard(['grammar'], async () => [await grammarRow({ file: generatedLog(small), lines: GRAMMAR_LINES, runs: opts.runs })]);
  await guard(['server-50mb'], async () => [await server50mbRow({ file: generatedLog(small), mb: small, runs: opts.runs })]);
  await guard(['dialects'], async () => {
    const files = OTHER_DIALECTS.map((d) => [d, generatedLog(medium, d)]);
    for (const [, file] of files) warmPageCache(file);
    return [await dialectsRow({ files, mb: medium, runs: opts.runs })];
  });
  let key;
  const largeFile = () => {
    const file = generatedLog(large);
    if (!key) {
      key = pickKey(file);
      log(`KEY = ${key.key} (from: ${key.line})`);
    }
    return file;
  };
  await guard(['check', 'sessions', 'filter', 'memory'], async (todo) => {
    const file = largeFile();
    warmPageCache(file);
    return cliRows({ file, mb: large, key: key.key, runs: opts.runs, want: todo });
  });
  await guard(['lnav'], async () => {
    const file = largeFile();
    warmPageCache(file);
    return [await lnavRow({ file, mb: large, runs: opts.runs })];
  });
  await guard(['warm-filter'], async () => [await warmFilterRow({ file: largeFile(), mb: large, key: key.key, runs: opts.runs })]);
  await guard(['growth'], async () => [await growthRow({ file: largeFile(), mb: large, runs: opts.runs })]);
  await guard(['export'], async () => exportRow({ file: largeFile(), mb: large, runs: opts.runs }));

  const rows = ROW_IDS.filter((id) => results.has(id)).map((id) => results.get(id));
  const elapsed = nowMs() - started;
  info.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
  const header = `msglog bench — size ${large} MB (other dialects ${medium} MB, language server row ${small} MB), median of ${opts.runs}, ${info.cores} × ${info.cpu}, node ${info.node}${info.commit ? `, commit ${info.commit}` : ''}, ${info.date}`;
  const notes = rowNotes(rows);
  const out = [
    header,
    '',
    textTable(rows),
    '',
    ...notes,
    '',
    `total ${fmtMs(elapsed)}${key ? `; KEY = ${key.key}` : ''}; load average (1/5/15 min) ${info.loadAverageAtStart.join(' ')} at start, ${info.loadAverageAtEnd.join(' ')} at end (other work on the machine skews timings)`,
    '',
    '---- Markdown ----',
    '',
    `Measured ${info.date.slice(0, 10)} with \`npm run bench -- --size ${large}\` on ${info.cores} × ${info.cpu} (node ${info.node}${info.commit ? `, commit ${info.commit}` : ''}); medians of ${opts.runs}.`,
    '',
    markdownTable(rows),
    '',
    ...notes,
    '',
  ];
  process.stdout.write(out.join('\n'));

  const resultsDir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const json = { ...info, sizeMB: large, dialectsSizeMB: medium, serverDocSizeMB: small, runs: opts.runs, key: key?.key, elapsedMs: Math.round(elapsed), rows };
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${path.relative(ROOT, path.join(resultsDir, 'latest.json'))}`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exit(1);
});
