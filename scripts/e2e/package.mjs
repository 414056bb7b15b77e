#!/usr/bin/env node
// npm run package: production bundles, then a .vsix via @vscode/vsce, then a check of what is in it.
// .vscodeignore is an allowlist; this fails if a required file is missing or anything else slipped in
// (sources, tests, node_modules, maps).
//   node scripts/e2e/package.mjs [--out FILE]     default <name>-<version>.vsix in the repo root
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib.mjs';

const { values: opts } = parseArgs({ options: { out: { type: 'string' } } });
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const out = path.resolve(ROOT, opts.out ?? `${pkg.name}-${pkg.version}.vsix`);
const started = Date.now();

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.status !== 0) {
    console.error(`package: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r;
}

run(process.execPath, ['scripts/build.mjs', '--production']);
if (!fs.existsSync(path.join(ROOT, 'images', 'icon.png'))) run(process.execPath, ['scripts/e2e/make-icon.mjs']);

const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
fs.rmSync(out, { force: true });
run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], {
  env: { ...process.env, CI: 'true' },
});

// What is in the .vsix: list the zip's central directory (no unzip tool needed).
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

const entries = zipEntries(out);
const files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
const required = [
  'package.json',
  'client/out/extension.js',
  // The SIP ladder and log report panels' scripts.
  'client/out/webview/ladder.js',
  'client/out/webview/report.js',
  'server/out/server.js',
  'server/out/msglog.js',
  // What bin/msglog.js runs first (msglog here, or in a process with huge pages: cli/launch.ts).
  'server/out/launch.js',
  // Worker threads that index parts of a large log (engine/parallel.ts).
  'server/out/indexWorker.js',
  // The worker thread that indexes a log while the editor sends it, and makes its first answers (openingWorker.ts).
  'server/out/openingWorker.js',
  'server/out/exportWorker.js',
  'bin/msglog.js',
  'language-configuration.json',
  'readme.md',
  'changelog.md',
  'LICENSE.txt',
  'images/icon.png',
  'images/sessions.svg',
];
const lower = new Set(files.map((f) => f.toLowerCase()));
const missing = required.filter((f) => !lower.has(f.toLowerCase()));
for (const grammar of pkg.contributes?.grammars ?? []) {
  const rel = path.posix.normalize(grammar.path.replace(/^\.\//, ''));
  if (!files.includes(rel)) missing.push(rel);
}
const allowed = (f) =>
  required.some((r) => r.toLowerCase() === f.toLowerCase()) ||
  /^syntaxes\/[^/]+\.json$/.test(f) ||
  /^license(\.(txt|md))?$/i.test(f);
const unexpected = files.filter((f) => !allowed(f));

const kb = (fs.statSync(out).size / 1024).toFixed(1);
console.log(`package: ${path.relative(ROOT, out)} (${kb} KiB, ${files.length} files, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
for (const f of files) console.log(`  ${f}`);
if (missing.length || unexpected.length) {
  if (missing.length) console.error(`package: missing from the .vsix: ${missing.join(', ')}`);
  if (unexpected.length) console.error(`package: not allowed in the .vsix: ${unexpected.join(', ')} (see .vscodeignore)`);
  process.exit(1);
}
