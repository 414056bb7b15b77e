// Logs whose times carry no calendar date (a CommuniGate log without a date in its file name) get
// one for export, where every record needs a full UTC time.
import { DAY_MS } from '../time';
import type { ExportInput } from './exporter';
import { civilFromDays } from './utcTime';

/**
 * Sets `dateBaseMs` of each undated input: the first date of the dated inputs when there are some
 * (FORMATS §9), else the date of the file's last modification less the days the log spans (a log
 * is last written on its last day). Returns one line per undated input saying which date it got.
 */
export function dateUndatedInputs(inputs: ExportInput[], mtimeMs: (input: ExportInput) => number): string[] {
  let firstDated = Infinity;
  for (const { index } of inputs) {
    if (!index.dated) continue;
    for (let r = 0; r < index.recordCount; r++) {
      const w = index.recWall[r];
      if (!Number.isNaN(w)) {
        firstDated = Math.min(firstDated, Math.floor(w / DAY_MS) * DAY_MS);
        break;
      }
    }
  }
  const notes: string[] = [];
  for (const input of inputs) {
    const index = input.index;
    if (index.dated || index.recordCount === 0 || input.dateBaseMs !== undefined) continue;
    if (Number.isFinite(firstDated)) {
      input.dateBaseMs = firstDated;
      notes.push(`${input.path}: no date in its name; placed on ${ymd(firstDated)}, the first date of the other logs`);
      continue;
    }
    let lastDay = 0;
    for (let r = index.recordCount - 1; r >= 0; r--) {
      const w = index.recWall[r];
      if (!Number.isNaN(w)) {
        lastDay = Math.floor(w / DAY_MS);
        break;
      }
    }
    const base = (Math.floor(mtimeMs(input) / DAY_MS) - lastDay) * DAY_MS;
    input.dateBaseMs = base;
    notes.push(`${input.path}: no date in its name; dated ${ymd(base)} from its modification time (name it YYYY-MM-DD.log to say its date)`);
  }
  return notes;
}

function ymd(ms: number): string {
  const [y, m, d] = civilFromDays(Math.floor(ms / DAY_MS));
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
