// Axigen's fused scan for keyless indexes in WebAssembly (server/assembly/axigenScan.ts): this
// thread's instance (wasmScan.ts runs it), and the words it reads failed logins by.
import { daysFromCivil } from '../time';
import { AXIGEN_SCAN_WASM } from './axigenScan.generated';
import { makeWasmScan, type ScanExports, type WasmKeylessScan } from './wasmScan';

/** What the module exports besides every scan's exports. */
interface AxigenExports extends ScanExports {
  /** Where the words go: WORD_SLOTS slots of WORD_SLOT bytes, each its length and its bytes. */
  authWordsAt(): number;
  authWords(failures: number, reach: number): void;
}

const WORD_SLOT = 16;
const WORD_SLOTS = 8;

/** What the module reads failed logins by: axigen.ts's words (isAuthFailure), in lower case. */
export interface AxigenAuthWords {
  readonly success: string;
  readonly failures: readonly string[];
  readonly reach: number;
}

/** This thread's scan: made on first use; null when it cannot be (makeWasmScan, or words that do not fit). */
let threadScan: WasmKeylessScan<AxigenExports> | null | undefined;

/**
 * The scan for this thread, or undefined when the JavaScript loop is to run. `levelSeverity`: the
 * dialect's severity of each two-digit level; `words`: what a failed login is read by. Both are read on
 * first use.
 */
export function axigenWasmScan(levelSeverity: ArrayLike<number>, words: AxigenAuthWords): WasmKeylessScan | undefined {
  if (threadScan === undefined) threadScan = makeAxigenScan(levelSeverity, words);
  return threadScan ?? undefined;
}

function makeAxigenScan(levelSeverity: ArrayLike<number>, words: AxigenAuthWords): WasmKeylessScan<AxigenExports> | null {
  const all = [words.success, ...words.failures];
  if (all.length > WORD_SLOTS || all.some((word) => word.length === 0 || word.length >= WORD_SLOT || word !== word.toLowerCase() || !/^[\x21-\x7e]+$/.test(word))) return null;
  const scan = makeWasmScan<AxigenExports>(AXIGEN_SCAN_WASM, { levelSeverity, zoned: true, imports: { daysFromCivil } });
  if (scan === null) return null;
  const module = scan.exports;
  const memory = new Uint8Array(module.memory.buffer);
  all.forEach((word, k) => {
    const slot = module.authWordsAt() + k * WORD_SLOT;
    memory[slot] = word.length;
    memory.set(Buffer.from(word, 'latin1'), slot + 1);
  });
  module.authWords(words.failures.length, words.reach);
  return scan;
}
