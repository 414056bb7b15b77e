// PrivateServer web-console tables (TAB or comma separated): SIP sessions, registered accounts,
// authentication events and CDRs, each with an optional title line and a header row.
import { DAY_MS, daysFromCivil, ZONE_ABBREVIATIONS } from '../time';
import type { Dialect, HeaderScratch, LineParser } from '../types';
import { RecordFlag, Severity } from '../types';

interface TableKind {
  component: string;
  /** Columns (normalised) that identify the header row. */
  signature: string[];
  time: string;
  key: string;
  /** Classifies a row: a warning event or nothing. */
  problem(cell: (name: string) => string): boolean;
}

const TABLES: TableKind[] = [
  {
    component: 'SIP sessions',
    signature: ['timestamp', 'event', 'peername'],
    time: 'timestamp',
    key: 'peername',
    problem: (c) => c('event') === 'DISCONNECT' && c('details').includes('NETWORK_ERROR'),
  },
  {
    component: 'Registered accounts',
    signature: ['id', 'username'],
    time: 'registration expires',
    key: 'username',
    problem: () => false,
  },
  {
    component: 'Authentication events',
    signature: ['date created', 'event type', 'principal'],
    time: 'date created',
    key: 'principal',
    problem: (c) => c('event type').startsWith('FAIL'),
  },
  {
    component: 'CDR',
    signature: ['call date', 'src', 'disposition'],
    time: 'call date',
    key: 'src',
    problem: (c) => c('disposition') === 'FAILED',
  },
];
const TITLES = ['SessionLogEntry List', 'Registered Accounts', 'AuthenticationEvent List', 'Cdr List'];
const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: ?([A-Z]{1,5}|[+-]\d{2}:?\d{2}))?$/;

/** Header cell → column name: sort glyphs and blanks dropped, lower case. */
function columnName(cell: string): string {
  return cell.replace(/[▼▲↓↑⇩⇧]/g, '').trim().toLowerCase();
}

/** Splits a row; comma rows honour quotes and re-join thousands groups (`3,169`) to fit `expected` columns. */
export function splitRow(line: string, expected = 0): string[] {
  if (line.includes('\t')) return line.split('\t');
  const cells: string[] = [];
  const quoted: boolean[] = [];
  let cur = '';
  let inQuotes = false;
  let wasQuoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQuotes) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') {
      inQuotes = wasQuoted = true;
    } else if (ch === ',') {
      cells.push(cur);
      quoted.push(wasQuoted);
      cur = '';
      wasQuoted = false;
    } else cur += ch;
  }
  cells.push(cur);
  quoted.push(wasQuoted);
  for (let i = cells.length - 2; expected > 0 && cells.length > expected && i >= 0; i--) {
    if (!quoted[i] && !quoted[i + 1] && /^\d{1,3}(?:,\d{3})*$/.test(cells[i]) && /^\d{3}$/.test(cells[i + 1])) {
      cells.splice(i, 2, `${cells[i]},${cells[i + 1]}`);
      quoted.splice(i, 1);
    }
  }
  return cells;
}

/** A number that may carry thousands separators (`3,169` → 3169), or NaN. */
export function parseGroupedNumber(text: string): number {
  const t = text.trim();
  return /^-?\d{1,3}(?:,\d{3})+$|^-?\d+$/.test(t) ? Number(t.replace(/,/g, '')) : NaN;
}

/** Parses a table time cell into wall ms and a zone offset (minutes, NaN when none). */
export function parseCellTime(cell: string): { wall: number; offsetMin: number } | undefined {
  const m = TIME.exec(cell.trim());
  if (!m) return undefined;
  const wall =
    daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) * DAY_MS +
    ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1000 +
    (m[7] ? Number(m[7].padEnd(6, '0')) / 1000 : 0);
  let offsetMin = NaN;
  if (m[8]) {
    const z = m[8];
    if (z[0] === '+' || z[0] === '-') {
      const digitsOnly = z.replace(':', '');
      offsetMin = (z[0] === '-' ? -1 : 1) * (Number(digitsOnly.slice(1, 3)) * 60 + Number(digitsOnly.slice(3, 5)));
    } else {
      offsetMin = ZONE_ABBREVIATIONS[z] ?? NaN;
    }
  }
  return { wall, offsetMin };
}

class PrivateServerParser implements LineParser {
  private table: TableKind | undefined;
  private columns: string[] = [];
  private readonly components = new Map<string, string>();

  header(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean {
    const line = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
    const trimmed = line.trim();
    if (trimmed === '') return false;
    if (TITLES.includes(trimmed)) {
      this.table = undefined;
      return false;
    }
    // A header row names every column of a table's signature: most lines (data rows) name none, and
    // are told apart by one look at the line instead of splitting it into cells.
    const plain = columnName(line);
    const maybeHeader = TABLES.some((t) => t.signature.every((c) => plain.includes(c)));
    const names = maybeHeader ? splitRow(line).map(columnName) : [];
    const kind = maybeHeader ? TABLES.find((t) => t.signature.every((c) => names.includes(c))) : undefined;
    if (kind) {
      this.table = kind;
      this.columns = names;
      return false;
    }
    const table = this.table;
    if (!table) return false;
    const cells = splitRow(line, this.columns.length);
    const cell = (name: string): string => (cells[this.columns.indexOf(name)] ?? '').trim();
    if (cells.length !== this.columns.length) h.flags |= RecordFlag.Malformed;
    const timeCol = this.columns.indexOf(table.time);
    const time = parseCellTime(cells[timeCol] ?? '');
    if (time) {
      h.wall = time.wall;
      h.offsetMin = time.offsetMin;
    }
    if (table.problem(cell)) {
      h.severity = Severity.Warning;
      h.flags |= RecordFlag.EventError;
    }
    const key = cell(table.key) || '(none)';
    h.setKeyText(key);
    this.components.set(key, table.component);
    // The body is the row after its timestamp when the timestamp leads the row, else the whole row.
    if (timeCol === 0) {
      const sep = line.search(/[\t,]/);
      h.bodyCol = sep < 0 ? 0 : Buffer.byteLength(line.slice(0, sep + 1));
    }
    return true;
  }

  componentOf(key: string): string | undefined {
    return this.components.get(key);
  }
}

export const privateServer: Dialect = {
  id: 'privateserver-log',
  name: 'PrivateServer',
  mayDescend: true,
  createParser: () => new PrivateServerParser(),
  componentOf: () => 'PrivateServer',
  levelName: () => '',
  timestampText(line) {
    for (const cell of splitRow(line)) if (parseCellTime(cell)) return cell.trim();
    return '';
  },
  malformedMessage: 'Malformed: this row does not have as many columns as the header row',
  fileNameScore: (name) => (/\.(tsv|csv)$/i.test(name) || /privateserver|psum|cdr/i.test(name) ? 1 : 0),
};
