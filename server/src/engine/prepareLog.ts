// A log's index before it is built: its dialect forced or detected from the head of its bytes.
import { assertText, detectDialect, whyUnknown } from './detect';
import { dialectById } from './dialects';
import type { IndexOptions } from './buildOptions';
import { LogIndex } from './logIndex';
import { MemorySource } from './source';
import type { LogSource } from './source';
import type { Dialect, ParseContext } from './types';
import { DIALECT_IDS, LogInputError } from './types';

export class UnknownDialectError extends LogInputError {}

export interface OpenOptions extends IndexOptions, ParseContext {
  /** Force a dialect instead of detecting one. */
  dialect?: string;
}

/** Bytes a dialect is detected from. */
export const HEAD_BYTES = 256 * 1024;

/**
 * The index of `bytes`, not built yet (build or buildAsync it): what openLog builds. Throws NotTextError
 * (binary data) or UnknownDialectError (no dialect recognised).
 */
export function prepareLog(bytes: Uint8Array, options: OpenOptions = {}): LogIndex {
  return prepareLogSource(new MemorySource(bytes), options);
}

/** prepareLog of a log read from `source` (a file read in windows): its head is read to check and detect it. */
export function prepareLogSource(source: LogSource, options: OpenOptions = {}): LogIndex {
  const head = source.read(0, HEAD_BYTES);
  assertText(head);
  return new LogIndex(source, pickDialect(head, options), options, options);
}

/** The dialect `options` force, or the one detected from `head`. */
export function pickDialect(head: Uint8Array, options: OpenOptions): Dialect {
  if (options.dialect) {
    const forced = dialectById(options.dialect);
    if (!forced) throw new UnknownDialectError(`unknown dialect "${options.dialect}": use one of ${DIALECT_IDS.join(', ')}`);
    return forced;
  }
  const detected = detectDialect(head, options.fileName);
  if (!detected) throw new UnknownDialectError(`not a log of a known dialect: ${whyUnknown(head)}`);
  return detected;
}
