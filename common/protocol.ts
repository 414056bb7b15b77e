// Custom LSP messages shared by the client and the server. Plain types only: no runtime imports,
// so that both bundles can include this module. Lines are 0-based, as everywhere in LSP.

import type { FilterQuery } from './engine/filters';
import type { SessionSummary } from './engine/sessions';

export const LOG_LANGUAGE_IDS = [
  'communigate-log',
  'emg-log',
  'axigen-log',
  'messaging-server-log',
  'privateserver-log',
] as const;
export type LogLanguageId = (typeof LOG_LANGUAGE_IDS)[number];

/** Language ids whose documents the server inspects and, when it recognises a dialect, reports it. */
export const DETECTABLE_LANGUAGE_IDS = ['log', 'plaintext'] as const;

export const SETTINGS_SECTION = 'messagingLogs';
export interface MessagingLogsSettings {
  timeRegressionToleranceMs: number;
  maxDiagnostics: number;
  /** The least severe log diagnostics published: 'error' leaves the warnings out. */
  minimumDiagnosticSeverity: DiagnosticSeverityName;
}
export type DiagnosticSeverityName = 'error' | 'warning';
export const DEFAULT_SETTINGS: MessagingLogsSettings = { timeRegressionToleranceMs: 1000, maxDiagnostics: 1000, minimumDiagnosticSeverity: 'warning' };

/** LSP `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'msglog';

/** Method names of the custom requests and notifications. */
export const Methods = {
  /** Server → client notification: a `log`/`plaintext` document is a log of this dialect. */
  detectedDialect: 'messagingLogs/detectedDialect',
  filter: 'messagingLogs/filter',
  goToTime: 'messagingLogs/goToTime',
  sessions: 'messagingLogs/sessions',
  sessionRecords: 'messagingLogs/sessionRecords',
  recordInfo: 'messagingLogs/recordInfo',
  navigate: 'messagingLogs/navigate',
  /** Client → server: index a `file:` URI from disk (SPEC §8), with work-done progress; answers a LargeLogSummary. */
  openLargeLog: 'messagingLogs/openLargeLog',
  /** Server → client notification: a log the server reads from disk grew or was replaced (rotated, truncated). */
  logChanged: 'messagingLogs/logChanged',
  /** Client → server: the server's process id and the logs it holds from disk (tests, troubleshooting). */
  serverInfo: 'messagingLogs/serverInfo',
} as const;

export interface DetectedDialectParams {
  uri: string;
  dialect: LogLanguageId;
}

/**
 * Requests name a log by URI: an open document, or (for `file:` URIs that are not open, such as logs
 * larger than the editor hands to extensions) the file on disk, read by the server.
 */
export interface LogParams {
  uri: string;
}

/** A filter (SPEC §5), as the engine takes it. Exactly one of text or regex. `from`/`to` are SPEC §3 time queries. */
export type FilterQueryParams = FilterQuery;

export interface FilterParams extends LogParams {
  query: FilterQueryParams;
  /** The line of the current record, for relative times (`+5m`). */
  baseLine?: number;
}

export interface FilterResult {
  /** Whole records verbatim, each line ending with its own terminator; consecutive overflow markers as one `***` line. */
  text: string;
  /** For each line of `text`, its 0-based line in the source log (-1 for none). */
  sourceLines: number[];
  /** Records output. */
  records: number;
  /** Sessions remembered by a keyed filter. */
  keyedSessions: number;
  /** A bad query (regular expression, level, time) or a log without a dialect: nothing was filtered. */
  error?: string;
  dialect?: LogLanguageId;
}

export interface GoToTimeParams extends LogParams {
  /** A SPEC §3 time query: `12:30`, `2026-01-15 12:30:05`, `+5m`. */
  query: string;
  /** The current line, for relative queries. */
  fromLine?: number;
}

/** `line` is -1 when there is no such record or the query is bad; `message` says why. */
export interface GoToTimeResult {
  line: number;
  message?: string;
}

export type LogSeverity = 'critical' | 'error' | 'warning' | 'info' | 'debug' | 'trace';

/** A session as the engine summarises it; JSON has no `undefined`, so `worst` and `dialog` may be absent. */
export type SessionItem = Omit<SessionSummary, 'id' | 'worst' | 'dialog'> & {
  worst?: 'error' | 'warning';
  /** SIP dialog (Call-ID) of a CommuniGate SIPDATA packet. */
  dialog?: string;
};

export interface SessionsResult {
  dialect?: LogLanguageId;
  sessions: SessionItem[];
  error?: string;
}

export interface SessionRecordsParams extends LogParams {
  key: string;
  /** At most this many records (the first ones); all when absent. */
  limit?: number;
}

export interface SessionRecordItem {
  line: number;
  endLine: number;
  /** Timestamp as written. */
  time: string;
  severity: LogSeverity;
  /** Whether the record carries an error or warning diagnostic. */
  problem: boolean;
  /** The first line, shortened. */
  text: string;
}

export interface RecordInfoParams extends LogParams {
  line: number;
}

/** For the status bar. Record fields are absent when the line is not inside a record. */
export interface RecordInfoResult {
  dialect?: LogLanguageId;
  /** Human dialect name ("CommuniGate Pro"). */
  dialectName?: string;
  recordLine?: number;
  time?: string;
  sessionKey?: string;
  component?: string;
  severity?: LogSeverity;
}

export type NavigateKind = 'nextInSession' | 'prevInSession' | 'nextSession' | 'prevSession';

export interface NavigateParams extends LogParams {
  line: number;
  kind: NavigateKind;
}

/** `line` is -1 when there is nowhere to go. */
export interface NavigateResult {
  line: number;
}

// Logs read from disk by the server (SPEC §8: files larger than the editor hands to extensions).

export interface OpenLargeLogParams extends LogParams {
  /** A client-made token: the server reports indexing as `$/progress` work-done progress on it. */
  workDoneToken?: string | number;
}

/** What indexing a log from disk found. `error` (and no dialect) when the file is not a log the server reads. */
export interface LargeLogSummary {
  uri: string;
  dialect?: LogLanguageId;
  dialectName?: string;
  /** Bytes indexed. */
  bytes: number;
  lines: number;
  records: number;
  sessions: number;
  /** Diagnostics (SPEC §4) by severity, uncapped. */
  errors: number;
  warnings: number;
  /** Time spent indexing for this request, ms (0 when the server had the file indexed already). */
  indexMs: number;
  error?: string;
}

export type LogChangeKind = 'grown' | 'replaced';

/** `grown`: records were appended and indexed. `replaced`: the file was truncated or another file took its name; it was indexed anew. */
export interface LogChangedParams {
  uri: string;
  kind: LogChangeKind;
}

export interface DiskLogInfo {
  uri: string;
  /** 'file': read from disk in windows, never held whole. */
  backing: 'file' | 'memory' | 'none';
  bytes: number;
  records: number;
  sessions: number;
  /** Whether the server polls the file for growth and rotation. */
  watched: boolean;
}

export interface ServerInfoResult {
  pid: number;
  /** process.memoryUsage() of the server, bytes. */
  memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
  /** Logs read from disk that the server keeps indexed, least recently used first. */
  diskLogs: DiskLogInfo[];
}
