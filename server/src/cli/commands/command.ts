// The shape of one msglog subcommand: its usage lines, its flags and what it runs.
import type { Args } from '../args';
import type { Output } from '../output';

export interface Command {
  readonly name: string;
  /** Usage lines for `msglog --help` (the command's synopsis and a short description). */
  readonly usage: string;
  /** Flags that take a value (may be repeated: every value is kept). */
  readonly valueFlags?: readonly string[];
  /** Flags without a value. */
  readonly boolFlags?: readonly string[];
  /** Runs the command; returns the exit status. Throws LogInputError for a one-line error (exit 2). */
  run(args: Args, out: Output): number | Promise<number>;
}
