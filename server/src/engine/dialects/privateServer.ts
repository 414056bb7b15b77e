// PrivateServer web-console tables (TAB or comma separated): SIP sessions, registered accounts,
// authentication events and CDRs, each with an optional title line and a header row.
import { CivilDays } from '../time';
import type { Dialect, HeaderScratch, LineParser } from '../types';
import { RecordFlag, Severity } from '../types';
import { columnName, isProblemRow, parseCellTime, ProblemShape, splitRow, TABLES, TITLES } from './privateServerTables';
import { plainTime } from './privateServerTime';
import type { TableKind } from './privateServerTables';
import type { RowReader, RowTable } from './privateServerFastScan';
import { PrivateServerFastScan } from './privateServerFastScan';

/** Every column name of a table signature, lower case, by length: a cell that could make a row a header row. */
const SIGNATURE_WORDS: Uint8Array[][] = [];
for (const t of TABLES) {
  for (const word of t.signature) (SIGNATURE_WORDS[word.length] ??= []).push(Buffer.from(word, 'latin1'));
}
/**
 * 1 at `length << 8 | letter` where a signature word has that length (all are shorter than 16) and
 * first letter: a cell is compared with the words only where its length and first byte (ASCII case
 * ignored) fit one, which few data cells do.
 */
const SIGNATURE_START = new Uint8Array(16 << 8);
for (const words of SIGNATURE_WORDS) for (const word of words ?? []) SIGNATURE_START[(word.length << 8) | word[0]] = 1;
const NONE_KEY = Buffer.from('(none)', 'latin1');
const NO_WORD = new Uint8Array(0);
const TITLE_BYTES = TITLES.map((t) => Buffer.from(t, 'latin1'));

/** Whether `buf[s, e)` equals the lower-case ASCII `word`, ignoring ASCII case. */
function equalsFolded(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = buf[s + i];
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== word[i]) return false;
  }
  return true;
}

/** Whether `buf[s, e)` contains the ASCII `word`. */
function contains(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  outer: for (let i = s; i + word.length <= e; i++) {
    for (let j = 0; j < word.length; j++) if (buf[i + j] !== word[j]) continue outer;
    return true;
  }
  return false;
}

class PrivateServerParser implements LineParser, RowReader {
  private table: TableKind | undefined;
  private columns: string[] = [];
  private readonly components = new Map<string, string>();
  /** The current table's columns used by the byte path: time, key and those its problem rule reads (-1: absent). */
  private timeCol = -1;
  private keyCol = -1;
  /** The columns of the table's problem rule and its words (ProblemRule), as bytes. */
  private problemCols: number[] = [];
  private problemWords: Uint8Array[] = [];
  private cells = new Int32Array(64);
  /** The bytes row() reads four at a time, and the array they are a view of (a new one per chunk of the log). */
  private words: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private wordsOf: Uint8Array | undefined;
  /** The byte the current table's header row split at: TAB, or a comma (CDR and authentication exports). */
  private separator = 0x09;
  private readonly days = new CivilDays();
  /** Header rows met so far (tables in the file). */
  private tablesSeen = 0;
  /** The component of the first table, for keys that only occur in it. */
  private firstComponent: string | undefined;

  /** What row() read of the last row it took: the time (NaN: none), RecordFlag bits, whether it is a warning, the key and the body column. */
  rowWall = NaN;
  rowFlags = 0;
  rowWarning = false;
  rowKeyBuf: Uint8Array = NONE_KEY;
  rowKeyStart = 0;
  rowKeyEnd = NONE_KEY.length;
  rowBodyCol = 0;
  /** What the WebAssembly scan reads rows by: set with each header row, undefined where it reads none (RowReader). */
  wasmTable: RowTable | undefined = undefined;

