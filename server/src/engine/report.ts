// Reports (FORMATS §12): totals, severities, components, records per hour and the most frequent
// problems of one or several logs, plus each dialect's own counts (reportDialects.ts).
import { textColumn } from './bytes';
import { CancelledError, turn } from './logIndex';
import type { LogIndex } from './logIndex';
import { placeOf } from './pictureLogs';
import type { PictureLog } from './pictureLogs';
import { NO_OFFSET } from './recordStore';
import { dialectCounter } from './reportDialects';
import type { DialectCounter, DialectCounts } from './reportDialects';
import { DAY_MS } from './time';
import { SEVERITY_NAMES } from './types';
import type { SeverityName } from './types';

export type SeverityCounts = Record<SeverityName, number>;

export interface ComponentCount {
  component: string;
  records: number;
  sessions: number;
  /** Records with an error or warning diagnostic. */
  problems: number;
}

export interface HourCount extends SeverityCounts {
  /** `YYYY-MM-DDTHH`, or `HH` when the logs write no date. */
  hour: string;
}

export interface ProblemGroup {
  /** The records' first line with numbers, addresses and ids masked. */
  message: string;
  count: number;
  /** The first such record: its log (position in the list and name) and 0-based line. */
  fileIndex: number;
  file: string;
  firstLine: number;
  /** The severity of the group's first record's diagnostic. */
  severity: 'error' | 'warning';
}

export interface LogReport {
  files: string[];
  dialects: string[];
  records: number;
  sessions: number;
  bySeverity: SeverityCounts;
  byComponent: ComponentCount[];
  perHour: HourCount[];
  topProblems: ProblemGroup[];
  /** Whether hours (and histogram times) are UTC because the logs write different offsets. */
  utc: boolean;
  /** Each dialect's own counts, by dialect id (reportDialects.ts documents the names). */
  byDialect: Partial<Record<string, DialectCounts>>;
}

export const TOP_PROBLEMS = 20;
const HOUR_MS = 3_600_000;
const MESSAGE_MAX = 160;

export function emptySeverities(): SeverityCounts {
  return { critical: 0, error: 0, warning: 0, info: 0, debug: 0, trace: 0 };
}

/**
 * Whether the logs write different zone offsets: then times are compared and shown in UTC,
 * otherwise as written (FORMATS §12).
 */
export function mixedOffsets(files: readonly PictureLog[]): boolean {
  let seen: number | undefined;
  for (const { index } of files) {
    for (let r = 0; r < index.recordCount; r++) {
      const off = index.recOffsetMin[r];
      const value = off === NO_OFFSET ? index.logOffsetMin : off;
      if (seen === undefined) seen = value;
      else if (value !== seen) return true;
    }
  }
  return false;
}

/** How a report reads the times of several logs (see reportTime). */
export interface TimeBasis {
  /** Whether times are UTC because the logs write different offsets. */
  utc: boolean;
  /** Whether the times carry a calendar date. */
  dated: boolean;
  /** Per log: ms added to its times (a log without a date is placed on the first date of the others). */
  shift: number[];
}

export function timeBasis(files: readonly PictureLog[]): TimeBasis {
  const utc = mixedOffsets(files);
  const dated = files.some(({ index }) => index.dated);
  // The first day of the dated logs: a log that writes no date is read as of that day (FORMATS §9).
  let firstDay = Infinity;
  for (const { index } of files) {
    if (!index.dated) continue;
    for (let r = 0; r < index.recordCount; r++) {
      const t = utc ? index.normalized(r) : index.recWall[r];
      if (t < firstDay) firstDay = t;
    }
  }
  const base = Number.isFinite(firstDay) ? Math.floor(firstDay / DAY_MS) * DAY_MS : 0;
  // A LogSet has placed its undated sources already (shiftMs); editor documents are placed here.
  return { utc, dated, shift: files.map(({ index, shiftMs }) => shiftMs ?? (index.dated ? 0 : base)) };
}

/** The time a report shows for record `r` of log `f`: wall clock as written, or UTC when offsets differ. */
export function reportTime(basis: TimeBasis, f: number, index: LogIndex, r: number): number {
  return (basis.utc ? index.normalized(r) : index.recWall[r]) + basis.shift[f];
}

