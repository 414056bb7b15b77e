// Interns session keys straight from bytes: an open-addressing table over a byte pool. A key becomes
// a string only when something asks for it (a day's log has over a million sessions).

const EMPTY_SLOT = -1;
/** A finder's answer when it cannot tell whether it has a key (KeyTable.setFinder). */
export const UNKNOWN = -2;
const RECENT_MASK = 1023;

/** A KeyTable's own arrays and counts, to hand over whole (exportTable, fromTable). */
export interface KeyTableState {
  count: number;
  poolUsed: number;
  slots: Int32Array<ArrayBuffer>;
  hashes: Uint32Array<ArrayBuffer>;
  pool: Uint8Array<ArrayBuffer>;
  bounds: Uint32Array<ArrayBuffer>;
}

export class KeyTable {
  private count = 0;
  /** Open addressing: slot i is `[hash, id]` at `[2 i, 2 i + 1]` (id EMPTY_SLOT when free). */
  private slots = new Int32Array(2048).fill(EMPTY_SLOT);
  private hashes = new Uint32Array(256);
  /** Recently interned keys, direct-mapped by hash: `[hash, id]` pairs (id EMPTY_SLOT when free). */
  private readonly recent = new Int32Array(2 * (RECENT_MASK + 1)).fill(EMPTY_SLOT);
  private pool = new Uint8Array(4096);
  /** Pool bounds of key `id`: `[bounds[2 id], bounds[2 id + 1])`. */
  private bounds = new Uint32Array(512);
  private poolUsed = 0;
  /**
   * Keys in the slots: those from here on were appended by a WebAssembly scan that looks its keys up
   * in a table of its own (appendKeys), and are put in the slots only when this table is next asked.
   */
  private slotted = 0;
  /** The slots reserve asked for (made by settle). */
  private slotsWanted = 0;
  /**
   * Where the keys appended without their slots are looked up by the lines read one by one (a keyed
   * WebAssembly scan's copy of this table: setFinder): the number of the key `buf[start, end)`, -1 when
   * it is new, UNKNOWN when it cannot tell (the slots are made then).
   */
  private finder: ((buf: Uint8Array, start: number, end: number) => number) | undefined;
  /** Whether the pool, bounds and hashes grow over SharedArrayBuffers (shareArrays). */
  private shared = false;
  /** Keys decoded so far, by id (holes where none was asked for). */
  private decoded: (string | undefined)[] = [];
  private all: string[] | undefined;

  get size(): number {
    return this.count;
  }

  /** Bytes of the keys interned so far. */
  get poolBytes(): number {
    return this.poolUsed;
  }

  /** Every key by id, decoded (made once per change; prefer keyOf for a few). */
  get keys(): readonly string[] {
    if (this.all === undefined || this.all.length !== this.count) {
      const all: string[] = new Array<string>(this.count);
      for (let id = 0; id < this.count; id++) all[id] = this.keyOf(id);
      this.all = all;
    }
    return this.all;
  }

  /** The key `id` as text (kept for the next ask). */
  keyOf(id: number): string {
    let key = this.decoded[id];
    if (key === undefined) {
      key = this.decode(id);
      // Grown densely, as far as asked (doubling): setting a large length made a sparse array, slower
      // to read and of another shape than a small log's, so V8 dropped the outline's optimised code.
      const decoded = this.decoded;
      if (id >= decoded.length) {
        const size = Math.min(this.count, Math.max(id + 1, decoded.length * 2, 256));
        while (decoded.length < size) decoded.push(undefined);
      }
      decoded[id] = key;
    }
    return key;
  }

  /** The key `id` as a new string, not kept (listing every session once). */
  decode(id: number): string {
    const cached = this.decoded[id];
    if (cached !== undefined) return cached;
    const s = this.bounds[2 * id];
    return Buffer.from(this.pool.buffer, this.pool.byteOffset + s, this.bounds[2 * id + 1] - s).toString('utf8');
  }

  /** Where key `id`'s bytes are: the pool and bounds (no view made; do not keep the pool past the next intern). */
  boundsOf(id: number): { pool: Uint8Array; start: number; end: number } {
    return { pool: this.pool, start: this.bounds[2 * id], end: this.bounds[2 * id + 1] };
  }

