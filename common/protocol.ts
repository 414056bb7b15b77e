// The custom LSP messages between the client and the server, as typed RequestType/NotificationType
// objects with their own parameter and result types: nothing of the engine leaks through here, so the
// client compiles against this module alone. Lines are 0-based, as everywhere in LSP.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { LogLanguageId, SeverityName } from './dialects';
import type { FilterQuery } from './filterQuery';
import type { SessionFields } from './sessionFields';
import type { ReportParams, ReportResult, SipDialogParams, SipDialogResult } from './pictureTypes';

export { DETECTABLE_LANGUAGE_IDS, LOG_LANGUAGE_IDS } from './dialects';
export type { LogLanguageId } from './dialects';

export const SETTINGS_SECTION = 'messagingLogs';
export interface MessagingLogsSettings {
  timeRegressionToleranceMs: number;
  maxDiagnostics: number;
  /** The least severe log diagnostics published: 'error' leaves the warnings out. */
  minimumDiagnosticSeverity: DiagnosticSeverityName;
  /** Keep the indexes of large logs read from disk in the extension's storage, to reopen them without a scan. */
  indexCache: boolean;
}

/** What the client tells the server when it starts (LSP `initializationOptions`). */
export interface MessagingLogsInitializationOptions {
  /** A folder of the extension's own (its global storage) where the index cache is kept; never next to a log. */
  indexCacheDir?: string;
}
export type DiagnosticSeverityName = 'error' | 'warning';
export const DEFAULT_SETTINGS: MessagingLogsSettings = { timeRegressionToleranceMs: 1000, maxDiagnostics: 1000, minimumDiagnosticSeverity: 'warning', indexCache: true };

/** LSP `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'msglog';

export interface DetectedDialectParams {
  uri: string;
  dialect: LogLanguageId;
}

/** A `file:` document the client is about to open (its didOpen follows), with the language it opens in. */
export interface DocumentOpeningParams {
  uri: string;
  languageId: string;
}

/**
 * Requests name a log by URI: an open document, or (for `file:` URIs that are not open, such as logs
 * larger than the editor hands to extensions) the file on disk, read by the server.
 */
export interface LogParams {
  uri: string;
}

/** A filter (FORMATS §5, §14), as the engine takes it: texts and patterns that must all match, exclusions, context. `from`/`to` are FORMATS §3 time queries. */
export type FilterQueryParams = FilterQuery;

export interface FilterParams extends LogParams {
  query: FilterQueryParams;
  /** The line of the current record, for relative times (`+5m`). */
  baseLine?: number;
}

export interface FilterResult {
  /** Whole records verbatim, each line ending with its own terminator; consecutive overflow markers as one `***` line. */
  text: string;
  /** For each line of `text`, its 0-based line in the source log (-1 for none: a `--` between context groups). */
  sourceLines: number[];
  /** Lines of `text` (0-based) that are context records around hits, not hits; absent when none. */
  contextLines?: number[];
  /** Records output. */
  records: number;
  /** Sessions remembered by a keyed filter. */
  keyedSessions: number;
  /** A bad query (regular expression, level, time) or a log without a dialect: nothing was filtered. */
  error?: string;
  dialect?: LogLanguageId;
}

export interface GoToTimeParams extends LogParams {
  /** A FORMATS §3 time query: `12:30`, `2026-01-15 12:30:05`, `+5m`. */
  query: string;
  /** The current line, for relative queries. */
  fromLine?: number;
}

/** `line` is -1 when there is no such record or the query is bad; `message` says why. */
export interface GoToTimeResult {
  line: number;
  message?: string;
}

export type LogSeverity = SeverityName;

/** One session of a log (JSON has no `undefined`, so `worst` and `dialog` may be absent). */
export interface SessionItem extends SessionFields {
  /** The worst problem, when the session has problems. */
  worst?: 'error' | 'warning';
  /** SIP dialog (Call-ID) of a CommuniGate SIPDATA packet. */
  dialog?: string;
}

export interface SessionsResult {
  dialect?: LogLanguageId;
  sessions: SessionItem[];
  error?: string;
}

