import { assertText, detectDialect } from '../../engine/detect';
import { FileSource } from '../../engine/source';
import { checkFile, forcedDialect } from '../args';
import type { Command } from './command';

export const detect: Command = {
  name: 'detect',
  usage: 'msglog detect FILE                          dialect id, or "unknown" (exit 1)',
  run(args, out) {
    const file = args.positional[0];
    const fileName = checkFile(file);
    const source = new FileSource(file);
    const head = source.read(0, 256 * 1024);
    source.close();
    assertText(head);
    const id = forcedDialect(args) ?? detectDialect(head, fileName)?.id;
    out.write(`${id ?? 'unknown'}\n`);
    return id ? 0 : 1;
  },
};
