// The first log a new server opens used to pay for V8's compiling: the index's fused loop runs
// interpreted until it has run long enough to be optimised, so the first 4 MB of a cold index took
// several times as long as the next 4 MB (85-100 ms against 10-20 ms here). While the client waits
// for `initialize` (before any document is sent), the server runs the same code over a small made-up
// CommuniGate log, and the first real log is read by optimised code. Nothing is kept or sent.
// That first round (warmUp) gathers V8's type feedback but optimises little: after answering
// `initialize`, the server runs more rounds of the same features while it waits for a document
// (warmUpWhileIdle).
import type { IndexOptions, LogIndex } from '../engine/logIndex';
import { WARM_UP_LINES, warmUpIndex } from '../engine/warmUpLog';
import { computeDiagnostics } from './diagnostics';
import { documentSymbolsJson } from './documentSymbols';
import { foldingRanges } from './folding';

/** What the warm-up went through (a test checks that it reaches the code it is there for). */
export interface WarmUpWork {
  records: number;
  sessions: number;
  /** Diagnostics published: ROUND_DIAGNOSTICS and one counting the rest when the made-up log has more. */
  diagnostics: number;
  foldingRanges: number;
  /** Bytes of the outline's JSON (written as the symbols are walked: nothing is read back). */
  outlineBytes: number;
}

/** Runs an open log's work (index, diagnostics, folding, outline) once over a made-up log, and drops it. */
export function warmUp(lines = WARM_UP_LINES, options?: IndexOptions): WarmUpWork {
  const index = warmUpIndex(lines, options);
  return { records: index.recordCount, sessions: index.sessionCount, ...featureRound(index) };
}

/** Rounds of warmUpWhileIdle: about 15 ms each at first, 3 ms once V8 has optimised the features. */
const IDLE_WARM_UP_ROUNDS = 12;

/**
 * The features an open log is first asked for (diagnostics, folding, outline) run over the made-up
 * log once per turn of the event loop, `rounds` times or until `idle()` says a document is coming: a
 * message waits one round at most. The first outline of a 50 MB log took about 45 ms after one round
 * of warm-up, 20–25 ms once the features were optimised.
 */
export function warmUpWhileIdle(idle: () => boolean, rounds = IDLE_WARM_UP_ROUNDS): void {
  let index: LogIndex | undefined;
  let left = rounds;
  const round = (): void => {
    if (left-- <= 0 || !idle()) return;
    index ??= warmUpIndex();
    featureRound(index);
    setImmediate(round);
  };
  setImmediate(round);
}

/**
 * Diagnostics and symbols a round builds: fewer than the made-up log has, so that the rest are counted
 * and the outline capped, as a large log's are (code a round never ran was compiled again, without it,
 * during the first real log).
 */
const ROUND_DIAGNOSTICS = 100;
const ROUND_SYMBOLS = 1000;

/** One round of what an open log's first requests run. */
function featureRound(index: LogIndex): Pick<WarmUpWork, 'diagnostics' | 'foldingRanges' | 'outlineBytes'> {
  const entry = { uri: 'warm-up:', version: 1, index, problem: undefined, mode: 'forced' as const, languageId: 'communigate-log', toleranceMs: 1000 };
  return { diagnostics: computeDiagnostics(entry, ROUND_DIAGNOSTICS).length, foldingRanges: foldingRanges(index, 5000).length, outlineBytes: documentSymbolsJson(index, ROUND_SYMBOLS).bytes.length };
}
