// The tables of PrivateServer's web console as text: which tables there are, how a header row names
// their columns, how a row splits into cells (TABs, or commas with quotes and thousands groups) and
// how a time cell reads. The parser's byte path (privateServer.ts) reads the common rows without them.
import { DAY_MS, daysFromCivil, ZONE_ABBREVIATIONS } from '../time';

/** How a rule tells a problem row: its first cell equals the first word, starts with it, or equals it while the second cell contains the second word. */
export const ProblemShape = { None: 0, Equals: 1, StartsWith: 2, EqualsAndContains: 3 } as const;

/**
 * Which rows of a table are warning events, as data: the text path (isProblemRow), the parser's byte
 * path and the WebAssembly scan (server/assembly/privateServerScan.ts) all read it.
 */
export interface ProblemRule {
  readonly shape: (typeof ProblemShape)[keyof typeof ProblemShape];
  /** The cells compared (column names): the first, and for EqualsAndContains the second. */
  readonly columns: readonly string[];
  /** The words they are compared with, in the same order (ASCII). */
  readonly words: readonly string[];
}

export interface TableKind {
  component: string;
  /** Columns (normalised) that identify the header row. */
  signature: string[];
  time: string;
  key: string;
  /** Classifies a row: a warning event or nothing. */
  problem: ProblemRule;
}

export const TABLES: TableKind[] = [
  {
    component: 'SIP sessions',
    signature: ['timestamp', 'event', 'peername'],
    time: 'timestamp',
    key: 'peername',
    problem: { shape: ProblemShape.EqualsAndContains, columns: ['event', 'details'], words: ['DISCONNECT', 'NETWORK_ERROR'] },
  },
  {
    component: 'Registered accounts',
    signature: ['id', 'username'],
    time: 'registration expires',
    key: 'username',
    problem: { shape: ProblemShape.None, columns: [], words: [] },
  },
  {
    component: 'Authentication events',
    signature: ['date created', 'event type', 'principal'],
    time: 'date created',
    key: 'principal',
    problem: { shape: ProblemShape.StartsWith, columns: ['event type'], words: ['FAIL'] },
  },
  {
    component: 'CDR',
    signature: ['call date', 'src', 'disposition'],
    time: 'call date',
    key: 'src',
    problem: { shape: ProblemShape.Equals, columns: ['disposition'], words: ['FAILED'] },
  },
];
/** Whether a row is a problem by `rule`, `cell` giving a column's trimmed cell ('' when the row has none). */
export function isProblemRow(rule: ProblemRule, cell: (name: string) => string): boolean {
  switch (rule.shape) {
    case ProblemShape.Equals:
      return cell(rule.columns[0]) === rule.words[0];
    case ProblemShape.StartsWith:
      return cell(rule.columns[0]).startsWith(rule.words[0]);
    case ProblemShape.EqualsAndContains:
      return cell(rule.columns[0]) === rule.words[0] && cell(rule.columns[1]).includes(rule.words[1]);
    default:
      return false;
  }
}

export const TITLES = ['SessionLogEntry List', 'Registered Accounts', 'AuthenticationEvent List', 'Cdr List'];
const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: ?([A-Z]{1,5}|[+-]\d{2}:?\d{2}))?$/;

/** Header cell → column name: sort glyphs and blanks dropped, lower case. */
export function columnName(cell: string): string {
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
