// CommuniGate's fused scan for keyed indexes (`msglog sessions`, the server, the export) in
// WebAssembly: the module also reads each record's session key and numbers it from a copy of the
// index's key table in its own memory (server/assembly/keyTable.ts), so that a record costs no call
// and no lookup in JavaScript. The copy follows the index's table: keys the index interned itself
// (lines the module leaves to it) are added to it before each scan; keys the module added are interned
// in the index's table after it, in order, so that both number them alike. A new key table (a store
// that forgot its sessions) starts the copy again.
import { UNKNOWN } from '../keyTable';
import type { KeyTable } from '../keyTable';
import type { FastRecords } from '../types';
import { WasmKeylessScan } from './wasmScan';
import type { ScanExports, ScanSetup } from './wasmScan';

/** What a keyed scan's module exports besides ScanExports (communigateScan.ts, keyTable.ts). */
export interface KeyedScanExports extends ScanExports {
  readonly keyCount: WebAssembly.Global;
  readonly freshCount: WebAssembly.Global;
  readonly keysFull: WebAssembly.Global;
  scanKeyed(pos: number, stop: number, room: number, line: number, base: number, prevWall: number, sessionSlots: number): number;
  sessionAt(): number;
  resetKeys(): void;
  addKey(length: number, fnv: number): number;
  findKey(length: number): number;
  findKeys(count: number): void;
  foundAt(): number;
  scratchAt(): number;
  scratchBytes(): number;
  freshAt(): number;
  freshPoolAt(): number;
}

/** A new key in the module's list (keyTable.ts): 0, its bytes' bounds in the list's pool, its FNV-1a hash. */
const ENTRY_WORDS = 4;

export class WasmKeyedScan extends WasmKeylessScan<KeyedScanExports> {
  /** The index's key table the module's copy follows, and how many of its keys the copy holds. */
  private table: KeyTable | undefined = undefined;
  private held = 0;
  private session!: Uint32Array;

  constructor(exports: KeyedScanExports, setup: ScanSetup) {
    super(exports, setup);
    exports.resetKeys();
    // Again: the fields above are set after the base constructor's views were made, and resetKeys may grow the memory.
    this.makeViews();
  }

  protected override makeViews(): void {
    super.makeViews();
    const { exports } = this;
    this.session = new Uint32Array(exports.memory.buffer, exports.sessionAt(), this.markEnd.length);
  }

  /** False once the module's copy could not take a key (too many, or too many bytes): the JavaScript loop reads the rest. */
  get usable(): boolean {
    return (this.exports.keysFull.value as number) === 0;
  }

  /** FastScan.scan for a keyed index (scanKeyless's loop, each record in its own session). */
  scanKeyed(buf: Buffer, pos: number, stop: number, base: number, out: FastRecords): number {
    if (!this.follow(out.keys)) return pos;
    return this.run(buf, pos, stop, base, out);
  }

  /** Brings the module's copy up to `keys`: false when a key does not fit (the JavaScript loop then reads on). */
  private follow(keys: KeyTable): boolean {
    const { exports } = this;
    if (keys !== this.table || keys.size < this.held) {
      exports.resetKeys();
      this.table?.setFinder(undefined);
      this.table = keys;
      this.held = 0;
      // A line the index reads itself looks its key up here, while the table's slots wait.
      keys.setFinder((buf, start, end) => this.find(keys, buf, start, end));
    }
    const room = exports.scratchBytes();
    let scratch: Uint8Array | undefined;
    for (; this.held < keys.size; this.held++) {
      const { pool, start, end } = keys.boundsOf(this.held);
      if (end - start > room) return false;
      // Adding a key may grow the module's memory: the view is made again then.
      if (scratch === undefined || scratch.buffer !== exports.memory.buffer) scratch = new Uint8Array(exports.memory.buffer, exports.scratchAt(), room);
      scratch.set(pool.subarray(start, end));
      if (exports.addKey(end - start, keys.hashOf(this.held)) === 0) return false;
    }
    this.makeViews();
    return this.usable;
  }

