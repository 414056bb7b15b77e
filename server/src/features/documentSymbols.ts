// Outline and breadcrumbs: the log's records in file order, as runs of one component holding runs of
// one session. Sessions interleave (an SMTP record between two SIGNAL records), and VS Code finds the
// breadcrumb of a position, and the owner of a problem badge, by taking the first symbol whose range
// contains it: a symbol spanning a session's first to last record would claim the records of every
// session in between. So each symbol covers only consecutive records of its own: a session written in
// three stretches is three symbols with its key (`part 2/3`), and the session under the cursor, and
// the session a problem belongs to, are always the right ones. The Sessions view lists whole sessions.
import type { DocumentSymbol, Position, Range } from 'vscode-languageserver';
import { SymbolKind } from 'vscode-languageserver';
import { plural } from '../../../common/describe';
import type { LogIndex } from '../engine';
import { headerRange, spanRange } from './ranges';
import { JsonBytes } from './jsonBytes';
import type { EncodedJson } from '../transport/encodedJson';

/**
 * Symbols beyond this many (component and session stretches) are left out of the outline (a final
 * entry says from where on): a 50 MB log holds hundreds of thousands of stretches, far more than an
 * outline can show, and each costs its share of the answer's JSON.
 */
export const MAX_OUTLINE_SYMBOLS = 10_000;

/** About the JSON of one symbol of a CommuniGate log: its name, detail, kind and two ranges. */
const SYMBOL_BYTES = 256;

/** Earliest – latest of two written times of one stretch (a descending table writes the latest first). */
function timeSpan(index: LogIndex, first: number, last: number): string {
  if (first === last) return index.timestampText(first);
  const [a, b] = index.descending ? [last, first] : [first, last];
  const start = index.timestampText(a);
  const end = index.timestampText(b);
  return start === end ? start : `${start} – ${end}`;
}

/** The outline of `index` (the JSON of documentSymbolsJson, read back: for tests and callers that want objects). */
export function documentSymbols(index: LogIndex, maxSymbols = MAX_OUTLINE_SYMBOLS): DocumentSymbol[] {
  return documentSymbolsJson(index, maxSymbols).toJSON();
}

/**
 * The outline of `index` as JSON, written as it is walked (jsonBytes.ts): components (`kind` Module)
 * holding the stretches of their sessions. A component's members come in the order they are known:
 * its range and its count of sessions after its children.
 */
export function documentSymbolsJson(index: LogIndex, maxSymbols = MAX_OUTLINE_SYMBOLS): EncodedJson<DocumentSymbol[]> {
  const n = index.recordCount;
  // How many stretches each session is written in, for `part k/K`.
  const parts = stretchCounts(index.recSession, n, index.sessionCount);
  const seenParts = new Uint32Array(index.sessionCount);
  const seenRecords = new Uint32Array(index.sessionCount);
  // Room for about as many symbols as will be written: a buffer grown and copied on the way cost more
  // than writing (new memory is slow to touch on some hosts).
  const out = new JsonBytes(Math.min(maxSymbols, n) * SYMBOL_BYTES + 1024).raw('[');
  const component: OpenComponent = { name: undefined, start: undefined, end: undefined, sessions: new Set<number>() };
  let shown = 0;
  let r = 0;
  while (r < n) {
    const s = index.recSession[r];
    const last = stretchEnd(index.recSession, r, n);
    const name = index.componentOf(s);
    const newComponent = component.name !== name;
    if (shown + (newComponent ? 2 : 1) > maxSymbols) {
      closeComponent(out, component);
      if (shown > 0) out.raw(',');
      writeMoreSymbol(out, index, r);
      break;
    }
    shown += newComponent ? 2 : 1;
    const records = last - r + 1;
    const part = ++seenParts[s];
    const from = seenRecords[s] + 1;
    seenRecords[s] += records;
    const symbol = stretchSymbol(index, r, last, part, parts[s], from);
    if (newComponent) {
      const first = component.name === undefined;
      closeComponent(out, component);
      if (!first) out.raw(',');
      out.raw('{').member('name').string(name).raw(`,"kind":${SymbolKind.Module},`).member('selectionRange').range(symbol.selectionRange).raw(',"children":[');
      component.name = name;
      component.start = symbol.range.start;
      component.sessions = new Set();
    } else out.raw(',');
    component.end = symbol.range.end;
    component.sessions.add(s);
    writeSymbol(out, symbol);
    r = last + 1;
  }
  if (r >= n) closeComponent(out, component);
  return out.raw(']').done();
}

/** The component whose children are being written. */
interface OpenComponent {
  name: string | undefined;
  start: Position | undefined;
  end: Position | undefined;
  sessions: Set<number>;
}

/** Ends the open component (if any): its children, then its range and its count of sessions. */
function closeComponent(out: JsonBytes, component: OpenComponent): void {
  if (component.name === undefined || component.start === undefined || component.end === undefined) return;
  out.raw('],').member('range').range({ start: component.start, end: component.end }).raw(',').member('detail').string(plural(component.sessions.size, 'session')).raw('}');
  component.name = undefined;
}

function writeSymbol(out: JsonBytes, symbol: StretchSymbol): void {
  out.raw('{').member('name').string(symbol.name).raw(',').member('detail').string(symbol.detail).raw(`,"kind":${SymbolKind.Event},`);
  out.member('range').range(symbol.range).raw(',').member('selectionRange').range(symbol.selectionRange);
  if (symbol.children.length > 0) out.raw(',').member('children').value(symbol.children);
  out.raw('}');
}

/** The last record of the stretch of consecutive records of one session that starts at `first`. */
function stretchEnd(recSession: Uint32Array, first: number, records: number): number {
  const s = recSession[first];
  let last = first;
  while (last + 1 < records && recSession[last + 1] === s) last++;
  return last;
}

/** A stretch's symbol, before it is written. */
interface StretchSymbol {
  name: string;
  detail: string;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbol[];
}

/**
 * The symbol of the stretch `first`–`last` of one session: its `part` of `parts`, starting at the
 * session's record `from` (1-based). Functions this size are optimised by V8 after a few calls, where
 * the loop that calls them would still run unoptimised on a server's first outline.
 */
function stretchSymbol(index: LogIndex, first: number, last: number, part: number, parts: number, from: number): StretchSymbol {
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
  // A stretch of one line is its first line (most stretches: one record, no continuation).
  const range = index.endLineOf(last) === selectionRange.start.line ? selectionRange : stretchRange(index, first, last);
  return { name: index.sessionKey(s), detail: detail.filter((d) => d !== '').join(' · '), range, selectionRange, children };
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

/** The last entry of a capped outline: where it stops. */
function writeMoreSymbol(out: JsonBytes, index: LogIndex, r: number): void {
  const at = headerRange(index, r);
  out.raw('{').member('name').string(`… the outline stops at line ${index.recStartLine[r] + 1}`).raw(',').member('detail').string(`${index.sessionCount} sessions in all: see the Sessions view`);
  out.raw(`,"kind":${SymbolKind.Null},`).member('range').range(at).raw(',').member('selectionRange').range(at).raw('}');
}
