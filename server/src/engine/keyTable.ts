// Interns session keys straight from bytes: an open-addressing table over a byte pool. A key becomes
// a string only when something asks for it (a day's log has over a million sessions).

const EMPTY_SLOT = -1;

export class KeyTable {
  private count = 0;
  private slots = new Int32Array(1024).fill(EMPTY_SLOT);
  private hashes = new Uint32Array(256);
  private pool = new Uint8Array(4096);
  /** Pool bounds of key `id`: `[bounds[2 id], bounds[2 id + 1])`. */
  private bounds = new Uint32Array(512);
  private poolUsed = 0;
  /** Keys decoded so far, by id (holes where none was asked for). */
  private decoded: (string | undefined)[] = [];
  private all: string[] | undefined;

  get size(): number {
    return this.count;
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
      if (id >= this.decoded.length) this.decoded.length = this.count;
      this.decoded[id] = key;
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

  /** The key's bytes (a view into the pool: do not keep it past the next intern). */
  bytesOf(id: number): Uint8Array {
    return this.pool.subarray(this.bounds[2 * id], this.bounds[2 * id + 1]);
  }

  /** The id of the key `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    h >>>= 0;
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const id = slots[slot];
      if (id < 0) break;
      if (this.hashes[id] === h && this.equals(id, buf, start, end)) return id;
      slot = (slot + 1) & mask;
    }
    return this.add(buf, start, end, h, slot);
  }

  /** The id of a key given as text, or -1 when absent. */
  find(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    h >>>= 0;
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot];
      if (id < 0) return -1;
      if (this.hashes[id] === h && this.equals(id, bytes, 0, bytes.length)) return id;
    }
  }

  /** The pool and bounds (exactly sized), for another table to intern in order (a worker's part). */
  export(): { pool: Uint8Array; bounds: Uint32Array } {
    return { pool: this.pool.slice(0, this.poolUsed), bounds: this.bounds.slice(0, 2 * this.count) };
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
    if (this.poolUsed + len > this.pool.length) this.pool = grow(this.pool, this.poolUsed + len);
    for (let i = 0; i < len; i++) this.pool[this.poolUsed + i] = buf[start + i];
    if (id >= this.hashes.length) this.hashes = grow(this.hashes, id + 1);
    if (2 * id + 2 > this.bounds.length) this.bounds = grow(this.bounds, 2 * id + 2);
    this.hashes[id] = h;
    this.bounds[2 * id] = this.poolUsed;
    this.bounds[2 * id + 1] = this.poolUsed + len;
    this.poolUsed += len;
    this.slots[slot] = id;
    if (this.count * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY_SLOT);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }
}

/** A typed array of at least `min` elements holding `a`'s contents (capacity grows by half). */
export function grow<T extends Uint8Array | Uint32Array | Int32Array | Float64Array | Int16Array | Uint16Array>(
  a: T,
  min: number,
): T {
  let n = Math.max(16, Math.ceil(a.length * 1.5));
  while (n < min) n = Math.ceil(n * 1.5);
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
