// What session a position points at: a session key written under the cursor, or the record's own.
import type { Position } from 'vscode-languageserver';
import type { LogIndex } from '../engine';
import { crossReferencesInLine } from '../engine';
import type { CrossReference } from '../engine/sessions';
import { recordLineText } from './ranges';

/** A session key written on a record line under the cursor (`closed by HTTPU-000029`), the session's own key included. */
export function mentionAt(index: LogIndex, position: Position): CrossReference | undefined {
  const text = recordLineText(index, position.line);
  if (text === undefined) return undefined;
  // ownSession -1: a record's own key counts too, so that it behaves like any other mention.
  return crossReferencesInLine(index, text, -1).find((m) => m.start <= position.character && position.character <= m.end);
}

/** The session of the record whose lines include the position's line, or -1 (preamble, `***`). */
export function recordSessionAt(index: LogIndex, position: Position): number {
  const r = index.recordAtLine(position.line);
  return r < 0 ? -1 : index.recSession[r];
}

