#!/usr/bin/env node
// npm run test:e2e — the whole real-editor check, in order:
//   1. scripts/e2e/install.sh (fast when already installed)
//   2. build the bundles, compile the suites (out/test/integration)
//   3. the suites in code-server with the extension from source
//   4. npm run package (production .vsix), then the same suites against the extension installed from
//      that .vsix (code-server --install-extension; the suites check it is the installed copy)
// Each phase prints its own `e2e: N passed, N failed`; the last line is the total, same format.
// The failures each phase printed are printed again at the very end: a CI log shows its tail.
// Exit code 0 only if every phase passed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.mjs';

const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

/** Each test phase's "Failures:" block, as it printed it. */
const failureReports = [];

/** Runs a command with inherited stdin closed, echoes its output, returns { code, counts }. */
function run(label, cmd, args) {
  return new Promise((resolve) => {
    console.log(`\n=== ${label} (${seconds()} s)`);
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let counts;
    let buffered = '';
    let failures; // the lines of this phase's "Failures:" block, while it is being printed
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        if (line.trim() === 'Failures:') failures = [];
        else if (failures && /^e2e[ :(]/.test(line)) {
          failureReports.push(`${label}:${failures.join('\n')}`);
          failures = undefined;
        } else if (failures) failures.push(line);
        const m = /^e2e: (\d+) passed, (\d+) failed$/.exec(line.trim());
        if (m) counts = { passed: Number(m[1]), failed: Number(m[2]) };
      }
    });
    child.on('close', (code, signal) => {
      const m = /^e2e: (\d+) passed, (\d+) failed$/.exec(buffered.trim());
      if (m) counts = { passed: Number(m[1]), failed: Number(m[2]) };
      resolve({ code: code ?? (signal ? 1 : 0), counts });
    });
    for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => child.kill(sig));
  });
}

const node = process.execPath;
const e2e = (f) => path.join(ROOT, 'scripts', 'e2e', f);
let passed = 0;
let failed = 0;

async function step(label, cmd, args, { tests = false } = {}) {
  const { code, counts } = await run(label, cmd, args);
  if (tests) {
    passed += counts?.passed ?? 0;
    failed += counts?.failed ?? (code === 0 ? 0 : 1);
    if (!counts && code !== 0) console.log(`e2e: ${label} failed before reporting (exit ${code})`);
  } else if (code !== 0) {
    console.log(`e2e: ${label} failed (exit ${code})`);
    failed += 1;
    return false;
  }
  return true;
}

const ok =
  (await step('install code-server + Chromium', 'bash', [e2e('install.sh')])) &&
  (await step('build bundles', node, [path.join(ROOT, 'scripts', 'build.mjs')])) &&
  (await step('compile suites', node, [e2e('build-tests.mjs')]));
if (ok) {
  await step('suites in code-server, extension from source', node, [e2e('run-code-server.mjs')], { tests: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  if (await step('package .vsix', node, [e2e('package.mjs'), '--out', vsix])) {
    // All suites again, against the production bundles as installed from the .vsix.
    await step('suites in code-server, extension installed from the .vsix', node, [e2e('run-code-server.mjs'), '--vsix', vsix], {
      tests: true,
    });
  }
}
for (const report of failureReports) console.log(`\nFailures in ${report}`);
console.log(`\ne2e: all phases took ${seconds()} s`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
