// Diagnostics (FORMATS §4): computed from the index on demand, in line order, never capped here.
import { textColumn } from './bytes';
import type { LogIndex } from './logIndex';
import { formatDuration } from './time';
import { NO_LEVEL, RecordFlag, Severity } from './types';

export type DiagnosticCode = 'overflow' | 'crash' | 'level' | 'event-error' | 'time-regression' | 'malformed';

export interface LogDiagnostic {
  /** 0-based first and last line. */
  line: number;
  endLine: number;
  severity: 'error' | 'warning';
  code: DiagnosticCode;
  message: string;
  /** The record, or -1 for overflow runs. */
  record: number;
}

const EXCERPT = 120;

function excerpt(index: LogIndex, r: number): string {
  const line = index.headerLine(r);
  const text = line.slice(Math.min(line.length, textColumn(line, index.recBodyCol[r])));
  return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
}

/** All diagnostics of a log in line order. */
export function* diagnostics(index: LogIndex): Generator<LogDiagnostic> {
  const runs = index.overflow;
  let next = 0;
  let edge = NaN;
  // The record that set the running maximum (minimum when mirrored): its time is quoted as written.
  let edgeRecord = -1;
  // Its text, read once per maximum (a log read from disk pays a read for it; a run of regressions shares it).
  let edgeTextOf = -1;
  let edgeText = '';
  const mirror = index.descending;
  for (let r = 0; r < index.recordCount; r++) {
    while (next < runs.length && runs[next].startLine < index.recStartLine[r]) yield overflowDiagnostic(runs[next++]);
    const flags = index.recFlags[r];
    const sev = index.recSeverity[r];
    const level = index.recLevel[r];
    if ((level === NO_LEVEL || sev > Severity.Warning) && !(flags & (RecordFlag.EventError | RecordFlag.TimeRegression | RecordFlag.Malformed))) {
      // Most records have no diagnostic: only the running time edge moves (nothing allocated).
      if (!(flags & RecordFlag.NoTime)) {
        const t = index.normalized(r);
        if (Number.isNaN(edge) || (mirror ? t < edge : t > edge)) {
          edge = t;
          edgeRecord = r;
        }
      }
      continue;
    }
    const line = index.recStartLine[r];
    const endLine = index.endLineOf(r);
    const at = (code: DiagnosticCode, severity: 'error' | 'warning', message: string): LogDiagnostic => ({ line, endLine, severity, code, message, record: r });
    if (level !== NO_LEVEL && level === index.dialect.crashLevel) {
      yield at('crash', 'error', `Crash (level 0): ${excerpt(index, r)}`);
    } else if (level !== NO_LEVEL && sev <= Severity.Warning) {
      yield at('level', sev <= Severity.Error ? 'error' : 'warning', `${index.dialect.levelName(level)}: ${excerpt(index, r)}`);
    }
    if (flags & RecordFlag.EventError) {
      const text = excerpt(index, r);
      yield at('event-error', flags & RecordFlag.EventErrorIsError ? 'error' : 'warning', `${index.dialect.eventErrorLabel?.(text) ?? 'Failed event'}: ${text}`);
    }
    if (!(flags & RecordFlag.NoTime)) {
      const t = index.normalized(r);
      if (flags & RecordFlag.TimeRegression) {
        const by = mirror ? t - edge : edge - t;
        if (edgeTextOf !== edgeRecord) {
          edgeTextOf = edgeRecord;
          edgeText = index.timestampText(edgeRecord);
        }
        const after = edgeText;
        yield at(
          'time-regression',
          'warning',
          mirror
            ? `Time goes forward by ${formatDuration(by)} in a newest-first log (after ${after})`
            : `Time goes back by ${formatDuration(by)} (after ${after})`,
        );
      }
      if (Number.isNaN(edge) || (mirror ? t < edge : t > edge)) {
        edge = t;
        edgeRecord = r;
      }
    }
    if (flags & RecordFlag.Malformed) {
      yield at(
        'malformed',
        'warning',
        index.dialect.malformedMessage ?? 'Malformed record',
      );
    }
  }
  while (next < runs.length) yield overflowDiagnostic(runs[next++]);
}

/** How many diagnostics of each severity `diagnostics(index)` yields. */
export interface DiagnosticCounts {
  errors: number;
  warnings: number;
}

/**
 * The number of errors and warnings `diagnostics(index)` yields, counted from the record arrays
 * alone (no message, excerpt or object is made): a capped list of diagnostics builds only those it
 * shows and counts the rest. Mirrors the generator's rules record for record.
 */
export function diagnosticCounts(index: LogIndex): DiagnosticCounts {
  const flags = index.recFlags;
  const severity = index.recSeverity;
  const levels = index.recLevel;
  const crashLevel = index.dialect.crashLevel;
  const marked = RecordFlag.EventError | RecordFlag.TimeRegression | RecordFlag.Malformed;
  let errors = 0;
  let warnings = index.overflow.length;
  for (let r = 0; r < index.recordCount; r++) {
    const f = flags[r];
    const sev = severity[r];
    const level = levels[r];
    if ((level === NO_LEVEL || sev > Severity.Warning) && !(f & marked)) continue;
    if (level !== NO_LEVEL && level === crashLevel) errors++;
    else if (level !== NO_LEVEL && sev <= Severity.Warning) {
      if (sev <= Severity.Error) errors++;
      else warnings++;
    }
    if (f & RecordFlag.EventError) {
      if (f & RecordFlag.EventErrorIsError) errors++;
      else warnings++;
    }
    if (!(f & RecordFlag.NoTime) && f & RecordFlag.TimeRegression) warnings++;
    if (f & RecordFlag.Malformed) warnings++;
  }
  return { errors, warnings };
}

function overflowDiagnostic(run: LogIndex['overflow'][number]): LogDiagnostic {
  const what = run.count === 1 ? 'Overflow marker (***)' : `${run.count} overflow markers (***)`;
  return {
    line: run.startLine,
    endLine: run.endLine,
    severity: 'warning',
    code: 'overflow',
    message: `${what}: the server's log manager dropped records here`,
    record: -1,
  };
}
