// The bytes of the record being exported, and what a dialect's extractor knows about it.
import type { ExportIndex } from './exportIndex';
import type { FieldSink } from './fields';

/** Reused for every record: positions into `buf`, which holds the whole record. */
export class RecordView {
  index!: ExportIndex;
  r = 0;
  buf: Uint8Array = new Uint8Array(0);
  /** Changes whenever `buf` is refilled (a reused window buffer): what was found in it before no longer holds. */
  bufStamp = 0;
  /** Start of the header line. */
  start = 0;
  /** End of the header line (no terminator). */
  lineEnd = 0;
  /** Where the body begins (after timestamp and level marker). */
  bodyStart = 0;
  /** End of the record without its last line terminator. */
  end = 0;
  /** Host name range set by prepare(), or hostEnd = -1 when the record names none. */
  hostStart = 0;
  hostEnd = -1;
}

/** The dialect's own fields of a record (FORMATS §13). One instance per exported file, in file order. */
export interface DialectFields {
  /** Sets the host name range of the view (hostEnd stays -1 when the record names none). */
  prepare(v: RecordView): void;
  /** Writes the record's own fields. */
  write(v: RecordView, sink: FieldSink): void;
}
