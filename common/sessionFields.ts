// What a session is, as the engine sums it up and the editor lists it (protocol.ts's SessionItem, the
// engine's SessionSummary): one definition of the fields they share. Plain types: nothing of LSP.

/** A session's span and counts (FORMATS §2). */
export interface SessionFields {
  key: string;
  component: string;
  /** 0-based first line of the first record and last line of the last record. */
  firstLine: number;
  lastLine: number;
  records: number;
  /** Timestamps of the first and last records, as written. */
  start: string;
  end: string;
  problems: number;
  /** Duration in ms between the first and last records (normalised times). */
  durationMs: number;
}
