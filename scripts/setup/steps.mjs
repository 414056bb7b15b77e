#!/usr/bin/env node
// `npm test` and friends: runs package.json scripts one after another (stopping at the first that
// fails), after installing missing dependencies. Each runs as `npm run` would (node_modules/.bin on
// PATH) but with the environment cleaned of the outer npm's npm_config_* variables, so nested npm
// calls stay quiet. Ctrl+C stops the running step and ends without a stack trace.
//   node scripts/setup/steps.mjs SCRIPT…
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanEnv, ensureDependencies, ROOT } from './deps.mjs';

const names = process.argv.slice(2);
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
for (const name of names) {
  if (!scripts[name]) {
    console.error(`steps: package.json has no script "${name}"`);
    process.exit(2);
  }
}
ensureDependencies(`npm ${process.env.npm_lifecycle_event ?? 'run'}`);

let child;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted = true;
    // The terminal sent the signal to the whole foreground group; the step ends by itself.
    if (signal === 'SIGTERM') child?.kill('SIGTERM');
  });
}

const env = cleanEnv({ PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` });
for (const name of names) {
  console.log(`\n> ${name}: ${scripts[name]}`);
  const code = await new Promise((resolve) => {
    child = spawn(scripts[name], { cwd: ROOT, env, stdio: 'inherit', shell: true });
    child.on('exit', (c, s) => resolve(c ?? (s ? 128 + 2 : 1)));
    child.on('error', () => resolve(1));
  });
  if (interrupted) {
    console.log(`\n${name}: stopped (Ctrl+C).`);
    process.exit(130);
  }
  if (code !== 0) process.exit(code);
}
