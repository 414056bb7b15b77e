// What `bin/msglog.js` runs first: msglog itself (./msglog.js), in this process or, for large inputs on
// Linux, in a new one started with transparent huge pages (common/hugePages.ts says why). glibc reads
// its tunables only when a process starts, so the only way to them is a second start: 50–100 ms,
// which pays only where a lot of memory is touched, hence the size threshold.
import type * as ChildProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hugePagesEnv } from '../../../common/hugePages';
import { HALVES_MIN_BYTES, handOverWorker, startWorker, threadsFor, threadsForced, workerFile } from '../engine/workerStart';

/** The kernel's setting, as hugePagesEnv reads it. */
const readText = (file: string): string => fs.readFileSync(file, 'utf8');

/** Signals passed on to the second process: a signal sent to this process alone (kill PID) must stop msglog too. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Inputs this large (in all) are read in a process with huge pages: below it, the second start costs
 * more than it saves. Measured interleaved on the bench's host (msglog check): 200 MB logs of four
 * dialects and a 400 MB log took as long or longer with the second start, 1 GB 10 % less.
 */
export const RELAUNCH_MIN_BYTES = 512 << 20;

/**
 * The bytes of the inputs named in `argv`, counted up to `enough`: regular files, and the files under a
 * directory (msglog reads them all). Other arguments (flags, values, missing paths) count 0.
 */
export function inputBytes(argv: readonly string[], enough = Infinity): number {
  let total = 0;
  const pending: string[] = argv.filter((arg) => !arg.startsWith('-'));
  // A directory of a cluster's logs may be deep: looking stops at `enough`, or after this many entries.
  for (let looked = 0; pending.length > 0 && total < enough && looked < 10_000; looked++) {
    const item = pending.pop() as string;
    try {
      const st = fs.statSync(item, { throwIfNoEntry: false });
      if (st?.isFile()) total += st.size;
      else if (st?.isDirectory()) for (const name of fs.readdirSync(item)) pending.push(path.join(item, name));
    } catch {
      // Not an input we can see: msglog itself will say so.
    }
  }
  return total;
}

/**
 * Variables the second process is started without. With NODE_EXTRA_CA_CERTS, Node reads and parses the
 * certificates as it starts (Debian's bundle: about 40 ms on the bench's host, a third of the second
 * start), and msglog makes no TLS connection.
 */
export const NOT_PASSED_ON = ['NODE_EXTRA_CA_CERTS'] as const;

/**
 * glibc tunables the second process also gets, unless already set: memory freed is kept for the next
 * allocation, not given back to the kernel to be faulted in again. V8's compiler threads allocate and
 * free megabytes per function they optimise, and glibc trimmed its heaps each time: on the bench's
 * host, where a page fault costs about 12 µs, `msglog check` of 1 GB took 17,100 faults, 13,300 with
 * this (1.18 → 1.13 s, RSS 92 → 96 MB); a JSON session list the same time. The process ends soon
 * after: what it keeps is not held for long. A fixed mmap threshold as well took check to 11,700
 * faults but the session list 80 ms slower (and alone, more faults).
 */
export const MALLOC_TUNABLES = ['glibc.malloc.trim_threshold=268435456'] as const;

/**
 * The environment to run msglog with `argv` in, when it is worth a process of its own (large inputs,
 * huge pages to ask for); undefined to run it here. `read` reads the kernel's setting (a test's own).
 */
export function relaunchEnv(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, read = readText): NodeJS.ProcessEnv | undefined {
  const added = hugePagesEnv(env, process.platform, read);
  if (added === undefined || inputBytes(argv, RELAUNCH_MIN_BYTES) < RELAUNCH_MIN_BYTES) return undefined;
  const child: NodeJS.ProcessEnv = { ...env, ...added };
  for (const name of NOT_PASSED_ON) delete child[name];
  const set = child.GLIBC_TUNABLES ?? '';
  const more = MALLOC_TUNABLES.filter((t) => !set.includes(t.slice(0, t.indexOf('=') + 1)));
  if (more.length > 0) child.GLIBC_TUNABLES = [set, ...more].filter((t) => t !== '').join(':');
  return child;
}

/** `env` with what the language server is started with (the client's hugePagesEnv): for the bench, which starts it as VS Code does. */
export function serverEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, ...hugePagesEnv(env, process.platform, readText) };
}

/** The commands that index one large log on two threads (those with a partedIndex, cli/commands). */
export const PARTED_COMMANDS: readonly string[] = ['check', 'sessions'];

/**
 * For `msglog COMMAND FILE` of a parted command and a log large enough for two threads: starts the
 * part worker now, before msglog's bundle loads, and hands it over (workerStart.ts). Its own start
 * (50 ms and more) then runs beside that load; msglog takes it where it would start one (a log of a
 * dialect that splits), and stops it otherwise. Any other command line (flags with values included),
 * and MSGLOG_THREADS set, are left to msglog, which starts its worker itself.
 */
export function startPartWorkerEarly(argv: readonly string[]): boolean {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  if (words.length !== 2 || !PARTED_COMMANDS.includes(words[0]) || threadsForced()) return false;
  const stat = fs.statSync(words[1], { throwIfNoEntry: false });
  const entry = workerFile();
  if (stat?.isFile() !== true || threadsFor(stat.size) < 2 || entry === undefined) return false;
  // A session list is gathered in halves only from this size (windowedSessions.ts): below it, no worker.
  if (words[0] === 'sessions' && stat.size < HALVES_MIN_BYTES) return false;
  handOverWorker(startWorker(entry, undefined));
  return true;
}

/** Runs msglog (`msglog.js` next to this bundle) with the command line this process was given. */
export function launch(): void {
  const argv = process.argv.slice(2);
  const main = path.join(__dirname, 'msglog.js');
  const env = relaunchEnv(argv);
  if (env === undefined) {
    startPartWorkerEarly(argv);
    require(main);
    return;
  }
  // Loaded only for a second start: child_process and what it needs cost every other run about 5 ms.
  const { spawn } = require('node:child_process') as typeof ChildProcess;
  // The second process runs this launcher too (below), which starts the part worker before msglog's
  // bundle loads there as well; with the tunables set it does not start a third.
  const child = spawn(process.execPath, [...process.execArgv, __filename, ...argv], { env, stdio: 'inherit' });
  // A terminal's Ctrl-C reaches both processes; a signal sent to this one alone is passed on.
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  const stopForwarding = (): void => {
    for (const signal of FORWARDED) process.off(signal, forward);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  child.on('error', () => {
    // Node could not be started again (no such executable any more): run msglog here after all.
    stopForwarding();
    require(main);
  });
  child.on('exit', (code, signal) => {
    stopForwarding();
    // Ended by a signal: this process ends by the same one, as a shell expects.
    if (signal !== null) process.kill(process.pid, signal);
    else process.exitCode = code ?? 2;
  });
}

// Run as a script: msglog's second start (launch() above).
if (require.main === module) launch();
