// CommuniGate's fused scan for keyless indexes in WebAssembly (server/assembly/communigateScan.ts):
// this thread's instance (wasmScan.ts runs it).
import { COMMUNIGATE_SCAN_WASM } from './communigateScan.generated';
import { WasmKeyedScan } from './keyedScan';
import { makeWasmScan, type WasmKeylessScan } from './wasmScan';

/** This thread's scan: made on first use; null when it cannot be (makeWasmScan). */
let threadScan: WasmKeylessScan | null | undefined;

/** The scan for this thread (`levelSeverity`: the dialect's, read on first use), or undefined when the JavaScript loop is to run. */
export function communigateWasmScan(levelSeverity: readonly number[]): WasmKeylessScan | undefined {
  if (threadScan === undefined) threadScan = makeWasmScan(COMMUNIGATE_SCAN_WASM, { levelSeverity });
  return threadScan ?? undefined;
}

/** A keyed index's scan (an instance of its own, for its keys), or null when the JavaScript loop is to run. */
export function communigateKeyedScan(levelSeverity: readonly number[]): WasmKeyedScan | null {
  return makeWasmScan(COMMUNIGATE_SCAN_WASM, { levelSeverity }, WasmKeyedScan);
}
