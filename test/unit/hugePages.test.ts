// Huge pages for our processes (common/hugePages.ts) and msglog's second start for large inputs
// (cli/launch.ts): the decision, and the real launcher — output, exit status and signals pass through.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HUGE_PAGES_TUNABLE, hugePagesEnv } from '../../common/hugePages';
import { inputBytes, MALLOC_TUNABLES, RELAUNCH_MIN_BYTES, relaunchEnv } from '../../server/src/cli/launch';
import { ROOT } from './helpers';

const BIN = path.join(ROOT, 'bin/msglog.js');
const MADVISE = (): string => 'always [madvise] never\n';
let dir = '';
/** A file of RELAUNCH_MIN_BYTES and more that takes no disk (a hole after one log line): a binary file to msglog. */
let large = '';
let small = '';

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-huge-'));
  large = path.join(dir, 'large.log');
  fs.writeFileSync(large, '00:00:00.012 2 SYSTEM started\n');
  fs.truncateSync(large, RELAUNCH_MIN_BYTES + 1024);
  small = path.join(dir, 'small.log');
  fs.writeFileSync(small, '00:00:00.012 2 SYSTEM started\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('hugePagesEnv: the tunable on Linux when huge pages are given on request, kept with the tunables set', () => {
  assert.deepEqual(hugePagesEnv({}, 'linux', MADVISE), { GLIBC_TUNABLES: HUGE_PAGES_TUNABLE });
  assert.deepEqual(hugePagesEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux', MADVISE), { GLIBC_TUNABLES: `glibc.malloc.arena_max=2:${HUGE_PAGES_TUNABLE}` });
});

test('hugePagesEnv: nothing to add elsewhere, when asked already, opted out, or huge pages always or never', () => {
  assert.equal(hugePagesEnv({}, 'darwin', MADVISE), undefined);
  assert.equal(hugePagesEnv({}, 'win32', MADVISE), undefined);
  assert.equal(hugePagesEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }, 'linux', MADVISE), undefined);
  assert.equal(hugePagesEnv({ MSGLOG_HUGE_PAGES: '0' }, 'linux', MADVISE), undefined);
  assert.equal(hugePagesEnv({}, 'linux', () => '[always] madvise never\n'), undefined);
  assert.equal(hugePagesEnv({}, 'linux', () => 'always madvise [never]\n'), undefined);
  const missing = (): string => {
    throw new Error('ENOENT');
  };
  assert.equal(hugePagesEnv({}, 'linux', missing), undefined);
});

test('inputBytes: files and the files under directories; flags, values and missing paths count nothing', () => {
  const sub = path.join(dir, 'cluster', 'node1');
  fs.mkdirSync(sub, { recursive: true });
  fs.writeFileSync(path.join(sub, 'a.log'), 'x'.repeat(100));
  fs.writeFileSync(path.join(dir, 'cluster', 'b.log'), 'y'.repeat(20));
  assert.equal(inputBytes([small]), fs.statSync(small).size);
  assert.equal(inputBytes(['check', path.join(dir, 'cluster'), '--json', path.join(dir, 'nothing-here')]), 120);
  assert.equal(inputBytes(['--max-warnings', '0']), 0);
  // Counting stops once enough is seen.
  assert.ok(inputBytes([large, large, large], RELAUNCH_MIN_BYTES) < 2 * RELAUNCH_MIN_BYTES);
});

test('relaunchEnv: a second start only for large inputs, with huge pages to ask for', () => {
  const env = relaunchEnv(['check', large], { PATH: '/bin' }, MADVISE);
  if (process.platform === 'linux') assert.deepEqual(env, { PATH: '/bin', GLIBC_TUNABLES: [HUGE_PAGES_TUNABLE, ...MALLOC_TUNABLES].join(':') });
  else assert.equal(env, undefined);
  assert.equal(relaunchEnv(['check', small], { PATH: '/bin' }, MADVISE), undefined);
  assert.equal(relaunchEnv(['check', large], { PATH: '/bin', MSGLOG_HUGE_PAGES: '0' }, MADVISE), undefined);
  assert.equal(relaunchEnv(['check', large], { PATH: '/bin' }, () => 'always madvise [never]'), undefined);
});

