// Shared pieces of the code-server harness: paths, a free port, starting and stopping code-server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR || path.join(ROOT, '.vscode-test', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION || '4.100.3';
/** Results, logs and screenshots; MSGLOG_E2E_ARTIFACTS moves them (two runs at once must not share a folder). */
export const ARTIFACTS = process.env.MSGLOG_E2E_ARTIFACTS ? path.resolve(process.env.MSGLOG_E2E_ARTIFACTS) : path.join(ROOT, 'test', '.artifacts');
export const SAMPLES = path.join(ROOT, 'samples');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** True when scripts/e2e/install.sh finished for this version. */
export function codeServerInstalled() {
  return fs.existsSync(CODE_SERVER_ENTRY) && fs.existsSync(path.join(CODE_SERVER_DIR, `.installed-${CODE_SERVER_VERSION}`));
}

/** Runs scripts/e2e/install.sh (idempotent) when code-server or Chromium is missing. */
export function ensureInstalled() {
  if (codeServerInstalled() && fs.existsSync(CHROMIUM)) return;
  console.log('e2e: installing code-server and Chromium (scripts/e2e/install.sh)…');
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'e2e', 'install.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`scripts/e2e/install.sh failed (exit ${r.status})`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** User settings for a quiet, test-friendly editor: no trust prompt, no welcome page, no updates. */
export const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.editor.enablePreview': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
};

/** A fresh user-data / extensions / config folder set for one code-server run. */
export function makeProfile(prefix = 'msglog-e2e-') {
  return profileAt(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/**
 * The user-data / extensions / config folder set of a code-server profile in `dir`, created as
 * needed. With `keepSettings`, user settings already there (changed by hand) are left as they are.
 */
export function profileAt(dir, { keepSettings = false } = {}) {
  const profile = {
    dir,
    userData: path.join(dir, 'user-data'),
    extensions: path.join(dir, 'extensions'),
    config: path.join(dir, 'config.yaml'),
    xdg: path.join(dir, 'xdg'),
  };
  fs.mkdirSync(path.join(profile.userData, 'User'), { recursive: true });
  fs.mkdirSync(profile.extensions, { recursive: true });
  fs.mkdirSync(profile.xdg, { recursive: true });
  const settings = path.join(profile.userData, 'User', 'settings.json');
  if (!keepSettings || !fs.existsSync(settings)) fs.writeFileSync(settings, JSON.stringify(USER_SETTINGS, null, 2));
  fs.writeFileSync(profile.config, 'auth: none\ncert: false\n');
  return profile;
}

/** Environment for code-server (and so for its extension host): no leaks from an editor this runs inside. */
export function codeServerEnv(profile, extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(VSCODE_|ELECTRON_)/.test(key) || key === 'PORT' || key === 'PASSWORD' || key === 'HASHED_PASSWORD') delete env[key];
  }
  return {
    ...env,
    XDG_CONFIG_HOME: path.join(profile.xdg, 'config'),
    XDG_DATA_HOME: path.join(profile.xdg, 'data'),
    XDG_CACHE_HOME: path.join(profile.xdg, 'cache'),
    ...extra,
  };
}

export function commonArgs(profile) {
  return [
    '--config', profile.config,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', profile.userData,
    '--extensions-dir', profile.extensions,
  ];
}

/** `code-server --install-extension FILE` into the profile's extensions folder. */
export function installExtension(profile, vsix) {
  const r = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...commonArgs(profile), '--force', '--install-extension', vsix], {
    env: codeServerEnv(profile),
    encoding: 'utf8',
    timeout: 120000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${output}`);
  return output;
}

/**
 * Starts code-server on 127.0.0.1:port in its own process group (so stop() ends its extension host,
 * pty host and watchers too) and waits until /healthz answers.
 */
export async function startCodeServer({ profile, port, workspace, env = {}, logFile, readyTimeoutMs = 60000 }) {
  const args = [CODE_SERVER_ENTRY, ...commonArgs(profile), '--bind-addr', `127.0.0.1:${port}`, workspace];
  const log = logFile ? fs.openSync(logFile, 'w') : 'ignore';
  const child = spawn(process.execPath, args, {
    env: codeServerEnv(profile, env),
    detached: true,
    stdio: ['ignore', log, log],
  });
  if (typeof log === 'number') fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const server = {
    child,
    port,
    url: `http://127.0.0.1:${port}/`,
    exited: () => exited,
    stop: () => stopGroup(child, () => exited !== null),
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited before it was ready (${JSON.stringify(exited)}); see ${logFile}`);
    try {
      const res = await fetch(`${server.url}healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer on ${server.url} within ${readyTimeoutMs} ms; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** SIGTERM to the whole process group, SIGKILL after 5 s. */
export async function stopGroup(child, hasExited) {
  if (!child.pid) return;
  const signalGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + 5000;
  while (!hasExited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  signalGroup('SIGKILL'); // whatever of the group is left (extension host, pty host, watchers)
  // Wait until the group is empty, so that nothing writes into the profile while it is removed.
  const gone = Date.now() + 5000;
  while (Date.now() < gone) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Removes a folder, retrying briefly; never throws (a leftover temp folder must not fail a run). */
export async function removeDir(dir) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  console.log(`e2e: could not remove ${dir}`);
}

/** Synchronous last resort for process exit handlers. */
export function killGroupSync(child) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function remoteUri(port, absPath) {
  return `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`;
}

/** The workbench URL that opens `folder`, with an optional extension under development and tests module. */
export function workbenchUrl(port, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(port, extensionTestsPath)]);
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
];
