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
  const [a, b] = index.descending ? [last, first] : [first, last];
  const start = index.timestampText(a);
  const end = index.timestampText(b);
  return start === end ? start : `${start} – ${end}`;
}

export function documentSymbols(index: LogIndex, maxSymbols = MAX_OUTLINE_SYMBOLS): DocumentSymbol[] {
  const n = index.recordCount;
  // How many stretches each session is written in, for `part k/K`.
  const parts = new Uint32Array(index.sessionCount);
  const recSession = index.recSession;
  for (let r = 0, previous = -1; r < n; r++) {
    const s = recSession[r];
    if (s !== previous) parts[s]++;
    previous = s;
  }
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
    let last = r;
    let problems = index.isProblem(r) ? 1 : 0;
    while (last + 1 < n && index.recSession[last + 1] === s) {
      last++;
      if (index.isProblem(last)) problems++;
    }
    const name = index.componentOf(s);
    const newComponent = !component || name !== componentName;
    if (shown + (newComponent ? 2 : 1) > maxSymbols) {
      out.push(moreSymbol(index, r));
      break;
    }
    shown += newComponent ? 2 : 1;
    const range = stretchRange(index, r, last);
    if (newComponent || !component) {
      finishComponent(component, componentSessions);
      component = { name, kind: SymbolKind.Module, range, selectionRange: headerRange(index, r), children: [] };
      componentName = name;
      componentSessions = new Set();
      out.push(component);
    } else {
      component.range = { start: component.range.start, end: range.end };
    }
    componentSessions.add(s);
    const records = last - r + 1;
    const part = ++seenParts[s];
    const from = seenRecords[s] + 1;
    seenRecords[s] += records;
    const total = index.sessionRecordCount[s];
    const detail = [timeSpan(index, r, last)];
    if (parts[s] === 1) detail.push(plural(total, 'record'));
    else detail.push(`part ${part}/${parts[s]}`, records === 1 ? `record ${from} of ${total}` : `records ${from}–${from + records - 1} of ${total}`);
    if (problems > 0) detail.push(plural(problems, 'problem'));
    const dialog = index.sessionDialog.get(s);
    if (dialog !== undefined) detail.push(`dialog ${dialog}`);
    const children = connectionSymbols(index, r, last);
    component.children!.push({
      name: index.sessionKey(s),
      detail: detail.filter((d) => d !== '').join(' · '),
      kind: SymbolKind.Event,
      range,
      selectionRange: headerRange(index, r),
      ...(children.length > 0 ? { children } : {}),
    });
    r = last + 1;
  }
  finishComponent(component, componentSessions);
  return out;
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