  /**
   * FastScan.keyNumbers: `numbers[i]` is the number `keys` gives the key `pool[bounds[2 i], bounds[2 i + 1])`
   * (-1 when it has none), for each of `n` keys, looked up in the module's copy (no slots made in
   * `keys`). False, and nothing set, when the copy does not follow `keys` as it is now.
   */
  keyNumbers(keys: KeyTable, pool: Uint8Array, bounds: Uint32Array, n: number, numbers: Int32Array): boolean {
    if (keys !== this.table || keys.size !== this.held || !this.usable) return false;
    const { exports } = this;
    const room = exports.scratchBytes();
    // In batches of as many keys as the scratch region holds, each its length (two bytes) and its bytes (findKeys).
    for (let i = 0; i < n; ) {
      const scratch = new Uint8Array(exports.memory.buffer, exports.scratchAt(), room);
      const first = i;
      for (let p = 0; i < n; i++) {
        const start = bounds[2 * i];
        const end = bounds[2 * i + 1];
        const length = end - start;
        if (length + 2 > room) return false;
        if (p + 2 + length > room) break;
        scratch[p] = length & 0xff;
        scratch[p + 1] = length >>> 8;
        p += 2;
        for (let k = start; k < end; k++) scratch[p++] = pool[k];
      }
      // Looking keys up may take a block for a NAME met first, and so grow the memory: the view of the numbers is made after.
      exports.findKeys(i - first);
      numbers.set(new Int32Array(exports.memory.buffer, exports.foundAt(), i - first), first);
    }
    this.makeViews();
    return true;
  }

  /** KeyTable's finder: the number of the key `buf[start, end)` in `keys`, -1 when it has none, UNKNOWN when the copy cannot tell. */
  private find(keys: KeyTable, buf: Uint8Array, start: number, end: number): number {
    return keys === this.table && this.follow(keys) ? this.findBytes(buf, start, end) : UNKNOWN;
  }

  /** The number of the key `buf[start, end)` in the module's copy, -1 when it has none, UNKNOWN when it is longer than the scratch region. */
  private findBytes(buf: Uint8Array, start: number, end: number): number {
    const { exports } = this;
    const length = end - start;
    if (length > exports.scratchBytes()) return UNKNOWN;
    const scratch = new Uint8Array(exports.memory.buffer, exports.scratchAt(), length);
    for (let k = 0; k < length; k++) scratch[k] = buf[start + k];
    return exports.findKey(length);
  }

  protected override callScan(pos: number, stop: number, room: number, line: number, base: number, prevWall: number, out: FastRecords): number {
    const at = this.exports.scanKeyed(pos, stop, room, line, base, prevWall, out.sessionFirst.length);
    // Keys added by the module: interned in the index's table under the same numbers.
    this.makeViews();
    const count = this.exports.keyCount.value as number;
    if (count > this.held) this.intern(out.keys, count);
    return at;
  }

  /** Interns the keys the last scan added (its list of them: their bytes and hashes, in order). */
  private intern(keys: KeyTable, count: number): void {
    const { exports } = this;
    const memory = exports.memory.buffer;
    const n = count - this.held;
    if (keys.size !== this.held || (exports.freshCount.value as number) !== n) throw new Error(`a keyed WebAssembly scan listed ${exports.freshCount.value as number} new keys of ${n}, the index holding ${keys.size} of its ${this.held}`);
    keys.appendKeys(new Uint8Array(memory, exports.freshPoolAt()), new Uint32Array(memory, exports.freshAt(), n * ENTRY_WORDS), n);
    this.held = count;
  }

  /** take, each record in the session the module gave it; a SIPDATA record's Call-ID its session's dialog (the module marks them). */
  protected override take(out: FastRecords, r: number, n: number, buf: Uint8Array, from: number): void {
    this.takeFields(out, r, n, buf, from);
    const sessions = this.session.subarray(0, n);
    out.recSession.set(sessions, r);
    const { sessionFirst, sessionLast, sessionRecordCount } = out;
    for (let i = 0; i < n; i++) {
      const s = sessions[i];
      if (sessionRecordCount[s] === 0) sessionFirst[s] = r + i;
      sessionLast[s] = r + i;
      sessionRecordCount[s]++;
    }
    const marks = this.exports.marks.value as number;
    for (let m = 0; m < marks; m++) out.sessionDialog.addBytes(sessions[this.markRecord[m]], buf, from + this.markFrom[m], from + this.markEnd[m]);
  }
}
