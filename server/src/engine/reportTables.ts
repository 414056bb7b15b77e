// A report as titled tables, the one description that the text, HTML and editor views all render.
// Each row may carry a filter that finds its records (the editor opens it on click).
import type { LogReport } from './report';
import { dialectTables, escapeRegex } from './reportDialects';
import { SEVERITY_NAMES } from './types';
import type { DialectId } from './types';
import type { ReportTable } from '../../../common/pictureTypes';

// The tables' shape is the editor's too: one definition, in common/ (the client reads it from the protocol).
export type { ReportRow, ReportRowFilter, ReportTable } from '../../../common/pictureTypes';

/** A regular expression that matches the records a masked problem message groups (report.ts maskText). */
export function problemRegex(message: string): string {
  return message
    .split(/(<address>|<ip>|<id>|#)/)
    .map((part) => {
      switch (part) {
        case '<address>':
          return '<?[\\w.+-]+@[\\w.-]+>?';
        case '<ip>':
          return '[0-9A-Fa-f.:]+';
        case '<id>':
          return '[0-9A-Za-z]+';
        case '#':
          return '\\d+(?:[.,]\\d+)*';
        default:
          return escapeRegex(part);
      }
    })
    .join('');
}

export function reportTables(report: LogReport): ReportTable[] {
  const tables: ReportTable[] = [
    {
      id: 'severities',
      title: 'Records by severity',
      columns: ['severity', 'records'],
      rows: SEVERITY_NAMES.map((s) => ({ cells: [s, report.bySeverity[s]] })),
    },
    {
      id: 'components',
      title: 'Components',
      columns: ['component', 'records', 'sessions', 'problems'],
      rows: report.byComponent.map((c) => ({ cells: [c.component, c.records, c.sessions, c.problems] })),
    },
    {
      id: 'problems',
      title: `Top problems (${report.topProblems.length})`,
      columns: ['count', 'problem', 'first'],
      rows: report.topProblems.map((p) => ({
        cells: [p.count, p.message, `${report.files.length > 1 ? `${p.file}:` : 'line '}${p.firstLine + 1}`],
        filter: { regex: problemRegex(p.message) },
        fileIndex: p.fileIndex,
        line: p.firstLine,
      })),
    },
  ];
  // Each dialect's own tables come with its counter (reportDialects.ts).
  for (const [id, counts] of Object.entries(report.byDialect)) if (counts) tables.push(...dialectTables(id as DialectId, counts));
  return tables;
}
