// Entry of an export worker thread (thread.ts): rebuilds the indexes from their copies, reads the
// logs' bytes from the files, writes the odd slices and posts each one's chunks, transferred.
import { workerData } from 'worker_threads';
import { CopiedIndex } from './exportIndex';
import { SliceWriter } from './serialiser';
import { AHEAD, type ExportWorkerData, POSTED, type SliceMessage, TAKEN } from './thread';

function run(job: ExportWorkerData): void {
  const counters = new Int32Array(job.counters);
  const post = (message: SliceMessage, transfer: ArrayBuffer[] = []): void => {
    job.port.postMessage(message, transfer);
    Atomics.add(counters, POSTED, 1);
    Atomics.notify(counters, POSTED);
  };
  const indexes: CopiedIndex[] = [];
  try {
    for (const input of job.inputs) indexes.push(new CopiedIndex(input.copy));
    const writer = new SliceWriter(
      job.inputs.map((input, i) => ({ index: indexes[i], path: input.path, source: input.source, dateBaseMs: input.dateBaseMs, files: input.files })),
      job.options,
      job.order,
    );
    const bounds = job.bounds;
    for (let k = 1; k + 1 < bounds.length; k += 2) {
      // Wait while AHEAD slices are posted and not taken.
      for (;;) {
        const taken = Atomics.load(counters, TAKEN);
        if (Atomics.load(counters, POSTED) - taken < AHEAD) break;
        Atomics.wait(counters, TAKEN, taken);
      }
      const chunks: Buffer[] = [];
      writer.write(bounds[k], bounds[k + 1], job.chunkBytes, (chunk) => chunks.push(chunk));
      if (writer.out.pos > 0) chunks.push(writer.take());
      post({ slice: k, chunks }, chunks.map((c) => c.buffer as ArrayBuffer));
    }
  } catch (e) {
    post({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    for (const index of indexes) index.close();
  }
}

run(workerData as ExportWorkerData);
