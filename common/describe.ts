// How counts are described to users, the same way by the server, the command line and the client
// (durations and written times: time.ts).

/** `1 record`, `3 records`, `2 mailboxes` (with `many`); counts of 1000 and more grouped when `grouped`. */
export function plural(n: number, one: string, many = `${one}s`, grouped = false): string {
  return `${grouped ? n.toLocaleString('en-US') : String(n)} ${n === 1 ? one : many}`;
}

/** `1 problem`, `4 problems`. */
export function problems(n: number): string {
  return plural(n, 'problem');
}

/** Leading dates of the shapes the dialects write: `2026-01-15 `, `15/Jan/2026:`, `Jan 15 `, `15/01/2026 `. */
export const LEADING_DATE = /^(?:\d{4}-\d{2}-\d{2}[ T]|\d{2}\/[A-Za-z]{3}\/\d{4}:|\d{2}\/\d{2}\/\d{4} |[A-Z][a-z]{2} {1,2}\d{1,2} )/;

/**
 * `00:06:23.261 – 00:06:23.282` (times as written), or one time when both ends are the same; a date
 * both ends share is written once (`2026-01-15 17:02:51.903 – 17:10:02.447`). Callers pass earliest first.
 */
export function timeRange(start: string, end: string): string {
  if (!start && !end) return '';
  if (start === end || !end) return start;
  const date = LEADING_DATE.exec(start)?.[0];
  return date !== undefined && end.startsWith(date) ? `${start} – ${end.slice(date.length)}` : `${start} – ${end}`;
}

/** What describes a session in a line: its time range, records and problems. */
export interface SessionFigures {
  start: string;
  end: string;
  records: number;
  problems: number;
}

/** `12:39:08.978 – 12:39:09.042 · 3 records · 1 problem` (plain text: outline details and tree items). */
export function sessionDescription(s: SessionFigures): string {
  const parts = [timeRange(s.start, s.end), plural(s.records, 'record')];
  if (s.problems > 0) parts.push(problems(s.problems));
  return parts.filter(Boolean).join(' · ');
}
