// What a filter prints, item by item: the CLI and the language server both walk a result with this,
// so records, context records, overflow markers and `--` separators come out the same everywhere.
import type { FilterResult } from './filters';
import type { LogIndex } from './logIndex';

export interface FilterPiece {
  /** A record that matched, a context record around one, a marker line, or `--` between groups. */
  kind: 'hit' | 'context' | 'overflow' | 'separator';
  /** The bytes as the log writes them (a record with its terminators; a run's first marker line); `--\n` for a separator. */
  bytes: Buffer;
  /** 0-based line in the log of the first line of `bytes`; -1 for a separator. */
  firstLine: number;
  /** 0-based line in the log of the last line of `bytes`; -1 for a separator. */
  lastLine: number;
}

const SEPARATOR = Buffer.from('--\n');

/** The pieces of a result in order. `bytes` may be a view of the log: copy it to keep it past the next read. */
export function* filterPieces(index: LogIndex, result: FilterResult): Generator<FilterPiece> {
  for (const item of result.items) {
    switch (item.kind) {
      case 'record': {
        const r = item.record;
        const bytes = index.read(index.recStartOffset[r], index.recEndOffset[r]);
        yield { kind: item.context ? 'context' : 'hit', bytes, firstLine: index.recStartLine[r], lastLine: index.recEndLine[r] };
        break;
      }
      case 'overflow': {
        // Consecutive markers are printed as one line.
        const { startOffset, firstLineLength, startLine } = item.run;
        yield { kind: 'overflow', bytes: index.read(startOffset, startOffset + firstLineLength), firstLine: startLine, lastLine: startLine };
        break;
      }
      case 'separator':
        yield { kind: 'separator', bytes: SEPARATOR, firstLine: -1, lastLine: -1 };
        break;
    }
  }
}
