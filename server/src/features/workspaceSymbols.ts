// Workspace symbols: session keys across all open logs, matched by case-insensitive substring.
import type { SymbolInformation } from 'vscode-languageserver';
import { SymbolKind } from 'vscode-languageserver';
import type { LogIndex } from '../engine';
import { sessionRange } from './ranges';

/** Enough to find a session by typing a part of its key; more would only flood the picker. */
export const MAX_WORKSPACE_SYMBOLS = 500;

export interface IndexedLog {
  uri: string;
  index: LogIndex;
}

export function workspaceSymbols(logs: Iterable<IndexedLog>, query: string, isCancelled: () => boolean, limit = MAX_WORKSPACE_SYMBOLS): SymbolInformation[] {
  const needle = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const { uri, index } of logs) {
    const keys = index.keys.keys;
    for (let s = 0; s < keys.length; s++) {
      if (out.length >= limit || ((s & 0xfff) === 0 && isCancelled())) return out;
      if (!keys[s].toLowerCase().includes(needle)) continue;
      out.push({
        name: keys[s],
        kind: SymbolKind.Event,
        location: { uri, range: sessionRange(index, s) },
        containerName: index.componentOf(s),
      });
    }
  }
  return out;
}
