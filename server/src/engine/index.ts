// The engine's public face: open a log from bytes, with detection or a forced dialect.
import { assertText, detectDialect } from './detect';
import { dialectById } from './dialects';
import { IndexOptions, LogIndex } from './logIndex';
import { DIALECT_IDS, LogInputError, ParseContext } from './types';

export class UnknownDialectError extends LogInputError {}

export interface OpenOptions extends IndexOptions, ParseContext {
  /** Force a dialect instead of detecting one. */
  dialect?: string;
}

/** Indexes a log. Throws NotTextError (binary data) or UnknownDialectError (no dialect recognised). */
export function openLog(bytes: Uint8Array, options: OpenOptions = {}): LogIndex {
  assertText(bytes);
  let dialect;
  if (options.dialect) {
    dialect = dialectById(options.dialect);
    if (!dialect) throw new UnknownDialectError(`unknown dialect "${options.dialect}": use one of ${DIALECT_IDS.join(', ')}`);
  } else {
    dialect = detectDialect(bytes, options.fileName);
    if (!dialect) throw new UnknownDialectError('not a log of a known dialect (use --dialect to force one)');
  }
  return new LogIndex(bytes, dialect, options, options);
}

export { LogIndex } from './logIndex';
export { detectDialect, NotTextError } from './detect';
export { diagnostics } from './diagnostics';
export type { LogDiagnostic, DiagnosticCode } from './diagnostics';
export { runFilter, CancelledError } from './filters';
export type { FilterQuery, FilterResult, FilterItem } from './filters';
export { QueryError } from './query';
export { goToTime, nextInSession, nextSession, sessionRecords } from './navigation';
export { listSessions, sessionSummary, findSession, crossReferencesInLine } from './sessions';
export type { SessionSummary } from './sessions';
export * from './types';
