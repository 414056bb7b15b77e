import * as fs from 'fs';
import { expandInputs } from '../../engine';
import { forcedDialect, UsageError, withStdin } from '../args';
import { warn } from '../inputs';
import type { Command } from './command';

export const detect: Command = {
  name: 'detect',
  usage: 'msglog detect FILE…                         dialect id ("PATH: ID" per file with several), or "unknown" (exit 1)',
  examples: ['msglog detect SystemLogs/2026-01-15.log      # communigate-log', 'msglog detect logs/                           # PATH: ID for every file in the folder'],
  async run(args, out) {
    const files = withStdin(args.positional);
    if (files.length === 0) throw new UsageError('missing FILE');
    const expanded = await expandInputs(files, { dialect: forcedDialect(args), keepUnknown: true });
    const found = [
      ...expanded.files.map((f) => ({ arg: f.arg, display: f.display, id: f.dialect.id as string })),
      ...expanded.unknown.map((u) => ({ arg: u.arg, display: u.display, id: 'unknown' })),
    ].sort((a, b) => a.arg - b.arg || (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
    const single = files.length === 1 && !fs.statSync(files[0], { throwIfNoEntry: false })?.isDirectory();
    let failed = false;
    for (const p of expanded.problems) {
      // One named file that is not a log at all (binary data, unreadable) is the command's error.
      if (single && p.error && found.length === 0) {
        warn(p.text);
        return 2;
      }
      warn(p.file ? `${p.file}: ${p.text}` : p.text);
      failed ||= p.error;
    }
    for (const f of found) out.write(single ? `${f.id}\n` : `${f.display}: ${f.id}\n`);
    if (failed) return 2;
    return found.some((f) => f.id === 'unknown') || found.length === 0 ? 1 : 0;
  },
};
