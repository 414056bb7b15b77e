// Outline and breadcrumbs: the log's records in file order, as runs of one component holding runs of
// one session. Sessions interleave (an SMTP record between two SIGNAL records), and VS Code finds the
// breadcrumb of a position, and the owner of a problem badge, by taking the first symbol whose range
// contains it: a symbol spanning a session's first to last record would claim the records of every
// session in between. So each symbol covers only consecutive records of its own: a session written in
// three stretches is three symbols with its key (`part 2/3`), and the session under the cursor, and
// the session a problem belongs to, are always the right ones. The Sessions view lists whole sessions.
import type { DocumentSymbol, Range } from 'vscode-languageserver';
import { SymbolKind } from 'vscode-languageserver';
import { plural } from '../../../common/describe';
import type { LogIndex } from '../engine';
import { headerRange, spanRange } from './ranges';

/**
 * Symbols beyond this many (component and session stretches) are left out of the outline (a final
 * entry says from where on): a 50 MB log holds hundreds of thousands of stretches, far more than an
 * outline can show, and each costs its share of the answer's JSON.
 */
export const MAX_OUTLINE_SYMBOLS = 10_000;

/** Earliest – latest of two written times of one stretch (a descending table writes the latest first). */
function timeSpan(index: LogIndex, first: number, last: number): string {
  if (first === last) return index.timestampText(first);
  const [a, b] = index.descending ? [last, first] : [first, last];
  const start = index.timestampText(a);
  const end = index.timestampText(b);
  return start === end ? start : `${start} – ${end}`;
}

export function documentSymbols(index: LogIndex, maxSymbols = MAX_OUTLINE_SYMBOLS): DocumentSymbol[] {
  const n = index.recordCount;
  // How many stretches each session is written in, for `part k/K`.
  const parts = stretchCounts(index.recSession, n, index.sessionCount);
  const seenParts = new Uint32Array(index.sessionCount);
  const seenRecords = new Uint32Array(index.sessionCount);
  const out: DocumentSymbol[] = [];
  let component: DocumentSymbol | undefined;
  let componentName = '';
  let componentSessions = new Set<number>();
  let shown = 0;
  let r = 0;
  while (r < n) {
    const s = index.recSession[r];
    const last = stretchEnd(index.recSession, r, n);
    const name = index.componentOf(s);
    const newComponent = !component || name !== componentName;
    if (shown + (newComponent ? 2 : 1) > maxSymbols) {
      out.push(moreSymbol(index, r));
      break;
    }
    shown += newComponent ? 2 : 1;
    const records = last - r + 1;
    const part = ++seenParts[s];
    const from = seenRecords[s] + 1;
    seenRecords[s] += records;
    const symbol = stretchSymbol(index, r, last, part, parts[s], from);
    if (newComponent || !component) {
      finishComponent(component, componentSessions);
      component = { name, kind: SymbolKind.Module, range: symbol.range, selectionRange: symbol.selectionRange, children: [] };
      componentName = name;
      componentSessions = new Set();
      out.push(component);
    } else {
      component.range = { start: component.range.start, end: symbol.range.end };
    }
    componentSessions.add(s);
    component.children!.push(symbol);
    r = last + 1;
  }
  finishComponent(component, componentSessions);
  return out;
}

/** The last record of the stretch of consecutive records of one session that starts at `first`. */
function stretchEnd(recSession: Uint32Array, first: number, records: number): number {
  const s = recSession[first];
  let last = first;
  while (last + 1 < records && recSession[last + 1] === s) last++;
  return last;
}

/**
 * The symbol of the stretch `first`–`last` of one session: its `part` of `parts`, starting at the
 * session's record `from` (1-based). Functions this size are optimised by V8 after a few calls, where
 * the loop that calls them would still run unoptimised on a server's first outline.
 */
