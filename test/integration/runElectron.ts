// Runs the real-editor suites in desktop VS Code through @vscode/test-electron, for machines that can
// download VS Code (or set VSCODE_EXECUTABLE to an installed `code`/Electron binary). Machines
// without internet use scripts/e2e/run-code-server.mjs, which runs the same suites in code-server.
//
//   npm run build && node scripts/e2e/build-tests.mjs && node out/test/integration/runElectron.js
// Environment: VSCODE_EXECUTABLE (skip the download), VSCODE_VERSION (default 'stable'),
// MSGLOG_E2E_SUITES (comma-separated suite names). Linux without a display: run under xvfb-run.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

const ROOT = path.resolve(__dirname, '../../..');

interface Result {
  state: string;
  passed: number;
  failed: number;
  pending: number;
  tests: { title: string; state: string; error?: string }[];
  error?: string;
}

async function main(): Promise<number> {
  const artifacts = path.join(ROOT, 'test', '.artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const resultFile = path.join(artifacts, 'e2e-result-electron.json');
  fs.rmSync(resultFile, { force: true });
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-e2e-electron-'));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'git.enabled': false,
    }),
  );
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.log('e2e: no DISPLAY; if VS Code fails to start, run this under xvfb-run -a');
  }
  let exitCode = 1;
  try {
    exitCode = await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      version: process.env.VSCODE_EXECUTABLE ? undefined : process.env.VSCODE_VERSION || 'stable',
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index'),
      extensionTestsEnv: {
        MSGLOG_E2E_RESULT: resultFile,
        MSGLOG_E2E_MODE: 'dev',
        MSGLOG_E2E_SAMPLES: path.join(ROOT, 'samples'),
        MSGLOG_E2E_SUITES: process.env.MSGLOG_E2E_SUITES,
      },
      launchArgs: [
        path.join(ROOT, 'samples'),
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        `--user-data-dir=${userData}`,
      ],
    });
  } catch (err) {
    console.error(`e2e: VS Code did not run the tests: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    fs.rmSync(userData, { recursive: true, force: true });
  }

  let result: Result | undefined;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Result;
  } catch {
    result = undefined;
  }
  for (const t of result?.tests ?? []) {
    if (t.state === 'failed') console.log(`FAIL ${t.title}\n     ${(t.error ?? '').replace(/\n/g, '\n     ')}`);
  }
  const passed = result?.passed ?? 0;
  const failed = (result?.failed ?? 0) + (result?.state === 'done' ? 0 : 1);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return exitCode === 0 && failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
