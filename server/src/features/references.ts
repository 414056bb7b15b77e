// References: every record of the session under the cursor, or of a session key written there.
import type { Location, Position } from 'vscode-languageserver';
import type { LogIndex } from '../engine';
import { recordRange } from './ranges';
import { sessionRecords } from '../engine';
import { mentionAt, recordSessionAt } from './sessionAt';

/** A bound on one response: a session can span a whole 50 MB log (`ROUTER`, `HTTPU`). */
export const MAX_REFERENCES = 50_000;

export function references(uri: string, index: LogIndex, position: Position): Location[] {
  const session = mentionAt(index, position)?.session ?? recordSessionAt(index, position);
  if (session < 0) return [];
  return sessionRecords(index, session, MAX_REFERENCES).map((r) => ({ uri, range: recordRange(index, r) }));
}
