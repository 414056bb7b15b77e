// msglog check on two threads of a log read in parts with its parser's state (EMG, a PrivateServer
// table): the worker keeps its parts and writes their lines (keptParts.ts) when they began in the state
// this thread's part ends in, else hands them over. A PrivateServer table may come newest first: this
// thread decides its order from both sides' counts (OrderedStore.orderAs). The lines must be one scan's
// at every split, whether the table goes up or down in time, and when this thread's records alone go
// the other way than the whole table. The worker's side runs here (serveKeptParts, as the worker calls
// it); the parts are indexed as a worker indexes them (indexPart).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckBytes, CheckHeads, diagnosticFacts, LogIndex, MemorySource, writeCheckLine, writeLaterLines } from '../../server/src/engine';
import type { CheckFormat, CheckLines } from '../../server/src/engine/checkLines';
import { DIALECTS } from '../../server/src/engine/dialects';
import { heldPart, serveKeptParts } from '../../server/src/engine/keptParts';
import type { KeptPartsOrder } from '../../server/src/engine/keptParts';
import { indexPart } from '../../server/src/engine/parallel';
import type { PartAnswer, PartWorker } from '../../server/src/engine/parallel';
import { Stitcher } from '../../server/src/engine/stitcher';
import type { StorePart } from '../../server/src/engine/logIndex';
import type { Dialect } from '../../server/src/engine/types';
import { mixedEndings } from './helpers';
import { CTX, frontParts, lineStarts, SAMPLES, TABLES } from './partSamples';

function dialectOf(id: string): Dialect {
  const d = DIALECTS.find((x) => x.id === id);
  assert.ok(d, id);
  return d;
}
const PS = dialectOf('privateserver-log');
const CHECK = { keyless: true, problemLines: true } as const;
/** A worker that kept its parts, run on this thread: its answers as the worker posts them, the order served by serveKeptParts. */
class KeptHere {
  private readonly answers: (PartAnswer | CheckLines | { error: string })[] = [];

  constructor(
    private readonly source: MemorySource,
    private readonly dialect: Dialect,
    bounds: number[],
    from: number,
  ) {
    const kept = new Map<number, { k: number; part: StorePart; scannedTo: number; endsInPartialLine: boolean }>();
    // From the back, as a worker claims them.
    for (let k = bounds.length - 2; k >= from; k--) {
      const answer = indexPart(source, dialect, CTX, 1000, bounds[k], bounds[k + 1], CHECK, k);
      if (!('part' in answer)) throw new Error('no part');
      kept.set(k, answer);
      this.answers.push(structuredClone({ k, held: heldPart(answer.part, dialect) }));
    }
    this.answers.push({ k: -1, last: true, more: true });
    this.kept = kept;
  }

  private readonly kept: Map<number, { k: number; part: StorePart; scannedTo: number; endsInPartialLine: boolean }>;
  ordered: KeptPartsOrder['kind'] | undefined = undefined;

  poll(): PartAnswer | CheckLines | { error: string } | undefined {
    return this.answers.shift();
  }

  waitSync(): PartAnswer | CheckLines | { error: string } {
    return this.answers.shift() ?? { error: 'no answer' };
  }

  block(): void {}

  get ended(): boolean {
    return false;
  }

  send(order: KeptPartsOrder): void {
    this.ordered = order.kind;
    serveKeptParts(this.kept, structuredClone(order), { source: this.source, dialect: this.dialect, ctx: CTX, toleranceMs: 1000 }, (answer) => this.answers.push(structuredClone(answer)), () => []);
  }

  terminate(): void {}
}

/** check's lines of `index`: this thread's, then the worker's (as msglog check writes them). */
function checkLines(index: LogIndex, format: CheckFormat): string {
  const sink = new CheckBytes();
  const counts = { errors: 0, warnings: 0, written: 0 };
  const heads = new CheckHeads();
  diagnosticFacts(index, (d) => writeCheckLine(sink, format.json, format.file, d.line + 1, d.endLine + 1, d, heads, counts));
  const later = index.laterCheckLines?.();
  if (later !== undefined) writeLaterLines(sink, format.json, later, counts);
  return Buffer.concat(sink.take()).toString('utf8');
}

