import * as fs from 'fs';
import { expandInputs, FileSource, filterSet, lineNumbersAt, quickFilter, recordEligibility, recordPredicate } from '../../engine';
import type { FilterQuery } from '../../engine/filters';
import { bool, str, strs, UsageError } from '../args';
import { followLogs } from '../follow';
import { exitStatus, openLogs, utcOffsetOf, writeOverflow, writeRecord } from '../inputs';
import type { Output } from '../output';
import type { Command } from './command';

export const filter: Command = {
  name: 'filter',
  usage: `msglog filter FILE… [--text S]... [--regex R]... [--exclude S]... [--exclude-regex R]...
                [--ignore-case] [--keyed] [--level L] [--from T] [--to T] [--context N]
                [--line-numbers] [--follow]
                every --text and --regex must match, no --exclude/--exclude-regex may (keyed: in pass 1);
                --context N prints N records around each, groups apart separated by --`,
  examples: [
    'msglog filter 2026-01-15.log --text "protocol error" --level 3     # the problem records',
    'msglog filter 2026-01-15.log --text "protocol error" --keyed       # their whole sessions',
    'msglog filter 2026-01-15.log --text ": Call-ID: abc@host" --keyed   # every packet of a SIP dialog',
    'msglog filter 2026-01-15.log --regex "IMAP-\\d+.*failed" --from 12:00 --to 12:30 --line-numbers',
    'msglog filter 2026-01-15.log --text alice --exclude LOGOUT --context 2  # around each hit, without logouts',
    'msglog filter SystemLogs/ --text alice --ignore-case --follow       # a folder, then what comes',
    'zcat old.log.gz | msglog filter - --text alice                       # standard input',
  ],
  valueFlags: ['--text', '--regex', '--exclude', '--exclude-regex', '--context', '--level', '--from', '--to'],
  boolFlags: ['--ignore-case', '--keyed', '--line-numbers', '--follow'],
  async run(args, out) {
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
    const follow = bool(args, '--follow');
    // One text in one file: searched for, not indexed, when the search can answer as the index would.
    const quick = follow ? undefined : await quickFilterFile(args, query, out, bool(args, '--line-numbers'));
    if (quick !== undefined) return quick;
    // The first text (the one the filter's first pass looks for) is searched while the files are indexed: one read for both.
    const search = query.ignoreCase ? undefined : query.texts?.[0];
    const logs = await openLogs(args, args.positional, { holdPartialLine: follow, search });
    if (!logs) return 2;
    const result = filterSet(logs.set, query);
    if (result.truncated > 0) {
      process.stderr.write(`msglog: note: ${result.truncated} record(s) longer than 1 MiB were matched against their first MiB only\n`);
    }
    const numbers = bool(args, '--line-numbers');
    for (const { source, item } of result.items) {
      if (item.kind === 'record') writeRecord(out, logs, source, item.record, numbers, item.context ? '-' : ':');
      else if (item.kind === 'overflow') writeOverflow(out, logs, source, item.run, numbers);
      else out.write('--\n');
    }
    // Overflow markers are printed even when no record matched: say so, lest they read as a match.
    if (result.records === 0 && result.items.length > 0 && !follow) process.stderr.write('msglog: no record matched\n');
    let printed = result.records;
    if (follow) {
      // New records: matching ones, and (keyed) those of remembered (source, key) pairs.
      const { set } = logs;
      const tests = set.sources.map((src) => recordPredicate(src.index, query));
      const eligible = set.sources.map((src) => recordEligibility(src.index, query));
      let remembered = result.remembered;
      await followLogs(logs, out, (p) => {
        const s = set.order.src[p];
        const r = set.order.rec[p];
        const ix = set.sources[s].index;
        const session = ix.recSession[r];
        if (query.keyed && remembered[s].length < ix.sessionCount) {
          remembered = remembered.map((m, i) => (i === s ? growTo(m, ix.sessionCount) : m));
        }
        // Keyed: the level and interval hold for the records of remembered sessions too, as in pass 2.
        const hit = (query.keyed && remembered[s][session] === 1 && eligible[s](r)) || tests[s](r);
        if (!hit) return;
        if (query.keyed) remembered[s][session] = 1;
        writeRecord(out, logs, s, r, numbers);
        printed++;
      });
    }
    return exitStatus(logs, printed > 0 ? 0 : 1);
  },
};

/** `--context N`: a whole number of records, 0 or more. */
function contextOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`bad --context "${text}": use a whole number of records, 0 or more`);
  return Number(text);
}

function growTo(a: Uint8Array, n: number): Uint8Array {
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/**
 * `filter FILE --text S [--keyed] [--line-numbers]` (nothing else) on one plain file: answered by quickFilter, which
 * searches the file instead of indexing it. Undefined when it cannot answer (then the file is indexed).
 */
async function quickFilterFile(args: Parameters<Command['run']>[0], query: FilterQuery, out: Output, numbers: boolean): Promise<number | undefined> {
  const [file, ...more] = args.positional;
  const onlyOneText = query.texts?.length === 1 && [query.regexes, query.excludeTexts, query.excludeRegexes].every((l) => l?.length === 0);
  const plain = !query.ignoreCase && query.level === undefined && query.from === undefined && query.to === undefined && query.context === undefined;
  if (!onlyOneText || !plain || more.length > 0 || file === undefined || file === '-' || str(args, '--dialect') !== undefined) return undefined;
  utcOffsetOf(args); // refused as the usual path refuses it, though times are not read here
  try {
    if (!fs.statSync(file).isFile()) return undefined;
  } catch {
    return undefined; // said by the usual path
  }
  const expanded = await expandInputs([file], {});
  const f = expanded.files[0];
  if (expanded.problems.length > 0 || expanded.files.length !== 1 || f.bytes !== undefined) return undefined;
  const source = new FileSource(f.path);
  try {
    const result = quickFilter(source, f.dialect, { fileName: f.name, mtimeMs: f.mtimeMs }, query.texts![0], query.keyed === true, { path: f.path });
    if (result === undefined) return undefined;
    const { ranges } = result;
    // --line-numbers: the lines of what is printed, counted in one more read up to the last of it.
    const lines = numbers ? lineNumbersAt(source, ranges.filter((_, i) => i % 2 === 0)) : undefined;
    for (let i = 0; i < ranges.length; i += 2) {
      // A copy: a view would keep the source's whole read window alive until the output is flushed.
      const bytes = Buffer.from(source.read(ranges[i], ranges[i + 1]));
      if (lines !== undefined) out.numbered(bytes, lines[i >> 1] + 1);
      else out.bytes(bytes);
      // A last line without terminator still ends its output line, as grep prints it.
      if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) out.write('\n');
    }
    if (result.records === 0 && ranges.length > 0) process.stderr.write('msglog: no record matched\n');
    return result.records > 0 ? 0 : 1;
  } finally {
    source.close();
  }
}
