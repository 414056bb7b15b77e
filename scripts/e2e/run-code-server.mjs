#!/usr/bin/env node
// Runs the real-editor suites (out/test/integration) in code-server driven by headless Chromium.
//
//   node scripts/e2e/run-code-server.mjs                 extension from source (extensionDevelopmentPath)
//   node scripts/e2e/run-code-server.mjs --vsix FILE     extension installed from a .vsix instead
//   options: --suites a,b (suite file names), --timeout SECONDS (default 360, or E2E_TIMEOUT)
//
// Needs scripts/e2e/install.sh (run here when missing), `npm run build` and the compiled tests
// (node scripts/e2e/build-tests.mjs). Prints each test, then a closing line
//   e2e: N passed, N failed
// and exits non-zero on any failure or timeout. Screenshots and logs go to test/.artifacts/.
// code-server and Chromium are stopped on every exit path.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import {
  ARTIFACTS,
  CHROMIUM,
  CHROMIUM_ARGS,
  ROOT,
  SAMPLES,
  ensureInstalled,
  freePort,
  installExtension,
  killGroupSync,
  makeProfile,
  removeDir,
  startCodeServer,
  workbenchUrl,
} from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string' },
    suites: { type: 'string' },
    timeout: { type: 'string' },
  },
});
const mode = opts.vsix ? 'vsix' : 'dev';
const timeoutMs = Number(opts.timeout ?? process.env.E2E_TIMEOUT ?? 360) * 1000;
const testsEntry = path.join(ROOT, 'out', 'test', 'integration', 'index');
const resultFile = path.join(ARTIFACTS, `e2e-result-${mode}.json`);
const started = Date.now();

let server;
let browser;
let profile;
let cleaning;
let interrupted;

function cleanup() {
  cleaning ??= (async () => {
    try {
      if (browser) await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    } finally {
      if (server) await server.stop();
      if (profile) await removeDir(profile.dir);
    }
  })().catch((err) => console.log(`e2e: cleanup: ${err.message}`));
  return cleaning;
}
process.on('exit', () => killGroupSync(server?.child));
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    interrupted = sig;
    console.log(`e2e: ${sig}, stopping code-server and Chromium`);
    cleanup().finally(() => process.exit(130));
  });
}

function readResult() {
  try {
    return JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    return undefined; // not written yet (writes are atomic renames)
  }
}

