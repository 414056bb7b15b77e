// The parameters and results of the picture requests (protocol.ts): SIP ladder and log report
// (docs/FORMATS.md §11, §12). Re-exported by protocol.ts, where the requests themselves are typed.
import type { SeverityName } from './dialects';
import type { LogSeverity } from './protocol';

/** Logs named by URI, read as one in the order given (the ladder and report of a merged set). */
export interface LogSetParams {
  uris: string[];
}

export interface SipDialogParams extends LogSetParams {
  callId: string;
}

export interface SipPacketItem {
  /** The log of the packet (one of the URIs asked about) and its 0-based lines. */
  uri: string;
  line: number;
  endLine: number;
  time: string;
  /** Normalised time, ms. */
  timeMs: number;
  session: string;
  direction: 'in' | 'out' | null;
  transport: string | null;
  remote: string | null;
  method: string | null;
  status: number | null;
  cseq: string | null;
  summary: string;
  /** The packet's lines without `inp:`/`out:` (for a hover). */
  lines: string[];
  severity: LogSeverity;
}

export interface SipDialogResult {
  callId: string;
  packets: SipPacketItem[];
  related: string[];
  /** Logs that could not be read, or a request that made no sense; packets are from the others. */
  error?: string;
}

export interface ReportParams extends LogSetParams {
  /** About this many histogram bars (the bucket size adapts); default 60. */
  buckets?: number;
}

export interface ReportHistogram {
  bucketMs: number;
  dated: boolean;
  utc: boolean;
  /** `fileIndex` is a position in `uris`. */
  buckets: HistogramBucket[];
}

export interface ReportResult {
  uris: string[];
  /** The URI of each log read (a timeline has one per source): `fileIndex` of bars and rows indexes this. */
  logUris: string[];
  dialects: string[];
  records: number;
  sessions: number;
  bySeverity: SeverityCounts;
  /** The report as titled tables (components, top problems, each dialect's counts); rows may carry a filter. */
  tables: ReportTable[];
  histogram: ReportHistogram;
  utc: boolean;
  error?: string;
}

/** Records per severity name. */
export type SeverityCounts = Record<SeverityName, number>;

export interface HistogramBucket {
  /** Start of the bucket in report time (wall clock as written, or UTC: see ReportResult.utc), ms. */
  start: number;
  /** Records per severity, in severity order (critical … trace). */
  counts: number[];
  /** The earliest record of the bucket: its log (position in the list) and 0-based line. */
  fileIndex: number;
  line: number;
  /** FORMATS §3 time queries for the bucket's first and last millisecond (an interval filter). */
  from: string;
  to: string;
}

export interface ReportRowFilter {
  /** A regular expression (FORMATS §5) or a plain text. */
  regex?: string;
  text?: string;
  ignoreCase?: boolean;
}

export interface ReportRow {
  cells: (string | number)[];
  /** Records of this row, as a filter; absent when no filter finds them. */
  filter?: ReportRowFilter;
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
