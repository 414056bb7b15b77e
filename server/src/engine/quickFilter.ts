// A filter on one text answered by searching the log instead of indexing it (FORMATS §5): the cold
// `msglog filter FILE --text S [--keyed]` of an administrator looking for one session in a day's log
// runs at the speed of a search, and in little memory. Only occurrences of the text (and, keyed, of
// the session keys remembered) are looked at: their lines are parsed with the dialect's own parser,
// and walking back to the record's header gives what the index would have given. When an answer
// could differ from the index's (lone CRs, too many keys, a dialect that cannot say which bytes its
// keys leave in a header), the caller indexes the log as usual.
import { LF } from './bytes';
import type { LogSource } from './source';
import type { MessagePort } from 'worker_threads';
import { PartWorker, plainContext, threadsFor, workerFile } from './parallel';
import { FileSource } from './source';
import type { Dialect, DialectId, ParseContext } from './types';
import type { FirstPass } from './quickFilterRanges';
import { mergeSorted, Ranges, usable } from './quickFilterRanges';
import { LineScan, MAX_KEPT_LINES, MAX_PATTERNS } from './quickFilterScan';

/** What the filter prints: byte ranges of the log, in file order (records, and the first line of each marker run). */
export interface QuickFilterResult {
  /** `[start, end)` pairs: `ranges[2 i]`, `ranges[2 i + 1]`. */
  ranges: number[];
  /** How many of the ranges are records (the others are overflow markers). */
  records: number;
}

export interface QuickFilterOptions {
  /** Bytes read per step (tests use tiny chunks to cross every boundary). */
  chunkSize?: number;
  /**
   * The file the source reads, when it is one on disk: a large one is searched on two threads (a
   * worker looks for the marker lines and the bytes a keyed text's session leaves on its headers).
   */
  path?: string;
  /** Two threads whatever the size (tests), or never; by size when undefined. */
  threaded?: boolean;
}

/** What a worker is asked for (headerLinesJob): the header lines holding `patterns`, and the marker lines. */
export interface HeaderLinesJob {
  kind: 'headers';
  path: string;
  dialect: DialectId;
  ctx: ParseContext;
  /** Latin1 (one char per byte). */
  patterns: string[];
  chunkSize: number;
  /** Bytes of the file to search: what this thread searches (a log that grows meanwhile is searched as far). */
  size: number;
  done: SharedArrayBuffer;
  port: MessagePort;
}

/** `pairs`/`keys` as Ranges holds them (undefined pairs: too many to keep); `answered` false: the search cannot answer (a CR). */
export type HeaderLinesAnswer = { answered: boolean; pairs: number[] | undefined; keys: string[]; markers: number[] } | { error: string };

const CHUNK = 16 << 20;

/**
 * The records a plain (`keyed` false) or keyed filter on `text` outputs, with the overflow markers it
 * prints, or undefined when this search cannot give the index's answer (then index the log).
 */
export function quickFilter(source: LogSource, dialect: Dialect, ctx: ParseContext, text: string, keyed: boolean, options: QuickFilterOptions = {}): QuickFilterResult | undefined {
  if (dialect.partable !== true || (keyed && dialect.keyPatterns === undefined)) return undefined;
  if (text === '' || /[\r\n]/.test(text)) return undefined;
  const scan = new LineScan(source, dialect, ctx, options.chunkSize ?? CHUNK);
  const needle = Buffer.from(text, 'utf8');
  // Keyed on a text that is itself a session key (the usual case): the bytes that key leaves on
  // header lines are searched along in pass 1, so that pass 2 has nothing left to search.
  const along = keyed ? usable(dialect.keyPatterns?.(needle) ?? []).filter((p) => !p.includes(needle)) : [];
  const searchAlong = along.length <= MAX_PATTERNS ? along : [];
  // On two threads: a worker searches what pass 1 looks for besides the text, this thread the text.
  const threaded = options.threaded ?? (source.size >= THREADED_MIN_BYTES && threadsFor(source.size) > 1);
  const worker = threaded && searchAlong.length > 0 && options.path !== undefined ? startHeaderLines(options.path, source.size, dialect, ctx, searchAlong, options.chunkSize ?? CHUNK) : undefined;
  let pass1: FirstPass | undefined;
  try {
    pass1 = scan.firstPass(needle, keyed, worker ? [] : searchAlong, worker === undefined, [needle, ...searchAlong]);
  } finally {
    if (pass1 === undefined) worker?.terminate();
  }
  if (pass1 === undefined) return undefined;
  if (worker !== undefined && !adoptHeaderLines(pass1, worker.waitSync(), searchAlong)) return undefined;
  if (!keyed) return merge(pass1.records.pairs, pass1.markers);
  const records = scan.secondPass(pass1);
  return records === undefined ? undefined : merge(records, pass1.markers);
}

