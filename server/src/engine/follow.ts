// Following logs as they grow or rotate, as `tail -F` does (FORMATS §9): new records are indexed
// and merged after what was already merged.
import * as fs from 'fs';
import * as path from 'path';
import type { LogSet, SourceLog } from './logSet';
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
    if (state !== 'replaced') nextDatedFile(src);
    const before = src.index.recordCount;
    if (!src.index.append()) {
      // Cannot happen while partial lines are held back; said plainly rather than mis-indexed.
      throw new Error(`${src.name}: its last line changed after it was read`);
    }
    src.placeOnFileDates(before);
  }
  return set.order.extend();
}

const DATED = /^\d{4}-\d{2}-\d{2}(?:_\d{2}-\d{2})?\.log$/i;

/**
 * CommuniGate starts a new file for a new day (or a restart) instead of renaming the live one: a
 * followed source of dated files goes on in the next dated file that appears beside its last one.
 */
function nextDatedFile(src: SourceLog): void {
  const last = src.files[src.files.length - 1];
  if (last.bytes || last.dialect.fileDate?.(last.name) === undefined) return;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(last.path));
  } catch {
    return;
  }
  const next = names.filter((n) => DATED.test(n) && n > last.name).sort()[0];
  if (!next) return;
  const file = path.join(path.dirname(last.path), next);
  let source: FileSource;
  try {
    source = new FileSource(file);
  } catch {
    return;
  }
  const display = `${path.dirname(last.display)}/${next}`;
  src.addRotatedFile(source, { ...last, display, path: file, name: next, mtimeMs: fs.statSync(file).mtimeMs });
}