  /** Key `id`'s hash (hashKey's). */
  hashOf(id: number): number {
    return this.hashes[id];
  }

  /** The key's bytes (a view into the pool: do not keep it past the next intern). */
  bytesOf(id: number): Uint8Array {
    return this.pool.subarray(this.bounds[2 * id], this.bounds[2 * id + 1]);
  }

  /** The id of the key `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    return this.internHashed(buf, start, end, h >>> 0);
  }

  /**
   * As intern, with the key's hash already computed (hashKey's, e.g. by a scanner while it read the
   * key). Each slot holds the hash next to the id, so a probe touches one cache line of the table
   * before the pool: over a million sessions, the table no longer fits the caches.
   */
  internHashed(buf: Uint8Array, start: number, end: number, h: number): number {
    // Most records belong to a session seen a few records before (90% within 256 records in a
    // CommuniGate log): a small table of recent keys, which stays in the caches, answers them.
    const c = (h & RECENT_MASK) << 1;
    const recent = this.recent;
    const rid = recent[c + 1];
    if (rid >= 0 && recent[c] === (h | 0) && this.equals(rid, buf, start, end)) return rid;
    const id = this.lookup(buf, start, end, h);
    recent[c] = h;
    recent[c + 1] = id;
    return id;
  }

  private lookup(buf: Uint8Array, start: number, end: number, h: number): number {
    if (this.slotted < this.count && this.finder !== undefined) {
      // Keys appended without their slots: asked where they are kept, not put in the slots for one line.
      const id = this.finder(buf, start, end);
      if (id !== UNKNOWN) return id >= 0 ? id : this.appendOne(buf, start, end, h);
    }
    if (this.slotted < this.count || this.slotsWanted > this.slots.length) this.settle();
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = h & mask;
    for (;;) {
      const id = slots[2 * slot + 1];
      if (id < 0) break;
      if (slots[2 * slot] === (h | 0) && this.equals(id, buf, start, end)) return id;
      slot = (slot + 1) & mask;
    }
    return this.add(buf, start, end, h, slot);
  }

