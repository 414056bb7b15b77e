// Small helpers shared by the benchmark rows: paths, statistics, formatting, child processes.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MSGLOG = path.join(ROOT, 'bin/msglog.js');
export const SERVER = path.join(ROOT, 'server/out/server.js');

/** Where generated logs are cached between runs (same generator arguments → same bytes). */
export const CACHE_DIR = process.env.MSGLOG_BENCH_CACHE || path.join(process.env.TMPDIR || os.tmpdir(), 'msglog-bench');

export function median(values) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function fmtBytes(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(0)} MB`;
  return `${(bytes / 1e3).toFixed(0)} kB`;
}

export function fmtRatio(r) {
  if (!Number.isFinite(r)) return '–';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Installs a Debian package when a command is missing and we are root; returns the command's path
 * or undefined (with the reason in `why`).
 */
export function ensureApt(cmd, pkg, checkPath) {
  const found = () => (checkPath ? (fs.existsSync(checkPath) ? checkPath : undefined) : which(cmd));
  let p = found();
  if (p) return { path: p };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { why: `${pkg}: not installed (run apt-get install ${pkg} as root)` };
  log(`installing Debian package ${pkg} …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', pkg], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
    r = spawnSync('apt-get', ['install', '-y', '-q', pkg], { stdio: ['ignore', 'ignore', 'pipe'], env, encoding: 'utf8' });
  }
  p = found();
  return p ? { path: p } : { why: `${pkg}: not installed (apt-get install failed: ${(r.stderr || '').trim().split('\n').pop()})` };
}

/**
 * Runs a command to completion, stdout to /dev/null (or captured), timing it from spawn to exit.
 * With `timeV`, the command runs under /usr/bin/time -v and the peak RSS of the command is returned.
 */
export function timeCommand(cmd, args, { timeV = false, captureStdout = false, cwd = ROOT, env = process.env, timeoutMs = 15 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const argv = timeV ? ['-v', cmd, ...args] : args;
    const exe = timeV ? '/usr/bin/time' : cmd;
    const start = nowMs();
    const child = spawn(exe, argv, { cwd, env, stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (captureStdout) child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = nowMs() - start;
      clearTimeout(timer);
      let maxRssBytes;
      if (timeV) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        if (m) maxRssBytes = Number(m[1]) * 1024;
        const s = /Exit status: (\d+)/.exec(stderr);
        if (s) code = Number(s[1]);
      }
      resolve({ ms, code, signal, stdout, stderr, maxRssBytes });
    });
  });
}

/** The first `n` lines of a file (read from its start only). */
export function firstLines(file, n) {
  const fd = fs.openSync(file, 'r');
  try {
    const chunks = [];
    const buf = Buffer.alloc(1 << 20);
    let lines = 0;
    let pos = 0;
    while (lines < n) {
      const got = fs.readSync(fd, buf, 0, buf.length, pos);
      if (got === 0) break;
      pos += got;
      const chunk = Buffer.from(buf.subarray(0, got));
      for (let i = 0; i < got; i++) if (chunk[i] === 0x0a) lines++;
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8').split('\n').slice(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
