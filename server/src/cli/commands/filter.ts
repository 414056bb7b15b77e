import { runFilter } from '../../engine';
import type { FilterQuery } from '../../engine/filters';
import { bool, openIndex, str, UsageError } from '../args';
import type { Command } from './command';

export const filter: Command = {
  name: 'filter',
  usage: `msglog filter FILE (--text S | --regex R) [--ignore-case] [--keyed] [--level L]
                [--from T] [--to T] [--line-numbers]`,
  valueFlags: ['--text', '--regex', '--level', '--from', '--to'],
  boolFlags: ['--ignore-case', '--keyed', '--line-numbers'],
  run(args, out) {
    const text = str(args, '--text');
    const regex = str(args, '--regex');
    if ((text === undefined) === (regex === undefined)) throw new UsageError('filter needs exactly one of --text S or --regex R');
    // The text is searched while the file is indexed: one read of the file for both.
    const index = openIndex(args, { search: bool(args, '--ignore-case') ? undefined : text });
    const query: FilterQuery = {
      text,
      regex,
      ignoreCase: bool(args, '--ignore-case'),
      keyed: bool(args, '--keyed'),
      level: str(args, '--level'),
      from: str(args, '--from'),
      to: str(args, '--to'),
    };
    const result = runFilter(index, query);
    if (result.truncated > 0) {
      process.stderr.write(`msglog: note: ${result.truncated} record(s) longer than 1 MiB were matched against their first MiB only\n`);
    }
    const numbers = bool(args, '--line-numbers');
    for (const item of result.items) {
      const [start, end, line] =
        item.kind === 'record'
          ? [index.recStartOffset[item.record], index.endOffsetOf(item.record), index.recStartLine[item.record]]
          : [item.run.startOffset, item.run.startOffset + item.run.firstLineLength, item.run.startLine];
      const bytes = index.read(start, end);
      if (numbers) out.numbered(bytes, line + 1);
      else out.bytes(bytes);
    }
    return result.records > 0 ? 0 : 1;
  },
};
