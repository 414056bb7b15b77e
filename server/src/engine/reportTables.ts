// A report as titled tables, the one description that the text, HTML and editor views all render.
// Each row may carry a filter that finds its records (the editor opens it on click).
import type { LogReport } from './report';
import type { CommunigateCounts, EmgCounts, NamedCount, PrivateServerCounts, ServiceCounts } from './reportDialects';
import { SEVERITY_NAMES } from './types';

export interface RowFilter {
  /** A regular expression (FORMATS §5) or a plain text. */
  regex?: string;
  text?: string;
}

export interface ReportRow {
  cells: (string | number)[];
  /** Records of this row, as a filter; absent when no filter finds them. */
  filter?: RowFilter;
  /** Where the row's first record is (top problems). */
  fileIndex?: number;
  line?: number;
}

export interface ReportTable {
  /** Stable name (`components`, `communigate-log.logins`). */
  id: string;
  title: string;
  columns: string[];
  rows: ReportRow[];
}

const DIALECT_NAMES: Record<string, string> = {
  'communigate-log': 'CommuniGate Pro',
  'emg-log': 'EMG',
  'axigen-log': 'Axigen',
  'messaging-server-log': 'Messaging Server',
  'privateserver-log': 'PrivateServer',
};

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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

function named(id: string, title: string, what: string, rows: NamedCount[], filter?: (name: string) => RowFilter): ReportTable {
  return { id, title, columns: [what, 'count'], rows: rows.map((r) => ({ cells: [r.name, r.count], ...(filter ? { filter: filter(r.name) } : {}) })) };
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
  for (const [id, counts] of Object.entries(report.byDialect)) {
    const name = DIALECT_NAMES[id] ?? id;
    if (id === 'communigate-log') {
      const c = counts as CommunigateCounts;
      tables.push(
        { id: `${id}.logins`, title: `${name}: logins per account`, columns: ['account', 'logins', 'failed'], rows: c.logins.map((l) => ({ cells: [l.account, l.logins, l.failures], filter: { regex: `\\t(?:login|failure)\\t${escapeRegex(l.account)}\\t` } })) },
        named(`${id}.deliveries`, `${name}: deliveries by state`, 'state', c.deliveries, (s) => ({ regex: `^01\\t${escapeRegex(s)}\\t` })),
        named(`${id}.recipientDomains`, `${name}: top recipient domains`, 'domain', c.recipientDomains, (d) => ({ text: `@${d}` })),
        named(`${id}.sipRequests`, `${name}: SIP requests by method`, 'method', c.sipRequests, (m) => ({ regex: `^SIPDATA-\\d+ (?:inp|out): req \\S+ \\S+ ${escapeRegex(m)}\\(` })),
        named(`${id}.sipResponses`, `${name}: SIP responses by class`, 'class', c.sipResponses, (k) => ({ regex: `^SIPDATA-\\d+ (?:inp|out): rsp \\S+ \\S+ ${k[0]}\\d\\d-` })),
      );
    } else if (id === 'emg-log') {
      const c = counts as EmgCounts;
      tables.push(
        {
          id: `${id}.connectors`,
          title: `${name}: RECEIVE and SEND per connector`,
          columns: ['connector (instance)', 'RECEIVE OK', 'RECEIVE ERR', 'SEND OK', 'SEND ERR'],
          rows: c.connectors.map((k) => ({ cells: [k.connector, k.receiveOk, k.receiveErr, k.sendOk, k.sendErr], filter: { text: `(${/\(([^()]*)\)$/.exec(k.connector)?.[1] ?? ''}) ` } })),
        },
        named(`${id}.errorCodes`, `${name}: errors`, 'event and info', c.errorCodes, (e) => ({ regex: `${escapeRegex(e.split(' ')[0])} ERR\\b.*${escapeRegex(e.slice(e.indexOf(' ') + 1))}` })),
      );
    } else if (id === 'axigen-log' || id === 'messaging-server-log') {
      const c = counts as ServiceCounts;
      const what = id === 'axigen-log' ? 'service' : 'process';
      tables.push({ id: `${id}.services`, title: `${name}: records per ${what}`, columns: [what, 'records', 'problems'], rows: c.services.map((s) => ({ cells: [s.service, s.records, s.problems], filter: { text: id === 'axigen-log' ? ` ${s.service}:` : `${s.service}[` } })) });
      if (c.categories) tables.push(named(`${id}.categories`, `${name}: records per category`, 'category', c.categories, (k) => ({ regex: `\\]: ${escapeRegex(k)} [A-Za-z]+:` })));
    } else if (id === 'privateserver-log') {
      const c = counts as PrivateServerCounts;
      tables.push(
        named(`${id}.dispositions`, `${name}: CDR dispositions`, 'disposition', c.dispositions, (d) => ({ regex: `[,\\t]${escapeRegex(d)}\\s*$` })),
        { id: `${id}.durations`, title: `${name}: call durations per source`, columns: ['source', 'calls', 'seconds'], rows: c.durations.map((d) => ({ cells: [d.source, d.calls, d.seconds] })) },
        named(`${id}.authFailures`, `${name}: authentication failures per principal`, 'principal', c.authFailures, (p) => ({ regex: `FAIL_\\w*[,\\t]${escapeRegex(p)}[,\\t]` })),
      );
    }
  }
  return tables;
}
