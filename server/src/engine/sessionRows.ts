// `msglog sessions` as text (SPEC §6): one row per session, its columns padded as String.padEnd pads
// them, written from an index's arrays into byte buffers (JsonBytes'). A day's log has over a million
// sessions: a summary object, a decoded key and a template string each took 2.5 of the 5 s a 1 GB log
// took to list, and every key decoded for the column widths stayed in memory.
import { problems as describeProblems } from '../../../common/describe';
import type { JsonBytes } from './export/jsonBytes';
import type { LogIndex } from './logIndex';
import type { SessionPlaces } from './sessionJson';
import { isAsciiRange } from './bytes';

/** Keys longer than this do not widen the key column for every row (one odd key would). */
export const KEY_COLUMN_MAX = 40;

/** Column widths in UTF-16 code units (as padEnd counts): key, stamp, record count's digits, `lines A-B`. */
export interface RowWidths {
  key: number;
  time: number;
  records: number;
  lines: number;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const TWO_SPACES = Buffer.from('  ');
/** ` – ` between the times (an en dash). */
const TIME_DASH = Buffer.from(' \u2013 ');
const RECORD = Buffer.from(' record ');
const RECORDS = Buffer.from(' records');
const LINES = Buffer.from('lines ');
const PROBLEM = Buffer.from(' problem');
const DIALOG = Buffer.from('  dialog ');

/** The length of the UTF-8 text `buf[start, end)` as padEnd counts it: decoded only when it is not plain ASCII. */
function textLength(buf: Uint8Array, start: number, end: number): number {
  return isAsciiRange(buf, start, end) ? end - start : Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8').length;
}

/** Sessions written by another thread (a worker's half: windowedSessions.ts): their keys and record counts, those `skip` marks left out. */
export interface MoreSessions {
  pool: Uint8Array;
  bounds: Uint32Array;
  records: Uint32Array;
  skip: Uint8Array;
}

/**
 * The widths of the rows of every session of `indexes` (one per source) and of `more`, from facts that
 * cost no record read: key lengths, the largest record count and line number, and each source's first
 * timestamp (a log writes all its times alike).
 */
export function rowWidths(indexes: readonly LogIndex[], more?: MoreSessions): RowWidths {
  let key = 0;
  let records = 1;
  let time = 0;
  let lineCount = 1;
  for (const index of indexes) {
    const counts = index.sessionRecordCount;
    for (let id = 0; id < index.sessionCount; id++) {
      const { pool, start, end } = index.keys.boundsOf(id);
      if (key < KEY_COLUMN_MAX) key = Math.max(key, Math.min(KEY_COLUMN_MAX, textLength(pool, start, end)));
      if (counts[id] > records) records = counts[id];
    }
    if (index.recordCount > 0) time = Math.max(time, index.timestampText(0).length);
    lineCount = Math.max(lineCount, index.lineCount);
  }
  if (more !== undefined) {
    const { pool, bounds } = more;
    for (let w = 0; w < more.skip.length; w++) {
      if (more.skip[w] === 1) continue;
      if (key < KEY_COLUMN_MAX) key = Math.max(key, Math.min(KEY_COLUMN_MAX, textLength(pool, bounds[2 * w], bounds[2 * w + 1])));
      if (more.records[w] > records) records = more.records[w];
    }
  }
  return { key, time, records: String(records).length, lines: 6 + 2 * String(lineCount).length + 1 };
}

/** Writes the rows of one source's sessions, with what is the same for all of them looked up once. */
export class SessionRows {
  private readonly oneFile: boolean;

  constructor(
    private readonly index: LogIndex,
    private readonly source: SessionPlaces,
    private readonly w: JsonBytes,
    private readonly prefixed: boolean,
    private readonly widths: RowWidths,
  ) {
    this.oneFile = source.files.length === 1;
  }