  /** The id of the key `buf[start, end)` whose hash is `h` (hashKey's), or -1 when absent (nothing is added). */
  idOf(buf: Uint8Array, start: number, end: number, h: number): number {
    if (this.slotted < this.count || this.slotsWanted > this.slots.length) this.settle();
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = slots[2 * slot + 1];
      if (id < 0) return -1;
      if (slots[2 * slot] === (h | 0) && this.equals(id, buf, start, end)) return id;
    }
  }

  /** The id of a key given as text, or -1 when absent. */
  find(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    return this.idOf(bytes, 0, bytes.length, hashKey(bytes, 0, bytes.length));
  }

  /** The table as it is (its arrays, not copies), for another thread to take over with fromTable instead of interning every key again. */
  exportTable(): KeyTableState {
    if (this.slotted < this.count || this.slotsWanted > this.slots.length) this.settle();
    return { count: this.count, poolUsed: this.poolUsed, slots: this.slots, hashes: this.hashes, pool: this.pool, bounds: this.bounds };
  }

  /** A table made of exportTable's state (taken over, not copied). */
  static fromTable(state: KeyTableState): KeyTable {
    const table = new KeyTable();
    table.count = state.count;
    table.poolUsed = state.poolUsed;
    table.slots = state.slots;
    table.hashes = state.hashes;
    table.pool = state.pool;
    table.bounds = state.bounds;
    table.slotted = state.count;
    return table;
  }

  /** The pool and bounds (exactly sized), for another table to intern in order (a worker's part). */
  export(): { pool: Uint8Array; bounds: Uint32Array } {
    return { pool: this.pool.slice(0, this.poolUsed), bounds: this.bounds.slice(0, 2 * this.count) };
  }

  /**
   * Makes room for `keys` keys of `poolBytes` bytes in all at once, where a log's size tells how many
   * are coming: growing by copies would hold the old arrays as garbage for a while.
   */
  reserve(keys: number, poolBytes: number): void {
    if (this.pool.length < poolBytes) this.pool = resized(this.pool, Math.ceil(poolBytes), this.poolUsed, this.shared);
    if (this.bounds.length < 2 * keys) this.bounds = resized(this.bounds, 2 * keys, 2 * this.count, this.shared);
    if (this.hashes.length < keys) this.hashes = resized(this.hashes, keys, this.count, this.shared);
    // Slots for `keys` at most three quarters full (two numbers a slot), a power of two: made when the
    // table is next asked (settle), so that a table whose keys a WebAssembly scan looks up never makes them.
    let slots = this.slots.length;
    while (keys * 8 > slots * 3) slots *= 2;
    if (slots > this.slotsWanted) this.slotsWanted = slots;
  }

  /**
   * Has the pool, bounds and hashes grow over SharedArrayBuffers from now on (a small table is moved
   * when it is next reserved or grown): another thread may then read them as they are (view), no copy
   * posted (a worker's keys, windowedSessions.ts).
   */
  shareArrays(): void {
    this.shared = true;
  }

  /** The pool, bounds and hashes as views, no copy (valid until the next intern). */
  view(): { pool: Uint8Array; bounds: Uint32Array; hashes: Uint32Array } {
    return { pool: this.pool.subarray(0, this.poolUsed), bounds: this.bounds.subarray(0, 2 * this.count), hashes: this.hashes.subarray(0, this.count) };
  }

  /** The keys from `id` on, copied: their bytes, and their bounds in the whole pool (a streamed export's worker learns keys as they come). */
  exportFrom(id: number): { poolStart: number; pool: Uint8Array; bounds: Uint32Array } {
    const poolStart = id < this.count ? this.bounds[2 * id] : this.poolUsed;
    return { poolStart, pool: this.pool.slice(poolStart, this.poolUsed), bounds: this.bounds.slice(2 * id, 2 * this.count) };
  }

  /** Gives back unused capacity of the pool (one copy) when it is large. */
  trim(): void {
    if (this.pool.length - this.poolUsed > Math.max(1 << 16, this.poolUsed >> 3)) this.pool = this.pool.slice(0, this.poolUsed);
  }

  private equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = this.bounds[2 * id];
    if (this.bounds[2 * id + 1] - s !== end - start) return false;
    const pool = this.pool;
    for (let i = 0; i < end - start; i++) if (pool[s + i] !== buf[start + i]) return false;
    return true;
  }

  private add(buf: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const id = this.count++;
    const len = end - start;
    if (this.poolUsed + len > this.pool.length) this.pool = grow(this.pool, this.poolUsed + len, this.shared);
    for (let i = 0; i < len; i++) this.pool[this.poolUsed + i] = buf[start + i];
    if (id >= this.hashes.length) this.hashes = grow(this.hashes, id + 1, this.shared);
    if (2 * id + 2 > this.bounds.length) this.bounds = grow(this.bounds, 2 * id + 2, this.shared);
    this.hashes[id] = h;
    this.bounds[2 * id] = this.poolUsed;
    this.bounds[2 * id + 1] = this.poolUsed + len;
    this.poolUsed += len;
    this.slots[2 * slot] = h;
    this.slots[2 * slot + 1] = id;
    this.slotted = this.count;
    // At most three quarters of the slots taken (slots.length holds two numbers a slot).
    if (this.count * 8 > this.slots.length * 3) this.rehash();
    return id;
  }

  private rehash(length = this.slots.length * 2): void {
    const slots = new Int32Array(length).fill(EMPTY_SLOT);
    const mask = (slots.length >> 1) - 1;
    for (let id = 0; id < this.count; id++) {
      const h = this.hashes[id];
      let slot = h & mask;
      while (slots[2 * slot + 1] >= 0) slot = (slot + 1) & mask;
      slots[2 * slot] = h;
      slots[2 * slot + 1] = id;
    }
    this.slots = slots;
    this.slotted = this.count;
  }

  /** Puts the keys appended since (appendKeys) in the slots, made as many as reserve asked for. */
  private settle(): void {
    let length = Math.max(this.slots.length, this.slotsWanted);
    while (this.count * 8 > length * 3) length *= 2;
    if (length > this.slots.length) {
      this.rehash(length);
      return;
    }
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let id = this.slotted; id < this.count; id++) {
      const h = this.hashes[id];
      let slot = h & mask;
      while (slots[2 * slot + 1] >= 0) slot = (slot + 1) & mask;
      slots[2 * slot] = h;
      slots[2 * slot + 1] = id;
    }
    this.slotted = this.count;
  }

  /** Has the lines read one by one look keys up with `finder` while keys wait for their slots (undefined: in the slots). */
  setFinder(finder: ((buf: Uint8Array, start: number, end: number) => number) | undefined): void {
    this.finder = finder;
  }

  /** Appends the new key `buf[start, end)`, hashed `h`, without its slot (as appendKeys): its number. */
  private appendOne(buf: Uint8Array, start: number, end: number, h: number): number {
    const id = this.count;
    const used = this.poolUsed;
    const n = end - start;
    if (used + n > this.pool.length) this.pool = grow(this.pool, used + n, this.shared);
    for (let i = 0; i < n; i++) this.pool[used + i] = buf[start + i];
    if (id >= this.hashes.length) this.hashes = grow(this.hashes, id + 1, this.shared);
    if (2 * id + 2 > this.bounds.length) this.bounds = grow(this.bounds, 2 * id + 2, this.shared);
    this.hashes[id] = h;
    this.bounds[2 * id] = used;
    this.bounds[2 * id + 1] = used + n;
    this.poolUsed = used + n;
    this.count = id + 1;
    return id;
  }

  /**
   * Appends `n` keys new to this table, numbered from size on: key i's bytes are
   * `pool[entries[4 i + 1], entries[4 i + 2])`, one after the other, and its hash (hashKey's)
   * `entries[4 i + 3]` (a WebAssembly scan's keys, keyedScan.ts). They reach the slots when the table
   * is next asked (settle): a scan whose keys are looked up elsewhere never pays for them.
   */
  appendKeys(pool: Uint8Array, entries: Uint32Array, n: number): void {
    if (n === 0) return;
    const from = entries[1];
    const to = entries[4 * (n - 1) + 2];
    const used = this.poolUsed;
    if (used + (to - from) > this.pool.length) this.pool = grow(this.pool, used + (to - from), this.shared);
    this.pool.set(pool.subarray(from, to), used);
    const count = this.count;
    if (count + n > this.hashes.length) this.hashes = grow(this.hashes, count + n, this.shared);
    if (2 * (count + n) > this.bounds.length) this.bounds = grow(this.bounds, 2 * (count + n), this.shared);
    const { hashes, bounds } = this;
    const shift = used - from;
    for (let i = 0; i < n; i++) {
      bounds[2 * (count + i)] = entries[4 * i + 1] + shift;
      bounds[2 * (count + i) + 1] = entries[4 * i + 2] + shift;
      hashes[count + i] = entries[4 * i + 3];
    }
    this.count = count + n;
    this.poolUsed = used + (to - from);
  }
}

