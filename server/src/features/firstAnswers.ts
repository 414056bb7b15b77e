// The first answers an editor asks for when it opens a large log (outline, folding, diagnostics),
// computed by the worker that indexes the log's file while the document's text is on its way
// (openingWorker.ts) and encoded there as JSON. On the bench's 50 MB log this thread spent about
// 200 ms on them after the text had come (the outline alone is 2.5 MB of JSON); the worker has them
// ready about when the text comes. Each answer is named with the settings it was computed with: it is
// given only while they are still the settings in force.
import type { LogIndex } from '../engine';
import type { DiagnosticSeverityName } from '../../../common/protocol';
import { computeDiagnostics } from './diagnostics';
import { documentSymbolsJson, MAX_OUTLINE_SYMBOLS } from './documentSymbols';
import { foldingRanges } from './folding';
import { latin1Json } from './jsonBytes';

export type FirstAnswerName = 'symbols' | 'folding' | 'diagnostics';

/** What the first answers depend on besides the log: the server's settings and the client's folding limit. */
export interface FirstAnswerSettings {
  maxDiagnostics: number;
  minimumSeverity: DiagnosticSeverityName;
  /** The client's foldingRange.rangeLimit, if it set one. */
  foldingLimit: number | undefined;
}

/** The settings answer `name` depends on, as a string: an answer is given while its key is the current one. */
export function firstAnswerKey(name: FirstAnswerName, settings: FirstAnswerSettings): string {
  if (name === 'diagnostics') return `${settings.maxDiagnostics} ${settings.minimumSeverity}`;
  if (name === 'folding') return String(settings.foldingLimit ?? 'none');
  return '';
}

/**
 * Computes the first answers of `index` and hands each over as UTF-8 JSON as soon as it is made: the
 * outline first (the largest, and the client's reading of it is the last thing an opening waits for),
 * then folding, then diagnostics, each in Latin-1 (jsonBytes.ts says why). `toleranceMs` is the index's.
 */
export function computeFirstAnswers(
  index: LogIndex,
  settings: FirstAnswerSettings,
  toleranceMs: number,
  post: (name: FirstAnswerName, key: string, json: Uint8Array) => void,
  maxSymbols = MAX_OUTLINE_SYMBOLS,
): void {
  const encoder = new TextEncoder();
  const give = (name: FirstAnswerName, value: unknown): void => post(name, firstAnswerKey(name, settings), encoder.encode(latin1Json(JSON.stringify(value))));
  post('symbols', firstAnswerKey('symbols', settings), documentSymbolsJson(index, maxSymbols).bytes);
  give('folding', foldingRanges(index, settings.foldingLimit));
  const entry = { uri: '', version: -1, index, problem: undefined, mode: 'forced' as const, languageId: '', toleranceMs };
  give('diagnostics', computeDiagnostics(entry, settings.maxDiagnostics, settings.minimumSeverity));
}
