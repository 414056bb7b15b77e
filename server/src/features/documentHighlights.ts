// Highlights: every record of the session of the record under the cursor.
import type { DocumentHighlight, Position } from 'vscode-languageserver';
import { DocumentHighlightKind } from 'vscode-languageserver';
import type { LogIndex } from '../engine';
import { recordRange } from './ranges';
import { sessionRecords } from '../engine';
import { recordSessionAt } from './sessionAt';

/** Editors decorate every highlight; beyond this many they slow down for no benefit. */
export const MAX_HIGHLIGHTS = 10_000;

export function documentHighlights(index: LogIndex, position: Position): DocumentHighlight[] {
  const session = recordSessionAt(index, position);
  if (session < 0) return [];
  return sessionRecords(index, session, MAX_HIGHLIGHTS).map((r) => ({ range: recordRange(index, r), kind: DocumentHighlightKind.Text }));
}
