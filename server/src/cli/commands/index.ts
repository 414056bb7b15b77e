// The msglog subcommands, in the order `msglog --help` lists them. A new subcommand is one file in
// this folder plus one line here.
import { check } from './check';
import type { Command } from './command';
import { detect } from './detect';
import { dialog } from './dialog';
import { exportCommand } from './export';
import { filter } from './filter';
import { goto } from './goto';
import { merge } from './merge';
import { report } from './report';
import { sessions } from './sessions';
import { trace } from './trace';

export const COMMANDS: readonly Command[] = [detect, sessions, check, filter, goto, merge, trace, dialog, report, exportCommand];

export type { Command };
