// A log's source and dialect, and its records read back as text (what is shown): between the
// finishing pass (OrderedStore) and the scan that fills the arrays (LogIndex).
import { CR, LF, SP, TAB, textColumn } from './bytes';
import { OrderedStore } from './orderedStore';
import type { LogSource } from './source';
import { MemorySource } from './source';
import type { Dialect, LineParser, ParseContext } from './types';

export class RecordTexts extends OrderedStore {
  readonly source: LogSource;
  readonly dialect: Dialect;
  protected readonly parser: LineParser;
  /** Component names made from key prefixes, one string each (componentOf). */
  private readonly componentNames = new AsciiNames();

  constructor(source: LogSource, dialect: Dialect, ctx: ParseContext, toleranceMs: number) {
    super(dialect.timeOfDay?.(ctx), toleranceMs, dialect.mayDescend === true);
    this.source = source;
    this.dialect = dialect;
    this.parser = (dialect.createScanner ?? dialect.createParser)(ctx);
  }

  /** The log's bytes, for logs held in memory (editor documents). */
  get bytes(): Buffer {
    if (!(this.source instanceof MemorySource)) throw new Error('the log is read from disk: use read()');
    return this.source.whole();
  }

  /** Bytes `[start, end)` of the log. */
  read(start: number, end: number): Buffer {
    return this.source.read(start, end);
  }

  /** As read(), into a buffer the source reuses for its next readTransient (or read() where it has none): done with it before reading again. */
  readTransient(start: number, end: number): Buffer {
    return this.source.readTransient?.(start, end) ?? this.source.read(start, end);
  }

  /**
   * Where the session's component is the first bytes of its key `pool[start, end)` (Dialect.componentPrefix):
   * their length; 0 where componentOf must be asked.
   */
  componentPrefixOf(pool: Uint8Array, start: number, end: number): number {
    const prefix = this.dialect.componentPrefix;
    return prefix !== undefined && this.parser.componentOf === undefined ? prefix(pool, start, end) : 0;
  }

  /** The outline group of a session (FORMATS §2: CommuniGate NAME, Axigen service, EMG instance…). */
  componentOf(session: number): string {
    const prefix = this.dialect.componentPrefix;
    if (prefix !== undefined && this.parser.componentOf === undefined) {
      const { pool, start, end } = this.keys.boundsOf(session);
      const n = prefix(pool, start, end);
      if (n > 0) return this.componentNames.get(pool, start, start + n);
    }
    const key = this.keys.decode(session);
    return this.parser.componentOf?.(key) ?? this.dialect.componentOf(key);
  }

  /** The record's text, verbatim (terminators included). */
  recordText(r: number): string {
    return this.read(this.recStartOffset[r], this.endOffsetOf(r)).toString('utf8');
  }

  /** The record's first line, without terminator. */
  headerLine(r: number): string {
    const start = this.recStartOffset[r];
    const end = this.endOffsetOf(r);
    // Header lines are short; read a little and only read on for a record whose first line is long.
    let bytes = this.read(start, Math.min(end, start + 4096));
    let nl = bytes.indexOf(LF);
    if (nl < 0 && bytes.length < end - start) {
      bytes = this.read(start, end);
      nl = bytes.indexOf(LF);
    }
    let e = nl < 0 ? bytes.length : nl;
    const cr = bytes.indexOf(CR);
    if (cr >= 0 && cr < e) e = cr;
    return bytes.toString('utf8', 0, e);
  }

  /** The record's body (FORMATS §2): everything but timestamp and level marker, lines joined by `\n`. */
  body(r: number): string {
    const text = this.read(this.recStartOffset[r] + this.recBodyCol[r], this.endOffsetOf(r)).toString('utf8');
    return text.replace(/(?:\r\n|\r|\n)$/, '').replace(/\r\n|\r/g, '\n');
  }

  /**
   * The queue id (message) a record is about, where its dialect names one: lets one message's
   * `DEQUEUER [id]` records be found although they all share the session key DEQUEUER.
   */
  queueId(r: number): string | undefined {
    const queueId = this.dialect.queueId;
    if (!queueId) return undefined;
    const line = this.headerLine(r);
    return queueId(line.slice(textColumn(line, this.recBodyCol[r])), this.sessionKey(this.recSession[r]));
  }

  /**
   * timestampText(r) as ASCII bytes written at `at` in `out` (room for 16), where the dialect rebuilds
   * stamps from the arrays: the index after them; -1 otherwise (ask timestampText).
   */
  stampBytes(r: number, out: Uint8Array, at: number): number {
    const write = this.dialect.stampBytes;
    return write === undefined ? -1 : write(this.recWall[r], this.dayBase ?? 0, this.recBodyCol[r], this.recLevel[r], this.recFlags[r], out, at);
  }

  /** The timestamp of a record as written. */
  timestampText(r: number): string {
    // Rebuilt from the arrays where the dialect can (a session list reads no file then).
    if (this.dialect.stampText !== undefined) {
      const rebuilt = this.dialect.stampText(this.recWall[r], this.dayBase ?? 0, this.recBodyCol[r], this.recLevel[r], this.recFlags[r]);
      if (rebuilt !== undefined) return rebuilt;
    }
    // Most dialects write the timestamp first: try the line's first bytes before decoding it whole.
    const start = this.recStartOffset[r];
    const head = this.read(start, Math.min(this.endOffsetOf(r), start + 64));
    let e = 0;
    while (e < head.length && head[e] !== LF && head[e] !== CR) e++;
    const text = head.toString('latin1', 0, e);
    const quick = this.dialect.timestampText(text);
    // Trusted only when it leads the line (after blanks and a bracket at most) and ends before the bytes read do.
    const at = quick === '' ? -1 : text.indexOf(quick);
    let lead = 0;
    while (lead < text.length && (text.charCodeAt(lead) === SP || text.charCodeAt(lead) === TAB)) lead++;
    return at >= 0 && at <= lead + 1 && at + quick.length < e ? quick : this.dialect.timestampText(this.headerLine(r));
  }
}

/** Strings of short ASCII byte runs, made once each (a few dozen component names for a million sessions). */
class AsciiNames {
  private readonly names = new Map<number, string[]>();

  get(bytes: Uint8Array, start: number, end: number): string {
    let h = end - start;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    let bucket = this.names.get(h);
    if (bucket === undefined) this.names.set(h, (bucket = []));
    for (const name of bucket) if (sameAscii(name, bytes, start, end)) return name;
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
    bucket.push(name);
    return name;
  }
}

function sameAscii(name: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (name.length !== end - start) return false;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
