// The session keys a keyed scan has met, in this module's memory (server/assembly/communigateScan.ts
// scanKeyed): a copy of the index's key table (engine/keyTable.ts), numbered as it is, so that the scan
// gives each record its session without a call out per record. Keys the index interned itself are
// added by the caller (addKey) before a scan; the keys a scan adds are listed with their bytes and
// FNV-1a hash (the index's table's) for the caller to intern after it, in order, under the same numbers.
//
// Keys of the form NAME-DIGITS (CommuniGate's `IMAP-702175`: a name of at most 8 bytes, at most 6
// digits) are not hashed: each NAME and count of digits has a block of its own (the first 64 met), an
// array indexed by the number (directEntry), which holds 1 + the key's number. Such numbers count up through a day, so
// a new key's place lies next to the last one's: a hashed key's slot lies anywhere in a table of
// megabytes, and learning that a new key is absent cost a miss of the caches (and of the TLB) per key,
// a third of the scan of a 1 GB list. Nor are their bytes kept once listed: the NAME, the count of
// digits and the number are the key. Other keys (prefix keys, longer names, NAMEs past the blocks)
// are hashed, with their bytes kept to compare.
//
// Why the regions lie where they do: the hashed keys' entries and bytes, the blocks and the list of
// places taken only grow, each in a region of its own far up the memory, which grows (memory.grow) as
// they fill. Pages never written are never resident, so a region costs what it holds; a table that grew
// by copies (the allocator cannot free) would hold every smaller copy as well. The slots are rehashed
// into a new table as they fill (the old one is left: together they are no larger than the last).

/**
 * The regions, each far enough past the last for what it may hold: below them the allocator's (the
 * scan's regions, the fresh list, the slots: at most twice the last table, MAX_HASHED keys three
 * quarters full, 128 MiB), then the NAME-DIGITS blocks (1 + a key's number by the DIGITS' value, at
 * most 6 digits, for as many NAMEs), the places taken in them (one per NAME-DIGITS key, to clear them
 * when the keys are forgotten), the hashed keys' entries (their hash, where their bytes start and end
 * in the pool, their number) and their bytes. A log's keys beyond these (a key a record for tens of
 * millions of records) are the index's to intern: the module stops (keysFull).
 */
const DIRECT: usize = 160 << 20;
const DIRECT_NUMBERS: usize = 1_000_000;
const DIRECT_BLOCKS: u32 = 64;
const BLOCK_BYTES: usize = DIRECT_NUMBERS << 2;
const PLACED: usize = DIRECT + <usize>DIRECT_BLOCKS * BLOCK_BYTES;
const MAX_PLACED: u32 = 16 << 20;
const ENTRY_BYTES: usize = 16;
const ENTRIES: usize = PLACED + (<usize>MAX_PLACED << 2);
const MAX_HASHED: u32 = 4 << 20;
const POOL: usize = ENTRIES + (<usize>MAX_HASHED) * ENTRY_BYTES;
const MAX_POOL: u32 = 128 << 20;
/** Room for one key the caller adds (addKey), with slack for the hash's 8-byte loads. */
const SCRATCH_BYTES: u32 = 64 << 10;
/**
 * The keys a scan added, in order, for the caller (freshAt: 4 words each, as the index's table's
 * appendKeys reads them: 0, the bounds of its bytes in the fresh pool, its FNV-1a hash). A scan adds
 * at most a key a record, and their bytes are at most its input's or composed in the scratch region.
 */
const FRESH_KEYS: u32 = 1 << 16;
const FRESH_BYTES: u32 = (1 << 20) + SCRATCH_BYTES;

/** Keys held; slots (a power of two, each a hashed key's hash and 1 + its entry, 0 when free) and their mask. */
export let keyCount: u32 = 0;
let hashedCount: u32 = 0;
let placedCount: u32 = 0;
let slots: usize = 0;
let mask: u32 = 0;
let poolUsed: u32 = 0;
let scratch: usize = 0;
/** findKeys' numbers: a key packed takes 2 bytes at least, so a scratch region's worth of keys fits. */
let found: usize = 0;
let fresh: usize = 0;
let freshPool: usize = 0;
export let freshCount: u32 = 0;
let freshUsed: u32 = 0;
/**
 * Hashed keys met lately, by hash (direct-mapped: a key's hash and 1 + its entry): most records belong
 * to a session met a few records before, and these few cache lines answer them.
 */
let recent: usize = 0;
const RECENT_MASK: u32 = 1023;
/** Which NAME and digit count each block holds: its NAME's bytes (8, zero past the name), its name length and digit count, and whether it is taken. */
let blocks: usize = 0;
/** A key did not fit (too many, or too many bytes): the caller interns the rest itself. */
export let keysFull: bool = false;