export interface SessionRecordsParams extends LogParams {
  key: string;
  /** At most this many records (the first ones); all when absent. */
  limit?: number;
  /** Only the records naming this connection (as in a ConnectionItem); `''`: those naming none. */
  connection?: string;
}

export interface SessionConnectionsParams extends LogParams {
  key: string;
}

/** One client connection inside a session (a Messaging Server process). */
export interface ConnectionItem {
  /** As written: `[192.0.2.18:51234]`. */
  connection: string;
  user?: string;
  firstLine: number;
  lastLine: number;
  records: number;
  problems: number;
  /** Earliest and latest times as written. */
  start: string;
  end: string;
}

export interface SessionConnectionsResult {
  connections: ConnectionItem[];
  /** Records of the session that name no connection (process-wide records). */
  unnamed: number;
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
  /** The queue id of the record's message where its session key does not name it (CommuniGate `DEQUEUER [4411]`). */
  queueId?: string;
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

// Logs read from disk by the server (FORMATS §8: files larger than the editor hands to extensions).

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
  /** Diagnostics (FORMATS §4) by severity, uncapped. */
  errors: number;
  warnings: number;
  /** Time spent indexing for this request, ms (0 when the server had the file indexed already). */
  indexMs: number;
  /** The index was read from the index cache (kept from an earlier session), not scanned anew. */
  restored?: boolean;
  error?: string;
}

export type LogChangeKind = 'grown' | 'replaced';

/** `grown`: records were appended and indexed. `replaced`: the file was truncated or another file took its name; it was indexed anew. */
export interface LogChangedParams {
  uri: string;
  kind: LogChangeKind;
}

export interface LargeLogInfo {
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
  largeLogs: LargeLogInfo[];
  /** Documents opened so far whose index a worker had made from the file while their text was on its way (documentOpening). */
  documentsIndexedAhead: number;
  /** Answers (outline, folding, diagnostics) given as that worker made them from the file, rather than computed after the text came. */
  firstAnswersMadeAhead: number;
  /** Documents opened so far whose text the server read as bytes from the didOpen (a large one, over stdio). */
  documentsReadAsBytes: number;
}

/** Export logs to a file for a log platform (docs/EXPORT.md); nothing is written unless every log reads. */
export interface ExportLogParams {
  /** Open documents or `file:` URIs; their records are interleaved by UTC time. */
  uris: string[];
  format: 'ecs' | 'otlp';
  /** ECS only: an Elasticsearch `_bulk` action line before each document. */
  bulk?: boolean;
  /** `±HH:MM`: the zone of logs that write none (default UTC). */
  utcOffset?: string;
  /** The file to write (a local path); removed again when the export fails or is cancelled. */
  target: string;
  workDoneToken?: string | number;
}

export interface ExportLogResult {
  target: string;
  records: number;
  bytes: number;
  /** Notes for the user (a log without a date placed on one). */
  notes: string[];
  /** Set when nothing was exported: why. */
  error?: string;
}

// Several logs as one timeline, and message traces (docs/FORMATS.md §9, §10).

export interface TimelineChangedParams {
  /** The server's id of the merged logs. */
  id: string;
}

/** URI scheme of timeline and trace documents (client-made, read-only). */
export const TIMELINE_SCHEME = 'msglog-timeline';

export interface OpenTimelineParams {
  /** Files, directories and .gz files, as fs paths (a new timeline). */
  paths?: string[];
  /** A timeline the server holds (its view again, after growth). */
  id?: string;
  workDoneToken?: string | number;
}

export interface TraceParams {
  /** A timeline document's URI, or a log file's `file:` URI. */
  uri: string;
  id: string;
  sessions?: boolean;
  workDoneToken?: string | number;
}

export interface TimelineSource {
  /** Short tag shown before each line: A, B, … */
  tag: string;
  /** The source's name: a file's path, or the directory (plus NAME) of rotated files. */
  name: string;
  dialect: LogLanguageId;
}

