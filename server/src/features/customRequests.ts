// The custom requests of protocol.ts, computed from a cached index per request.
import type { CancellationToken } from 'vscode-languageserver';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { CancelledError, filterPieces, goToTime, hasCondition, turn, nextInSession, nextSession, QueryError, runFilterAsync, sessionConnections, sessionRecords, sessionSummary, SEVERITY_NAMES } from '../engine';
import { FileSource, PARALLEL_SEARCH_MIN_BYTES, searchFileParallel } from '../engine';
import type { FilterQuery, SearchHits, LogIndex } from '../engine';
import type { LogEntry } from '../logCache';
import type {
  FilterParams,
  FilterResult,
  GoToTimeParams,
  GoToTimeResult,
  NavigateParams,
  NavigateResult,
  RecordInfoParams,
  RecordInfoResult,
  SessionItem,
  SessionRecordItem,
  SessionRecordsParams,
  SessionsResult,
  SessionConnectionsParams,
  SessionConnectionsResult,
} from '../../../common/protocol';
import { recordNear } from './ranges';

const LF = 0x0a;
/** Longest first-line excerpt in a session's record list. */
const EXCERPT = 200;

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

/** Where a plain, case-sensitive text occurs in a large log read from disk, searched on every core; else undefined. */
async function searchLargeLog(index: LogIndex, q: FilterQuery, isCancelled: () => boolean): Promise<SearchHits | undefined> {
  const text = filterSearchText(q);
  if (text === undefined || !(index.source instanceof FileSource)) return undefined;
  if (index.scannedTo < PARALLEL_SEARCH_MIN_BYTES) return undefined;
  // Searched while the file was indexed (this filter had it indexed): the filter walks those offsets.
  if (index.searched !== undefined && index.searched.needle === text) return undefined;
  // The same text asked again of the same bytes (a filter re-run, refined by level or time, keyed or
  // not): the offsets found last time are the answer. A grown log is searched anew; a replaced one
  // is another index.
  const last = lastSearch.get(index);
  if (last !== undefined && last.needle === text && last.size === index.scannedTo) return last;
  const hits = await searchFileParallel(index.source.path, index.scannedTo, text, isCancelled);
  if (hits !== undefined && hits.count <= KEPT_HITS_MAX && !isCancelled()) lastSearch.set(index, hits);
  else lastSearch.delete(index);
  return hits;
}

/** The text a filter searches the bytes for (plain, case-sensitive, one line), if any: what may be searched ahead. */
export function filterSearchText(q: FilterQuery | undefined): string | undefined {
  if (q?.text === undefined || q.regex !== undefined || q.ignoreCase || q.text === '' || /[\r\n]/.test(q.text)) return undefined;
  return q.text;
}

/** The last plain-text search of each log read from disk (one per log: their offsets can be many). */
const lastSearch = new WeakMap<LogIndex, SearchHits>();
/** A search that found more than this is not kept (8 MB of offsets): a text that common is searched again. */
const KEPT_HITS_MAX = 1 << 20;

export async function filter(entry: LogEntry, params: FilterParams, token: CancellationToken): Promise<FilterResult | ResponseError<void>> {
  const index = entry.index;
  const empty: FilterResult = { text: '', sourceLines: [], records: 0, keyedSessions: 0 };
  if (!index) return { ...empty, error: entry.problem ?? 'not a log' };
  const q = params.query ?? {};
  if (!hasCondition(q)) return { ...empty, dialect: index.dialect.id, error: 'a filter needs a text, a regular expression or an exclusion' };
  // Pending messages (a `$/cancelRequest` among them) are read before the filter starts.
  await turn();
  if (token.isCancellationRequested) return cancelled();
  const baseRecord = params.baseLine === undefined ? undefined : recordNear(index, params.baseLine);
  let result;
  try {
    const isCancelled = (): boolean => token.isCancellationRequested;
    // A plain text in a large log on disk is searched by workers on every core first.
    const hits = await searchLargeLog(index, q, isCancelled);
    if (token.isCancellationRequested) return cancelled();
    // The filter walks the offsets found instead of reading the file (only while they cover all of it).
    const before = index.searched;
    if (hits !== undefined && index.scannedTo === hits.size) index.searched = hits;
    try {
      // Async: the event loop gets turns while a filter runs through a big log, so a cancellation lands.
      result = await runFilterAsync(index, q, { baseRecord: baseRecord === -1 ? undefined : baseRecord, isCancelled });
    } finally {
      if (hits !== undefined && index.searched === hits) index.searched = before;
    }
  } catch (e) {
    if (e instanceof QueryError) return { ...empty, dialect: index.dialect.id, error: e.message };
    if (e instanceof CancelledError) return cancelled();
    throw e;
  }
  const parts: Buffer[] = [];
  const sourceLines: number[] = [];
  const contextLines: number[] = [];
  for (const piece of filterPieces(index, result)) {
    if (piece.kind === 'context') for (let l = piece.firstLine; l <= piece.lastLine; l++) contextLines.push(sourceLines.length + l - piece.firstLine);
    if (piece.kind === 'separator') sourceLines.push(-1);
    else for (let l = piece.firstLine; l <= piece.lastLine; l++) sourceLines.push(l);
    // A copy, since a read's view lasts until the next read (logs read from disk).
    const bytes = Buffer.from(piece.bytes);
    parts.push(bytes);
    if (bytes.length === 0 || bytes[bytes.length - 1] !== LF) parts.push(NEWLINE); // the log's last line may lack one
  }
  return {
    text: Buffer.concat(parts).toString('utf8'),
    sourceLines,
    ...(contextLines.length > 0 ? { contextLines } : {}),
    records: result.records,
    keyedSessions: result.keyedSessions,
    dialect: index.dialect.id,
  };
}
const NEWLINE = Buffer.from('\n');