/** Forgets every key (a new key table in the index); the slots are reused. */
export function resetKeys(): void {
  if (slots == 0) {
    mask = 4095;
    slots = heap.alloc((<usize>mask + 1) << 3);
    recent = heap.alloc((<usize>RECENT_MASK + 1) << 3);
    scratch = heap.alloc(<usize>SCRATCH_BYTES + 16);
    found = heap.alloc((<usize>SCRATCH_BYTES / 2 + 1) << 2);
    blocks = heap.alloc(<usize>DIRECT_BLOCKS << 4);
    fresh = heap.alloc(<usize>FRESH_KEYS << 4);
    freshPool = heap.alloc(<usize>FRESH_BYTES + 16);
  }
  // The places taken are cleared one by one: clearing the blocks whole would make all their pages resident.
  for (let i: u32 = 0; i < placedCount; i++) store<u32>(DIRECT + (<usize>load<u32>(PLACED + (<usize>i << 2)) << 2), 0);
  memory.fill(blocks, 0, <usize>DIRECT_BLOCKS << 4);
  memory.fill(slots, 0, (<usize>mask + 1) << 3);
  memory.fill(recent, 0, (<usize>RECENT_MASK + 1) << 3);
  keyCount = 0;
  hashedCount = 0;
  placedCount = 0;
  poolUsed = 0;
  freshCount = 0;
  freshUsed = 0;
  keysFull = false;
}

/** Starts a scan's list of the keys it adds (the caller has read the last one's). */
export function clearFresh(): void {
  freshCount = 0;
  freshUsed = 0;
}

/** Where the caller writes a key to add (at most scratchBytes()). */
export function scratchAt(): usize {
  return scratch;
}
export function scratchBytes(): u32 {
  return SCRATCH_BYTES;
}
export function freshAt(): usize {
  return fresh;
}
export function freshPoolAt(): usize {
  return freshPool;
}

/** The place of the key `[start, start + length)` when it is NAME-DIGITS as the scan reads it (name characters, `-`, digits to the end) and has a block (directEntry); else 0. */
function placeOf(start: usize, length: u32): usize {
  let n: u32 = 0;
  while (n < length && nameChar(<u32>load<u8>(start + n))) n++;
  let d = n + 1;
  while (d < length && <u32>load<u8>(start + d) - 0x30 <= 9) d++;
  return n > 0 && n + 1 < length && <u32>load<u8>(start + n) == 0x2d && d == length ? directEntry(start, n, start + n + 1, length - n - 1) : 0;
}

/** Adds the key in the scratch region (`length` bytes), whose FNV-1a hash is `fnv`, as the next number: false when it does not fit. */
export function addKey(length: u32, fnv: u32): bool {
  const place = placeOf(scratch, length);
  if (place != 0) return insertDirect(place) >= 0;
  const h = keyHash(scratch, length);
  let i = h & mask;
  while (load<u32>(slots + (<usize>i << 3), 4) != 0) i = (i + 1) & mask;
  return insertHashed(scratch, length, h, i) >= 0;
}

/** The number of the key in the scratch region (`length` bytes), or -1 when it is not held: nothing is added. */
export function findKey(length: u32): i32 {
  return findAt(scratch, length);
}

/**
 * findKey for many keys at once (a worker's keys, looked up here: LogScanner.keyNumbers): `count` keys
 * packed in the scratch region, each as its length (16 bits, little-endian) and its bytes; their
 * numbers (-1: not held) are written to foundAt() as 32-bit integers. A call per key, with a view of
 * the scratch region made for each, took 65–73 ms for the 545,000 keys of the back half of the 1 GB log.
 */
export function findKeys(count: u32): void {
  let p = scratch;
  for (let k: u32 = 0; k < count; k++) {
    const length = <u32>load<u16>(p);
    store<i32>(found + (<usize>k << 2), findAt(p + 2, length));
    p += 2 + <usize>length;
  }
}

/** Where findKeys writes its numbers (room for as many as the scratch region holds keys). */
export function foundAt(): usize {
  return found;
}

/** The number of the key `[start, start + length)` (readable 8 bytes past its end), or -1 when it is not held. */
function findAt(start: usize, length: u32): i32 {
  const place = placeOf(start, length);
  if (place != 0) return <i32>load<u32>(place) - 1;
  const h = keyHash(start, length);
  let i = h & mask;
  for (let v = load<u32>(slots + (<usize>i << 3), 4); v != 0; v = load<u32>(slots + (<usize>i << 3), 4)) {
    if (load<u32>(slots + (<usize>i << 3)) == h && sameBytes(ENTRIES + <usize>(v - 1) * ENTRY_BYTES, start, length)) return <i32>load<u32>(ENTRIES + <usize>(v - 1) * ENTRY_BYTES, 12);
    i = (i + 1) & mask;
  }
  return -1;
}

