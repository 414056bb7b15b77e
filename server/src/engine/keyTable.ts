// Interns session keys straight from bytes: one string is decoded per distinct key, not per record.

export class KeyTable {
  /** Decoded keys by id. */
  readonly keys: string[] = [];
  private slots = new Int32Array(1024).fill(-1);
  private hashes = new Uint32Array(256);
  private pool = new Uint8Array(4096);
  private poolStart = new Uint32Array(256);
  private poolEnd = new Uint32Array(256);
  private poolUsed = 0;

  get size(): number {
    return this.keys.length;
  }

  /** The id of the key `buf[start, end)`, adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    h >>>= 0;
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const id = this.slots[slot];
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

  private equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = this.poolStart[id];
    if (this.poolEnd[id] - s !== end - start) return false;
    for (let i = 0; i < end - start; i++) if (this.pool[s + i] !== buf[start + i]) return false;
    return true;
  }

  private add(buf: Uint8Array, start: number, end: number, h: number, slot: number): number {
    const id = this.keys.length;
    const len = end - start;
    if (this.poolUsed + len > this.pool.length) this.pool = grow(this.pool, this.poolUsed + len);
    this.pool.set(buf.subarray(start, end), this.poolUsed);
    if (id >= this.hashes.length) {
      this.hashes = grow(this.hashes, id + 1);
      this.poolStart = grow(this.poolStart, id + 1);
      this.poolEnd = grow(this.poolEnd, id + 1);
    }
    this.hashes[id] = h;
    this.poolStart[id] = this.poolUsed;
    this.poolEnd[id] = this.poolUsed + len;
    this.poolUsed += len;
    this.keys.push(Buffer.from(buf.buffer, buf.byteOffset + start, len).toString('utf8'));
    this.slots[slot] = id;
    if (this.keys.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.keys.length; id++) {
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
