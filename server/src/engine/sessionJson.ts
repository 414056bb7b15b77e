// A session list's JSON (`msglog sessions --json`, SPEC §6), one line per session, written from an
// index's arrays into byte buffers: a day's log has over a million sessions, and an object and a
// JSON.stringify each took seconds. In the engine, as a windowed list's worker writes the sessions of
// its half itself (windowedSessions.ts).
import { smallInt } from './export/jsonBytes';
import type { JsonBytes } from './export/jsonBytes';
import type { LogIndex } from './logIndex';

/** Fixed JSON text encoded once, for JsonBytes.raw. */
function token(ascii: string): Buffer {
  return Buffer.from(ascii, 'latin1');
}

// The fixed parts of a session's JSON, encoded once.
const FIRST_KEY = token('\n{"key":');
const NEXT_KEY = token(',\n{"key":');
const T_COMPONENT = token(',"component":');
const T_FIRSTLINE = token(',"firstLine":');
const T_LASTLINE = token(',"lastLine":');
const T_RECORDS = token(',"records":');
const T_START = token(',"start":');
const T_END = token(',"end":');
const T_PROBLEMS = token(',"problems":');
const T_FILE = token(',"file":');
const T_LASTFILE = token(',"lastFile":');
const T_SOURCE = token(',"source":');
const T_DIALECT = token(',"dialect":');
const CLOSE = token('}');
export const OPEN_DIALECT = token('{"dialect":');
export const OPEN_SESSIONS = token(',"sessions":[');
export const CLOSE_ALL = token('\n]}\n');
const QUOTE = 0x22;

/** What a session's line names of where it is: the source's files (SourceLog's). */
export interface SessionPlaces {
  readonly name: string;
  readonly files: readonly { display: string }[];
  locateRecord(r: number): { file: number; line: number };
  locate(line: number, offset: number): { file: number; line: number };
}

/** Writes the sessions of one source, with what is the same for all of them looked up once. */
export class SessionJson {
  private readonly oneFile: boolean;

  constructor(
    private readonly index: LogIndex,
    private readonly source: SessionPlaces,
    private readonly w: JsonBytes,
    private readonly prefixed: boolean,
    private readonly mixed: boolean,
  ) {
    this.oneFile = source.files.length === 1;
    this.plain = this.oneFile && !prefixed && !mixed;
  }

  /** One file, no file or dialect named: writePlain may write the line. */
  private readonly plain: boolean;