export function goTo(entry: LogEntry, params: GoToTimeParams): GoToTimeResult {
  const index = entry.index;
  if (!index) return { line: -1, message: entry.problem ?? 'not a log' };
  const base = params.fromLine === undefined ? -1 : recordNear(index, params.fromLine);
  try {
    const r = goToTime(index, params.query, base < 0 ? undefined : base);
    if (r < 0) return { line: -1, message: `no record at or after ${params.query}` };
    return { line: index.recStartLine[r] };
  } catch (e) {
    if (e instanceof QueryError) return { line: -1, message: e.message };
    throw e;
  }
}

export function sessions(entry: LogEntry): SessionsResult {
  const index = entry.index;
  if (!index) return { sessions: [], error: entry.problem ?? 'not a log' };
  const items: SessionItem[] = [];
  for (let s = 0; s < index.sessionCount; s++) {
    const { key, component, firstLine, lastLine, records, start, end, problems, worst, durationMs, dialog } = sessionSummary(index, s);
    // Views show earliest – latest: in a table exported newest first the first record is the latest.
    const [earliest, latest] = index.descending ? [end, start] : [start, end];
    items.push({ key, component, firstLine, lastLine, records, start: earliest, end: latest, problems, worst, durationMs, dialog });
  }
  return { dialect: index.dialect.id, sessions: items };
}

/** Records of one session in file order; `limit` bounds the answer for sessions that span a huge log. */
export function sessionRecordList(entry: LogEntry, params: SessionRecordsParams): SessionRecordItem[] {
  const index = entry.index;
  if (!index) return [];
  const s = index.keys.find(params.key);
  if (s < 0) return [];
  const key = index.sessionKey(s);
  let list: number[];
  if (params.connection === undefined) list = sessionRecords(index, s, params.limit);
  else {
    const { connections } = sessionConnections(index, s);
    const named = new Set(connections.flatMap((c) => c.records));
    const wanted = params.connection === '' ? sessionRecords(index, s).filter((r) => !named.has(r)) : (connections.find((c) => c.connection === params.connection)?.records ?? []);
    list = wanted.slice(0, params.limit ?? wanted.length);
  }
  return list.map((r) => {
    const header = index.headerLine(r);
    const queueId = index.queueId(r);
    return {
      ...(queueId !== undefined && !key.includes(queueId) ? { queueId } : {}),
      line: index.recStartLine[r],
      endLine: index.endLineOf(r),
      time: index.timestampText(r),
      severity: SEVERITY_NAMES[index.recSeverity[r]],
      problem: index.isProblem(r),
      text: header.length > EXCERPT ? `${header.slice(0, EXCERPT)}…` : header,
    };
  });
}

/** The connections a session's records name, each with its span and counts (Messaging Server). */
export function connectionList(entry: LogEntry, params: SessionConnectionsParams): SessionConnectionsResult {
  const index = entry.index;
  const s = index ? index.keys.find(params.key) : -1;
  if (!index || s < 0) return { connections: [], unnamed: 0 };
  const { connections, unnamed } = sessionConnections(index, s);
  return {
    unnamed,
    connections: connections.map((c) => {
      const first = c.records[0];
      const last = c.records[c.records.length - 1];
      const [a, b] = index.descending ? [last, first] : [first, last];
      return { connection: c.connection, user: c.user, firstLine: index.recStartLine[first], lastLine: index.recEndLine[last], records: c.records.length, problems: c.problems, start: index.timestampText(a), end: index.timestampText(b) };
    }),
  };
}

export function recordInfo(entry: LogEntry, params: RecordInfoParams): RecordInfoResult {
  const index = entry.index;
  if (!index) return {};
  const info: RecordInfoResult = { dialect: index.dialect.id, dialectName: index.dialect.name };
  const r = index.recordAtLine(params.line);
  if (r < 0) return info;
  const s = index.recSession[r];
  return {
    ...info,
    recordLine: index.recStartLine[r],
    time: index.timestampText(r),
    sessionKey: index.sessionKey(s),
    component: index.componentOf(s),
    severity: SEVERITY_NAMES[index.recSeverity[r]],
  };
}

export function navigate(entry: LogEntry, params: NavigateParams): NavigateResult {
  const index = entry.index;
  if (!index) return { line: -1 };
  const r = recordNear(index, params.line);
  if (r < 0) return { line: -1 };
  const target = step(index, r, params.kind);
  return { line: target < 0 ? -1 : index.recStartLine[target] };
}

function step(index: LogIndex, r: number, kind: NavigateParams['kind']): number {
  switch (kind) {
    case 'nextInSession':
      return nextInSession(index, r, 1);
    case 'prevInSession':
      return nextInSession(index, r, -1);
    case 'nextSession':
      return nextSession(index, r, 1);
    case 'prevSession':
      return nextSession(index, r, -1);
    default:
      return -1;
  }
}
