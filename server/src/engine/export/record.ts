// What the exporter hands a format for each record, reused from record to record, and the shape of a
// format: it writes one record's document from it and the dialect's fields.
import type { FieldSink } from './fields';
import type { JsonBytes } from './jsonBytes';
import type { RecordView } from './recordView';

/** Per exported file: names and pre-encoded values that every record of it repeats. */
export interface InputInfo {
  /** `"path"` as a JSON string. */
  pathJson: Buffer;
  /** `"source"` as a JSON string (FORMATS §9: the file's path, or the rotated log's name). */
  sourceJson: Buffer;
  /** `"communigate-log"` as a JSON string. */
  datasetJson: Buffer;
  /** The product name (`"CommuniGate Pro"`) as a JSON string. */
  serviceJson: Buffer;
}

/** The common facts of the record being written; one instance, refilled per record. */
export class RecordFacts {
  /** Export sequence number, from 0. */
  seq = 0;
  input!: InputInfo;
  /** Index of the input in the export's list. */
  inputNo = 0;
  /** UTC time in whole microseconds, or NaN when the record has none. */
  utcMicros = NaN;
  /** Fraction digits of the time as written (0–6). */
  fractionDigits = 0;
  /** The written level as a JSON string, or undefined when the record has none. */
  levelJson: Buffer | undefined;
  /** Normalised severity (Severity). */
  severity = 0;
  /** 1-based line of the record's first line. */
  line = 0;
  sessionKey = '';
  componentJson!: Buffer;
  view!: RecordView;
}

/** A format: writes records into `out`, with `sink` receiving the dialect's fields in between. */
export interface RecordFormat extends FieldSink {
  /** Starts a record's document and writes its common fields. */
  begin(out: JsonBytes, rec: RecordFacts): void;
  /** Ends the record's document. */
  end(out: JsonBytes, rec: RecordFacts): void;
  /** Ends the export (closes an open batch). */
  finish(out: JsonBytes): void;
}

const SEVERITY_NUMBERS = [21, 17, 13, 9, 5, 1];

/** The OpenTelemetry severity number of a normalised severity: FATAL, ERROR, WARN, INFO, DEBUG, TRACE (the first of each range). */
export function otelSeverityNumber(severity: number): number {
  return SEVERITY_NUMBERS[severity] ?? 9;
}
