#!/usr/bin/env node
// npm start: install the dependencies when they are missing, build, generate the realistic samples
// (samples/generated/, git-ignored), then open samples/ in an editor with the extension from source.
//  - where a `code` command exists: code --extensionDevelopmentPath=<repo> samples
//  - otherwise: code-server from the e2e harness (installed on first use), with a persistent profile
//    in .vscode-test/start-profile; prints the address to open and runs until Ctrl+C.
// Options: --port N (default 8080, or a free port if that is taken), --code-server (skip `code`).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import net from 'node:net';
import {
  ROOT,
  SAMPLES,
  ensureInstalled,
  freePort,
  killGroupSync,
  profileAt,
  startCodeServer,
  workbenchUrl,
} from './lib.mjs';
import { cleanEnv, ensureDependencies } from '../setup/deps.mjs';
import { generateSamples } from '../setup/samples.mjs';

const { values: opts } = parseArgs({
  options: { port: { type: 'string' }, 'code-server': { type: 'boolean' } },
});

ensureDependencies('npm start');
const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit', env: cleanEnv() });
if (build.status !== 0) process.exit(build.status ?? 1);
generateSamples({ who: 'start' });

const code = opts['code-server'] ? null : spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout.trim();
if (code) {
  console.log(`start: ${code} --extensionDevelopmentPath=${ROOT} samples`);
  const child = spawn(code, [`--extensionDevelopmentPath=${ROOT}`, SAMPLES], { stdio: 'inherit' });
  child.on('exit', (c) => process.exit(c ?? 0));
} else {
  ensureInstalled();
  const profile = profileAt(path.join(ROOT, '.vscode-test', 'start-profile'), { keepSettings: true });

  const wanted = Number(opts.port ?? 8080);
  const port = (await portFree(wanted)) ? wanted : await freePort();
  const logFile = path.join(profile.dir, 'code-server.log');
  const server = await startCodeServer({ profile, port, workspace: SAMPLES, logFile });
  process.on('exit', () => killGroupSync(server.child));
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      // A normal way to stop: say goodbye once and end with status 0, whatever the timer sees.
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      console.log('\nstart: stopping code-server… stopped. Run npm start again to reopen the samples.');
      server.stop().finally(() => process.exit(0));
    });
  }
  const url = workbenchUrl(port, { folder: SAMPLES, extensionDevelopmentPath: ROOT });
  console.log(`\nstart: no \`code\` command here; code-server is serving samples/ with the extension from source.`);
  console.log(`start: open this address in a browser on this machine (log: ${path.relative(ROOT, logFile)}):\n\n  ${url}\n`);
  console.log('start: after editing the sources, run `npm run build` and reload the window. Ctrl+C stops.');
  const timer = setInterval(() => {
    if (server.exited() && !stopping) {
      console.log(`start: code-server exited (${JSON.stringify(server.exited())}); see ${logFile}`);
      clearInterval(timer);
      process.exit(1);
    }
  }, 1000);
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
