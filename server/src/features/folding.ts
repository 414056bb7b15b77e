// Folding: multi-line records, and runs of consecutive records of one session.
import type { FoldingRange } from 'vscode-languageserver';
import type { LogIndex } from '../engine';

/**
 * Ranges in order of start line. A run of ≥ 2 consecutive records sharing a session key folds from
 * its first record's first line to its last record's last line; a record with continuation lines
 * folds on its own. Editors keep one range per start line, so a multi-line record that opens a run
 * is folded by the run only. `limit` is the client's rangeLimit: a 50 MB log has far more ranges
 * than an editor keeps.
 */
export function foldingRanges(index: LogIndex, limit = Number.MAX_SAFE_INTEGER): FoldingRange[] {
  const out: FoldingRange[] = [];
  const n = index.recordCount;
  let r = 0;
  while (r < n && out.length < limit) {
    const session = index.recSession[r];
    let last = r;
    while (last + 1 < n && index.recSession[last + 1] === session) last++;
    if (last > r) {
      out.push({ startLine: index.recStartLine[r], endLine: index.endLineOf(last) });
      // Continuation lines inside the run still fold, except for the record that opens it.
      for (let i = r + 1; i <= last && out.length < limit; i++) pushRecord(index, i, out);
    } else {
      pushRecord(index, r, out);
    }
    r = last + 1;
  }
  return out;
}

function pushRecord(index: LogIndex, r: number, out: FoldingRange[]): void {
  const startLine = index.recStartLine[r];
  // A record followed by one on the next line has no continuation lines (most records: no lookup).
  if (r + 1 < index.recordCount && index.recStartLine[r + 1] === startLine + 1) return;
  const endLine = index.endLineOf(r);
  if (endLine > startLine) out.push({ startLine, endLine });
}
