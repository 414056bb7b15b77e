// The SIP dialog (Call-ID) of each session that names one. A CommuniGate log has a SIPDATA session per
// packet, so a day has hundreds of thousands of them: their bytes are kept in one pool and decoded
// only when asked for, rather than made into a string and a Map entry each while the log is indexed.
import { grow } from './keyTable';

/** A SessionDialogs as typed arrays, to transfer from a worker or keep (see toPortable). */
export interface PortableDialogs {
  /** Per dialog, in the order they were added: its session, and where its bytes start in `pool`. */
  sessions: Uint32Array;
  /** `starts[i]` to `starts[i + 1]`: one more than there are dialogs. */
  starts: Uint32Array;
  pool: Uint8Array;
}

const NONE = -1;

export class SessionDialogs implements ReadonlyMap<number, string> {
  /** By session: its dialog's number, NONE when it has none. */
  private dialogOf = new Int32Array(0);
  private sessions = new Uint32Array(64);
  private starts = new Uint32Array(65);
  private pool = new Uint8Array(1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(session: number): boolean {
    return session < this.dialogOf.length && this.dialogOf[session] !== NONE;
  }

  get(session: number): string | undefined {
    return this.has(session) ? this.text(this.dialogOf[session]) : undefined;
  }

  /** Gives `session` the dialog `buf[start, end)` unless it has one already. */
  addBytes(session: number, buf: Uint8Array, start: number, end: number): void {
    if (this.has(session)) return;
    const i = this.begin(session, end - start);
    this.pool.set(buf.subarray(start, end), this.starts[i]);
  }

  /** Gives `session` the dialog `callId` unless it has one already. */
  add(session: number, callId: string): void {
    if (this.has(session)) return;
    const bytes = Buffer.from(callId, 'utf8');
    const i = this.begin(session, bytes.length);
    this.pool.set(bytes, this.starts[i]);
  }

  /**
   * The sessions whose dialog is `callId` as get() gives it, in the order they were added. Bytes are
   * compared; only a dialog with non-ASCII bytes is decoded (invalid UTF-8 decodes to U+FFFD, so its
   * text is not its bytes).
   */
  sessionsWith(callId: string): number[] {
    const want = Buffer.from(callId, 'utf8');
    const out: number[] = [];
    const pool = this.pool;
    for (let i = 0; i < this.count; i++) {
      const s = this.starts[i];
      const e = this.starts[i + 1];
      if (e - s === want.length && Buffer.compare(want, pool.subarray(s, e)) === 0) {
        out.push(this.sessions[i]);
        continue;
      }
      let ascii = true;
      for (let p = s; p < e && ascii; p++) ascii = pool[p] < 0x80;
      if (!ascii && this.text(i) === callId) out.push(this.sessions[i]);
    }
    return out;
  }

  /** The dialogs as typed arrays, copied to their exact size. */
  toPortable(): PortableDialogs {
    return { sessions: this.sessions.slice(0, this.count), starts: this.starts.slice(0, this.count + 1), pool: this.pool.slice(0, this.starts[this.count]) };
  }

  /** Adds the dialogs of `p` (a part's, or a kept index's), their sessions renumbered through `map` when given. */
  addPortable(p: PortableDialogs, map?: ArrayLike<number>): void {
    for (let i = 0; i < p.sessions.length; i++) this.addBytes(map === undefined ? p.sessions[i] : map[p.sessions[i]], p.pool, p.starts[i], p.starts[i + 1]);
  }

  /** The dialogs of the sessions `renumbered` keeps (its value ≥ 0: the session's new number), in the same order. */
  renumbered(renumbered: Int32Array): SessionDialogs {
    const next = new SessionDialogs();
    for (let i = 0; i < this.count; i++) {
      const s = renumbered[this.sessions[i]];
      if (s >= 0) next.addBytes(s, this.pool, this.starts[i], this.starts[i + 1]);
    }
    return next;
  }

  *entries(): MapIterator<[number, string]> {
    // Reads the count at each step: an iterator not run to its end goes on to dialogs added since
    // (a streamed export learns them window by window), as a Map's does.
    for (let i = 0; i < this.count; i++) yield [this.sessions[i], this.text(i)];
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.count; i++) yield this.sessions[i];
  }

  *values(): MapIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.text(i);
  }

  [Symbol.iterator](): MapIterator<[number, string]> {
    return this.entries();
  }

  forEach(callback: (value: string, key: number, map: ReadonlyMap<number, string>) => void): void {
    for (let i = 0; i < this.count; i++) callback(this.text(i), this.sessions[i], this);
  }

  private text(i: number): string {
    return Buffer.from(this.pool.buffer, this.pool.byteOffset + this.starts[i], this.starts[i + 1] - this.starts[i]).toString('utf8');
  }

  /** Makes room for dialog number `count` of `length` bytes for `session`, and returns its number. */
  private begin(session: number, length: number): number {
    const i = this.count++;
    if (session >= this.dialogOf.length) {
      const had = this.dialogOf.length;
      this.dialogOf = grow(this.dialogOf, session + 1);
      this.dialogOf.fill(NONE, had);
    }
    this.dialogOf[session] = i;
    if (i >= this.sessions.length) this.sessions = grow(this.sessions, i + 1);
    if (i + 2 > this.starts.length) this.starts = grow(this.starts, i + 2);
    const start = this.starts[i];
    if (start + length > this.pool.length) this.pool = grow(this.pool, start + length);
    this.sessions[i] = session;
    this.starts[i + 1] = start + length;
    return i;
  }
}