function report(result, extraFailures) {
  const tests = result?.tests ?? []; // each was printed as it finished
  const failures = [
    ...tests.filter((t) => t.state === 'failed').map((t) => `${t.title}\n${t.error ?? ''}`),
    ...(result?.error ? [`tests entry: ${result.error}`] : []),
    ...extraFailures,
  ];
  if (failures.length) {
    console.log('\nFailures:');
    failures.forEach((f, i) => console.log(`\n${i + 1}) ${f.replace(/\n/g, '\n     ')}`));
  }
  const passed = result?.passed ?? 0;
  const failed = (result?.failed ?? 0) + extraFailures.length;
  if (result?.pending) console.log(`e2e: ${result.pending} pending`);
  console.log(`e2e (${mode}): ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

/** Collapses the side bar sections with these titles (the suites cannot: no command does it). */
async function collapseSections(page, titles = []) {
  for (const title of titles) {
    try {
      const header = page.locator('.pane-header[aria-expanded="true"]', { hasText: title }).first();
      if ((await header.count()) > 0) await header.click({ timeout: 5000 });
    } catch (err) {
      console.log(`e2e: could not collapse ${title}: ${err.message}`);
    }
  }
  if (titles.length > 0) await new Promise((r) => setTimeout(r, 500));
}

async function screenshot(page, name) {
  const file = path.join(ARTIFACTS, `${mode}-${name}.png`);
  try {
    await page.screenshot({ path: file, timeout: 15000 });
    console.log(`e2e: screenshot ${path.relative(ROOT, file)}`);
  } catch (err) {
    console.log(`e2e: screenshot ${name} failed: ${err.message}`);
  }
}

/** The frame (a webview's inner document) that holds `selector`, or undefined. */
async function frameWith(page, selector) {
  for (const frame of page.frames()) {
    try {
      if ((await frame.locator(selector).count()) > 0) return frame;
    } catch {
      // a frame that went away meanwhile
    }
  }
  return undefined;
}

/**
 * A real click, or a drag from one element to another, inside a webview (its iframe), as a suite
 * asked through the snapshot handshake: { click: selector }, { hover: selector } (the screenshot is
 * taken while hovering) or { drag: [fromSelector, toSelector] }.
 * The outcome (and the elements' aria-labels) goes to `file` for the suite to read.
 */
async function webviewAction(page, action, file, seq, beforeAction) {
  let error;
  let shot = false;
  const labels = [];
  try {
    const first = action.click ?? action.hover ?? action.drag?.[0];
    let frame;
    for (const end = Date.now() + 10000; !frame && Date.now() < end; ) {
      frame = await frameWith(page, first);
      if (!frame) await new Promise((r) => setTimeout(r, 200));
    }
    if (!frame) throw new Error(`no webview shows ${first}`);
    // Two animation frames: whatever the page rendered with the element has been painted.
    await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (action.hover) {
      // Hovering: the picture shows what the hover shows.
      const target = frame.locator(action.hover).first();
      labels.push(await target.getAttribute('aria-label'));
      await target.hover({ timeout: 10000 });
      await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    }
    shot = true;
    await beforeAction();
    if (action.hover) {
      // done above
    } else if (action.click) {
      const target = frame.locator(action.click).first();
      labels.push(await target.getAttribute('aria-label'));
      await target.click({ timeout: 10000 });
    } else {
      const [start, end] = action.drag.map((selector) => frame.locator(selector).first());
      labels.push(await start.getAttribute('aria-label'), await end.getAttribute('aria-label'));
      const from = await start.boundingBox();
      const to = await end.boundingBox();
      if (!from || !to) throw new Error('drag: an end is not visible');
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
      await page.mouse.up();
    }
  } catch (err) {
    error = err.message;
    console.log(`e2e: webview action failed: ${error}`);
    if (!shot) await beforeAction(); // a picture of what was there instead
  }
  fs.writeFileSync(file, JSON.stringify({ seq, ok: !error, labels, ...(error ? { error } : {}) }));
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // This mode's leftovers from an earlier run would be mistaken for this run's.
  const stale = fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith(`${mode}-`) && f.endsWith('.png'));
  for (const f of [resultFile, `${resultFile}.ack`, ...stale.map((f) => path.join(ARTIFACTS, f))]) fs.rmSync(f, { force: true });
  if (!fs.existsSync(`${testsEntry}.js`)) throw new Error(`${testsEntry}.js missing: run node scripts/e2e/build-tests.mjs`);
  if (!fs.existsSync(path.join(ROOT, 'client', 'out', 'extension.js'))) throw new Error('client/out/extension.js missing: run npm run build');
  ensureInstalled();

  profile = makeProfile();
  if (opts.vsix) {
    const vsix = path.resolve(opts.vsix);
    console.log(`e2e: installing ${path.relative(ROOT, vsix)} into code-server`);
    installExtension(profile, vsix);
  }

  const codeServerLog = path.join(ARTIFACTS, `code-server-${mode}.log`);
  let port;
  for (let attempt = 1; !server; attempt++) {
    port = await freePort();
    try {
      server = await startCodeServer({
        profile,
        port,
        workspace: SAMPLES,
        logFile: codeServerLog,
        env: {
          MSGLOG_E2E_RESULT: resultFile,
          MSGLOG_E2E_MODE: mode,
          MSGLOG_E2E_SNAPSHOTS: '1',
          MSGLOG_E2E_SAMPLES: SAMPLES,
          ...(opts.suites ? { MSGLOG_E2E_SUITES: opts.suites } : {}),
        },
      });
    } catch (err) {
      if (attempt >= 2) throw err; // once more on another port: the free one may have been taken meanwhile
      console.log(`e2e: ${err.message}; retrying`);
    }
  }
  console.log(`e2e: code-server ready on ${server.url} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60000,
    // Signals are handled here (cleanup() closes the browser); Playwright's own handlers would exit first.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const consoleLog = fs.createWriteStream(path.join(ARTIFACTS, `browser-${mode}.log`));
  page.on('console', (msg) => consoleLog.write(`[${msg.type()}] ${msg.text()}\n`));
  page.on('pageerror', (err) => consoleLog.write(`[pageerror] ${err.message}\n`));

  const url = workbenchUrl(port, {
    folder: SAMPLES,
    // In vsix mode the installed copy is under test; VS Code runs extensionTestsPath only for an
    // extension development host, so the development path is an empty extension of another id.
    extensionDevelopmentPath: mode === 'dev' ? ROOT : path.join(ROOT, 'scripts', 'e2e', 'host-extension'),
    extensionTestsPath: testsEntry,
  });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });

  const deadline = Date.now() + timeoutMs;
  const startDeadline = Date.now() + Math.min(timeoutMs, 90000);
  let lastSeq = 0;
  let result;
  let printed = 0;
  let firstSeen = false;
  while (Date.now() < deadline) {
    if (server.exited() || interrupted) break;
    result = readResult();
    if (result && !firstSeen) {
      firstSeen = true;
      console.log(`e2e: tests started in the extension host (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    for (const t of result?.tests?.slice(printed) ?? []) {
      const ms = t.durationMs !== undefined ? ` (${t.durationMs} ms)` : '';
      console.log(`  ${t.state === 'passed' ? 'ok  ' : t.state === 'failed' ? 'FAIL' : 'skip'} ${t.title}${ms}`);
    }
    printed = result?.tests?.length ?? printed;
    // Any new request (suites use their own numbers, so not only increasing ones).
    if (result?.state === 'snapshot' && result.snapshot.seq !== lastSeq) {
      await collapseSections(page, result.snapshot.collapse);
      const shoot = () => (result.snapshot.name ? screenshot(page, result.snapshot.name) : Promise.resolve());
      // With a webview action, the picture is taken once the webview shows the element acted on.
      if (result.snapshot.webview) await webviewAction(page, result.snapshot.webview, `${resultFile}.webview.json`, result.snapshot.seq, shoot);
      else await shoot();
      lastSeq = result.snapshot.seq;
      fs.writeFileSync(`${resultFile}.ack`, String(lastSeq));
    }
    if (result?.state === 'done') break;
    if (!result && Date.now() > startDeadline) break; // the tests never started: no point waiting longer
    await new Promise((r) => setTimeout(r, 250));
  }
  consoleLog.end();

  const extra = [];
  if (interrupted) {
    extra.push(`interrupted by ${interrupted}`);
  } else if (server.exited()) {
    extra.push(`code-server exited unexpectedly (${JSON.stringify(server.exited())}); see ${path.relative(ROOT, codeServerLog)}`);
  } else if (result?.state !== 'done') {
    await screenshot(page, 'timeout');
    const last = result?.tests?.at(-1)?.title;
    extra.push(
      result
        ? `timed out after ${timeoutMs / 1000} s (state ${result.state}; last finished test: ${last ?? 'none'})`
        : `the extension host did not start the tests within ${(Math.min(timeoutMs, 90000) / 1000).toFixed(0)} s (see ${path.relative(ROOT, codeServerLog)}, test/.artifacts/browser-${mode}.log)`,
    );
  }
  return report(result, extra);
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`e2e: ${err.stack ?? err}`);
  console.log('e2e: 0 passed, 1 failed');
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
