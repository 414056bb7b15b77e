// Messaging Server's fused scan for keyless indexes in WebAssembly (server/assembly/
// messagingServerScan.ts): this thread's instance (wasmScan.ts runs it).
import { daysFromCivil } from '../time';
import { MESSAGING_SERVER_SCAN_WASM } from './messagingServerScan.generated';
import { makeWasmScan, type WasmKeylessScan } from './wasmScan';

/** This thread's scan: made on first use; null when it cannot be (makeWasmScan). */
let threadScan: WasmKeylessScan | null | undefined;

/**
 * The scan for this thread, or undefined when the JavaScript loop is to run. `levelSeverity`: the
 * dialect's severity of each level code, then of a record without a level (read on first use).
 */
export function messagingServerWasmScan(levelSeverity: ArrayLike<number>): WasmKeylessScan | undefined {
  if (threadScan === undefined) threadScan = makeWasmScan(MESSAGING_SERVER_SCAN_WASM, { levelSeverity, zoned: true, imports: { daysFromCivil } });
  return threadScan ?? undefined;
}
