// Rendering a timeline or trace as a document's text, with where each record came from, and the
// small naming helpers of timelines (source tags, short source names, view keys in URIs).
import * as path from 'path';
import type { LogSet } from '../engine';
import type { LogLanguageId, TimelineView } from '../../../common/protocol';

/** Text of a timeline document at most: beyond it the document says how many records it leaves out. */
export const TEXT_LIMIT = 32 << 20;

export interface RenderedView {
  /** Merged positions shown, in order (all records for a timeline, a subset for a trace). */
  positions: Uint32Array | undefined;
  /** Document line of each shown position's record. */
  lines: Int32Array;
  shown: number;
}

/** Renders shown positions (all when undefined) as text with the origin of each record. */
export function renderView(set: LogSet, names: string[], notes: string[], id: string, positions: Uint32Array | undefined, viewKey: string): { view: TimelineView; rendered: RenderedView } {
  const files: string[] = [];
  const fileIndex = set.sources.map((src) => src.files.map((f) => files.push(f.path) - 1));
  const count = positions ? positions.length : set.order.length;
  const parts: Buffer[] = [];
  const records: number[] = [];
  const lines = new Int32Array(count).fill(-1);
  let size = 0;
  let line = 0;
  let shown = 0;
  // A whole timeline keeps the overflow markers (records the server dropped) after their record.
  const markers = positions ? undefined : set.sources.map((src) => new Map(src.index.overflow.map((run) => [run.recordBefore, run] as const)));
  const marker = (s: number, before: number): void => {
    const run = markers?.[s].get(before);
    if (!run) return;
    const source = set.sources[s];
    const at = source.locate(run.startLine, run.startOffset);
    records.push(line, s, fileIndex[s][at.file], at.line);
    parts.push(Buffer.from('***\n'));
    size += 4;
    line++;
  };
  set.sources.forEach((_, s) => marker(s, -1));
  for (let i = 0; i < count; i++) {
    const p = positions ? positions[i] : i;
    const s = set.order.src[p];
    const r = set.order.rec[p];
    const source = set.sources[s];
    const ix = source.index;
    const bytes = Buffer.from(ix.read(ix.recStartOffset[r], ix.recEndOffset[r]));
    if (size + bytes.length > TEXT_LIMIT) break;
    const at = source.locateRecord(r);
    records.push(line, s, fileIndex[s][at.file], at.line);
    lines[i] = line;
    parts.push(bytes);
    size += bytes.length;
    if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
    line += ix.recEndLine[r] - ix.recStartLine[r] + 1;
    shown++;
    marker(s, r);
  }
  if (shown < count) parts.push(Buffer.from(`… ${count - shown} more records: the document shows the first ${TEXT_LIMIT >> 20} MB; filters and Go to Time read them all\n`));
  const dialect = set.dialect;
  const view: TimelineView = {
    id,
    view: viewKey,
    text: Buffer.concat(parts).toString('utf8'),
    dialect: dialect === 'mixed' ? undefined : dialect,
    sources: set.sources.map((src, i) => ({ tag: tagOf(i), name: names[i], dialect: src.index.dialect.id as LogLanguageId })),
    files,
    records,
    shown,
    total: count,
    notes,
  };
return { view, rendered: { positions, lines, shown } };
}


/** A, B, … Z, AA, AB, …: the tag of source number s. */
export function tagOf(s: number): string {
  let t = '';
  let n = s;
  do {
    t = String.fromCharCode(65 + (n % 26)) + t;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return t;
}

export function sourceOfTag(tag: string): number {
  let n = 0;
  for (const c of tag) n = n * 26 + (c.charCodeAt(0) - 64);
  return n - 1;
}

/** A URI's text with every level of percent-encoding undone (clients encode the query once or twice). */
export function fullyDecoded(uri: string): string {
  let text = uri;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(text);
    } catch {
      return text;
    }
    if (next === text) return text;
    text = next;
  }
  return text;
}

/** Names of sources relative to the folder that holds every path given (short labels in the editor). */
export function shortNames(set: LogSet, paths: string[]): string[] {
  const split = paths.map((p) => path.dirname(path.resolve(p)).split(path.sep));
  let n = split[0]?.length ?? 0;
  for (const parts of split) {
    let i = 0;
    while (i < n && i < parts.length && parts[i] === split[0][i]) i++;
    n = i;
  }
  const common = (split[0] ?? []).slice(0, n).join(path.sep);
  return set.sources.map((src) => (common ? path.relative(common, path.resolve(src.name)) : src.name) || path.basename(src.name));
}

export function emptyView(id: string, error: string): TimelineView {
  return { id, view: '', text: '', sources: [], files: [], records: [], shown: 0, total: 0, notes: [], error };
}
