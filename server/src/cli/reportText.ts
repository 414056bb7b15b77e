// `msglog report` as plain text: a heading, then each table with aligned columns.
import { reportTables, SEVERITY_NAMES } from '../engine';
import type { LogReport } from '../engine';

/** Longest text printed in one cell (problem messages). */
const CELL_MAX = 100;
/** Rows printed per table (the JSON has them all). */
const ROWS_MAX = 30;

export function reportText(report: LogReport): string {
  const out: string[] = [];
  out.push(`${report.files.join(', ')}: ${report.dialects.join(', ')}`);
  out.push(`${report.records} records, ${report.sessions} sessions${report.utc ? ' (times in UTC: the logs write different offsets)' : ''}`);
  for (const table of reportTables(report)) {
    if (table.rows.length === 0) continue;
    out.push('', table.title);
    const rows = table.rows.slice(0, ROWS_MAX).map((r) => r.cells.map((c) => cell(c)));
    out.push(...aligned([table.columns, ...rows]));
    if (table.rows.length > ROWS_MAX) out.push(`  … ${table.rows.length - ROWS_MAX} more (see --json)`);
  }
  if (report.perHour.length > 0) {
    out.push('', 'Records per hour');
    out.push(...aligned([['hour', ...SEVERITY_NAMES], ...report.perHour.map((h) => [h.hour, ...SEVERITY_NAMES.map((s) => String(h[s]))])]));
  }
  return `${out.join('\n')}\n`;
}

function cell(value: string | number): string {
  const text = String(value);
  return text.length > CELL_MAX ? `${text.slice(0, CELL_MAX - 1)}…` : text;
}

/** Rows as lines: numbers right-aligned, text left-aligned (the last column's text unpadded). */
function aligned(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((row) =>
    `  ${row
      .map((c, i) => (/^\d+$/.test(c) ? c.padStart(widths[i]) : i === row.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')}`.trimEnd(),
  );
}
