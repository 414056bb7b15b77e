// EMG's fused scan for keyless indexes of connector logs in WebAssembly (server/assembly/emgScan.ts):
// this thread's instance (wasmScan.ts runs it), the words it reads by, and the date it reads.
import { Severity } from '../types';
import type { FastRecords } from '../types';
import { EMG_SCAN_WASM } from './emgScan.generated';
import { makeWasmScan, type ScanExports, type WasmKeylessScan } from './wasmScan';

/** What the module exports besides every scan's exports. */
interface EmgExports extends ScanExports {
  /** Where the event words go (EVENT_SLOTS slots of EVENT_SLOT bytes: length, 1 when an ERR is an error, the bytes), the word `orphaned`, and the last date. */
  eventsAt(): number;
  wordAt(): number;
  dateAt(): number;
  vocabulary(eventWords: number, orphanedLength: number): void;
  setDate(length: number, ms: number): void;
}

const EVENT_SLOT = 16;
const EVENT_SLOTS = 16;
/** The room for the word and for a date in the module. */
const WORD_BYTES = 32;
const DATE_BYTES = 16;

/** What the module reads connector records by: emg.ts's words. */
export interface EmgVocabulary {
  readonly events: readonly Uint8Array[];
  /** 1 for each event whose ERR is an error. */
  readonly fails: ArrayLike<number>;
  readonly orphaned: Uint8Array;
  /** The flags and severity of a record the module marked (an OK whose INFO has the word), from its INFO at `buf[from, end)`. */
  readonly finishMarked: (out: FastRecords, r: number, buf: Uint8Array, from: number, end: number) => void;
}

export class EmgWasm {
  private readonly dateBytes: Uint8Array;

  constructor(readonly scan: WasmKeylessScan<EmgExports>) {
    this.dateBytes = new Uint8Array(scan.exports.memory.buffer, scan.exports.dateAt(), DATE_BYTES);
  }

  /** Tells the module the date a stamp reader read last (`date` as written, empty for none yet, and its day in ms). */
  readDate(date: Uint8Array, ms: number): void {
    if (date.length > DATE_BYTES) {
      this.scan.exports.setDate(0, 0);
      return;
    }
    this.dateBytes.set(date);
    this.scan.exports.setDate(date.length, ms);
  }
}

/** This thread's scan: made on first use; null when it cannot be (makeWasmScan, or words that do not fit). */
let threadScan: EmgWasm | null | undefined;

/** The scan for this thread, or undefined when the JavaScript loop is to run. `vocabulary` is read when it is made. */
export function emgWasmScan(vocabulary: EmgVocabulary): EmgWasm | undefined {
  if (threadScan === undefined) threadScan = makeEmgScan(vocabulary);
  return threadScan ?? undefined;
}

function makeEmgScan(vocabulary: EmgVocabulary): EmgWasm | null {
  const { events, fails, orphaned, finishMarked } = vocabulary;
  if (events.length > EVENT_SLOTS || events.some((word) => word.length > EVENT_SLOT - 2) || orphaned.length > WORD_BYTES || orphaned.length === 0) return null;
  // Levels of the severity table: 0 a plain record's severity, 1 an event-error's, 2 a failure's (the module writes no level).
  const scan = makeWasmScan<EmgExports>(EMG_SCAN_WASM, { levelSeverity: [Severity.Info, Severity.Warning, Severity.Error], finishMarked });
  if (scan === null) return null;
  const module = scan.exports;
  const memory = new Uint8Array(module.memory.buffer);
  events.forEach((word, k) => {
    const slot = module.eventsAt() + k * EVENT_SLOT;
    memory[slot] = word.length;
    memory[slot + 1] = fails[k];
    memory.set(word, slot + 2);
  });
  memory.set(orphaned, module.wordAt());
  module.vocabulary(events.length, orphaned.length);
  return new EmgWasm(scan);
}
