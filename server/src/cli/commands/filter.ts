import { filterPieces, runFilter } from '../../engine';
import type { FilterQuery } from '../../engine/filters';
import { bool, openIndex, str, strs, UsageError } from '../args';
import type { Command } from './command';

export const filter: Command = {
  name: 'filter',
  usage: `msglog filter FILE [--text S]... [--regex R]... [--exclude S]... [--exclude-regex R]...
                [--ignore-case] [--keyed] [--level L] [--from T] [--to T] [--context N] [--line-numbers]
                every --text and --regex must match, no --exclude/--exclude-regex may (keyed: in pass 1);
                --context N prints N records around each, groups apart separated by --`,
  valueFlags: ['--text', '--regex', '--exclude', '--exclude-regex', '--context', '--level', '--from', '--to'],
  boolFlags: ['--ignore-case', '--keyed', '--line-numbers'],
  run(args, out) {
    const query: FilterQuery = {
      texts: strs(args, '--text'),
      regexes: strs(args, '--regex'),
      excludeTexts: strs(args, '--exclude'),
      excludeRegexes: strs(args, '--exclude-regex'),
      ignoreCase: bool(args, '--ignore-case'),
      keyed: bool(args, '--keyed'),
      level: str(args, '--level'),
      from: str(args, '--from'),
      to: str(args, '--to'),
      context: contextOf(str(args, '--context')),
    };
    if ([query.texts, query.regexes, query.excludeTexts, query.excludeRegexes].every((l) => l?.length === 0)) {
      throw new UsageError('filter needs --text S, --regex R, --exclude S or --exclude-regex R');
    }
    const index = openIndex(args);
    const result = runFilter(index, query);
    if (result.truncated > 0) {
      process.stderr.write(`msglog: note: ${result.truncated} record(s) longer than 1 MiB were matched against their first MiB only\n`);
    }
    const numbers = bool(args, '--line-numbers');
    for (const piece of filterPieces(index, result)) {
      if (numbers && piece.kind !== 'separator') out.numbered(piece.bytes, piece.firstLine + 1, piece.kind === 'context' ? '-' : ':');
      else out.bytes(piece.bytes);
    }
    return result.records > 0 ? 0 : 1;
  },
};

/** `--context N`: a whole number of records, 0 or more. */
function contextOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`bad --context "${text}": use a whole number of records, 0 or more`);
  return Number(text);
}