/**
 * The 0-based line of each of `offsets` (ascending, each at a line start) in the log: LF bytes before it
 * counted in one read of the log up to the last of them (quickFilter's answer, numbered as grep -n does).
 */
export function lineNumbersAt(source: LogSource, offsets: readonly number[], chunkSize = CHUNK): number[] {
  const lines: number[] = [];
  let line = 0;
  let base = 0;
  let k = 0;
  while (k < offsets.length) {
    const end = Math.min(source.size, base + chunkSize);
    const buf = source.readTransient?.(base, end) ?? source.read(base, end);
    // Offsets inside this chunk get the count so far plus the LFs before them in it.
    let p = 0;
    while (k < offsets.length && offsets[k] - base <= buf.length) {
      const stop = offsets[k] - base;
      for (let nl = buf.indexOf(LF, p); nl >= 0 && nl < stop; nl = buf.indexOf(LF, nl + 1)) {
        line++;
        p = nl + 1;
      }
      lines.push(line);
      k++;
    }
    for (let nl = buf.indexOf(LF, p); nl >= 0; nl = buf.indexOf(LF, nl + 1)) line++;
    if (buf.length === 0) break;
    base += buf.length;
  }
  while (lines.length < offsets.length) lines.push(line);
  return lines;
}

/** From this size on, a keyed search takes a worker (starting one costs tens of milliseconds). */
const THREADED_MIN_BYTES = 32 << 20;

function startHeaderLines(path: string, size: number, dialect: Dialect, ctx: ParseContext, patterns: Buffer[], chunkSize: number): PartWorker<HeaderLinesAnswer> | undefined {
  const entry = workerFile();
  if (entry === undefined) return undefined;
  return new PartWorker<HeaderLinesAnswer>(entry, { kind: 'headers', path, size, dialect: dialect.id, ctx: plainContext(ctx), patterns: patterns.map((p) => p.toString('latin1')), chunkSize });
}

/** Takes a worker's header and marker lines into pass 1's; false when the search cannot answer. */
function adoptHeaderLines(pass1: FirstPass, answer: HeaderLinesAnswer | { error: string }, patterns: Buffer[]): boolean {
  if ('error' in answer) throw new Error(`search worker: ${answer.error}`);
  if (!answer.answered) return false;
  pass1.markers = answer.markers;
  pass1.searched.push(...patterns);
  const mine = pass1.headers;
  if (mine === undefined || answer.pairs === undefined) {
    pass1.headers = undefined;
    return true;
  }
  const keys: string[] = [];
  const both = new Ranges(mergeSorted(mine.pairs, answer.pairs, mine.keys, answer.keys, keys), keys);
  pass1.headers = both.count > MAX_KEPT_LINES ? undefined : both;
  return true;
}

/** A worker's share of a keyed search (HeaderLinesJob), answered from the log on disk. */
export function headerLinesJob(job: HeaderLinesJob, dialect: Dialect): HeaderLinesAnswer {
  const source = new FileSource(job.path);
  try {
    const scan = new LineScan(source, dialect, job.ctx, job.chunkSize, job.size);
    const found = scan.headerLines(job.patterns.map((p) => Buffer.from(p, 'latin1')));
    if (found === undefined) return { answered: false, pairs: undefined, keys: [], markers: [] };
    const kept = found.headers.count <= MAX_KEPT_LINES;
    return { answered: true, pairs: kept ? found.headers.pairs : undefined, keys: kept ? found.headers.keys : [], markers: found.markers };
  } finally {
    source.close();
  }
}

/**
 * Records and marker lines in file order, as the index's filter prints them: consecutive marker
 * lines are one run (its first line is printed), and a run right after another printed run is not.
 */
function merge(records: number[], markers: number[]): QuickFilterResult {
  const ranges: number[] = [];
  let lastWasMarker = false;
  let runEnd = -1;
  let i = 0;
  let j = 0;
  while (i < records.length || j < markers.length) {
    if (j >= markers.length || (i < records.length && records[i] < markers[j])) {
      ranges.push(records[i], records[i + 1]);
      lastWasMarker = false;
      i += 2;
      continue;
    }
    const [s, e] = [markers[j], markers[j + 1]];
    j += 2;
    const continues = s === runEnd;
    runEnd = e;
    if (continues || lastWasMarker) continue;
    ranges.push(s, e);
    lastWasMarker = true;
  }
  return { ranges, records: records.length / 2 };
}