test('relaunchEnv: the second start is without extra CA certificates (msglog makes no TLS connection), the rest passed on', () => {
  const env = relaunchEnv(['check', large], { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', LANG: 'C.UTF-8' }, MADVISE);
  if (process.platform === 'linux') assert.deepEqual(env, { PATH: '/bin', LANG: 'C.UTF-8', GLIBC_TUNABLES: [HUGE_PAGES_TUNABLE, ...MALLOC_TUNABLES].join(':') });
  else assert.equal(env, undefined);
});

test('relaunchEnv: malloc tunables added to those set, not over one the user set', () => {
  if (process.platform !== 'linux') return;
  const env = relaunchEnv(['check', large], { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1000:glibc.cpu.x86_shstk=off' }, MADVISE);
  assert.equal(env?.GLIBC_TUNABLES, `glibc.malloc.trim_threshold=1000:glibc.cpu.x86_shstk=off:${HUGE_PAGES_TUNABLE}`);
});

/** A module every node process of a run loads first (NODE_OPTIONS): it writes `pid tunables` to `record`, and a child started with the tunable blocks when `block` is set. */
function probe(record: string, block: boolean): NodeJS.ProcessEnv {
  const file = path.join(dir, `probe-${path.basename(record)}.js`);
  fs.writeFileSync(
    file,
    // Processes, not threads: the preload runs in worker threads too (the launcher may start one).
    `if (require('worker_threads').isMainThread) {\n` +
      `require('fs').appendFileSync(${JSON.stringify(record)}, process.pid + ' ' + (process.env.GLIBC_TUNABLES || '-') + '\\n');\n` +
      (block ? `if ((process.env.GLIBC_TUNABLES || '').includes('hugetlb')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);\n` : '') +
      `}\n`,
  );
  return { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${file}`.trim() };
}

function processes(record: string): { pid: number; tunables: string }[] {
  if (!fs.existsSync(record)) return [];
  return fs
    .readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [pid, tunables] = line.split(' ');
      return { pid: Number(pid), tunables };
    });
}

/** Whether this host gives huge pages on request (so that msglog starts again for large inputs). */
const relaunches = (): boolean => hugePagesEnv(process.env, process.platform, (f) => fs.readFileSync(f, 'utf8')) !== undefined;

test('bin/msglog.js: a large input runs in a second process with the tunable, with the same output and exit status', () => {
  const record = path.join(dir, 'large-run.txt');
  const r = spawnSync(process.execPath, [BIN, 'check', large], { encoding: 'utf8', env: probe(record, false) });
  const plain = spawnSync(process.execPath, [BIN, 'check', large], { encoding: 'utf8', env: { ...process.env, MSGLOG_HUGE_PAGES: '0' } });
  assert.equal(plain.status, 2);
  assert.match(plain.stderr, /^msglog: not a text log: binary data/);
  assert.deepEqual({ status: r.status, stdout: r.stdout, stderr: r.stderr }, { status: plain.status, stdout: plain.stdout, stderr: plain.stderr });
  const seen = processes(record);
  if (relaunches()) {
    assert.equal(seen.length, 2, JSON.stringify(seen));
    assert.ok(!seen[0].tunables.includes('hugetlb'));
    assert.ok(seen[1].tunables.includes(HUGE_PAGES_TUNABLE));
  } else {
    assert.equal(seen.length, 1, JSON.stringify(seen));
  }
});

test('bin/msglog.js: a small input runs in the first process', () => {
  const record = path.join(dir, 'small-run.txt');
  const r = spawnSync(process.execPath, [BIN, 'detect', small], { encoding: 'utf8', env: probe(record, false) });
  assert.deepEqual({ status: r.status, stdout: r.stdout }, { status: 0, stdout: 'communigate-log\n' });
  assert.equal(processes(record).length, 1);
});

/** Resolves when `check` holds, looking every 20 ms; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('bin/msglog.js: a signal to the first process stops the second one too', { skip: relaunches() ? false : 'this host does not give huge pages on request: no second process' }, async () => {
  const record = path.join(dir, 'signal-run.txt');
  const parent = spawn(process.execPath, [BIN, 'check', large], { env: probe(record, true), stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => parent.on('exit', (_code, signal) => resolve(signal)));
  await until(() => processes(record).length === 2, 10_000, 'the second process');
  const child = processes(record)[1].pid;
  assert.ok(alive(child));
  parent.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM');
  await until(() => !alive(child), 10_000, 'the second process to stop');
});