/** A parted build of check as buildParallel ends it with one worker that keeps its parts: the first `front` parts here. */
function keptBuild(dialect: Dialect, bytes: Buffer, bounds: number[], front: number, format: CheckFormat): { index: LogIndex; worker: KeptHere } {
  const source = new MemorySource(bytes);
  const index = frontParts(source, dialect, bounds, front, { ...CHECK, chunkSize: 7 });
  const worker = new KeptHere(source, dialect, bounds, front);
  const options = { ...CHECK, segments: true, checkFormat: format };
  const stitcher = new Stitcher(index, bounds.length - 1, [worker as unknown as PartWorker], front, options);
  for (stitcher.add(); !stitcher.done; stitcher.add()) stitcher.block();
  stitcher.end();
  if (stitcher.alone) index.goOnAlone(CHECK);
  return { index, worker };
}

/** Every split of `lines` into three parts (one or two of them this thread's), three line endings, text and JSON: one scan's check lines. */
function everySplit(dialect: Dialect, name: string, lines: string[]): void {
    let kept = 0;
    for (const bytes of [Buffer.from(lines.join('\n')), Buffer.from(lines.join('\r\n') + '\r\n'), Buffer.from(mixedEndings(lines))]) {
      const scanned = new LogIndex(new MemorySource(bytes), dialect, CTX);
      scanned.build(CHECK);
      const formats: CheckFormat[] = [
        { json: false, file: undefined },
        { json: true, file: 'table.tsv' },
      ];
      const expected = formats.map((format) => checkLines(scanned, format));
      assert.ok(expected[0].split('\n').length > 2, `${name}: the log has diagnostics`);
      const starts = lineStarts(bytes);
      for (let i = 0; i < starts.length; i++) {
        for (let j = i + 1; j < starts.length; j++) {
          for (const front of [1, 2]) {
            for (const [f, format] of formats.entries()) {
              const { index, worker } = keptBuild(dialect, bytes, [0, starts[i], starts[j], bytes.length], front, format);
              if (index.laterCheckLines !== undefined) kept++;
              else assert.ok(worker.ordered !== 'check', 'lines asked for are taken');
              assert.equal(checkLines(index, format), expected[f], `${name}: split at ${starts[i]}, ${starts[j]}, ${front} front parts, json ${format.json}`);
            }
          }
        }
      }
    }
    // Splits in the title or header row are read again here (the parts began in another table state).
    assert.ok(kept > 0, `${name}: some splits had the worker write its parts' lines`);
}

for (const [name, lines] of Object.entries(TABLES)) {
  test(`PrivateServer, ${name}: check's lines with the worker's parts kept, split at every pair of lines, equal one scan's`, () => everySplit(PS, name, lines));
}

for (const [id, lines] of Object.entries(SAMPLES)) {
  const d = dialectOf(id);
  if (d.splitsWithState === undefined) continue;
  test(`${id} sample: check's lines with the worker's parts kept, split at every pair of lines, equal one scan's`, () => everySplit(d, id, lines));
}

test('a table whose head goes up while the whole goes down is finished newest first on both threads', () => {
  const bytes = Buffer.from(TABLES['up, then more down'].join('\n'));
  const starts = lineStarts(bytes);
  // This thread's part: the head and the four rows going up; the worker's: the rest, going down.
  const { index } = keptBuild(PS, bytes, [0, starts[4], starts[7], bytes.length], 1, { json: false, file: undefined });
  assert.ok(index.laterCheckLines, 'the worker wrote its lines');
  assert.equal(index.descending, true);
  const scanned = new LogIndex(new MemorySource(bytes), PS, CTX);
  scanned.build(CHECK);
  assert.equal(scanned.descending, true);
  assert.equal(checkLines(index, { json: false, file: undefined }), checkLines(scanned, { json: false, file: undefined }));
});
