// Definition: a session key written under the cursor leads to that session's first record.
import type { Location, Position } from 'vscode-languageserver';
import type { LogIndex } from '../engine';
import { recordRange } from './ranges';
import { mentionAt } from './sessionAt';

export function definition(uri: string, index: LogIndex, position: Position): Location | null {
  const mention = mentionAt(index, position);
  if (!mention) return null;
  return { uri, range: recordRange(index, index.sessionFirst[mention.session]) };
}
