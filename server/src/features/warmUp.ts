// The first log a new server opens used to pay for V8's compiling: the index's fused loop runs
// interpreted until it has run long enough to be optimised, so the first 4 MB of a cold index took
// several times as long as the next 4 MB (85-100 ms against 10-20 ms here). While the client waits
// for `initialize` (before any document is sent), the server runs the same code over a small made-up
// CommuniGate log, and the first real log is read by optimised code. Nothing is kept or sent.
import type { IndexOptions } from '../engine/logIndex';
import { diagnosticCounts, diagnostics } from '../engine';
import { WARM_UP_LINES, warmUpIndex } from '../engine/warmUpLog';
import { documentSymbols } from './documentSymbols';
import { foldingRanges } from './folding';

/** What the warm-up went through (a test checks that it reaches the code it is there for). */
export interface WarmUpWork {
  records: number;
  sessions: number;
  diagnostics: number;
  foldingRanges: number;
  symbols: number;
}

/** Runs an open log's work (index, diagnostics, folding, outline) once over a made-up log, and drops it. */
export function warmUp(lines = WARM_UP_LINES, options?: IndexOptions): WarmUpWork {
  const index = warmUpIndex(lines, options);
  const counts = diagnosticCounts(index);
  let shown = 0;
  for (const _ of diagnostics(index)) if (++shown >= 100) break;
  return { records: index.recordCount, sessions: index.sessionCount, diagnostics: counts.errors + counts.warnings, foldingRanges: foldingRanges(index).length, symbols: documentSymbols(index).length };
}