/**
 * The number of the hashed key `[start, start + length)` (bytes in this module's memory, readable 8
 * bytes past its end), added when new unless `limit` keys are held already: -1 then, or when it does
 * not fit (keysFull, or the scan's list of new keys is full).
 */
@inline export function keyNumber(start: usize, length: u32, limit: u32): i32 {
  const h = keyHash(start, length);
  const lately = recent + (<usize>(h & RECENT_MASK) << 3);
  const was = load<u32>(lately, 4);
  if (was != 0 && load<u32>(lately) == h && sameBytes(ENTRIES + <usize>(was - 1) * ENTRY_BYTES, start, length)) return <i32>load<u32>(ENTRIES + <usize>(was - 1) * ENTRY_BYTES, 12);
  let i = h & mask;
  for (;;) {
    const slot = slots + (<usize>i << 3);
    const v = load<u32>(slot, 4);
    if (v == 0) break;
    if (load<u32>(slot) == h && sameBytes(ENTRIES + <usize>(v - 1) * ENTRY_BYTES, start, length)) {
      store<u32>(lately, h);
      store<u32>(lately, v, 4);
      return <i32>load<u32>(ENTRIES + <usize>(v - 1) * ENTRY_BYTES, 12);
    }
    i = (i + 1) & mask;
  }
  if (keyCount >= limit || !listFresh(start, length)) return -1;
  const id = insertHashed(start, length, h, i);
  if (id >= 0) {
    store<u32>(lately, h);
    store<u32>(lately, hashedCount, 4);
  }
  return id;
}

/** A letter, digit or `_` (engine/bytes.ts isNameChar). */
@inline export function nameChar(c: u32): bool {
  return c - 0x30 <= 9 || (c | 0x20) - 0x61 < 26 || c == 0x5f;
}

/**
 * Where the number of the key NAME-DIGITS is kept (NAME `[name, name + nameLength)`, DIGITS
 * `[digits, digits + digitCount)`): 1 + its number there, 0 while it has none. 0 (no place) for a
 * key hashed instead: a NAME over 8 bytes, over 6 digits, or a NAME and digit count with no block (one
 * is taken the first time they are met, while there are blocks left; its pages grow as it fills).
 */
@inline export function directEntry(name: usize, nameLength: usize, digits: usize, digitCount: usize): usize {
  if (nameLength > 8 || digitCount > 6) return 0;
  const bits = nameLength == 8 ? load<u64>(name) : load<u64>(name) & ((<u64>1 << (<u64>nameLength << 3)) - 1);
  const shape = <u32>(nameLength | (digitCount << 4));
  // The NAME's block: the first of the blocks from its hash's on that holds it, or is free (taken now).
  let b = <u32>(((bits ^ (<u64>shape << 56)) * 0x9e3779b97f4a7c15) >> 58);
  let block = blocks + (<usize>b << 4);
  for (let tried: u32 = 1; load<u32>(block, 12) != 0 && (load<u64>(block) != bits || load<u32>(block, 8) != shape); tried++) {
    if (tried == DIRECT_BLOCKS) return 0;
    b = (b + 1) & (DIRECT_BLOCKS - 1);
    block = blocks + (<usize>b << 4);
  }
  if (load<u32>(block, 12) == 0) {
    if (!reach(DIRECT + (<usize>b + 1) * BLOCK_BYTES)) return 0;
    store<u64>(block, bits);
    store<u32>(block, shape, 8);
    store<u32>(block, 1, 12);
  }
  let number: usize = 0;
  for (let p = digits; p < digits + digitCount; p++) number = number * 10 + <usize>(load<u8>(p) - 0x30);
  return DIRECT + <usize>b * BLOCK_BYTES + (number << 2);
}

/** The number of the NAME-DIGITS key `[start, start + length)` whose place is `place` (directEntry), added when new unless `limit` keys are held (-1 then, or when it does not fit). */
@inline export function directNumber(place: usize, start: usize, length: u32, limit: u32): i32 {
  const v = load<u32>(place);
  if (v != 0) return <i32>(v - 1);
  if (keyCount >= limit || !listFresh(start, length)) return -1;
  return insertDirect(place);
}

/** Lists a new key's bytes and FNV-1a hash for the caller: false when the list is full (the scan stops there). */
function listFresh(start: usize, length: u32): bool {
  if (freshCount >= FRESH_KEYS || length > FRESH_BYTES - freshUsed) return false;
  memory.copy(freshPool + <usize>freshUsed, start, <usize>length);
  const entry = fresh + (<usize>freshCount << 4);
  store<u32>(entry, 0);
  store<u32>(entry, freshUsed, 4);
  store<u32>(entry, freshUsed + length, 8);
  store<u32>(entry, fnv(start, length), 12);
  freshUsed += length;
  freshCount++;
  return true;
}

