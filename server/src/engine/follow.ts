// Following logs as they grow or rotate, as `tail -F` does (FORMATS §9): new records are indexed
// and merged after what was already merged.
import * as fs from 'fs';
import type { LogSet } from './logSet';
import { FileSource } from './source';

/**
 * Reads what the sources' live files gained since the last call; a live file replaced under its
 * name (rotated, or truncated and rewritten) goes on in the new file. Returns the first new merged
 * position (equal to the merged length when nothing came).
 */
export function pollGrowth(set: LogSet): number {
  for (const src of set.sources) {
    const live = src.liveFile();
    if (!live) continue; // a .gz read into memory does not grow
    const state = live.refresh();
    if (state === 'replaced') {
      let next: FileSource;
      try {
        next = new FileSource(live.path);
      } catch {
        continue; // rotated away and not yet recreated: look again next time
      }
      const entry = src.files[src.files.length - 1];
      src.addRotatedFile(next, { ...entry, mtimeMs: fs.statSync(live.path).mtimeMs });
    }
    const before = src.index.recordCount;
    if (!src.index.append()) {
      // Cannot happen while partial lines are held back; said plainly rather than mis-indexed.
      throw new Error(`${src.name}: its last line changed after it was read`);
    }
    src.placeOnFileDates(before);
  }
  return set.order.extend();
}
