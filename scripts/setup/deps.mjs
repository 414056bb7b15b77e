// A fresh clone has no node_modules: `npm start` and `npm test` install the dependencies first (and
// say so) instead of failing on a missing module. Node built-ins only, so this runs before any
// install.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The environment for nested npm and node processes, without the `npm_config_*` variables an outer
 * npm exports: a nested npm reads them back as configuration and warns "Unknown env config" about
 * every one it does not know. Its configuration files (.npmrc) still apply.
 */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_config_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** Packages a build and a test run need; a missing one means the dependencies are not installed. */
const NEEDED = ['esbuild', 'typescript', 'vscode-languageclient', 'vscode-languageserver', 'vscode-textmate', 'mocha', 'playwright-core'];

export function missingDependencies() {
  return NEEDED.filter((name) => !fs.existsSync(path.join(ROOT, 'node_modules', name, 'package.json')));
}

/** Runs `npm ci` (or `npm install` without a lock file) when a dependency is missing. */
export function ensureDependencies(who) {
  const missing = missingDependencies();
  if (missing.length === 0) return;
  const lock = fs.existsSync(path.join(ROOT, 'package-lock.json'));
  const args = lock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  console.log(`${who}: dependencies are not installed (${missing.join(', ')} missing); running npm ${args[0]} once, about a minute…`);
  const r = spawnSync('npm', args, { cwd: ROOT, stdio: 'inherit', env: cleanEnv() });
  if (r.status !== 0) {
    console.error(`${who}: npm ${args[0]} failed (exit ${r.status ?? r.signal}); fix the error above and run it again.`);
    process.exit(r.status || 1);
  }
  console.log(`${who}: dependencies installed.`);
}
