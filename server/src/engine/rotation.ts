// Rotated files of one log form one source, read in order (FORMATS §9).
import * as path from 'path';
import type { LogFile } from './inputs';

/** Files of one log in reading order, and the name the source goes by. */
export interface SourceFiles {
  name: string;
  files: LogFile[];
}

const NUMBERED = /^(.+)\.(\d{1,6})$/;
/** `NAME.2026-01-15`, `NAME-20260115`, `NAME_2026-01-15_10-00`, `NAME.20260115T1000`… */
const TIME_SUFFIX = /^(.+?)[._-](\d{4}-?\d{2}-?\d{2}(?:[T_.-]?\d{2}[:-]?\d{2}(?:[:-]?\d{2})?)?)$/;

interface Place {
  /** The log's name within its directory ('' for CommuniGate's dated files). */
  log: string;
  /** 0 numbered (highest first), 1 time-suffixed (in time order), 2 the live file, 3 dated CommuniGate. */
  rank: number;
  order: string | number;
}

/** Where a file stands among the rotated files of its log. */
export function rotationPlace(file: Pick<LogFile, 'name' | 'dialect'>): Place {
  const name = file.name;
  // Dated files (CommuniGate's YYYY-MM-DD.log) are one log, in the order of their dates.
  if (file.dialect.fileDate?.(name) !== undefined) return { log: '', rank: 3, order: name };
  let m = NUMBERED.exec(name);
  if (m) return { log: m[1], rank: 0, order: -Number(m[2]) };
  m = TIME_SUFFIX.exec(name);
  if (m) return { log: m[1], rank: 1, order: m[2].replace(/\D/g, '').padEnd(14, '0') };
  return { log: name, rank: 2, order: 0 };
}

/**
 * Groups files into sources: files of one dialect in one directory that are rotations of one log
 * (CommuniGate's dated files; `NAME.N`, time-suffixed names and `NAME`). Sources come in the order
 * of their first file; a file named twice is read once.
 */
export function groupSources(files: readonly LogFile[]): SourceFiles[] {
  const groups = new Map<string, { files: LogFile[]; places: Place[] }>();
  const seen = new Set<string>();
  for (const f of files) {
    const abs = path.resolve(f.path);
    if (seen.has(abs)) continue;
    seen.add(abs);
    const place = rotationPlace(f);
    const key = `${path.dirname(abs)}\0${place.log}\0${f.dialect.id}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { files: [], places: [] }));
    g.files.push(f);
    g.places.push(place);
  }
  const out: SourceFiles[] = [];
  for (const g of groups.values()) {
    const idx = g.files.map((_, i) => i);
    idx.sort((a, b) => {
      const pa = g.places[a];
      const pb = g.places[b];
      if (pa.rank !== pb.rank) return pa.rank - pb.rank;
      return pa.order < pb.order ? -1 : pa.order > pb.order ? 1 : 0;
    });
    const ordered = idx.map((i) => g.files[i]);
    const first = ordered[0];
    let name = first.display;
    if (ordered.length > 1) {
      const dir = path.dirname(first.display);
      const log = g.places[idx[0]].log;
      name = log === '' ? dir : `${dir}/${log}`;
    }
    out.push({ name, files: ordered });
  }
  return out;
}
