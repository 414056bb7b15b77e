// Compiles the parts of a query shared by filters and navigation: level thresholds and time bounds.
import { COMMUNIGATE_LEVEL_NAMES, SEVERITY_ALIASES } from '../../../common/dialects';
import type { LogIndex } from './logIndex';
import type { TimeQuery } from './time';
import { DAY_MS, parseTimeQuery } from './time';
import { LogInputError, NO_LEVEL, SEVERITY_NAMES } from './types';
import type { SeverityName, Severity } from './types';

/** An error in the user's query (bad regex, time or level): a one-line message. */
export class QueryError extends LogInputError {}

/** CommuniGate's level names, usable as thresholds in any dialect. */
const CGP_LEVEL_NAMES = COMMUNIGATE_LEVEL_NAMES.map((name) => name.toLowerCase());
/** The CommuniGate digit that stands for a severity when a digit threshold meets another dialect. */
const SEVERITY_DIGIT = [0, 1, 3, 2, 4, 5];

/** A predicate on records for a level threshold (FORMATS §5), or undefined for none. */
export function compileLevel(index: LogIndex, level: string | undefined): ((r: number) => boolean) | undefined {
  if (level === undefined || level === '') return undefined;
  const t = level.trim().toLowerCase();
  let digit = /^[0-5]$/.test(t) ? Number(t) : CGP_LEVEL_NAMES.indexOf(t);
  if (digit >= 0) {
    const asWritten = index.dialect.digitLevels === true;
    return (r) => {
      const written = index.recLevel[r];
      const d = asWritten && written !== NO_LEVEL ? written : SEVERITY_DIGIT[index.recSeverity[r]];
      return d <= digit;
    };
  }
  digit = SEVERITY_NAMES.indexOf(SEVERITY_ALIASES[t] ?? (t as SeverityName));
  if (digit < 0) {
    throw new QueryError(`bad level "${level}": use a CommuniGate digit 0-5 or one of ${SEVERITY_NAMES.join(', ')}`);
  }
  const sev: Severity = digit;
  return (r) => index.recSeverity[r] <= sev;
}

/**
 * The value of a record a time query compares with, and the query's target (FORMATS §3): time-of-day
 * queries compare written wall-clock time on the log's first day; date-times compare normalised time.
 */
export interface TimeScale {
  value(r: number): number;
  target: number;
}

export function compileTime(index: LogIndex, text: string, baseRecord?: number): TimeScale {
  let q: TimeQuery;
  try {
    q = parseTimeQuery(text);
  } catch (e) {
    throw new QueryError((e as Error).message);
  }
  if (q.kind === 'clock') {
    const first = firstTimed(index);
    const dayStart = first < 0 ? 0 : Math.floor(index.recWall[first] / DAY_MS) * DAY_MS;
    return { value: (r) => index.recWall[r], target: dayStart + q.ms };
  }
  if (q.kind === 'datetime') {
    if (!index.dated) {
      throw new QueryError(`bad time "${text}": this log has no dates (a CommuniGate log named YYYY-MM-DD.log has); use a time of day such as 12:30`);
    }
    return { value: (r) => index.normalized(r), target: q.wall - index.logOffsetMin * 60_000 };
  }
  if (baseRecord === undefined || baseRecord < 0 || baseRecord >= index.recordCount) {
    throw new QueryError(`bad time "${text}": a relative time needs a current record (use it in the editor)`);
  }
  return { value: (r) => index.normalized(r), target: index.normalized(baseRecord) + q.deltaMs };
}

function firstTimed(index: LogIndex): number {
  for (let r = 0; r < index.recordCount; r++) if (!Number.isNaN(index.recWall[r])) return r;
  return -1;
}