export function hourLabel(ms: number, dated: boolean): string {
  if (!dated) return String(Math.floor((((ms % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS)).padStart(2, '0');
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13);
}

/** The report over the logs, files one after the other in the order given. */
export function buildReport(files: readonly PictureLog[]): LogReport {
  const steps = reportSteps(files);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * As buildReport, giving the event loop a turn every so many records so that a server answers other
 * requests meanwhile; `isCancelled` returning true stops it with a CancelledError.
 */
export async function buildReportAsync(files: readonly PictureLog[], isCancelled: () => boolean = () => false): Promise<LogReport> {
  const steps = reportSteps(files);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await turn();
    if (isCancelled()) throw new CancelledError();
  }
}

/** Records between two turns of the event loop (a few milliseconds of work). */
const STEP = 1 << 16;

function* reportSteps(files: readonly PictureLog[]): Generator<void, LogReport> {
  const basis = timeBasis(files);
  const { utc, dated } = basis;
  const bySeverity = emptySeverities();
  const components = new Map<string, ComponentCount>();
  const hours = new Map<string, HourCount>();
  const problems = new Map<string, ProblemGroup>();
  const byDialect: Partial<Record<string, DialectCounts>> = {};
  const dialects: string[] = [];
  const counters = new Map<string, DialectCounter>();
  let records = 0;
  let sessions = 0;
  for (let fileIndex = 0; fileIndex < files.length; fileIndex++) {
    const { index, file } = files[fileIndex];
    const id = index.dialect.id;
    if (!dialects.includes(id)) dialects.push(id);
    let counter = counters.get(id);
    if (!counter) {
      const [counts, made] = dialectCounter(id);
      byDialect[id] = counts;
      counters.set(id, (counter = made));
    }
    records += index.recordCount;
    sessions += index.sessionCount;
    // One row per component name; each session's component is looked up once.
    const sessionRow: ComponentCount[] = [];
    for (let s = 0; s < index.sessionCount; s++) {
      const name = index.componentOf(s);
      let row = components.get(name);
      if (!row) components.set(name, (row = { component: name, records: 0, sessions: 0, problems: 0 }));
      row.sessions++;
      sessionRow.push(row);
    }
    let hourStart = NaN;
    let hourRow: HourCount | undefined;
    for (let r = 0; r < index.recordCount; r++) {
      const severity = SEVERITY_NAMES[index.recSeverity[r]];
      bySeverity[severity]++;
      const row = sessionRow[index.recSession[r]];
      row.records++;
      const t = reportTime(basis, fileIndex, index, r);
      if (!Number.isNaN(t)) {
        // Records come mostly in time order: the hour's row is looked up only when the hour changes.
        if (!(t >= hourStart && t < hourStart + HOUR_MS)) {
          hourStart = Math.floor(t / HOUR_MS) * HOUR_MS;
          const label = hourLabel(hourStart, dated);
          hourRow = hours.get(label);
          if (!hourRow) hours.set(label, (hourRow = { hour: label, ...emptySeverities() }));
        }
        hourRow![severity]++;
      }
      const problem = index.problemSeverity(r);
      if (problem !== 255) {
        row.problems++;
        const message = problemMessage(index, r);
        const group = problems.get(message);
        if (group) group.count++;
        else {
          const at = placeOf(files[fileIndex], r);
          problems.set(message, { message, count: 1, fileIndex, file: at.file, firstLine: at.line, severity: problem <= 1 ? 'error' : 'warning' });
        }
      }
      counter.add(index, r, file, row.component);
      if ((r & (STEP - 1)) === STEP - 1) yield;
    }
  }
  const topProblems = [...problems.values()].sort((a, b) => b.count - a.count).slice(0, TOP_PROBLEMS);
  return {
    files: files.map((f) => f.file),
    dialects,
    records,
    sessions,
    bySeverity,
    byComponent: [...components.values()].sort((a, b) => b.records - a.records || a.component.localeCompare(b.component)),
    perHour: [...hours.values()].sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0)),
    topProblems,
    utc,
    byDialect,
  };
}

/** A problem record's first line, from its body on, masked so that like problems group together. */
export function problemMessage(index: LogIndex, r: number): string {
  const line = index.headerLine(r);
  const text = line.slice(Math.min(line.length, textColumn(line, index.recBodyCol[r])));
  return maskText(text.length > MESSAGE_MAX ? text.slice(0, MESSAGE_MAX) : text).trim();
}

/**
 * Masks what differs between like records: e-mail addresses, IP addresses (with ports), long
 * hexadecimal or mixed ids, and numbers (`IMAP-437425([1.2.3.4]) read failed` →
 * `IMAP-#([<ip>]) read failed`).
 */
export function maskText(text: string): string {
  return text
    .replace(/<?[\w.+-]+@[\w-]+(?:\.[\w-]+)+>?/g, '<address>')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/g, '<ip>')
    .replace(/\b[0-9a-fA-F]*:[0-9a-fA-F:]*:[0-9a-fA-F:]+\b/g, '<ip>')
    .replace(/\b(?=[0-9A-Za-z]*\d)(?=[0-9A-Za-z]*[A-Za-z])[0-9A-Za-z]{8,}\b/g, '<id>')
    .replace(/\d+(?:[.,]\d+)*/g, '#');
}
