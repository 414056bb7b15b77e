// The SIP dialog (Call-ID) of each session that names one. A CommuniGate log has a SIPDATA session per
// packet, so a day has hundreds of thousands of them: their bytes are kept in one pool and decoded
// only when asked for, rather than made into a string and a Map entry each while the log is indexed.
import { ByteStrings } from './byteStrings';
import { grow, resized } from './keyTable';

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
  /** By dialog number: its session, and its bytes. */
  private sessions: Uint32Array = new Uint32Array(64);
  private callIds = new ByteStrings();

  /**
   * The dialogs of a toPortable() answer, its arrays used as they are: a worker's index handed over
   * whole took several milliseconds to add its dialogs one by one.
   */
  static fromPortable(p: PortableDialogs): SessionDialogs {
    const dialogs = new SessionDialogs();
    dialogs.callIds = ByteStrings.fromPortable(p);
    if (p.sessions.length !== dialogs.callIds.size) throw new Error('session dialogs: sessions and Call-IDs differ');
    dialogs.sessions = p.sessions;
    let last = -1;
    for (let i = 0; i < p.sessions.length; i++) if (p.sessions[i] > last) last = p.sessions[i];
    dialogs.dialogOf = new Int32Array(last + 1).fill(NONE);
    for (let i = 0; i < p.sessions.length; i++) {
      const s = p.sessions[i];
      if (dialogs.dialogOf[s] !== NONE) throw new Error('session dialogs: a session with two dialogs');
      dialogs.dialogOf[s] = i;
    }
    return dialogs;
  }

  get size(): number {
    return this.callIds.size;
  }

  /** Bytes of the dialogs held. */
  get bytes(): number {
    return this.callIds.bytes;
  }

  /** Room for sessions up to `sessions` and for `dialogs` dialogs of `bytes` bytes, at once (see LogIndex.buildSteps). */
  reserve(sessions: number, dialogs: number, bytes: number): void {
    if (sessions > this.dialogOf.length) {
      const had = this.dialogOf.length;
      this.dialogOf = resized(this.dialogOf, sessions).fill(NONE, had);
    }
    if (dialogs > this.sessions.length) this.sessions = resized(this.sessions, dialogs, this.size);
    this.callIds.reserve(dialogs, bytes);
  }

  has(session: number): boolean {
    return session < this.dialogOf.length && this.dialogOf[session] !== NONE;
  }

  get(session: number): string | undefined {
    return this.has(session) ? this.callIds.text(this.dialogOf[session]) : undefined;
  }

  /** Gives `session` the dialog `buf[start, end)` unless it has one already. */
  addBytes(session: number, buf: Uint8Array, start: number, end: number): void {
    if (!this.has(session)) this.added(session, this.callIds.push(buf, start, end));
  }

  /** Gives `session` the dialog `callId` unless it has one already. */
  add(session: number, callId: string): void {
    if (this.has(session)) return;
    const bytes = Buffer.from(callId, 'utf8');
    this.added(session, this.callIds.push(bytes, 0, bytes.length));
  }

  /**
   * The sessions whose dialog is `callId` as get() gives it, in the order they were added. Bytes are
   * compared; only a dialog with non-ASCII bytes is decoded (invalid UTF-8 decodes to U+FFFD, so its
   * text is not its bytes).
   */
  sessionsWith(callId: string): number[] {
    const want = Buffer.from(callId, 'utf8');
    const out: number[] = [];
    const ids = this.callIds;
    for (let i = 0; i < ids.size; i++) {
      if (ids.equals(i, want) || (!ids.isAscii(i) && ids.text(i) === callId)) out.push(this.sessions[i]);
    }
    return out;
  }

  /** The dialogs as typed arrays, copied to their exact size. */
  toPortable(): PortableDialogs {
    return { sessions: this.sessions.slice(0, this.size), ...this.callIds.toPortable() };
  }

  /** Adds the dialogs of `p` (a part's, or a kept index's), their sessions renumbered through `map` when given. */
  addPortable(p: PortableDialogs, map?: ArrayLike<number>): void {
    for (let i = 0; i < p.sessions.length; i++) this.addBytes(map === undefined ? p.sessions[i] : map[p.sessions[i]], p.pool, p.starts[i], p.starts[i + 1]);
  }

  /** The dialogs of the sessions `renumbered` keeps (its value ≥ 0: the session's new number), in the same order. */
  renumbered(renumbered: Int32Array): SessionDialogs {
    const next = new SessionDialogs();
    for (let i = 0; i < this.size; i++) {
      const s = renumbered[this.sessions[i]];
      if (s >= 0 && !next.has(s)) next.added(s, next.callIds.pushFrom(this.callIds, i));
    }
    return next;
  }

  *entries(): MapIterator<[number, string]> {
    // Reads the count at each step: an iterator not run to its end goes on to dialogs added since
    // (a streamed export learns them window by window), as a Map's does.
    for (let i = 0; i < this.size; i++) yield [this.sessions[i], this.callIds.text(i)];
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.size; i++) yield this.sessions[i];
  }

  *values(): MapIterator<string> {
    for (let i = 0; i < this.size; i++) yield this.callIds.text(i);
  }

  [Symbol.iterator](): MapIterator<[number, string]> {
    return this.entries();
  }

  forEach(callback: (value: string, key: number, map: ReadonlyMap<number, string>) => void): void {
    for (let i = 0; i < this.size; i++) callback(this.callIds.text(i), this.sessions[i], this);
  }

  /** Records that dialog number `i`, just pushed, is `session`'s. */
  private added(session: number, i: number): void {
    if (session >= this.dialogOf.length) {
      const had = this.dialogOf.length;
      this.dialogOf = grow(this.dialogOf, session + 1);
      this.dialogOf.fill(NONE, had);
    }
    this.dialogOf[session] = i;
    if (i >= this.sessions.length) this.sessions = grow(this.sessions, i + 1);
    this.sessions[i] = session;
  }
}