  /**
   * write() for the common line, in one pass over the buffer with no call per field: a key of plain
   * ASCII whose component is its first bytes, stamps the dialect rebuilds, numbers under 10^9. False
   * (nothing written) for any other: write() writes it field by field. A million sessions' lines took
   * a quarter of `msglog sessions --json` of 1 GB field by field.
   */
  private writePlain(id: number, firstOfAll: boolean): boolean {
    const { w, index } = this;
    const { pool, start, end } = index.keys.boundsOf(id);
    for (let i = start; i < end; i++) {
      const c = pool[i];
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) return false;
    }
    const component = index.componentPrefixOf(pool, start, end);
    const first = index.sessionFirst[id];
    const last = index.sessionLast[id];
    const firstLine = index.recStartLine[first] + 1;
    const lastLine = index.endLineOf(last) + 1;
    const records = index.sessionRecordCount[id];
    const problems = index.sessionProblems[id];
    if (component === 0 || lastLine >= 1e9 || records >= 1e9 || problems >= 1e9) return false;
    w.ensure(2 * (end - start) + 200);
    // Written past w.pos and kept only when the whole line is written.
    const b = w.buf;
    const v = w.view;
    let p = words(v, w.pos, firstOfAll ? W_FIRST_KEY : W_NEXT_KEY);
    for (let i = start; i < end; i++) b[p++] = pool[i];
    p = words(v, p, W_COMPONENT);
    for (let i = start; i < start + component; i++) b[p++] = pool[i];
    p = smallInt(b, words(v, p, W_FIRSTLINE), firstLine);
    p = smallInt(b, words(v, p, W_LASTLINE), lastLine);
    p = smallInt(b, words(v, p, W_RECORDS), records);
    p = words(v, p, W_START);
    const startAt = p;
    p = index.stampBytes(first, b, p);
    if (p < 0) return false;
    const startEnd = p;
    p = words(v, p, W_END);
    if (last === first) {
      // A session of one record (most are) starts and ends with the same stamp.
      for (let i = startAt; i < startEnd; i++) b[p++] = b[i];
    } else {
      p = index.stampBytes(last, b, p);
      if (p < 0) return false;
    }
    p = smallInt(b, words(v, p, W_PROBLEMS), problems);
    b[p++] = 0x7d; // }
    w.pos = p;
    return true;
  }

  write(id: number, firstOfAll: boolean): void {
    if (this.plain && this.writePlain(id, firstOfAll)) return;
    const { w, index } = this;
    const first = index.sessionFirst[id];
    const last = index.sessionLast[id];
    w.raw(firstOfAll ? FIRST_KEY : NEXT_KEY);
    const key = index.keys.boundsOf(id);
    w.key(key.pool, key.start, key.end);
    w.raw(T_COMPONENT);
    w.string(index.componentOf(id));
    const lastLine = index.endLineOf(last);
    let firstFile = 0;
    let lastFile = 0;
    w.raw(T_FIRSTLINE);
    if (this.oneFile) {
      w.int(index.recStartLine[first] + 1);
      w.raw(T_LASTLINE);
      w.int(lastLine + 1);
    } else {
      const a = this.source.locateRecord(first);
      const b = this.source.locate(lastLine, index.endOffsetOf(last) - 1);
      firstFile = a.file;
      lastFile = b.file;
      w.int(a.line + 1);
      w.raw(T_LASTLINE);
      w.int(b.line + 1);
    }
    w.raw(T_RECORDS);
    w.int(index.sessionRecordCount[id]);
    w.raw(T_START);
    const start = this.stamp(first);
    w.raw(T_END);
    // A session of one record (most are) starts and ends with the same stamp: a stamp read from the log is read once.
    this.stamp(last, last === first ? start : undefined);
    w.raw(T_PROBLEMS);
    w.int(index.sessionProblems[id]);
    if (this.prefixed) {
      const files = this.source.files;
      w.raw(T_FILE);
      w.string(files[firstFile].display);
      w.raw(T_LASTFILE);
      w.string(files[lastFile].display);
      w.raw(T_SOURCE);
      w.string(this.source.name);
    }
    if (this.mixed) {
      w.raw(T_DIALECT);
      w.string(index.dialect.id);
    }
    w.raw(CLOSE);
  }

  /**
   * Record r's stamp as a JSON string: written in place where the dialect rebuilds it from the arrays
   * (no string made; returns undefined), else `text` or timestampText (returned, for the same record again).
   */
  private stamp(r: number, text?: string): string | undefined {
    const w = this.w;
    if (text === undefined) {
      w.ensure(18);
      const end = this.index.stampBytes(r, w.buf, w.pos + 1);
      if (end >= 0) {
        w.buf[w.pos] = QUOTE;
        w.buf[end] = QUOTE;
        w.pos = end + 1;
        return undefined;
      }
    }
    const stamp = text ?? this.index.timestampText(r);
    w.string(stamp);
    return stamp;
  }
}

/** A fixed text as little-endian 32-bit words (its last padded), to write four bytes a store: a byte loop over a line's 90 bytes of names took a third of writePlain. */
interface WordText {
  readonly words: Uint32Array;
  readonly length: number;
}

function wordText(ascii: string): WordText {
  const bytes = Buffer.alloc(Math.ceil(ascii.length / 4) * 4);
  bytes.write(ascii, 'latin1');
  const words = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = bytes.readUInt32LE(4 * i);
  return { words, length: ascii.length };
}

/** Writes `text` at `p` (up to 3 bytes past its end may be written over: what comes next overwrites them); returns its end. */
function words(v: DataView, p: number, text: WordText): number {
  const w = text.words;
  for (let i = 0; i < w.length; i++) v.setUint32(p + 4 * i, w[i], true);
  return p + text.length;
}

// writePlain's fixed parts, quotes around the strings included.
const W_FIRST_KEY = wordText('\n{"key":"');
const W_NEXT_KEY = wordText(',\n{"key":"');
const W_COMPONENT = wordText('","component":"');
const W_FIRSTLINE = wordText('","firstLine":');
const W_LASTLINE = wordText(',"lastLine":');
const W_RECORDS = wordText(',"records":');
const W_START = wordText(',"start":"');
const W_END = wordText('","end":"');
const W_PROBLEMS = wordText('","problems":');