/** FNV-1a of `buf[start, end)`: the hash KeyTable.internHashed expects. */
export function hashKey(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h >>> 0;
}

/**
 * A typed array of exactly `n` elements holding `a`'s first `used` elements (at most `n`); `a` itself
 * when it has `n` already (and is shared, when asked). `shared`: over a SharedArrayBuffer, for a worker
 * to see (pageToucher.ts).
 */
export function resized<T extends Uint8Array | Uint32Array | Int32Array | Float64Array | Int16Array | Uint16Array>(a: T, n: number, used = a.length, shared = false): T {
  if (a.length === n && (!shared || a.buffer instanceof SharedArrayBuffer)) return a;
  const Kind = a.constructor as new (room: number | SharedArrayBuffer) => T;
  const b = shared ? new Kind(new SharedArrayBuffer(n * a.BYTES_PER_ELEMENT)) : new Kind(n);
  const m = Math.min(used, n);
  b.set(m === a.length ? a : (a.subarray(0, m) as T));
  return b;
}

/** A typed array of at least `min` elements holding `a`'s contents (capacity grows by half). */
export function grow<T extends Uint8Array | Uint32Array | Int32Array | Float64Array | Int16Array | Uint16Array>(
  a: T,
  min: number,
  shared = false,
): T {
  let n = Math.max(16, Math.ceil(a.length * 1.5));
  while (n < min) n = Math.ceil(n * 1.5);
  const Kind = a.constructor as new (room: number | SharedArrayBuffer) => T;
  const b = shared ? new Kind(new SharedArrayBuffer(n * a.BYTES_PER_ELEMENT)) : new Kind(n);
  b.set(a);
  return b;
}
