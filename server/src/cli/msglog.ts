// msglog: the command line on the same engine as the language server (docs: README "msglog").
// Each subcommand lives in commands/; this file only parses, dispatches and reports errors.
import * as fs from 'fs';
import * as path from 'path';
import { canSplit, detectDialect, dropHandedOverWorker, LogInputError, sessionsInHalves, startEarlyPartWorker, threadsFor } from '../engine';
import { dialectById } from '../engine/dialects';
import type { Args } from './args';
import { forcedDialect, GLOBAL_BOOL_FLAGS, GLOBAL_VALUE_FLAGS, NothingFound, parseArgs, UsageError } from './args';
import { COMMANDS } from './commands';
import { commandHelp, overview } from './help';
import { Output } from './output';

const USAGE = overview(COMMANDS).trimEnd();

const VALUE_FLAGS = new Set([...GLOBAL_VALUE_FLAGS, ...COMMANDS.flatMap((c) => c.valueFlags ?? [])]);
const BOOL_FLAGS = new Set([...GLOBAL_BOOL_FLAGS, ...COMMANDS.flatMap((c) => c.boolFlags ?? [])]);

function run(argv: string[], out: Output): number | Promise<number> {
  const args = parseArgs(argv, VALUE_FLAGS, BOOL_FLAGS);
  const wantsHelp = args.flags.has('--help') || args.flags.has('-h');
  if (args.command === 'help' || (wantsHelp && args.command === '')) {
    const name = args.command === 'help' ? args.positional[0] : undefined;
    const about = name === undefined ? undefined : COMMANDS.find((c) => c.name === name);
    if (name !== undefined && !about) throw new UsageError(`no help on "${name}": the commands are ${COMMANDS.map((c) => c.name).join(', ')}`);
    out.write(about ? commandHelp(about) : overview(COMMANDS));
    return 0;
  }
  if (args.command === '') throw new UsageError(`missing command\n${USAGE}`);
  const command = COMMANDS.find((c) => c.name === args.command);
  if (!command) throw new UsageError(`unknown command "${args.command}" (use ${COMMANDS.map((c) => c.name).join(', ')})`);
  if (wantsHelp) {
    out.write(commandHelp(command));
    return 0;
  }
  // A flag of another subcommand is as unknown here as a misspelt one.
  const own = new Set([...GLOBAL_VALUE_FLAGS, ...GLOBAL_BOOL_FLAGS, ...(command.valueFlags ?? []), ...(command.boolFlags ?? [])]);
  for (const flag of args.flags.keys()) {
    if (!own.has(flag)) throw new UsageError(`${command.name} does not take ${flag}`);
  }
  forcedDialect(args); // an unknown dialect id is refused before any work, whatever the command
  const parted = command.partedIndex?.(args);
  if (parted !== undefined) startWorkerEarly(args, parted === 'keyless');
  // The launcher may have started a worker for a log that is not split after all (its dialect, its command).
  dropHandedOverWorker();
  return command.run(args, out);
}

/** Bytes of a log's head its dialect is told from here (detection reads fewer). */
const HEAD_BYTES = 64 << 10;

/**
 * For one log file large enough to be indexed on several threads, in a dialect that is (told from its
 * head, as the log will be): the part worker starts now (startEarlyPartWorker).
 */
function startWorkerEarly(args: Args, keyless: boolean): void {
  if (args.positional.length !== 1) return;
  const file = args.positional[0];
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isFile() !== true || threadsFor(stat.size) < 2) return;
  const forced = forcedDialect(args);
  const dialect = forced === undefined ? detectDialect(readHead(file), path.basename(file)) : dialectById(forced);
  // A session list is gathered in halves only from a size, in some dialects (windowedSessions.ts).
  if (dialect !== undefined && (keyless ? canSplit(dialect, true) : sessionsInHalves(stat.size, dialect))) startEarlyPartWorker();
}

/** The first bytes of `file`; none when it cannot be read (the command says why, not this). */
function readHead(file: string): Buffer {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.allocUnsafe(HEAD_BYTES);
    return head.subarray(0, fs.readSync(fd, head, 0, HEAD_BYTES, 0));
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function main(): Promise<void> {
  const out = new Output();
  let code: number;
  try {
    code = await run(process.argv.slice(2), out);
  } catch (e) {
    out.flush();
    // Input errors are expected and get their one-line message; anything else is a bug, still one line.
    const message = e instanceof LogInputError ? e.message.split('\n')[0] : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`msglog: ${message}\n`);
    if (e instanceof UsageError && e.message.includes('\n')) process.stderr.write(`${e.message.split('\n').slice(1).join('\n')}\n`);
    process.exitCode = e instanceof NothingFound ? e.exitCode : 2;
    return;
  }
  out.flush();
  process.exitCode = code;
}

void main();