  /** Session `id`'s row and its newline: key, earliest – latest time, records, lines, problems, dialog. */
  write(id: number): void {
    const { w, index, widths } = this;
    const first = index.sessionFirst[id];
    const last = index.sessionLast[id];
    const { pool, start, end } = index.keys.boundsOf(id);
    if (isAsciiRange(pool, start, end)) {
      w.ensure(end - start);
      const b = w.buf;
      let p = w.pos;
      for (let i = start; i < end; i++) b[p++] = pool[i];
      w.pos = p;
      this.pad(widths.key - (end - start));
    } else this.text(index.keys.decode(id), widths.key);
    w.raw(TWO_SPACES);
    // Earliest – latest, also in a table exported newest first (its first record is the latest).
    this.stamp(index.descending ? last : first);
    w.raw(TIME_DASH);
    this.stamp(index.descending ? first : last);
    w.raw(TWO_SPACES);
    const records = index.sessionRecordCount[id];
    this.pad(widths.records - digitCount(records));
    w.int(records);
    w.raw(records === 1 ? RECORD : RECORDS);
    w.raw(TWO_SPACES);
    const lastLine = index.endLineOf(last);
    const problems = index.sessionProblems[id];
    const dialog = index.sessionDialog.get(id);
    // The row's trailing blanks are trimmed: a dialog's own, and the lines' padding when nothing follows them.
    const said = dialog === undefined ? '' : dialog.trimEnd();
    const blankDialog = dialog !== undefined && dialog !== '' && said === '';
    if (!this.oneFile || this.prefixed || blankDialog) {
      this.tail(first, last, lastLine, problems, dialog);
    } else {
      const from = w.pos;
      w.raw(LINES);
      w.int(index.recStartLine[first] + 1);
      w.ensure(1);
      w.buf[w.pos++] = 0x2d;
      w.int(lastLine + 1);
      if (problems !== 0 || said !== '') this.pad(widths.lines - (w.pos - from));
      if (problems !== 0) {
        w.raw(TWO_SPACES);
        w.int(problems);
        w.raw(PROBLEM);
        if (problems !== 1) {
          w.ensure(1);
          w.buf[w.pos++] = 0x73;
        }
      }
      if (said !== '') {
        w.raw(DIALOG);
        this.text(said, 0);
      }
    }
    w.ensure(1);
    w.buf[w.pos++] = NEWLINE;
  }

  /** The row's end as text, from its lines on, without trailing blanks: files and lines, problems, dialog (several files, or a dialog of blanks). */
  private tail(first: number, last: number, lastLine: number, problems: number, dialog: string | undefined): void {
    const { index, source } = this;
    const a = this.oneFile ? { file: 0, line: index.recStartLine[first] } : source.locateRecord(first);
    const b = this.oneFile ? { file: 0, line: lastLine } : source.locate(lastLine, index.endOffsetOf(last) - 1);
    const file = source.files[a.file].display;
    const lastFile = source.files[b.file].display;
    const firstLine = a.line + 1;
    const endLine = b.line + 1;
    const lines = !this.prefixed ? `lines ${firstLine}-${endLine}` : file === lastFile ? `${file}:${firstLine}-${endLine}` : `${file}:${firstLine}-${lastFile}:${endLine}`;
    const said = `${lines.padEnd(this.widths.lines)}${problems ? `  ${describeProblems(problems)}` : ''}${dialog !== undefined && dialog !== '' ? `  dialog ${dialog}` : ''}`;
    this.text(said.trimEnd(), 0);
  }

  /** Record r's stamp padded to the time column: written in place where the dialect rebuilds it, else as text. */
  private stamp(r: number): void {
    const w = this.w;
    w.ensure(32);
    const end = this.index.stampBytes(r, w.buf, w.pos);
    if (end >= 0) {
      const n = end - w.pos;
      w.pos = end;
      this.pad(this.widths.time - n);
    } else this.text(this.index.timestampText(r), this.widths.time);
  }

  /** `s` as UTF-8, padded with spaces to `width` code units (padEnd's count). */
  private text(s: string, width: number): void {
    const w = this.w;
    w.ensure(3 * s.length);
    w.pos += w.buf.write(s, w.pos, 'utf8');
    this.pad(width - s.length);
  }

  private pad(n: number): void {
    if (n <= 0) return;
    const w = this.w;
    w.ensure(n);
    w.buf.fill(SPACE, w.pos, w.pos + n);
    w.pos += n;
  }
}

/** The decimal digits of a whole number ≥ 0. */
function digitCount(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}