function stretchSymbol(index: LogIndex, first: number, last: number, part: number, parts: number, from: number): DocumentSymbol {
  const s = index.recSession[first];
  let problems = 0;
  for (let r = first; r <= last; r++) if (index.isProblem(r)) problems++;
  const records = last - first + 1;
  const total = index.sessionRecordCount[s];
  const detail = [timeSpan(index, first, last)];
  if (parts === 1) detail.push(plural(total, 'record'));
  else detail.push(`part ${part}/${parts}`, records === 1 ? `record ${from} of ${total}` : `records ${from}–${from + records - 1} of ${total}`);
  if (problems > 0) detail.push(plural(problems, 'problem'));
  const dialog = index.sessionDialog.get(s);
  if (dialog !== undefined) detail.push(`dialog ${dialog}`);
  const children = connectionSymbols(index, first, last);
  const selectionRange = headerRange(index, first);
  // A stretch of one line is its first line (most stretches: one record, no continuation): the same
  // range object, three fewer made per symbol (the answer's JSON is the same).
  const range = index.endLineOf(last) === selectionRange.start.line ? selectionRange : stretchRange(index, first, last);
  return {
    name: index.sessionKey(s),
    detail: detail.filter((d) => d !== '').join(' · '),
    kind: SymbolKind.Event,
    range,
    selectionRange,
    ...(children.length > 0 ? { children } : {}),
  };
}

/**
 * How many stretches of consecutive records each session is written in. A function of its own: inside
 * documentSymbols this loop over every record ran several times slower on a server's first outline
 * (V8 optimises a small function's hot loop sooner than a large one's).
 */
function stretchCounts(recSession: Uint32Array, records: number, sessions: number): Uint32Array {
  const parts = new Uint32Array(sessions);
  for (let r = 0, previous = -1; r < records; r++) {
    const s = recSession[r];
    if (s !== previous) parts[s]++;
    previous = s;
  }
  return parts;
}

/**
 * Inside a stretch of a session that serves many client connections (a Messaging Server process),
 * each stretch of records naming one `[ip:port]` (with the account it names, if any), so that the
 * breadcrumb shows the connection of the record under the cursor.
 */
function connectionSymbols(index: LogIndex, first: number, last: number): DocumentSymbol[] {
  const connectionOf = index.dialect.connectionOf;
  if (!connectionOf) return [];
  const out: DocumentSymbol[] = [];
  let r = first;
  while (r <= last) {
    const line = index.headerLine(r);
    const connection = connectionOf(line);
    let end = r;
    while (end < last && connectionOf(index.headerLine(end + 1)) === connection) end++;
    if (connection !== undefined) {
      const user = /^\s+([^\s[\]]+)/.exec(line.slice(line.indexOf(connection) + connection.length))?.[1];
      out.push({
        name: user && !/^(plaintext|SASL)$/.test(user) ? `${connection} ${user}` : connection,
        detail: `${timeSpan(index, r, end)} · ${plural(end - r + 1, 'record')}`,
        kind: SymbolKind.Field,
        range: stretchRange(index, r, end),
        selectionRange: headerRange(index, r),
      });
    }
    r = end + 1;
  }
  return out;
}

/** From the first line of record `first` to the end of record `last` (continuation lines included). */
function stretchRange(index: LogIndex, first: number, last: number): Range {
  return spanRange(index, index.recStartLine[first], index.endLineOf(last), index.recStartOffset[first], index.endOffsetOf(last));
}

function finishComponent(component: DocumentSymbol | undefined, sessions: Set<number>): void {
  if (component) component.detail = plural(sessions.size, 'session');
}

/** The last entry of a capped outline: where it stops. */
function moreSymbol(index: LogIndex, r: number): DocumentSymbol {
  const at = headerRange(index, r);
  return { name: `… the outline stops at line ${index.recStartLine[r] + 1}`, detail: `${index.sessionCount} sessions in all: see the Sessions view`, kind: SymbolKind.Null, range: at, selectionRange: at };
}
