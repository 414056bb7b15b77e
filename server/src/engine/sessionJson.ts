// A session list's JSON (`msglog sessions --json`, SPEC §6), one line per session, written from an
// index's arrays into byte buffers: a day's log has over a million sessions, and an object and a
// JSON.stringify each took seconds. In the engine, as a windowed list's worker writes the sessions of
// its half itself (windowedSessions.ts).
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
  }

  write(id: number, firstOfAll: boolean): void {
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