  header(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean {
    if (this.table !== undefined && this.row(buf, start, end)) {
      if (this.rowWall === this.rowWall) h.wall = this.rowWall;
      h.flags |= this.rowFlags;
      if (this.rowWarning) h.severity = Severity.Warning;
      h.keyBuf = this.rowKeyBuf;
      h.keyStart = this.rowKeyStart;
      h.keyEnd = this.rowKeyEnd;
      h.bodyCol = this.rowBodyCol;
      return true;
    }
    return this.anyLine(buf, start, end, h);
  }

  /** Whether a table's header row has been read: only then may a line be one of its data rows (row()). */
  get readsRows(): boolean {
    return this.table !== undefined;
  }

  /**
   * The hot path, in bytes: an ASCII row of the current table, split as its header row was (TABs, or
   * commas in a row with no quote, no TAB and as many cells as columns), whose cells name no column
   * of a signature (so it cannot be a header row) and whose time is plain. What it reads goes to the
   * row… fields (header() and the fused scan, privateServerFastScan.ts, take it from there). Returns
   * false, having changed nothing, for any other line: anyLine then reads it as text, as it always did.
   * Only while readsRows.
   */
  row(buf: Uint8Array, start: number, end: number): boolean {
    const sep = this.separator;
    // splitRow's comma rows honour quotes and re-join thousands groups, and a row with a TAB splits at TABs.
    if (sep !== 0x09) for (let i = start; i < end; i++) if (buf[i] === 0x22 || buf[i] === 0x09) return false;
    // Cell bounds, trimmed: [s0, e0, s1, e1, …].
    let f = this.cells;
    let n = 0;
    let any = false;
    // Every byte OR-ed together: text with other bytes than ASCII (sort glyphs, Unicode blanks) is the text path's.
    let bits = 0;
    // Where the first cell ends: the body starts after it when the row starts with its time.
    let firstSep = -1;
    if (buf !== this.wordsOf) {
      this.words = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.wordsOf = buf;
    }
    const words = this.words;
    const seps = sep * 0x01010101;
    for (let cs = start; cs <= end; ) {
      let tab = cs;
      // Four bytes at a time while four are left (SWAR): `x` has a zero byte where a separator is, and
      // the lowest bit of `hit` is in the first of them (a borrow only carries past a zero byte upwards).
      while (tab + 4 <= end) {
        const w = words.getInt32(tab, true);
        bits |= w;
        const x = w ^ seps;
        const hit = ((x - 0x01010101) | 0) & ~x & 0x80808080;
        if (hit !== 0) {
          tab += (31 - Math.clz32(hit & -hit)) >> 3;
          break;
        }
        tab += 4;
      }
      if (tab + 4 > end) while (tab < end && buf[tab] !== sep) bits |= buf[tab++];
      if (firstSep < 0) firstSep = tab;
      let s = cs;
      let e = tab;
      while (s < e && isBlank(buf[s])) s++;
      while (e > s && isBlank(buf[e - 1])) e--;
      if (2 * n + 2 > f.length) {
        const grown = new Int32Array(f.length * 2);
        grown.set(f);
        f = this.cells = grown;
      }
      f[2 * n] = s;
      f[2 * n + 1] = e;
      n++;
      if (e > s) any = true;
      // A cell naming a column of a table signature may make this a header row: the text path decides.
      if (e - s < 16 && SIGNATURE_START[((e - s) << 8) | (buf[s] | 0x20)] === 1 && namesColumn(buf, s, e)) return false;
      cs = tab + 1;
    }
    if (bits & 0x80808080) return false;
    // Blank lines and titles (TABs may lead or trail them) are the text path's too.
    if (n < 2 || !any) return false;
    if (n === 2 || n === 3) {
      let ls = start;
      let le = end;
      while (ls < le && isBlank(buf[ls])) ls++;
      while (le > ls && isBlank(buf[le - 1])) le--;
      for (const title of TITLE_BYTES) if (equalsExact(buf, ls, le, title)) return false;
    }
    const table = this.table!;
    const timeCol = this.timeCol;
    let wall = NaN;
    if (timeCol >= 0 && timeCol < n) {
      const ts = f[2 * timeCol];
      const te = f[2 * timeCol + 1];
      if (plainTime(buf, ts, te, this.days, TIME)) wall = TIME[0];
      // Zones and other forms are read by the text path.
      else if (te > ts) return false;
    }
    if (sep !== 0x09 && n > this.columns.length) n = joinGroups(buf, f, n, this.columns.length, start, end);
    let flags = 0;
    if (n !== this.columns.length) {
      if (sep !== 0x09) return false;
      flags = RecordFlag.Malformed;
    }
    this.rowWall = wall;
    this.rowWarning = this.problemBytes(table, buf, f, n);
    this.rowFlags = this.rowWarning ? flags | RecordFlag.EventError : flags;
    const k = this.keyCol;
    const ks = k >= 0 && k < n ? f[2 * k] : 0;
    const ke = k >= 0 && k < n ? f[2 * k + 1] : 0;
    if (ke > ks) {
      this.rowKeyBuf = buf;
      this.rowKeyStart = ks;
      this.rowKeyEnd = ke;
    } else {
      this.rowKeyBuf = NONE_KEY;
      this.rowKeyStart = 0;
      this.rowKeyEnd = NONE_KEY.length;
    }
    // Rows of the first table need no entry: componentOf falls back to its component.
    if (this.tablesSeen > 1) this.components.set(Buffer.from(this.rowKeyBuf.buffer, this.rowKeyBuf.byteOffset + this.rowKeyStart, this.rowKeyEnd - this.rowKeyStart).toString('latin1'), table.component);
    // The time cell of a row taken holds no comma: its first separator is anyLine's first TAB or comma.
    this.rowBodyCol = timeCol === 0 ? firstSep + 1 - start : 0;
    return true;
  }

  /** isProblemRow over bytes (the same rule), `f` holding the row's trimmed cell bounds. */
  private problemBytes(table: TableKind, buf: Uint8Array, f: Int32Array, n: number): boolean {
    const cols = this.problemCols;
    const a = cols.length > 0 && cols[0] >= 0 && cols[0] < n ? cols[0] : -1;
    if (a < 0) return false;
    const as = f[2 * a];
    const ae = f[2 * a + 1];
    const first = this.problemWords[0];
    switch (table.problem.shape) {
      case ProblemShape.Equals:
        return equalsExact(buf, as, ae, first);
      case ProblemShape.StartsWith:
        return ae - as >= first.length && equalsExact(buf, as, as + first.length, first);
      case ProblemShape.EqualsAndContains: {
        if (!equalsExact(buf, as, ae, first)) return false;
        const b = cols[1] >= 0 && cols[1] < n ? cols[1] : -1;
        return b >= 0 && contains(buf, f[2 * b], f[2 * b + 1], this.problemWords[1]);
      }
      default:
        return false;
    }
  }

  /** Points the byte path at the columns of a new header row. */
  private setColumns(kind: TableKind, names: string[]): void {
    this.tablesSeen++;
    this.firstComponent ??= kind.component;
    this.table = kind;
    this.columns = names;
    this.timeCol = names.indexOf(kind.time);
    this.keyCol = names.indexOf(kind.key);
    this.problemCols = kind.problem.columns.map((name) => names.indexOf(name));
    this.problemWords = kind.problem.words.map((word) => Buffer.from(word, 'latin1'));
  }

  /** The WebAssembly scan's view of the table just read (its separator too): rows split at TABs of the log's only table so far. */
  private tableForWasm(): RowTable | undefined {
    // Rows after a second header row keep their components (row()): the parser's, one by one.
    if (this.separator !== 0x09 || this.tablesSeen > 1 || this.table === undefined) return undefined;
    const cols = this.problemCols;
    return {
      columns: this.columns.length,
      timeCol: this.timeCol,
      shape: this.table.problem.shape,
      cellA: cols.length > 0 ? cols[0] : -1,
      cellB: cols.length > 1 ? cols[1] : -1,
      first: this.problemWords[0] ?? NO_WORD,
      second: this.problemWords[1] ?? NO_WORD,
      signatureStart: SIGNATURE_START,
    };
  }

  /** Any line, as text: titles, header rows, comma rows, rows with zones or non-ASCII text. */
  private anyLine(buf: Uint8Array, start: number, end: number, h: HeaderScratch): boolean {
    const line = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
    const trimmed = line.trim();
    if (trimmed === '') return false;
    if (TITLES.includes(trimmed)) {
      this.table = undefined;
      this.wasmTable = undefined;
      return false;
    }
    // A header row names every column of a table's signature: most lines (data rows) name none, and
    // are told apart by one look at the line instead of splitting it into cells.
    const plain = columnName(line);
    const maybeHeader = TABLES.some((t) => t.signature.every((c) => plain.includes(c)));
    const names = maybeHeader ? splitRow(line).map(columnName) : [];
    const kind = maybeHeader ? TABLES.find((t) => t.signature.every((c) => names.includes(c))) : undefined;
    if (kind) {
      this.setColumns(kind, names);
      this.separator = line.includes('\t') ? 0x09 : 0x2c;
      this.wasmTable = this.tableForWasm();
      return false;
    }
    const table = this.table;
    if (!table) return false;
    const cells = splitRow(line, this.columns.length);
    const cell = (name: string): string => (cells[this.columns.indexOf(name)] ?? '').trim();
    if (cells.length !== this.columns.length) h.flags |= RecordFlag.Malformed;
    const timeCol = this.columns.indexOf(table.time);
    const time = parseCellTime(cells[timeCol] ?? '');
    if (time) {
      h.wall = time.wall;
      h.offsetMin = time.offsetMin;
    }
    if (isProblemRow(table.problem, cell)) {
      h.severity = Severity.Warning;
      h.flags |= RecordFlag.EventError;
    }
    const key = cell(table.key) || '(none)';
    h.setKeyText(key);
    if (this.tablesSeen > 1) this.components.set(key, table.component);
    // The body is the row after its timestamp when the timestamp leads the row, else the whole row.
    if (timeCol === 0) {
      const sep = line.search(/[\t,]/);
      h.bodyCol = sep < 0 ? 0 : Buffer.byteLength(line.slice(0, sep + 1));
    }
    return true;
  }

  componentOf(key: string): string | undefined {
    return this.components.get(key) ?? this.firstComponent;
  }

  /** The table rows are read by and how many header rows came before (the components kept depend on it). */
  partState(): string {
    return `${this.tablesSeen}\n${this.table?.component ?? ''}\n${this.firstComponent ?? ''}\n${this.separator}\n${this.columns.join('\t')}`;
  }
}

/** Whether the trimmed cell `buf[s, e)` names a column of a table signature (ASCII case ignored). */
function namesColumn(buf: Uint8Array, s: number, e: number): boolean {
  for (const w of SIGNATURE_WORDS[e - s]) if (equalsFolded(buf, s, e, w)) return true;
  return false;
}

/**
 * splitRow's thousands groups over cell bounds `f` of a comma row without quotes: from the right, while
 * there are more cells than `expected`, a cell of 1–3 digits and the next of exactly 3 (neither with
 * blanks) become one (`3,169`). Returns the cells left.
 */
function joinGroups(buf: Uint8Array, f: Int32Array, n: number, expected: number, start: number, end: number): number {
  for (let i = n - 2; n > expected && i >= 0; i--) {
    const ls = f[2 * i];
    const le = f[2 * i + 1];
    const rs = f[2 * i + 2];
    const re = f[2 * i + 3];
    // Untrimmed cells are tested: the digits must run from comma to comma.
    const bare = (ls === start || buf[ls - 1] === 0x2c) && le + 1 === rs && buf[le] === 0x2c && (re === end || buf[re] === 0x2c);
    if (!bare || le - ls < 1 || le - ls > 3 || re - rs !== 3 || !allDigits(buf, ls, le) || !allDigits(buf, rs, re)) continue;
    f[2 * i + 1] = re;
    f.copyWithin(2 * i + 2, 2 * i + 4, 2 * n);
    n--;
  }
  return n;
}

function allDigits(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i] < 0x30 || buf[i] > 0x39) return false;
  return true;
}

function isBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function equalsExact(buf: Uint8Array, s: number, e: number, word: Uint8Array): boolean {
  if (e - s !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word[i]) return false;
  return true;
}

/**
 * Where plainTime puts the time it read: a number returned from a call that is not inlined (row() is
 * too large to take it in) is a new heap number, 18 MB of them for a 200 MB log.
 */
const TIME = new Float64Array(1);

export const privateServer: Dialect = {
  id: 'privateserver-log',
  name: 'PrivateServer',
  mayDescend: true,
  // A large export is one table: its parts start in the table the head sets up (a second one is read in order).
  splitsWithState: 'always',
  createParser: () => new PrivateServerParser(),
  createFastScan(parser) {
    if (!(parser instanceof PrivateServerParser)) throw new Error('a PrivateServer fast scan reads rows through a PrivateServer parser');
    return new PrivateServerFastScan(parser);
  },
  componentOf: () => 'PrivateServer',
  levelName: () => '',
  timestampText(line) {
    for (const cell of splitRow(line)) if (parseCellTime(cell)) return cell.trim();
    return '';
  },
  malformedMessage: 'Malformed: this row does not have as many columns as the header row',
  fileNameScore: (name) => (/\.(tsv|csv)$/i.test(name) || /privateserver|psum|cdr/i.test(name) ? 1 : 0),
};