/** A timeline or trace as a document: its text and where each record came from. */
export interface TimelineView {
  /** The server's id of the merged logs. */
  id: string;
  /** Which view of them (the whole timeline, or a trace): the document URI carries it as `view=`. */
  view: string;
  text: string;
  /** The language of the document: the dialect when every source has the same, else undefined. */
  dialect?: LogLanguageId;
  sources: TimelineSource[];
  /** Files read, as fs paths (a .gz: its own path; lines are those of its decompressed content). */
  files: string[];
  /** Per record (and overflow marker) shown, four numbers: document line, source, file (index into files), 0-based line in that file. */
  records: number[];
  /** Records shown and in all. */
  shown: number;
  total: number;
  /** One line per file that could not be read, skipped or placed (stderr of msglog). */
  notes: string[];
  error?: string;
}

// Pictures: SIP ladder and log report (docs/FORMATS.md §11, §12), in pictureTypes.ts.
export type { LogSetParams, SipDialogParams, SipPacketItem, SipDialogResult, ReportParams, ReportHistogram, ReportResult, SeverityCounts, HistogramBucket, ReportRowFilter, ReportRow, ReportTable } from './pictureTypes';

/** The custom requests, client → server. */
export const Requests = {
  filter: new RequestType<FilterParams, FilterResult, void>('messagingLogs/filter'),
  goToTime: new RequestType<GoToTimeParams, GoToTimeResult, void>('messagingLogs/goToTime'),
  sessions: new RequestType<LogParams, SessionsResult, void>('messagingLogs/sessions'),
  sessionRecords: new RequestType<SessionRecordsParams, SessionRecordItem[], void>('messagingLogs/sessionRecords'),
  /** The client connections (`[ip:port]`) a session's records name: Messaging Server processes. */
  sessionConnections: new RequestType<SessionConnectionsParams, SessionConnectionsResult, void>('messagingLogs/sessionConnections'),
  recordInfo: new RequestType<RecordInfoParams, RecordInfoResult, void>('messagingLogs/recordInfo'),
  navigate: new RequestType<NavigateParams, NavigateResult, void>('messagingLogs/navigate'),
  /** Index a `file:` URI from disk (FORMATS §8), with work-done progress. */
  openLargeLog: new RequestType<OpenLargeLogParams, LargeLogSummary, void>('messagingLogs/openLargeLog'),
  /** The server's process id and the logs it holds from disk (tests, troubleshooting). */
  serverInfo: new RequestType0<ServerInfoResult, void>('messagingLogs/serverInfo'),
  /** Merge logs from disk (paths: files, directories, .gz) into a timeline, or show one again. */
  openTimeline: new RequestType<OpenTimelineParams, TimelineView, void>('messagingLogs/openTimeline'),
  /** Trace a message in a timeline or in one log file. */
  trace: new RequestType<TraceParams, TimelineView, void>('messagingLogs/trace'),
  /** The packets of one SIP dialog over one or several logs (SIP ladder). */
  sipDialog: new RequestType<SipDialogParams, SipDialogResult, void>('messagingLogs/sipDialog'),
  /** The report of one or several logs, with its tables and time histogram. */
  report: new RequestType<ReportParams, ReportResult, void>('messagingLogs/report'),
  /** Export logs as ECS or OTLP NDJSON to a file (docs/EXPORT.md), with work-done progress. */
  exportLog: new RequestType<ExportLogParams, ExportLogResult, void>('messagingLogs/exportLog'),
} as const;

/** The custom notifications, client → server. */
export const ClientNotifications = {
  /**
   * Sent just before the didOpen of a saved `file:` document: the server may index a large log from
   * disk while the document's text is on its way, and uses that index when the text is the file's.
   */
  documentOpening: new NotificationType<DocumentOpeningParams>('messagingLogs/documentOpening'),
} as const;

/** The custom notifications, server → client. */
export const Notifications = {
  /** A `log`/`plaintext` document is a log of this dialect. */
  detectedDialect: new NotificationType<DetectedDialectParams>('messagingLogs/detectedDialect'),
  /** A log the server reads from disk grew or was replaced (rotated, truncated). */
  logChanged: new NotificationType<LogChangedParams>('messagingLogs/logChanged'),
  /** A timeline's files grew or rotated; its views should be fetched again. */
  timelineChanged: new NotificationType<TimelineChangedParams>('messagingLogs/timelineChanged'),
} as const;