/** The next number for a NAME-DIGITS key at `place`: it, or -1 when it does not fit (keysFull). */
function insertDirect(place: usize): i32 {
  if (placedCount >= MAX_PLACED || !reach(PLACED + (<usize>placedCount + 1) * 4)) {
    keysFull = true;
    return -1;
  }
  store<u32>(PLACED + (<usize>placedCount << 2), <u32>((place - DIRECT) >> 2));
  placedCount++;
  const id = keyCount++;
  store<u32>(place, id + 1);
  return <i32>id;
}

/** The next number for a hashed key, at free slot `i`: it, or -1 when it does not fit (keysFull). */
function insertHashed(start: usize, length: u32, h: u32, i: u32): i32 {
  const e = hashedCount;
  if (e >= MAX_HASHED || length > MAX_POOL - poolUsed || !reach(POOL + <usize>poolUsed + <usize>length + 16) || !reach(ENTRIES + (<usize>e + 1) * ENTRY_BYTES)) {
    keysFull = true;
    return -1;
  }
  memory.copy(POOL + <usize>poolUsed, start, <usize>length);
  const id = keyCount++;
  const entry = ENTRIES + <usize>e * ENTRY_BYTES;
  store<u32>(entry, h);
  store<u32>(entry, poolUsed, 4);
  store<u32>(entry, poolUsed + length, 8);
  store<u32>(entry, id, 12);
  poolUsed += length;
  hashedCount = e + 1;
  store<u32>(slots + (<usize>i << 3), h);
  store<u32>(slots + (<usize>i << 3), e + 1, 4);
  // At most three quarters of the slots taken.
  if (<u64>hashedCount * 4 > (<u64>mask + 1) * 3) rehash();
  return <i32>id;
}

function rehash(): void {
  const size = (<usize>mask + 1) << 1;
  const next = heap.alloc(size << 3);
  memory.fill(next, 0, size << 3);
  const nextMask = <u32>size - 1;
  for (let e: u32 = 0; e < hashedCount; e++) {
    const h = load<u32>(ENTRIES + <usize>e * ENTRY_BYTES);
    let i = h & nextMask;
    while (load<u32>(next + (<usize>i << 3), 4) != 0) i = (i + 1) & nextMask;
    store<u32>(next + (<usize>i << 3), h);
    store<u32>(next + (<usize>i << 3), e + 1, 4);
  }
  slots = next;
  mask = nextMask;
}

/** Grows the memory to hold byte `end - 1`: false when it cannot. */
function reach(end: usize): bool {
  const have = <usize>memory.size() << 16;
  if (end <= have) return true;
  // 16 MiB at least at a time: few grows, and pages not written cost nothing.
  const pages = max<i32>(<i32>((end - have + 0xffff) >> 16), 256);
  return memory.grow(pages) >= 0 || memory.grow(<i32>((end - have + 0xffff) >> 16)) >= 0;
}

/** Hashed key `entry`'s bytes are `[start, start + length)`. */
@inline function sameBytes(entry: usize, start: usize, length: u32): bool {
  const from = load<u32>(entry, 4);
  return load<u32>(entry, 8) - from == length && sameRange(POOL + <usize>from, start, length);
}

/** `[a, a + length)` and `[b, b + length)` hold the same bytes (both readable 8 bytes past their end). */
@inline export function sameRange(a: usize, b: usize, length: u32): bool {
  let k: usize = 0;
  const n = <usize>length;
  while (k + 8 <= n) {
    if (load<u64>(a + k) != load<u64>(b + k)) return false;
    k += 8;
  }
  return k == n || ((load<u64>(a + k) ^ load<u64>(b + k)) & ((<u64>1 << (<u64>(n - k) << 3)) - 1)) == 0;
}

/** This table's hash of a key: a multiply per 8 bytes (FNV-1a's multiply per byte, one after the other, cost a record more than the rest of its key). */
@inline function keyHash(start: usize, length: u32): u32 {
  let h: u64 = (<u64>length + 1) * 0x9e3779b97f4a7c15;
  let p = start;
  const end = start + <usize>length;
  while (p + 8 <= end) {
    h = (h ^ load<u64>(p)) * 0xbf58476d1ce4e5b9;
    h ^= h >> 29;
    p += 8;
  }
  if (p < end) {
    const tail = load<u64>(p) & ((<u64>1 << (<u64>(end - p) << 3)) - 1);
    h = (h ^ tail) * 0x94d049bb133111eb;
  }
  // Murmur3's finish: every bit of the words reaches the low bits, which pick the slot.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  return <u32>h;
}

/** FNV-1a of the key (engine/keyTable.ts hashKey): for the index's table, of a key added here. */
function fnv(start: usize, length: u32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let p = start; p < start + <usize>length; p++) h = (h ^ <u32>load<u8>(p)) * 0x01000193;
  return h;
}
