// The shape of one msglog subcommand: its usage lines, its flags and what it runs.
import type { Args } from '../args';
import type { Output } from '../output';

export interface Command {
  readonly name: string;
  /** Usage lines for `msglog --help` (the command's synopsis and a short description). */
  readonly usage: string;
  /** Examples for `msglog help NAME`, each a command line and what it does (`msglog … # why`). */
  readonly examples?: readonly string[];
  /** Flags that take a value (may be repeated: every value is kept). */
  readonly valueFlags?: readonly string[];
  /** Flags without a value. */
  readonly boolFlags?: readonly string[];
  /**
   * Indexes its log on every core when it is one large file (a parted build, or two halves read in
   * windows), as run with `args`: the part worker is then started before the command runs
   * (startEarlyPartWorker), where the log's dialect is read in parts without session keys ('keyless':
   * check) or with them ('keyed': sessions --json); undefined: on one thread.
   */
  partedIndex?(args: Args): 'keyless' | 'keyed' | undefined;
  /** Runs the command; returns the exit status. Throws LogInputError for a one-line error (exit 2). */
  run(args: Args, out: Output): number | Promise<number>;
}
