// The inputs of an export of a set of logs (FORMATS §9): one per source, rotated files named per record.
import type { LogSet } from '../logSet';
import type { ExportInput } from './exporter';
import { dateUndatedInputs } from './undated';

/** The set's sources as export inputs, undated ones given a date; `notes` say which date they got. */
export function exportInputsOf(set: LogSet): { inputs: ExportInput[]; notes: string[] } {
  const inputs: ExportInput[] = set.sources.map((src) => ({
    index: src.index,
    path: src.files[0].display,
    source: src.name,
    files: src.files.length > 1 ? src.files.map((f, k) => ({ path: f.display, start: src.fileStart(k), firstLine: src.fileFirstLine(k) })) : undefined,
    dateBaseMs: src.shiftMs !== 0 ? src.shiftMs : undefined,
  }));
  const mtimes = new Map(set.sources.map((src, i) => [inputs[i], src.files[src.files.length - 1].mtimeMs]));
  const notes = dateUndatedInputs(inputs, (i) => mtimes.get(i) ?? Date.now());
  return { inputs, notes };
}
