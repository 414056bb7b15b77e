// PrivateServer's fused scan for keyless indexes in WebAssembly (server/assembly/privateServerScan.ts):
// this thread's instance (wasmScan.ts runs it), and the table whose rows it reads.
import { daysFromCivil } from '../time';
import { Severity } from '../types';
import type { RowTable } from '../dialects/privateServerFastScan';
import { PRIVATE_SERVER_SCAN_WASM } from './privateServerScan.generated';
import { makeWasmScan, type ScanExports, type WasmKeylessScan } from './wasmScan';

/** What the module exports besides every scan's exports. */
interface PrivateServerExports extends ScanExports {
  /** Where the signature table goes (RowTable.signatureStart, 4 KiB), and where the problem rule's words go (WORD_BYTES in all). */
  rulesAt(): number;
  wordsAt(): number;
  table(columns: number, timeCol: number, shape: number, cellA: number, cellB: number, firstLength: number, secondLength: number): void;
}

/** The room for a problem rule's words in the module. */
const WORD_BYTES = 64;

export class PrivateServerWasm {
  /** The table the module reads rows of now. */
  private current: RowTable | undefined;

  constructor(readonly scan: WasmKeylessScan<PrivateServerExports>) {}

  /** Points the module at `table`'s rows, unless it reads them already; false where it cannot read them (words too long). */
  readRowsOf(table: RowTable): boolean {
    if (table === this.current) return true;
    if (table.first.length + table.second.length > WORD_BYTES || table.signatureStart.length !== 16 << 8) return false;
    const module = this.scan.exports;
    const memory = new Uint8Array(module.memory.buffer);
    memory.set(table.signatureStart, module.rulesAt());
    memory.set(table.first, module.wordsAt());
    memory.set(table.second, module.wordsAt() + table.first.length);
    module.table(table.columns, table.timeCol, table.shape, table.cellA, table.cellB, table.first.length, table.second.length);
    this.current = table;
    return true;
  }
}

/** This thread's scan: made on first use; null when it cannot be (makeWasmScan). */
let threadScan: PrivateServerWasm | null | undefined;

/** The scan for this thread, or undefined when the JavaScript loop is to run. */
export function privateServerWasmScan(): PrivateServerWasm | undefined {
  if (threadScan === undefined) {
    // Level 0 is a row's severity, 1 a warning's (the module writes no level).
    const scan = makeWasmScan<PrivateServerExports>(PRIVATE_SERVER_SCAN_WASM, { levelSeverity: [Severity.Info, Severity.Warning], imports: { daysFromCivil } });
    threadScan = scan === null ? null : new PrivateServerWasm(scan);
  }
  return threadScan ?? undefined;
}
