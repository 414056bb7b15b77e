import { assertText, detectDialect } from '../../engine/detect';
import { FileSource } from '../../engine/source';
import { checkFile, readStdin, STDIN, str } from '../args';
import type { Command } from './command';

export const detect: Command = {
  name: 'detect',
  usage: 'msglog detect FILE                          dialect id, or "unknown" (exit 1)',
  examples: ['msglog detect SystemLogs/2026-01-15.log      # communigate-log', 'for f in logs/*; do echo "$f $(msglog detect "$f")"; done'],
  run(args, out) {
    const file = args.positional[0];
    const fileName = checkFile(file);
    let head: Uint8Array;
    if (file === STDIN) head = readStdin().subarray(0, 256 * 1024);
    else {
      const source = new FileSource(file);
      head = source.read(0, 256 * 1024);
      source.close();
    }
    assertText(head);
    const id = str(args, '--dialect') ?? detectDialect(head, fileName)?.id;
    out.write(`${id ?? 'unknown'}\n`);
    return id ? 0 : 1;
  },
};
