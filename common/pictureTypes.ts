// The parameters and results of the picture requests (protocol.ts): SIP ladder and log report
// (docs/FORMATS.md §11, §12). Re-exported by protocol.ts, where the requests themselves are typed; the
// engine's report tables, histogram buckets and SIP packet fields are these types too. Plain types:
// nothing of LSP.
import type { SeverityName } from './dialects';

/** Logs named by URI, read as one in the order given (the ladder and report of a merged set). */
export interface LogSetParams {
  uris: string[];
}

export interface SipDialogParams extends LogSetParams {
  callId: string;
}

/** What a SIP packet is, read from its records: the engine's SipPacket and the editor's SipPacketItem. */
export interface SipPacketFields {
  /** 0-based first and last line of the packet (its records, continuation lines included). */
  line: number;
  endLine: number;
  /** Timestamp of the packet's first record, as written. */
  time: string;
  /** Normalised time in ms (for drawing and ordering). */
  timeMs: number;
  /** The packet's session key (`SIPDATA-000502`). */
  session: string;
  direction: 'in' | 'out' | null;
  /** From the `req`/`rsp` line: `udp`, `tcp`, `tls`… */
  transport: string | null;
  /** `ip:port` of the other side (IPv6 addresses keep their brackets). */
  remote: string | null;
  /** Request method; null for responses. */
  method: string | null;
  /** Response status code; null for requests. */
  status: number | null;
  /** CSeq as written (`1 INVITE`). */
  cseq: string | null;
  /** The SIP start line (`INVITE sip:… SIP/2.0`, `SIP/2.0 200 OK`). */
  summary: string;
  /** The packet's text lines without the `inp:`/`out:` marks (hover text). */
  lines: string[];
  /** Most severe record severity of the packet. */
  severity: SeverityName;
}

export interface SipPacketItem extends SipPacketFields {
  /** The log of the packet (one of the URIs asked about). */
  uri: string;
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
