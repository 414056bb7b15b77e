// How every dialect's fused scan (Dialect.createFastScan) hands its counters back to the index.
import type { FastRecords } from './types';

/**
 * Writes back what a fused scan kept in locals while it ran: `r` records, the scan at 0-based `line`,
 * the last time read. Every line a fused scan consumes is a record of its own, so the last one it
 * appended (if any) is line `line - 1` and ends where the scan stopped, `base + pos`.
 */
export function endFastScan(out: FastRecords, r: number, line: number, prevWall: number, base: number, pos: number): void {
  if (r > out.recordCount) {
    out.lastEndLine = line - 1;
    out.lastEndOffset = base + pos;
  }
  out.recordCount = r;
  out.line = line;
  out.prevWall = prevWall;
}
